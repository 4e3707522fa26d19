// C++ twin of rtl/core/tern_stats.sv (engine v2 statistics: per-cycle increments, split 48-bit record counters,
// run counters): every register and output, one call per clock edge; the cycle model accumulates its RUN/POOL
// record with the same per-cycle increments (increments()). Lockstep-checked by tests/core/test_stats.cpp.
#pragma once

#include <array>
#include <cstdint>

#include "golden/contract.hpp"

namespace tern {

constexpr int kStatsMaxCols = 32;

// Inputs of one cycle (the module's input ports). st: per column the 5-bit one-hot state (entry, fetch,
// balance, out, dec); codes: per column the codes issued (4 bits).
struct StatsIn {
  bool run_start = false, layer_first = false, layer_on = false, run = false;
  std::array<uint8_t, kStatsMaxCols> st{}, codes{};
  bool group = false;
  int rd_bytes = 0, wr_bytes = 0;  // 4 bits
  int rec_idx = 0;                 // 4 bits
  bool rec_take = false;
  bool layer_done = false;
};

// Outputs of one cycle.
struct StatsOut {
  uint64_t rec_data = 0;
  std::array<uint64_t, hw::NumCtrs> ctrs{};
};

class StatsModel {
 public:
  using Words = std::array<uint64_t, hw::StatsWords>;
  // Throws std::invalid_argument outside 1..32 columns. stats = false: the build without statistics.
  StatsModel(int cols, bool stats = true);
  void reset();  // rst_ni low for a cycle
  StatsOut eval(const StatsIn& in) const;
  void tick(const StatsIn& in);
  // The increment of each record word in a cycle with these inputs (inc_d, SumW bits each).
  static Words increments(const StatsIn& in, int cols);
  // The record as the counters hold it now (low and high halves).
  Words record() const;

 private:
  int cols_, sum_w_;
  bool stats_;
  Words inc_{};  // inc_q
  bool first_ = false;
  std::array<uint32_t, hw::StatsWords> lo_{}, hi_{};  // 24 bits each
  std::array<bool, hw::StatsWords> cy_{};
  Words rc_{};  // run counters
  uint64_t layers_ = 0;
};

}  // namespace tern
