// C++ twin of rtl/core/tern_col_lanes.sv (a column's entry pipeline after the decompressor: index table, S1
// address and validity, the Lanes activation banks, S2 read and lane windows, the MAC lanes of
// golden/core/tern_pe, the S1..S4 tokens and the group-done pulse): every register and output, one call per
// clock edge. Run by golden/core/tern_column (checked in lockstep with the RTL by tests/core/test_column.cpp);
// without its datapath (Datapath::kTiming) only the tokens and done pulse, which are all the timing needs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/core/tern_pe.hpp"

namespace tern {

struct ColumnParams;
struct ColumnIn;

// One entry from the column's D stage (tern_col_lanes ent_*_i).
struct ColEntry {
  bool valid = false, first = false, shift = false, neg = false, par = false, lastg = false, empty = false;
  bool wnz = false;
  int bit = 0;
  uint32_t code = 0, pcodes = 0, k = 0;
  int32_t wval = 0;
  int64_t base = 0, ix0 = 0, rb = 0;
};

class ColLanesModel {
 public:
  enum class Datapath { kFull, kTiming };
  ColLanesModel(const ColumnParams& p, Datapath dp);
  // `in`: the layer constants, index-table and bank ports, dpar (the column's inputs of the same names).
  void tick(const ColumnIn& in, const ColEntry& e);
  const std::vector<uint64_t>& rdata() const { return rdata_; }
  uint64_t acc(int lane, bool dpar) const { return pe_[static_cast<size_t>(lane)].acc(dpar); }
  bool done_grp() const { return done_grp_; }
  bool full() const { return dp_ == Datapath::kFull; }

 private:
  void tick_datapath(const ColumnIn& in, const ColEntry& e);

  int lanes_, ba_, ow_;
  bool syq_built_;
  Datapath dp_;
  // tokens (valid, group end) of S1..S4 and the done pulse
  std::array<bool, 4> v_{}, lastg_{};
  bool done_grp_ = false;
  // index table, activation banks (2 sides per lane), their read registers
  std::vector<uint64_t> tab_;
  uint64_t tab_rdata_ = 0;
  std::vector<std::vector<uint64_t>> bank_;
  std::vector<uint64_t> rdata_;
  struct Stage {
    bool first = false, shift = false, neg = false, par = false, empty = false, wnz = false, ok = false;
    int bit = 0, bsel = 0;
    uint32_t code = 0, pc = 0, k = 0;
    int32_t wval = 0, weff = 0;
    int64_t base = 0, ix0 = 0, rb = 0, vrow = 0;
    uint64_t word = 0;
  };
  Stage s1_, s2_, s3_;
  std::vector<bool> s3_rowok_;
  std::vector<PeModel> pe_;
};

}  // namespace tern
