// C++ twin of rtl/core/tern_seq.sv (engine v2 layer sequencer: the phase state machine, the descriptor and
// chain state, DESC/SYQ/LOAD reads, SETUP index-table writes, STATS record writes, the error code, layer index
// and timeout): every register and output, one call per clock edge. Lockstep-checked by tests/core/test_seq.cpp;
// the cycle model steps it through each layer's phases (golden/accel/cycle_model.cpp).
#pragma once

#include <array>
#include <cstdint>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct SeqIn {
  bool start = false, soft_reset = false;
  uint32_t prog_base = 0, timeout = 0;
  bool chk_done = false;
  int lpix = 0, lrow = 0;  // 5 bits: the check unit's pitches
  uint32_t row_len = 0;    // 17 bits: C*R*S of a conv layer
  bool err_set = false;
  int err_new = 0;  // 8 bits
  // memory read client
  bool rd_fire = false, rsp_ok = false;
  uint64_t rsp_data = 0;
  uint32_t rd_out = 0, wr_out = 0;  // 16 bits
  bool wr_busy = false, rd_busy = false;
  bool run_done = false;
  bool rec_fire = false;
  bool mem_wait = false;
};

// The chain state (the previous layer's output layout) the sequencer hands to the check unit.
struct SeqChain {
  bool valid = false, side = false, fc = false;
  uint32_t eb = 0, e = 0, M = 0, E = 0, F = 0;  // 16 bits
  int r = 0, stride = 0, pad = 0;               // 4, 3, 3 bits
};

// Outputs of one cycle (every output port).
struct SeqOut {
  bool busy = false, done = false, error = false;
  int err_code = 0;
  uint32_t err_layer = 0;
  std::array<uint64_t, 8> desc{}, syq{};
  bool ph_check = false, ph_setup = false, ph_load = false, ph_run = false, ph_pool = false, ph_stats = false;
  bool ph_err = false, ph_idle = false;
  bool run_start = false, layer_first = false, layer_on = false, layer_done = false;
  bool chk_start = false;
  SeqChain chain;
  bool waiting_check = false;
  bool rd_valid = false;
  uint32_t rd_addr = 0;
  bool ld_valid = false;
  uint32_t ld_index = 0;
  uint64_t ld_data = 0;
  bool tab_we = false;
  uint32_t tab_waddr = 0;
  uint64_t tab_wdata = 0;  // {offset (OW bits), r, s (3 bits each), r*S+s (6 bits)}
  bool rec_valid = false;
  uint32_t rec_addr = 0;
  int rec_idx = 0;
  bool rec_take = false;
  bool timed_out = false, to_idle = false;
};

class SeqModel {
 public:
  enum State { kIdle, kDesc, kCheck, kVerdict, kSyq, kSetup, kLoad, kRun, kPool, kDrain, kStats, kErr };
  // Build parameters of the RTL; throws std::invalid_argument for a MaxConvRow or BankBytes that is not a
  // power of two >= 2.
  SeqModel(int max_conv_row, int bank_bytes, bool stats);
  void reset();                        // rst_ni low for a cycle
  SeqOut eval(const SeqIn& in) const;  // outputs before the edge
  void tick(const SeqIn& in);          // the rising edge
  State state() const { return state_; }

 private:
  struct Comb;
  Comb comb(const SeqIn& in) const;
  uint64_t field(unsigned lsb, unsigned width) const;

  int kw_, ow_;
  bool stats_;
  State state_ = kIdle;
  std::array<uint64_t, 8> desc_{}, syq_{};
  int dreq_ = 0, drsp_ = 0;  // 4 bits
  uint32_t ptr_ = 0;
  uint32_t layer_ = 0;
  int err_ = 0;
  uint32_t to_ = 0;
  SeqChain ch_;
  int sq_req_ = 0, sq_rsp_ = 0;  // 4 bits
  uint32_t ld_req_ = 0, ld_rsp_ = 0;
  uint32_t tk_ = 0;            // KW+1 bits
  int tr_ = 0, ts_ = 0;        // 4 bits
  int trs_ = 0;                // 6 bits
  uint32_t tc_ = 0;            // 16 bits
  uint32_t tb_ = 0, trb_ = 0;  // OW bits
  int rq_ = 0, settle_ = 0;    // 4, 3 bits
};

}  // namespace tern
