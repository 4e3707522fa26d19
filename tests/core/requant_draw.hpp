// Random requantiser inputs shared by the requantiser tests (test_requant, test_requant_ser): accumulators at the
// extremes of their width, small or anywhere, and layer constants near zero, at the int32 limits or anywhere.
#pragma once

#include <array>
#include <cstdint>
#include <random>

namespace tern::test {

inline int64_t draw_acc(std::mt19937_64& rng, int bits) {
  const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
  switch (rng() % 4) {
    case 0: return rng() % 2 ? lo + static_cast<int64_t>(rng() % 4) : hi - static_cast<int64_t>(rng() % 4);
    case 1: return static_cast<int64_t>(rng() % 2001) - 1000;
    default: return lo + static_cast<int64_t>(rng() % (static_cast<uint64_t>(hi - lo) + 1));
  }
}

inline int32_t draw_q(std::mt19937_64& rng) {
  switch (rng() % 3) {
    case 0: return static_cast<int32_t>(rng() % 2001) - 1000;
    case 1:
      return rng() % 2 ? INT32_MIN + static_cast<int32_t>(rng() % 4) : INT32_MAX - static_cast<int32_t>(rng() % 4);
    default: return static_cast<int32_t>(static_cast<uint32_t>(rng()));
  }
}

// A layer's held constants as a legal model has them: mode 0 linear (1..8 bits, signed or not), 1 threshold
// (1 or 2 bits), 2 raw (8).
struct LegalLayer {
  int mode = 0, out_bits = 8;
  bool out_signed = false;
};

inline LegalLayer draw_legal_layer(std::mt19937_64& rng) {
  LegalLayer L;
  L.mode = static_cast<int>(rng() % 3);
  L.out_bits = L.mode == 2 ? 8 : L.mode == 1 ? 1 + static_cast<int>(rng() % 2) : 1 + static_cast<int>(rng() % 8);
  L.out_signed = L.mode == 0 && rng() % 2;
  return L;
}

// One output's q0..q2 (linear mode as in the model format: mult 1..65535, shift 0..47, bias any).
inline std::array<int32_t, 3> draw_legal_q(std::mt19937_64& rng, int mode) {
  std::array<int32_t, 3> q = {draw_q(rng), draw_q(rng), draw_q(rng)};
  if (mode == 0) {
    q[1] = 1 + static_cast<int32_t>(rng() % 65535);
    q[2] = static_cast<int32_t>(rng() % 48);
  }
  return q;
}

// A linear result at a clamp bound (0 or the largest code): the tests count these to show they reach the clamps.
inline bool at_clamp(int32_t y, const LegalLayer& L) {
  return L.mode == 0 && (y == 0 || y == (L.out_signed ? (1 << (L.out_bits - 1)) - 1 : (1 << L.out_bits) - 1));
}

}  // namespace tern::test
