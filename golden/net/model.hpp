// Tern model file (.tnm, docs/model_format.md): in-memory network description and its validating loader.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/weights.hpp"

namespace tern {

// A malformed model file; the message names the file, layer and field.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class LayerType : uint8_t { kConv = 1, kFc = 2, kMaxPool = 3 };
enum class RequantMode : uint8_t { kLinear = 0, kThreshold = 1, kRaw = 2 };
enum class SyqMode : uint8_t { kNone = 0, kPixel = 1, kRow = 2 };

struct Layer {
  std::string name;
  LayerType type = LayerType::kConv;
  int C = 0, H = 0, W = 0;  // input shape
  int M = 0, E = 0, F = 0;  // output shape
  int R = 1, S = 1, stride = 1, pad = 0;
  WeightType wtype = WeightType::kInt8;
  std::vector<int32_t> weights;  // [M][C][R][S] integer values
  int act_bits = 8;
  bool act_signed = false;
  SyqMode syq = SyqMode::kNone;
  std::vector<int32_t> syq_scales;  // per kernel position, R*S entries (row mode expanded), 1..255
  RequantMode mode = RequantMode::kLinear;
  std::vector<int32_t> bias, mult, shift;  // [M]
  std::vector<int32_t> thresholds;         // [M][2^out_bits - 1]
  int out_bits = 8;
  bool out_signed = false;

  bool has_weights() const { return type != LayerType::kMaxPool; }
  int64_t row_len() const { return int64_t{C} * R * S; }
  int64_t in_elems() const { return int64_t{C} * H * W; }
  int64_t out_elems() const { return int64_t{M} * E * F; }
  int32_t weight(int m, int c, int r, int s) const {
    return weights[((static_cast<size_t>(m) * C + c) * R + r) * S + s];
  }
  // Effective integer weight including the SYQ kernel-position scale.
  int64_t eff_weight(int m, int c, int r, int s) const {
    const int64_t w = weight(m, c, r, s);
    return syq == SyqMode::kNone ? w : w * syq_scales[static_cast<size_t>(r) * S + s];
  }
};

struct Model {
  std::string name;
  std::string dataset;
  int in_C = 1, in_H = 28, in_W = 28, in_bits = 8;
  int classes = 10;
  std::vector<Layer> layers;
  std::string header_json;  // the JSON header as stored, for reports
};

// Loads and validates a .tnm file; throws ModelError naming what is wrong and where.
Model load_model(const std::string& path);
// Parses an already-decompressed container (for tests and fuzzing).
Model parse_model(const std::vector<uint8_t>& raw, const std::string& origin = "<memory>");
// Checks internal consistency of a Model built in memory (shapes chain, value sets, ranges).
void validate_model(const Model& m, const std::string& origin = "<model>");

}  // namespace tern
