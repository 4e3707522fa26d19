// Bit-exact reference of the arithmetic units in rtl/arith: products, dot products, XNOR-popcount.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/weights.hpp"

namespace tern {

// Interprets the low `bits` of `raw` as an activation (two's complement if `is_signed`).
int64_t act_value(uint64_t raw, int bits, bool is_signed);

// Product of one activation and one weight code (reserved codes count as 0, as in the RTL).
int64_t product(WeightType t, uint32_t wcode, int64_t act, int int_bits = 8);

// Sum of products over equal-length vectors of activations and weight codes.
int64_t dot(WeightType t, const std::vector<uint32_t>& wcodes, const std::vector<int64_t>& acts, int int_bits = 8);

// Binary XNOR-popcount dot product of n packed lanes (bit 1 = +1, 0 = -1): 2*popcount(~(w^a)) - n.
int32_t xnor_dot(const std::vector<uint8_t>& wbits, const std::vector<uint8_t>& abits);

// Wraps `v` to a `bits`-wide two's complement value (what a register of that width holds).
int64_t wrap_signed(int64_t v, int bits);

// Activation kinds (tern_pkg::Ak*, MAC parameter ActKind): how one activation lane is coded.
//   kInt:     `bits`-wide integer, two's complement if signed (any weight type)
//   kLog2:    4-bit code {sign, f}, the same code as a log2 weight: f = 0 is 0, else +-2^(f-1);
//             1000 is reserved and reads as 0 (only with log2 weights: products are +-2^(0..12))
//   kBipolar: 1 bit, 1 = +1 and 0 = -1 (only with binary weights: the product is XNOR)
enum class ActKind : uint8_t { kInt = 0, kLog2 = 1, kBipolar = 2 };
inline constexpr int kActKindCount = 3;

// Value of one raw activation lane of the given kind (`bits` and `is_signed` apply to kInt only).
int64_t act_decode(ActKind k, uint64_t raw, int bits, bool is_signed);
// Whether the RTL supports the combination (kLog2: log2 weights and 4 bits; kBipolar: binary, 1 bit).
bool act_kind_supported(WeightType t, ActKind k, int act_bits);
// Product and accumulator widths per activation kind (tern_pkg::act_prod_bits / act_acc_bits).
int act_prod_bits(WeightType t, int int_bits, int act_bits, ActKind k);
int act_acc_bits(WeightType t, int int_bits, int act_bits, ActKind k, int64_t max_len);

}  // namespace tern
