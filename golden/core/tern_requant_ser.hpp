// C++ twin of rtl/core/tern_requant_ser.sv (the serial requantiser of RqSerial builds): the start / busy /
// done schedule of kLatency cycles and every datapath register (the shift-and-add product in AccBits+18
// bits, the six shift steps, the rounding step and the clamp), one call per clock edge. With legal layer
// constants (model format: mult 1..65535, shift 0..47, out_bits 1..8) it equals requantise_q
// (golden/net/reference.hpp) and tern_requant. Lockstep-checked by tests/core/test_requant.cpp.
#pragma once

#include <cstdint>

#include "golden/core/tern_requant.hpp"

namespace tern {

class RequantSerModel {
 public:
  static constexpr int kLatency = 24;  // cycles from start_i to done_o (tern_requant_ser Latency)
  // Throws std::invalid_argument outside 2..46 accumulator bits.
  explicit RequantSerModel(int acc_bits = 32);
  bool busy() const { return busy_; }
  bool done() const { return done_; }
  int32_t y() const { return y_; }  // y_o
  void reset() { busy_ = done_ = false, st_ = 0; }
  // Rising edge: rst (rst_ni low) or clear abandons the job; start samples `in` (out_bits and out_signed
  // are read every cycle, as the RTL reads its held ports).
  void tick(bool rst, bool clear, bool start, const RequantIn& in);

 private:
  int acc_bits_, pbits_;
  bool busy_ = false, done_ = false;
  int st_ = 0;
  int64_t v_ = 0, x_ = 0;  // x_ holds the PBits-wide product register as a signed value
  int cnt_ = 0, mode_ = 0, s1_ = 0;
  bool rnd_ = false;
  int32_t y_ = 0;
};

}  // namespace tern
