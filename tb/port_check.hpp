// Lockstep comparison of RTL outputs with their C++ twin's values in one cycle: each mismatch is one GoogleTest
// failure naming the test bench, the port, both values and the cycle.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace tern::tb {

class PortCheck {
 public:
  PortCheck(const std::string& bench, uint64_t cycle) : bench_(bench), cycle_(cycle) {}
  void operator()(const std::string& port, uint64_t got, uint64_t want) {
    if (got == want) return;
    ADD_FAILURE() << bench_ << ": " << port << " RTL " << got << " twin " << want << " at cycle " << cycle_;
    ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  const std::string& bench_;
  uint64_t cycle_;
  bool ok_ = true;
};

}  // namespace tern::tb
