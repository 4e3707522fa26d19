// Benchmark workload shapes and synthetic models (golden/accel/workloads.hpp).
#include "golden/accel/workloads.hpp"

#include <random>

#include "golden/weights.hpp"

namespace tern {

// A network with random weights of one type at a given sparsity (values irrelevant for timing;
// the arithmetic is checked bit-exactly in tests/accel).
Model synth_model(const std::string& name, int C, int H, int W, const std::vector<LayerSpec>& specs, WeightType wt,
                  double sparsity, int act_bits, uint64_t seed, bool int8_ends) {
  std::mt19937_64 rng(seed);
  Model m;
  m.name = name;
  m.dataset = "synthetic";
  m.in_C = C, m.in_H = H, m.in_W = W, m.in_bits = 8;
  int bits = 8;
  const size_t nw = [&] {
    size_t k = 0;
    for (const auto& s : specs) k += s.type != LayerType::kMaxPool;
    return k;
  }();
  size_t wi = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& s = specs[i];
    Layer L;
    L.name = "L" + std::to_string(i);
    L.type = s.type;
    if (s.type == LayerType::kMaxPool) {
      L.C = L.M = C, L.H = H, L.W = W, L.R = L.S = s.R, L.stride = s.stride;
      L.E = (H - s.R) / s.stride + 1, L.F = (W - s.R) / s.stride + 1;
      m.layers.push_back(L);
      H = L.E, W = L.F;
      continue;
    }
    const bool end = int8_ends && (wi == 0 || wi + 1 == nw);
    ++wi;
    L.wtype = end ? WeightType::kInt8 : wt;
    L.act_bits = bits;
    L.M = s.M;
    if (s.type == LayerType::kFc) {
      L.C = C * H * W, L.H = L.W = 1, L.E = L.F = 1;
    } else {
      L.C = C, L.H = H, L.W = W, L.R = L.S = s.R, L.stride = s.stride, L.pad = s.pad;
      L.E = (H + 2 * s.pad - s.R) / s.stride + 1, L.F = (W + 2 * s.pad - s.R) / s.stride + 1;
    }
    const auto values = weight_values(L.wtype);
    std::vector<int32_t> nz;
    for (int32_t v : values) {
      if (v != 0) nz.push_back(v);
    }
    std::bernoulli_distribution zero(end ? 0.0 : sparsity);
    std::uniform_int_distribution<size_t> pick(0, nz.size() - 1);
    L.weights.resize(static_cast<size_t>(L.M) * L.row_len());
    for (auto& w : L.weights) w = (L.wtype != WeightType::kBinary && zero(rng)) ? 0 : nz[pick(rng)];
    const bool last = i + 1 == specs.size();
    if (last) {
      L.mode = RequantMode::kRaw;
      L.out_bits = 32;
      L.out_signed = true;
      L.bias.assign(L.M, 0);
    } else {
      L.mode = RequantMode::kLinear;
      L.out_bits = act_bits;
      L.bias.assign(L.M, 0);
      L.mult.assign(L.M, 40000);
      L.shift.assign(L.M, 20);
    }
    m.layers.push_back(L);
    C = L.M, H = L.E, W = L.F;
    if (s.type == LayerType::kFc) H = W = 1;
    bits = L.out_bits;
  }
  m.classes = C * H * W;
  validate_model(m, name);
  return m;
}

std::vector<LayerSpec> lenet_specs() {
  return {{LayerType::kConv, 32, 5, 1, 2}, {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kConv, 64, 5, 1, 2},
          {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kFc, 512}, {LayerType::kFc, 10}};
}
std::vector<LayerSpec> mlp_specs() {
  return {{LayerType::kFc, 1024}, {LayerType::kFc, 1024}, {LayerType::kFc, 1024}, {LayerType::kFc, 10}};
}
std::vector<LayerSpec> vgg_specs() {
  return {{LayerType::kConv, 128, 3, 1, 1}, {LayerType::kConv, 128, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kConv, 256, 3, 1, 1}, {LayerType::kConv, 256, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kConv, 512, 3, 1, 1}, {LayerType::kConv, 512, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kFc, 1024},          {LayerType::kFc, 1024},          {LayerType::kFc, 10}};
}

}  // namespace tern
