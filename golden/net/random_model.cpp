// Random model generator: each layer drawn so the network chains and the accumulators cannot overflow.
#include "golden/net/random_model.hpp"

#include <algorithm>
#include <cmath>

#include "golden/weights.hpp"

namespace tern {

namespace {

int uni(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
bool coin(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

void fill_weights(std::mt19937_64& rng, Layer& L, double sparsity) {
  const auto values = weight_values(L.wtype);
  std::vector<int32_t> nz;
  for (int32_t v : values) {
    if (v != 0) nz.push_back(v);
  }
  L.weights.resize(static_cast<size_t>(L.M) * L.row_len());
  for (auto& w : L.weights) {
    const bool zero = L.wtype != WeightType::kBinary && coin(rng, sparsity);
    w = zero ? 0 : nz[static_cast<size_t>(uni(rng, 0, static_cast<int>(nz.size()) - 1))];
  }
  // Now and then an all-zero filter (the decompressors' empty-row case).
  if (L.wtype != WeightType::kBinary && L.M > 1 && coin(rng, 0.2)) {
    const int m = uni(rng, 0, L.M - 1);
    std::fill(L.weights.begin() + static_cast<int64_t>(m) * L.row_len(),
              L.weights.begin() + static_cast<int64_t>(m + 1) * L.row_len(), 0);
  }
}

// Requantisation that spreads typical accumulators over the output range.
void fill_requant(std::mt19937_64& rng, Layer& L, bool last) {
  int64_t amax = L.act_bits == 1 && L.act_signed ? 1 : (int64_t{1} << L.act_bits) - 1;
  if (L.act_signed && L.act_bits > 1) amax = int64_t{1} << (L.act_bits - 1);
  double wmag = 0;
  for (int m = 0; m < L.M; ++m) {
    for (int c = 0; c < L.C; ++c) {
      for (int r = 0; r < L.R; ++r) {
        for (int s = 0; s < L.S; ++s) wmag += static_cast<double>(std::abs(L.eff_weight(m, c, r, s)));
      }
    }
  }
  wmag /= std::max<size_t>(1, L.weights.size());
  const double spread = std::max(1.0, wmag * static_cast<double>(amax) * std::sqrt(static_cast<double>(L.row_len())));
  const int mode_pick = uni(rng, 0, 9);
  if (last && mode_pick < 5) {
    L.mode = RequantMode::kRaw;
    L.out_bits = 32;
    L.out_signed = true;
    L.bias.resize(L.M);
    for (auto& b : L.bias) b = uni(rng, -1000, 1000);
    return;
  }
  if (mode_pick == 9 && !last) {
    L.mode = RequantMode::kThreshold;
    L.out_bits = uni(rng, 1, 2);
    L.out_signed = false;
    const int nt = (1 << L.out_bits) - 1;
    for (int m = 0; m < L.M; ++m) {
      std::vector<int32_t> t(nt);
      for (auto& x : t) x = static_cast<int32_t>(std::lround(std::normal_distribution<double>(0, spread / 2)(rng)));
      std::sort(t.begin(), t.end());
      L.thresholds.insert(L.thresholds.end(), t.begin(), t.end());
    }
    return;
  }
  L.mode = RequantMode::kLinear;
  L.out_bits = uni(rng, 1, 8);
  L.out_signed = coin(rng, 0.25);  // 1-bit signed too: {-1, 0}
  L.bias.resize(L.M);
  L.mult.resize(L.M);
  L.shift.resize(L.M);
  for (int m = 0; m < L.M; ++m) {
    L.mult[m] = uni(rng, 1 << 14, 65535);
    // y ~ acc * mult / 2^shift should span about 2^out_bits
    const double want = spread * L.mult[m] / std::pow(2.0, L.out_bits);
    L.shift[m] = std::clamp(static_cast<int>(std::lround(std::log2(std::max(1.0, want)))) + uni(rng, -1, 1), 0, 47);
    L.bias[m] = static_cast<int32_t>(std::lround(std::normal_distribution<double>(0, spread / 4)(rng)));
  }
}

}  // namespace

Model random_model(std::mt19937_64& rng, const RandomModelSpec& spec) {
  Model m;
  m.name = "random";
  m.dataset = "random";
  m.in_C = uni(rng, 1, spec.max_c);
  m.in_H = uni(rng, 3, spec.max_hw);
  m.in_W = uni(rng, 3, spec.max_hw);
  m.in_bits = 8;
  int C = m.in_C, H = m.in_H, W = m.in_W, bits = 8;
  bool sg = false;
  const int n = uni(rng, spec.min_layers, spec.max_layers);
  std::vector<WeightType> types;
  for (int t = 0; t < kWeightTypeCount; ++t) {
    if ((spec.weight_types >> t) & 1u) types.push_back(static_cast<WeightType>(t));
  }
  for (int i = 0; i < n; ++i) {
    const bool last = i == n - 1;
    Layer L;
    L.name = "L" + std::to_string(i);
    int kind = uni(rng, 0, 9);  // 0-5 conv, 6-7 fc, 8-9 pool
    if (!spec.allow_pool || last || H < 2 || W < 2) kind = std::min(kind, 7);
    if (!spec.allow_fc && kind >= 6 && kind <= 7) kind = 0;
    if (kind >= 8) {
      L.type = LayerType::kMaxPool;
      const int k = uni(rng, 2, std::min({3, H, W}));
      L.R = L.S = k;
      L.stride = uni(rng, 1, k);
      L.C = L.M = C;
      L.H = H, L.W = W;
      L.E = (H - k) / L.stride + 1;
      L.F = (W - k) / L.stride + 1;
      m.layers.push_back(L);
      H = L.E, W = L.F;
      continue;
    }
    L.wtype = types[static_cast<size_t>(uni(rng, 0, static_cast<int>(types.size()) - 1))];
    L.act_bits = bits;
    L.act_signed = sg;
    if (bits == 1 && !sg && spec.allow_signed && coin(rng, 0.5)) L.act_signed = true;  // XNOR: {0,1} -> {-1,+1}
    L.M = last ? uni(rng, 2, 10) : uni(rng, 1, spec.max_m);
    if (!last && spec.max_m >= 8 && coin(rng, spec.m_mult8)) L.M = 8 * uni(rng, 1, spec.max_m / 8);
    if (kind >= 6) {
      L.type = LayerType::kFc;
      L.C = C * H * W;
      L.H = L.W = 1;
      L.R = L.S = 1;
      L.stride = 1;
      L.pad = 0;
      L.E = L.F = 1;
    } else {
      L.type = LayerType::kConv;
      L.C = C, L.H = H, L.W = W;
      L.R = uni(rng, 1, std::min(5, H + 2));
      L.S = uni(rng, 1, std::min(5, W + 2));
      L.pad = uni(rng, 0, std::min(L.R, L.S) - 1);
      while (L.R > H + 2 * L.pad || L.S > W + 2 * L.pad) ++L.pad;
      if (L.pad >= std::min(L.R, L.S)) {
        L.R = L.S = 1;
        L.pad = 0;
      }
      L.stride = uni(rng, 1, 3);
      L.E = (H + 2 * L.pad - L.R) / L.stride + 1;
      L.F = (W + 2 * L.pad - L.S) / L.stride + 1;
    }
    fill_weights(rng, L, std::uniform_real_distribution<double>(0.0, spec.max_sparsity)(rng));
    if (spec.allow_syq && coin(rng, 0.25)) {
      L.syq = coin(rng, 0.5) ? SyqMode::kPixel : SyqMode::kRow;
      std::vector<int32_t> rows(static_cast<size_t>(L.R));
      for (auto& q : rows) q = uni(rng, 1, 255);
      for (int r = 0; r < L.R; ++r) {
        for (int s = 0; s < L.S; ++s) L.syq_scales.push_back(L.syq == SyqMode::kRow ? rows[r] : uni(rng, 1, 255));
      }
    }
    fill_requant(rng, L, last);
    while (!spec.allow_threshold && L.mode == RequantMode::kThreshold) {
      L.thresholds.clear();
      fill_requant(rng, L, last);
    }
    m.layers.push_back(L);
    C = L.M, H = L.E, W = L.F;
    bits = L.out_bits;
    sg = L.out_signed;
    if (L.type == LayerType::kFc) H = W = 1;
  }
  m.classes = C * H * W;
  validate_model(m, "random_model");
  return m;
}

std::vector<uint8_t> random_image(std::mt19937_64& rng, const Model& m) {
  std::vector<uint8_t> img(static_cast<size_t>(m.in_C) * m.in_H * m.in_W);
  for (auto& p : img) p = static_cast<uint8_t>(uni(rng, 0, 255));
  return img;
}

}  // namespace tern
