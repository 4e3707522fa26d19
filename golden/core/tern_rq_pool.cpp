// C++ twin of rtl/core/tern_rq_pool.sv: see the header.
#include "golden/core/tern_rq_pool.hpp"

#include <stdexcept>

namespace tern {

RqPoolModel::RqPoolModel(int cols, int lanes, int rq_units, int acc_bits, int wdepth, bool serial)
    : cols_(cols),
      lanes_(lanes),
      units_(rq_units),
      chunks_(rq_units > 0 ? cols / rq_units : 0),
      acc_bits_(acc_bits),
      wdepth_(wdepth),
      serial_(serial) {
  if (rq_units < 1 || rq_units > 8 || (rq_units & (rq_units - 1)) != 0 || cols < 1 || cols > 32 ||
      cols % rq_units != 0 || lanes < 1) {
    throw std::invalid_argument("RqPoolModel: RqUnits must be 1, 2, 4 or 8 and divide Cols (<= 32)");
  }
  if (serial) {
    ser_.assign(static_cast<size_t>(rq_units), RequantSerModel(acc_bits));
  } else {
    rq_.assign(static_cast<size_t>(rq_units), RequantModel(acc_bits));
  }
}

void RqPoolModel::reset() {
  for (auto& u : ser_) u.reset();
  reset_counters();
}

void RqPoolModel::reset_counters() {
  pass_ = gy_ = gx_ = 0;
  par_ = busy_ = false;
  l_ = k_ = 0;
  infl_ = {};
}

RqPoolModel::Comb RqPoolModel::comb(const RqPoolIn& in) const {
  Comb c{};
  c.left = in.run && pass_ < in.passes;
  c.barrier_ok = c.left;
  c.act = 0;
  for (int col = 0; col < cols_; ++col) {
    const bool a = c.left && (pass_ != static_cast<uint16_t>(in.passes - 1) || col < in.rem);
    if (a) c.act |= 1u << col;
    if (a && (in.pending[static_cast<size_t>(col)] & 3) == 0) c.barrier_ok = false;
  }
  c.y = static_cast<uint16_t>(static_cast<uint32_t>(l_) * in.gy_n + gy_);
  c.row_ok = c.y < in.e;
  const bool credit_ok = in.wr_count + in_flight() < wdepth_;
  c.mask = 0;
  for (int u = 0; u < units_; ++u) {
    if ((c.act >> (k_ * units_ + u)) & 1u) c.mask = static_cast<uint8_t>(c.mask | (1u << u));
  }
  c.chunk = c.row_ok && c.mask != 0;
  c.lane_end = !c.row_ok || k_ == chunks_ - 1;
  const bool ser_busy = serial_ && ser_[0].busy();
  c.issue = (busy_ || c.barrier_ok) && ((credit_ok && !ser_busy) || !c.chunk);
  c.last_issue = c.issue && l_ == lanes_ - 1 && c.lane_end;
  return c;
}

RqPoolOut RqPoolModel::eval(const RqPoolIn& in) const {
  const Comb c = comb(in);
  RqPoolOut o;
  o.lsel = l_;
  o.dpar = par_;
  o.drained = c.last_issue ? c.act : 0;
  o.barrier_ok = c.barrier_ok;
  o.done = !c.left && in_flight() == 0;
  const Side& sb = serial_ ? sb_[0] : sb_[2];
  o.ck_valid = serial_ ? ser_[0].done() : infl_[2];
  o.ck_y = sb.y;
  o.ck_x = sb.x;
  o.ck_m = sb.m;
  o.ck_mask = sb.mask;
  for (size_t u = 0; u < static_cast<size_t>(units_); ++u) {
    o.ck_data[u] = static_cast<uint32_t>(serial_ ? ser_[u].y() : rq_[u].y());
  }
  return o;
}

void RqPoolModel::tick(const RqPoolIn& in) {
  const Comb c = comb(in);
  // requantisers: unit u takes column k*RqUnits + u
  for (int u = 0; u < units_; ++u) {
    const size_t col = static_cast<size_t>(k_ * units_ + u);
    RequantIn r;
    r.acc = static_cast<int64_t>(in.acc[col]);
    r.mode = in.mode;
    r.out_bits = in.out_bits;
    r.out_signed = in.out_signed;
    const int base = par_ ? 3 : 0;
    r.q0 = in.grp_q[col][static_cast<size_t>(base)];
    r.q1 = in.grp_q[col][static_cast<size_t>(base + 1)];
    r.q2 = in.grp_q[col][static_cast<size_t>(base + 2)];
    if (serial_) {
      ser_[static_cast<size_t>(u)].tick(false, !in.run, c.issue && c.chunk, r);
    } else {
      rq_[static_cast<size_t>(u)].tick(r);
    }
  }
  // chunk sideband (not reset): through the three stages, or held while the serial units compute
  const Side side{c.y, gx_, static_cast<uint16_t>(static_cast<uint32_t>(pass_) * cols_ + k_ * units_), c.mask};
  if (!serial_) {
    sb_[2] = sb_[1];
    sb_[1] = sb_[0];
    sb_[0] = side;
  } else if (c.issue && c.chunk) {
    sb_[0] = side;
  }
  if (!in.run) {
    infl_ = {};
  } else {
    infl_ = {c.issue && c.chunk && !serial_, infl_[0], infl_[1]};
  }
  // group / lane / chunk counters
  if (!in.run) {
    reset_counters();
    return;
  }
  if (!c.issue) return;
  busy_ = !c.last_issue;
  if (!c.lane_end) {
    ++k_;
  } else {
    k_ = 0;
    if (l_ != lanes_ - 1) {
      ++l_;
    } else {
      l_ = 0;
      par_ = !par_;
      if (gx_ != static_cast<uint16_t>(in.gx_n - 1)) {
        ++gx_;
      } else {
        gx_ = 0;
        if (gy_ != static_cast<uint16_t>(in.gy_n - 1)) {
          ++gy_;
        } else {
          gy_ = 0;
          ++pass_;
        }
      }
    }
  }
}

}  // namespace tern
