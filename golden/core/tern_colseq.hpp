// C++ twin of rtl/core/tern_colseq.sv (engine v2 row sequencer of one column: replay order, start condition,
// group limit, context of the running row, statistics class): every register and output, one call per clock
// edge; the cycle model's row sequencers, lockstep-checked by tests/core/test_colseq.cpp.
#pragma once

#include <array>
#include <cstdint>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct ColSeqIn {
  bool run = false;
  // layer constants
  uint32_t passes = 0, gy_n = 1, gx_n = 1;  // 16 bits
  int planes = 1;                           // 4 bits
  bool sign_plane = false;
  int stride = 1, pad = 0;  // 3 bits
  int lpix = 0, lrow = 0;   // 5 bits
  // feeder
  bool hdr_valid = false;
  uint32_t hdr_pass = 0, hdr_nnz = 0;  // 16 bits
  std::array<uint32_t, 3> hdr_q{};     // q0, q1, q2
  // decompressor
  bool dc_busy = false, dc_fire = false, dc_last = false;
  // drain side
  bool drained = false, barrier_ok = false, others_left = false, done_grp = false;
};

// Outputs of one cycle (every output port). st: one-hot bit 0 entry, 1 fetch, 2 balance, 3 out, 4 dec.
struct ColSeqOut {
  bool last_started = false, start = false;
  int pending = 0;  // 2 bits
  bool rows_left = false;
  std::array<std::array<uint32_t, 3>, 2> grp_q{};  // per accumulator parity: q0, q1, q2
  bool cur_par = false, cur_first = false, cur_lastpl = false;
  int cur_plane = 0;
  bool cur_neg = false;
  uint32_t cur_nnz = 0;
  int32_t cur_base = 0;
  int32_t cur_ix0 = 0, cur_rb = 0;  // signed 18 bits
  int st = 0;
};

class ColSeqModel {
 public:
  ColSeqModel() { reset(); }
  void reset();  // rst_ni low for a cycle (with passes_i 0)
  ColSeqOut eval(const ColSeqIn& in) const;
  void tick(const ColSeqIn& in);
  // registers the cycle model reads without evaluating the module
  bool rows_left() const { return left_; }
  int pending() const { return pend_; }
  bool cur_lastpl() const { return cur_lastpl_; }

 private:
  // next replay to start
  uint32_t pass_ = 0, gy_ = 0, gx_ = 0;  // 16 bits
  int plane_ = 0;                        // 4 bits
  bool par_ = false, left_ = false;
  int32_t rowb_ = 0;
  int32_t ix0_ = 0, rb_ = 0;  // signed 18 bits
  int out_ = 0, pend_ = 0;    // 2 bits
  // context of the running row
  bool cur_par_ = false, cur_first_ = false, cur_lastpl_ = false, cur_neg_ = false;
  int cur_plane_ = 0;
  uint32_t cur_nnz_ = 0;
  int32_t cur_base_ = 0, cur_ix0_ = 0, cur_rb_ = 0;
  std::array<std::array<uint32_t, 3>, 2> grp_q_{};
};

}  // namespace tern
