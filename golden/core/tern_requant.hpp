// C++ twin of rtl/core/tern_requant.sv (one lane's requantiser, three pipeline stages): every register, one
// call per clock edge, including the RTL's widths (mult 16 bits, shift 6 bits, the product and the rounding
// in AccBits+18 bits, out_bits_i/out_signed_i read in stages 2 and 3). With legal layer constants (model
// format: mult 1..65535, shift 0..47, out_bits 1..8) held for three cycles it equals requantise_q
// (golden/net/reference.hpp). Lockstep-checked by tests/core/test_requant.cpp.
#pragma once

#include <cstdint>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct RequantIn {
  int64_t acc = 0;  // signed, AccBits wide
  int mode = 0;     // 2 bits: 0 linear, 1 threshold, 2 raw (3 behaves as raw)
  int out_bits = 8; // 4 bits
  bool out_signed = false;
  int32_t q0 = 0, q1 = 0, q2 = 0;
};

class RequantModel {
 public:
  // Throws std::invalid_argument outside 1..46 accumulator bits (the product must fit 64 bits here).
  explicit RequantModel(int acc_bits = 32);
  int32_t y() const { return y_; }  // y_o: the registered result
  void tick(const RequantIn& in);   // rising edge with these inputs

 private:
  int acc_bits_, pbits_;
  // stage 1
  int64_t v_ = 0;
  bool ge_[3] = {false, false, false};
  uint32_t mult_ = 0;
  int shift_ = 0, mode_ = 0;
  // stage 2
  int64_t p_ = 0, v2_ = 0;
  int shift2_ = 0, mode2_ = 0, cnt_ = 0;
  // stage 3
  int32_t y_ = 0;
};

}  // namespace tern
