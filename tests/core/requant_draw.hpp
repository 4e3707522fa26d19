// Random requantiser inputs shared by the requantiser tests (test_requant, test_requant_ser): accumulators at the
// extremes of their width, small or anywhere, and layer constants near zero, at the int32 limits or anywhere.
#pragma once

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

}  // namespace tern::test
