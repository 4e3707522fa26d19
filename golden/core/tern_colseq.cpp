// C++ twin of rtl/core/tern_colseq.sv.
#include "golden/core/tern_colseq.hpp"

namespace tern {

namespace {

int32_t sext18(int64_t v) {
  const int64_t m = v & 0x3ffff;
  return static_cast<int32_t>(m >= 0x20000 ? m - 0x40000 : m);
}
int32_t wrap32(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

}  // namespace

void ColSeqModel::reset() {
  pass_ = gy_ = gx_ = 0;
  plane_ = 0;
  par_ = left_ = false;
  rowb_ = ix0_ = rb_ = 0;
  out_ = pend_ = 0;
  cur_par_ = cur_first_ = cur_lastpl_ = cur_neg_ = false;
  cur_plane_ = 0;
  cur_nnz_ = 0;
  cur_base_ = cur_ix0_ = cur_rb_ = 0;
  grp_q_ = {};
}

ColSeqOut ColSeqModel::eval(const ColSeqIn& in) const {
  ColSeqOut o;
  const bool first_pl = plane_ == 0;
  const bool hdr_ok = in.hdr_valid && (in.hdr_pass & 0xffffu) == pass_;
  const bool grp_ok = !first_pl || out_ != 2;
  const bool can = in.run && left_ && (!in.dc_busy || (in.dc_fire && in.dc_last));
  o.start = can && hdr_ok && grp_ok;
  o.last_started = !left_ || pass_ != (in.hdr_pass & 0xffffu);
  o.rows_left = left_;
  o.pending = pend_;
  o.grp_q = grp_q_;
  o.cur_par = cur_par_;
  o.cur_first = cur_first_;
  o.cur_lastpl = cur_lastpl_;
  o.cur_plane = cur_plane_;
  o.cur_neg = cur_neg_;
  o.cur_nnz = cur_nnz_;
  o.cur_base = cur_base_;
  o.cur_ix0 = cur_ix0_;
  o.cur_rb = cur_rb_;
  if (in.run) {
    if (in.dc_fire)
      o.st = 1;
    else if (!left_)
      o.st = in.others_left ? 4 : 8;
    else if (!in.dc_busy && !hdr_ok)
      o.st = 2;
    else if (!in.dc_busy && !grp_ok)
      o.st = pend_ == 0 ? 16 : (!in.barrier_ok ? 4 : 8);
    else
      o.st = 16;
  }
  return o;
}

void ColSeqModel::tick(const ColSeqIn& in) {
  const ColSeqOut o = eval(in);
  const bool first_pl = plane_ == 0;
  const bool last_pl = plane_ == ((in.planes - 1) & 15);
  // context of the running row (not reset)
  if (o.start) {
    cur_par_ = par_;
    cur_first_ = first_pl;
    cur_lastpl_ = last_pl;
    cur_plane_ = plane_;
    cur_neg_ = in.sign_plane && first_pl;
    cur_nnz_ = in.hdr_nnz & 0xffffu;
    cur_base_ = wrap32(int64_t{rowb_} + (static_cast<int64_t>(ix0_) << (in.lpix & 31)));
    cur_ix0_ = ix0_;
    cur_rb_ = rb_;
    if (first_pl) grp_q_[par_ ? 1 : 0] = in.hdr_q;
  }
  if (!in.run) {
    pass_ = gy_ = gx_ = 0;
    plane_ = 0;
    par_ = false;
    left_ = (in.passes & 0xffffu) != 0;
    rowb_ = 0;
    ix0_ = rb_ = sext18(-(in.pad & 7));
    out_ = pend_ = 0;
    return;
  }
  out_ = (out_ + (o.start && first_pl ? 1 : 0) - (in.drained ? 1 : 0)) & 3;
  pend_ = (pend_ + (in.done_grp ? 1 : 0) - (in.drained ? 1 : 0)) & 3;
  if (!o.start) return;
  if (!last_pl) {
    plane_ = (plane_ + 1) & 15;
    return;
  }
  plane_ = 0;
  par_ = !par_;
  if (gx_ != ((in.gx_n - 1) & 0xffffu)) {
    gx_ = (gx_ + 1) & 0xffffu;
    ix0_ = sext18(int64_t{ix0_} + (in.stride & 7));
    return;
  }
  gx_ = 0;
  ix0_ = sext18(-(in.pad & 7));
  if (gy_ != ((in.gy_n - 1) & 0xffffu)) {
    gy_ = (gy_ + 1) & 0xffffu;
    rb_ = sext18(int64_t{rb_} + (in.stride & 7));
    rowb_ = wrap32(int64_t{rowb_} + (static_cast<int64_t>(in.stride & 7) << (in.lrow & 31)));
    return;
  }
  gy_ = 0;
  rb_ = sext18(-(in.pad & 7));
  rowb_ = 0;
  if (pass_ == ((in.passes - 1) & 0xffffu)) left_ = false;
  pass_ = (pass_ + 1) & 0xffffu;
}

}  // namespace tern
