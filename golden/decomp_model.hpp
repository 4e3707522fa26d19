// Cycle model of the decompressors rtl/decomp/tern_decomp_{dense,rle,bitmap,csc,rle8}.sv: the same
// registers and the same combinational decisions, one call per clock edge; lockstep-checked against the RTL.
#pragma once

#include <cstdint>

#include "golden/formats/format.hpp"

namespace tern {

// Inputs of one cycle (the module's ports).
struct DecompIn {
  bool start = false;
  uint32_t row_len = 0;  // row_len_i (IdxBits+1 bits)
  int code_bits = 0;     // code_bits_i (4 bits)
  int wtype = 0;         // wtype_i (3 bits)
  bool word_valid = false;
  uint64_t word = 0;
  bool word_last = false;
  bool ready = false;
  bool clear = false;
};

// Outputs of one cycle; code/index/last/empty are meaningful only while valid.
struct DecompOut {
  bool word_ready = false;
  bool valid = false;
  uint32_t code = 0;
  uint32_t index = 0;
  bool last = false;
  bool empty = false;
  bool busy = false;
  bool err = false;
  int err_code = 0;
};

class DecompModel {
 public:
  // Throws std::invalid_argument for parameters the RTL rejects at elaboration (see the modules).
  DecompModel(Format f, const FormatParams& p);
  void reset();                                // rst_ni low for a cycle
  DecompOut eval(const DecompIn& in) const;    // outputs before the edge
  void tick(const DecompIn& in);               // the rising edge
  Format format() const { return fmt_; }
  int peek_bits() const { return peek_bits_; }

 private:
  struct Comb;
  Comb comb(const DecompIn& in) const;
  uint64_t peek() const;
  // rle8 (tern_decomp_rle8: one word slot read a byte at a time, no bit window)
  struct Comb8;
  Comb8 comb8(const DecompIn& in) const;
  DecompOut eval8(const DecompIn& in) const;
  // The outputs from a cycle's combinational values (Comb or Comb8) and the registers.
  template <class C>
  DecompOut outputs(const C& c) const {
    DecompOut o;
    o.word_ready = c.word_ready;
    o.valid = c.out_v;
    o.code = c.code;
    o.index = c.index;
    o.last = c.last;
    o.empty = c.empty;
    o.busy = run_;
    o.err = err_;
    o.err_code = err_code_;
    return o;
  }
  void tick8(const DecompIn& in);

  Format fmt_;
  FormatParams p_;
  int peek_bits_ = 0;
  int need_bits_ = 0;
  int sum_bits_ = 0;
  // control
  bool run_ = false, err_ = false;
  int err_code_ = 0;
  uint32_t len_ = 0;
  int cb_ = 0, wt_ = 0;
  // window
  uint64_t slot_[2] = {0, 0};
  bool valid_[2] = {false, false}, last_[2] = {false, false};
  int wr_ = 0;
  bool got_last_ = false;
  int ptr_ = 0;
  // format state
  bool hdr_ = false;
  int gsel_ = 0;
  uint64_t rem_ = 0;
  uint64_t last_idx_ = 0;  // modulo 2^sum_bits_
  uint64_t len_mask_ = 0;
  uint64_t mask_ = 0, blk_ = 0, nb_ = 0;  // bitmap
  uint64_t pos_ = 0;                      // dense
  // rle8: slot_[0] is the word slot, valid_[0] its valid flag, got_last_ the last word taken, ptr_ the
  // byte pointer, hdr_ the header still to come, last_idx_/rem_ as in RLE; tern_ the row is ternary
  bool tern_ = false;
};

}  // namespace tern
