// Weight codes: ternary/binary/log2/AddNet/INT encodings shared by golden model, compiler and tests.
#include "golden/weights.hpp"

#include <algorithm>
#include <stdexcept>

namespace tern {

namespace {
const char* const kNames[kWeightTypeCount] = {"int8", "ternary", "binary", "log2", "addnet2", "addnet3", "addnet4"};

int64_t sign_extend(uint64_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (uint64_t{1} << bits) - 1;
  return static_cast<int64_t>(v ^ m) - static_cast<int64_t>(m);
}
}  // namespace

std::string to_string(WeightType t) {
  const auto i = static_cast<int>(t);
  if (i < 0 || i >= kWeightTypeCount) return "unknown";
  return kNames[i];
}

std::optional<WeightType> parse_weight_type(const std::string& name) {
  for (int i = 0; i < kWeightTypeCount; ++i) {
    if (name == kNames[i]) return static_cast<WeightType>(i);
  }
  return std::nullopt;
}

int code_bits(WeightType t, int int_bits) {
  switch (t) {
    case WeightType::kInt8: return int_bits;
    case WeightType::kTernary: return 2;
    case WeightType::kBinary: return 1;
    case WeightType::kLog2: return 4;
    case WeightType::kAddNet2: return 4;
    case WeightType::kAddNet3: return 6;
    case WeightType::kAddNet4: return 8;
  }
  throw std::invalid_argument("code_bits: bad weight type");
}

int value_bits(WeightType t, int int_bits) {
  switch (t) {
    case WeightType::kInt8: return int_bits;
    case WeightType::kTernary: return 2;
    case WeightType::kBinary: return 2;
    case WeightType::kLog2: return 8;
    case WeightType::kAddNet2: return 8;
    case WeightType::kAddNet3: return 9;
    case WeightType::kAddNet4: return 12;
  }
  throw std::invalid_argument("value_bits: bad weight type");
}

int clog2c(int64_t n) {
  int b = 0;
  while ((int64_t{1} << b) < n) ++b;
  return b;
}

int prod_bits(WeightType t, int int_bits, int act_bits) { return act_bits + value_bits(t, int_bits); }

int acc_bits(WeightType t, int int_bits, int act_bits, int64_t max_len) {
  return prod_bits(t, int_bits, act_bits) + clog2c(max_len);
}

const std::vector<int32_t>& addnet_magnitudes(int adders) {
  static const std::vector<int32_t> k2 = {0, 1, 2, 8, 28, 36, 44, 92};
  static const std::vector<int32_t> k3 = {0,  1,  2,  3,  4,  5,  6,  7,  9,   10,  12,  13,  14,  16,  23,
                                          29, 30, 32, 63, 69, 70, 72, 87, 93, 94, 96, 119, 125, 126, 128};
  static const std::vector<int32_t> k4 = {
      0,   1,   2,   4,   5,   7,   8,   9,   11,  13,  14,  15,  16,  18,  19,  20,  21,  22,  23,  24,  25,
      26,  27,  28,  29,  30,  31,  32,  33,  34,  36,  37,  38,  39,  40,  46,  48,  54,  58,  64,  69,  70,
      71,  74,  75,  76,  78,  80,  81,  82,  84,  85,  87,  94,  96,  102, 114, 118, 126, 134, 142, 150, 166,
      174, 182, 190, 194, 198, 206, 214, 222, 230, 238, 246, 258, 262, 270, 278, 286, 302, 310, 318, 326, 334,
      382, 398, 446, 450, 526, 566, 574, 582, 614, 622, 654, 662, 670, 686, 694, 710, 766, 782, 830, 1214};
  switch (adders) {
    case 2: return k2;
    case 3: return k3;
    case 4: return k4;
    default: throw std::invalid_argument("addnet_magnitudes: adders must be 2, 3 or 4");
  }
}

int addnet_adders(WeightType t) {
  switch (t) {
    case WeightType::kAddNet2: return 2;
    case WeightType::kAddNet3: return 3;
    case WeightType::kAddNet4: return 4;
    default: return 0;
  }
}

std::optional<int32_t> decode_weight(WeightType t, uint32_t code, int int_bits) {
  const int cb = code_bits(t, int_bits);
  if (cb < 32 && code >= (uint32_t{1} << cb)) return std::nullopt;
  switch (t) {
    case WeightType::kInt8: return static_cast<int32_t>(sign_extend(code, int_bits));
    case WeightType::kTernary:
      if (code == 0) return 0;
      if (code == 1) return 1;
      if (code == 3) return -1;
      return std::nullopt;  // 10 reserved
    case WeightType::kBinary: return code ? 1 : -1;
    case WeightType::kLog2: {
      const uint32_t f = code & 7u;
      const bool neg = (code >> 3) & 1u;
      if (f == 0) {
        if (neg) return std::nullopt;  // 1000 reserved ("-0")
        return 0;
      }
      const int32_t mag = int32_t{1} << (f - 1);
      return neg ? -mag : mag;
    }
    case WeightType::kAddNet2:
    case WeightType::kAddNet3:
    case WeightType::kAddNet4: {
      const auto& mags = addnet_magnitudes(addnet_adders(t));
      const uint32_t n = static_cast<uint32_t>(mags.size());
      if (code == 0) return 0;
      if (code > 2 * (n - 1)) return std::nullopt;
      const int32_t mag = mags[(code + 1) / 2];
      return (code & 1u) ? mag : -mag;  // odd index +, even index -
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> encode_weight(WeightType t, int32_t value, int int_bits) {
  switch (t) {
    case WeightType::kInt8: {
      const int32_t lo = -(int32_t{1} << (int_bits - 1));
      const int32_t hi = (int32_t{1} << (int_bits - 1)) - 1;
      if (value < lo || value > hi) return std::nullopt;
      return static_cast<uint32_t>(value) & ((uint32_t{1} << int_bits) - 1);
    }
    case WeightType::kTernary:
      if (value == 0) return 0u;
      if (value == 1) return 1u;
      if (value == -1) return 3u;
      return std::nullopt;
    case WeightType::kBinary:
      if (value == 1) return 1u;
      if (value == -1) return 0u;
      return std::nullopt;
    case WeightType::kLog2: {
      if (value == 0) return 0u;
      const uint32_t mag = static_cast<uint32_t>(value < 0 ? -value : value);
      for (uint32_t f = 1; f <= 7; ++f) {
        if (mag == (1u << (f - 1))) return (value < 0 ? 8u : 0u) | f;
      }
      return std::nullopt;
    }
    case WeightType::kAddNet2:
    case WeightType::kAddNet3:
    case WeightType::kAddNet4: {
      const auto& mags = addnet_magnitudes(addnet_adders(t));
      if (value == 0) return 0u;
      const int32_t mag = value < 0 ? -value : value;
      const auto it = std::find(mags.begin(), mags.end(), mag);
      if (it == mags.end()) return std::nullopt;
      const auto j = static_cast<uint32_t>(it - mags.begin());
      return value > 0 ? 2 * j - 1 : 2 * j;
    }
  }
  return std::nullopt;
}

std::vector<int32_t> weight_values(WeightType t, int int_bits) {
  std::vector<int32_t> v;
  const int cb = code_bits(t, int_bits);
  for (uint32_t c = 0; c < (uint32_t{1} << cb); ++c) {
    if (auto x = decode_weight(t, c, int_bits)) v.push_back(*x);
  }
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace tern
