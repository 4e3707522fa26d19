// C++ twin of rtl/core/tern_rq_pool.sv (the requantiser pool): group order and barrier, lane / chunk stepping,
// writer credit, the RqUnits requantisers (golden/core/tern_requant, or golden/core/tern_requant_ser in RqSerial
// builds) and the chunk sideband through their stages; every register and output, one call per clock edge.
// Lockstep-checked by tests/core/test_rq_pool.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "golden/core/tern_requant.hpp"
#include "golden/core/tern_requant_ser.hpp"

namespace tern {

// Inputs of one cycle (the module's input ports); vectors have one entry per column.
struct RqPoolIn {
  bool run = false;
  uint16_t passes = 0, rem = 0, gy_n = 0, gx_n = 0, e = 0;
  int mode = 0, out_bits = 8;
  bool out_signed = false;
  std::vector<int> pending;                   // 2 bits per column
  std::vector<uint64_t> acc;                  // AccBits per column (lane lsel, parity dpar)
  std::vector<std::array<int32_t, 6>> grp_q;  // per column {q0, q1, q2} of parity 0, then of parity 1
  int wr_count = 0;
};

struct RqPoolOut {
  int lsel = 0;
  bool dpar = false;
  uint32_t drained = 0;  // bit per column
  bool barrier_ok = false, done = false;
  bool ck_valid = false;
  uint16_t ck_y = 0, ck_x = 0, ck_m = 0;
  uint8_t ck_mask = 0;
  std::array<uint32_t, 8> ck_data{};  // unit u's result (units beyond RqUnits: 0)
};

class RqPoolModel {
 public:
  // Throws std::invalid_argument unless RqUnits is 1, 2, 4 or 8 and divides Cols (<= 32).
  RqPoolModel(int cols, int lanes, int rq_units, int acc_bits, int wdepth, bool serial = false);
  void reset();                              // rst_ni low for a cycle
  RqPoolOut eval(const RqPoolIn& in) const;  // outputs before the edge
  void tick(const RqPoolIn& in);
  int in_flight() const {  // chunks issued and not yet in the writer FIFO
    return serial_ ? int{ser_[0].busy() || ser_[0].done()} : infl_[0] + infl_[1] + infl_[2];
  }

 private:
  struct Comb {
    bool left, barrier_ok, row_ok, chunk, lane_end, issue, last_issue;
    uint32_t act;
    uint8_t mask;
    uint16_t y;
  };
  Comb comb(const RqPoolIn& in) const;
  void reset_counters();
  int cols_, lanes_, units_, chunks_, acc_bits_, wdepth_;
  bool serial_;
  uint16_t pass_ = 0, gy_ = 0, gx_ = 0;
  bool par_ = false, busy_ = false;
  int l_ = 0, k_ = 0;
  std::array<bool, 3> infl_{};
  struct Side {
    uint16_t y = 0, x = 0, m = 0;
    uint8_t mask = 0;
  };
  std::array<Side, 3> sb_{};
  std::vector<RequantModel> rq_;
  std::vector<RequantSerModel> ser_;  // RqSerial: the serial units (sideband held in sb_[0])
};

}  // namespace tern
