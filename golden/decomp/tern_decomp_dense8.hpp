// C++ twin of rtl/decomp/tern_decomp_dense8.sv (packed dense ternary/binary rows, eight codes an entry):
// the same registers and combinational decisions, one call per clock edge; the cycle model's decompressor of
// packed columns, lockstep-checked against the RTL by tests/decomp/test_decomp_dense8.cpp.
#pragma once

#include <cstdint>

#include "golden/decomp_model.hpp"

namespace tern {

// Ports as in DecompIn/DecompOut: code_bits is ignored, code carries codes_o (8 codes, code j at
// [j*cb +: cb]), empty is always false.
class Dense8Model {
 public:
  // Throws std::invalid_argument for an IdxBits the RTL rejects (4..16).
  explicit Dense8Model(int idx_bits = 16);
  void reset();                              // rst_ni low for a cycle
  DecompOut eval(const DecompIn& in) const;  // outputs before the edge
  void tick(const DecompIn& in);             // the rising edge

 private:
  struct Comb;
  Comb comb(const DecompIn& in) const;

  int idx_bits_;
  uint32_t len_mask_;  // IdxBits+1 bits (len_q, idx_q)
  bool run_ = false, err_ = false, tern_ = false, sv_ = false, wl_ = false;
  int err_code_ = 0;
  uint32_t len_ = 0, idx_ = 0;
  uint64_t slot_ = 0;
  int ptr_ = 0;  // entry within the slot
};

}  // namespace tern
