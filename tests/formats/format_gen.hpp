// Random weight rows for format and decompressor tests: any weight type, any sparsity, reproducible.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "golden/formats/format.hpp"
#include "golden/weights.hpp"

namespace tern::test {

// Code width used for a weight type in tests (int8 at 8 bits unless given).
inline int test_code_bits(WeightType t, int int_bits = 8) { return code_bits(t, int_bits); }

// A row of `len` codes, each zero with probability `zero_p` (binary rows have no zeros).
inline std::vector<uint32_t> random_row(std::mt19937_64& rng, WeightType t, int code_bits, int64_t len,
                                        double zero_p) {
  std::vector<int32_t> nz;
  for (int32_t v : weight_values(t, code_bits)) {
    if (v != 0) nz.push_back(v);
  }
  std::uniform_int_distribution<size_t> pick(0, nz.size() - 1);
  std::bernoulli_distribution zero(zero_p);
  std::vector<uint32_t> row(static_cast<size_t>(len));
  for (auto& c : row) {
    const bool z = zero(rng) && t != WeightType::kBinary;
    c = *encode_weight(t, z ? 0 : nz[pick(rng)], code_bits);
  }
  return row;
}

inline constexpr WeightType kAllTypes[] = {WeightType::kInt8,    WeightType::kTernary, WeightType::kBinary,
                                           WeightType::kLog2,    WeightType::kAddNet2, WeightType::kAddNet3,
                                           WeightType::kAddNet4};
inline constexpr Format kAllFormats[] = {Format::kDense, Format::kRle, Format::kBitmap, Format::kCsc,
                                         Format::kRleAligned};

// The format carries the weight type (rle8: ternary and binary only).
inline bool format_carries(Format f, WeightType t) {
  return f != Format::kRleAligned || t == WeightType::kTernary || t == WeightType::kBinary;
}

}  // namespace tern::test
