// Seeded random valid/ready stall generators for driving handshakes in lockstep tests.
#pragma once

#include <cstdint>
#include <random>

namespace tern::tb {

// Yields true ("go") with probability `p_go` each call; p_go = 1 never stalls.
class Stall {
 public:
  Stall(double p_go, uint64_t seed) : p_go_(p_go), rng_(seed) {}
  bool next() { return p_go_ >= 1.0 || dist_(rng_) < p_go_; }
  double p_go() const { return p_go_; }

 private:
  double p_go_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

}  // namespace tern::tb
