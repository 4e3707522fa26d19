// Reference inference: conv/fc accumulate, requantise (linear/threshold/raw), max-pool, all in int64.
#include "golden/net/reference.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tern {

int64_t act_operand(const Layer& L, int32_t raw) {
  if (L.act_bits == 1 && L.act_signed) return raw ? 1 : -1;
  return raw;
}

int64_t accumulate(const Layer& L, const std::vector<int32_t>& in, int m, int y, int x) {
  int64_t acc = 0;
  for (int c = 0; c < L.C; ++c) {
    for (int r = 0; r < L.R; ++r) {
      const int iy = y * L.stride - L.pad + r;
      if (iy < 0 || iy >= L.H) continue;
      for (int s = 0; s < L.S; ++s) {
        const int ix = x * L.stride - L.pad + s;
        if (ix < 0 || ix >= L.W) continue;
        const int64_t w = L.eff_weight(m, c, r, s);
        if (w == 0) continue;
        acc += w * act_operand(L, in[(static_cast<size_t>(c) * L.H + iy) * L.W + ix]);
      }
    }
  }
  return acc;
}

int32_t requantise_q(int mode, int out_bits, bool out_signed, int32_t q0, int32_t q1, int32_t q2, int64_t acc) {
  switch (mode) {
    case 0: {
      const int64_t v = acc + q0;
      const int64_t p = v * q1;
      const int sh = q2;
      const int64_t y = sh > 0 ? (p + (int64_t{1} << (sh - 1))) >> sh : p;
      const int64_t lo = out_signed ? -(int64_t{1} << (out_bits - 1)) : 0;
      const int64_t hi = out_signed ? (int64_t{1} << (out_bits - 1)) - 1 : (int64_t{1} << out_bits) - 1;
      return static_cast<int32_t>(std::clamp(y, lo, hi));
    }
    case 1: {
      int32_t y = acc >= q0 ? 1 : 0;
      if (out_bits == 2) y += (acc >= q1 ? 1 : 0) + (acc >= q2 ? 1 : 0);
      return y;
    }
    case 2: {
      const int64_t v = acc + q0;
      return static_cast<int32_t>(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                                      std::numeric_limits<int32_t>::max()));
    }
    default: throw std::logic_error("requantise: bad mode");
  }
}

int32_t requantise(const Layer& L, int m, int64_t acc) {
  switch (L.mode) {
    case RequantMode::kLinear: return requantise_q(0, L.out_bits, L.out_signed, L.bias[m], L.mult[m], L.shift[m], acc);
    case RequantMode::kThreshold: {
      const int nt = (1 << L.out_bits) - 1;
      const int32_t* t = &L.thresholds[static_cast<size_t>(m) * nt];
      return requantise_q(1, L.out_bits, false, t[0], nt > 1 ? t[1] : 0, nt > 1 ? t[2] : 0, acc);
    }
    case RequantMode::kRaw: return requantise_q(2, 32, true, L.bias[m], 0, 0, acc);
  }
  throw std::logic_error("requantise: bad mode");
}

std::vector<int32_t> run_layer(const Layer& L, const std::vector<int32_t>& in) {
  if (static_cast<int64_t>(in.size()) != L.in_elems()) throw std::invalid_argument("run_layer: input size mismatch");
  std::vector<int32_t> out(static_cast<size_t>(L.out_elems()));
  if (L.type != LayerType::kMaxPool) {
    // The same loop nest as accumulate(), with each filter's zero weights dropped once up front.
    struct Tap {
      int r, s;
      int64_t off;  // c*H*W + r*W + s
      int64_t w;
    };
    const bool xnor = L.act_bits == 1 && L.act_signed;
    for (int m = 0; m < L.M; ++m) {
      std::vector<Tap> taps;
      for (int c = 0; c < L.C; ++c) {
        for (int r = 0; r < L.R; ++r) {
          for (int s = 0; s < L.S; ++s) {
            const int64_t w = L.eff_weight(m, c, r, s);
            if (w != 0) taps.push_back({r, s, (int64_t{c} * L.H + r) * L.W + s, w});
          }
        }
      }
      for (int y = 0; y < L.E; ++y) {
        const int y0 = y * L.stride - L.pad;
        for (int x = 0; x < L.F; ++x) {
          const int x0 = x * L.stride - L.pad;
          const bool inside = y0 >= 0 && x0 >= 0 && y0 + L.R <= L.H && x0 + L.S <= L.W;
          const int64_t base = int64_t{y0} * L.W + x0;  // may be negative; only valid taps are read
          int64_t acc = 0;
          for (const Tap& t : taps) {
            if (!inside) {
              const int iy = y0 + t.r, ix = x0 + t.s;
              if (iy < 0 || iy >= L.H || ix < 0 || ix >= L.W) continue;
            }
            const int32_t a = in[static_cast<size_t>(base + t.off)];
            acc += t.w * (xnor ? (a ? 1 : -1) : a);
          }
          out[(static_cast<size_t>(m) * L.E + y) * L.F + x] = requantise(L, m, acc);
        }
      }
    }
    return out;
  }
  for (int m = 0; m < L.M; ++m) {
    for (int y = 0; y < L.E; ++y) {
      for (int x = 0; x < L.F; ++x) {
        int32_t v;
        if (L.type == LayerType::kMaxPool) {
          v = std::numeric_limits<int32_t>::min();
          for (int r = 0; r < L.R; ++r) {
            for (int s = 0; s < L.S; ++s) {
              v = std::max(v, in[(static_cast<size_t>(m) * L.H + y * L.stride + r) * L.W + x * L.stride + s]);
            }
          }
        } else {
          v = requantise(L, m, accumulate(L, in, m, y, x));
        }
        out[(static_cast<size_t>(m) * L.E + y) * L.F + x] = v;
      }
    }
  }
  return out;
}

std::vector<std::vector<int32_t>> run_reference(const Model& m, const std::vector<uint8_t>& image) {
  std::vector<int32_t> cur(image.begin(), image.end());
  if (static_cast<int64_t>(cur.size()) != int64_t{m.in_C} * m.in_H * m.in_W) {
    throw std::invalid_argument("run_reference: image size does not match the model input");
  }
  std::vector<std::vector<int32_t>> outs;
  for (const Layer& L : m.layers) {
    cur = run_layer(L, cur);
    outs.push_back(cur);
  }
  return outs;
}

int argmax(const std::vector<int32_t>& logits) {
  int best = 0;
  for (size_t i = 1; i < logits.size(); ++i) {
    if (logits[i] > logits[best]) best = static_cast<int>(i);
  }
  return best;
}

}  // namespace tern
