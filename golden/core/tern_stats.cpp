// C++ twin of rtl/core/tern_stats.sv.
#include "golden/core/tern_stats.hpp"

#include <stdexcept>

namespace tern {

namespace {

constexpr uint32_t kMask24 = 0xffffffu;

int sum_width(int cols) {
  int n = 0;
  while ((1 << n) < cols * 8 + 1) ++n;
  return n;
}

}  // namespace

StatsModel::StatsModel(int cols, bool stats) : cols_(cols), sum_w_(sum_width(cols)), stats_(stats) {
  if (cols < 1 || cols > kStatsMaxCols) throw std::invalid_argument("tern_stats twin: Cols must be 1..32");
  reset();
}

void StatsModel::reset() {
  inc_ = {};
  first_ = false;
  lo_ = {};
  hi_ = {};
  cy_ = {};
  rc_ = {};
  layers_ = 0;
}

StatsModel::Words StatsModel::increments(const StatsIn& in, int cols) {
  Words inc{};
  if (!in.layer_on) return inc;
  const uint64_t m = (uint64_t{1} << sum_width(cols)) - 1;
  uint64_t ent = 0, fetch = 0, bal = 0, out = 0, dec = 0;
  for (int c = 0; c < cols; ++c) {
    const unsigned st = in.st[static_cast<size_t>(c)];
    ent += in.codes[static_cast<size_t>(c)] & 15u;
    fetch += (st >> 1) & 1u;
    bal += (st >> 2) & 1u;
    out += (st >> 3) & 1u;
    dec += (st >> 4) & 1u;
  }
  inc[hw::StCycles] = 1;
  inc[hw::StRunCycles] = in.run ? 1 : 0;
  inc[hw::StEntries] = ent & m;
  inc[hw::StGroups] = in.group ? 1 : 0;
  inc[hw::StStallFetch] = fetch & m;
  inc[hw::StStallOut] = out & m;
  inc[hw::StStallDec] = dec & m;
  inc[hw::StStallBalance] = bal & m;
  inc[hw::StBytesRead] = static_cast<uint64_t>(in.rd_bytes & 15) & m;
  inc[hw::StBytesWritten] = static_cast<uint64_t>(in.wr_bytes & 15) & m;
  return inc;
}

StatsModel::Words StatsModel::record() const {
  Words r{};
  for (unsigned w = 0; w < hw::StatsWords; ++w) r[w] = (uint64_t{hi_[w]} << 24) | lo_[w];
  return r;
}

StatsOut StatsModel::eval(const StatsIn& in) const {
  StatsOut o;
  if (!stats_) return o;
  const Words r = record();
  if (in.rec_idx >= 0 && static_cast<unsigned>(in.rec_idx & 15) < hw::StatsWords)
    o.rec_data = r[static_cast<size_t>(in.rec_idx & 15)];
  for (unsigned w = 0; w < hw::StatsWords; ++w) o.ctrs[w] = rc_[w];
  o.ctrs[hw::CtrLayers] = layers_;
  return o;
}

void StatsModel::tick(const StatsIn& in) {
  if (!stats_) return;
  const Words r = record();
  for (unsigned w = 0; w < hw::StatsWords; ++w) {
    if (in.run_start)
      rc_[w] = 0;
    else if (in.rec_take && static_cast<unsigned>(in.rec_idx & 15) == w)
      rc_[w] += r[w];
    const uint32_t sum = (first_ ? 0 : lo_[w]) + static_cast<uint32_t>(inc_[w]);  // 25 bits
    hi_[w] = ((first_ ? 0 : hi_[w]) + (cy_[w] && !first_ ? 1 : 0)) & kMask24;
    lo_[w] = sum & kMask24;
    cy_[w] = (sum >> 24) & 1u;
  }
  if (in.run_start)
    layers_ = 0;
  else if (in.layer_done)
    ++layers_;
  inc_ = increments(in, cols_);
  first_ = in.layer_first;
}

}  // namespace tern
