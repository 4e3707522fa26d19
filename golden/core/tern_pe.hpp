// C++ twin of rtl/core/tern_pe.sv (one MAC lane of a column): the operand selection of every mode (bit-parallel
// multiplier per weight type, SYQ, bit-serial, packed ternary/binary/XNOR tree), the P-stage registers and the
// two accumulators, one call per clock edge, at the RTL's widths. Lockstep-checked by tests/core/test_pe.cpp.
#pragma once

#include <cstdint>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct PeIn {
  bool bitserial = false, syq = false, xnor = false, act_signed = false, pack = false;  // layer constants
  int wtype = 0;                                                                          // 3 bits
  bool en = false, first = false, shift = false, neg = false;
  int plane = 0;  // 3 bits
  bool par = false;
  uint32_t code = 0;   // 8 bits
  int32_t wval = 0;    // 21 bits, signed
  bool wnz = false;
  uint16_t pcodes = 0;
  uint64_t act = 0;
  int bsel = 0;  // 3 bits
  bool ok = false;
  bool dpar = false;
};

class PeModel {
 public:
  // Build parameters of the RTL (MacTypes mask, BitSerial, Syq, Pack 1 or 8, AccBits 24..48); throws
  // std::invalid_argument outside them.
  PeModel(uint32_t mac_types, bool bitserial, bool syq, int pack, int acc_bits);
  uint64_t acc(bool dpar) const { return acc_[dpar ? 1 : 0]; }  // acc_o (AccBits wide, unsigned)
  void tick(const PeIn& in);
  // The value the P stage registers for these inputs (contrib), AccBits wide.
  uint64_t contribution(const PeIn& in) const;

 private:
  uint32_t mac_types_;
  bool bitserial_, syq_;
  int pack_, acc_bits_;
  uint64_t mask_;
  uint64_t prod_ = 0, acc_[2] = {0, 0};
  bool upd_ = false, first_ = false, shift_ = false, par_ = false;
};

}  // namespace tern
