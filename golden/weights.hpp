// Weight types and their bit-level codes (docs/formats.md): the single C++ definition of every code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tern {

// Numbering matches tern_pkg::Wt* in rtl/common/tern_pkg.sv and the descriptor field `wtype`.
enum class WeightType : uint8_t {
  kInt8 = 0,
  kTernary = 1,
  kBinary = 2,
  kLog2 = 3,
  kAddNet2 = 4,
  kAddNet3 = 5,
  kAddNet4 = 6,
};
inline constexpr int kWeightTypeCount = 7;

// Name as used in model files ("int8", "ternary", ...); parse returns nullopt for unknown names.
std::string to_string(WeightType t);
std::optional<WeightType> parse_weight_type(const std::string& name);

// Code width in bits (int8: `int_bits`).
int code_bits(WeightType t, int int_bits = 8);
// Signed width holding every value of the type (tern_pkg::value_bits).
int value_bits(WeightType t, int int_bits = 8);
// Product and accumulator widths (tern_pkg::prod_bits / acc_bits).
int prod_bits(WeightType t, int int_bits, int act_bits);
int acc_bits(WeightType t, int int_bits, int act_bits, int64_t max_len);
int clog2c(int64_t n);

// Value of a code; nullopt for reserved codes.
std::optional<int32_t> decode_weight(WeightType t, uint32_t code, int int_bits = 8);
// Code of a value; nullopt if the value is not representable in the type.
std::optional<uint32_t> encode_weight(WeightType t, int32_t value, int int_bits = 8);
// All representable values, ascending.
std::vector<int32_t> weight_values(WeightType t, int int_bits = 8);

// Thesis Table 6.2 coefficient magnitudes (including 0) of the k-adder RCCM, k in {2,3,4}.
const std::vector<int32_t>& addnet_magnitudes(int adders);
// Number of adders of an AddNet type (2..4), 0 for other types.
int addnet_adders(WeightType t);

}  // namespace tern
