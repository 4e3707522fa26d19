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

}  // namespace tern
