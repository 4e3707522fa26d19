// C++ twin of rtl/core/tern_col_lanes.sv: see the header.
#include "golden/core/tern_col_lanes.hpp"

#include <stdexcept>

#include "golden/core/tern_column.hpp"

namespace tern {

namespace {

int clog2(uint64_t n) {
  int b = 0;
  while ((uint64_t{1} << b) < n) ++b;
  return b;
}
int64_t sext(int64_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  const uint64_t u = static_cast<uint64_t>(v) & ((m << 1) - 1);
  return static_cast<int64_t>(u ^ m) - static_cast<int64_t>(m);
}

}  // namespace

ColLanesModel::ColLanesModel(const ColumnParams& p, Datapath dp) : lanes_(p.lanes), syq_built_(p.syq), dp_(dp) {
  if (p.lanes != 1 && p.lanes != 2 && p.lanes != 4 && p.lanes != 8)
    throw std::invalid_argument("ColLanesModel: Lanes must be 1, 2, 4 or 8");
  ba_ = clog2(static_cast<uint64_t>(p.bank_bytes) / 8) + 1;
  ow_ = clog2(static_cast<uint64_t>(p.bank_bytes));
  if (dp_ == Datapath::kFull) {
    tab_.assign(static_cast<size_t>(p.max_conv_row), 0);
    bank_.assign(static_cast<size_t>(p.lanes), std::vector<uint64_t>(static_cast<size_t>(2 * p.bank_bytes / 8), 0));
    for (int l = 0; l < p.lanes; ++l) pe_.emplace_back(p.mac_types, p.bitserial, p.syq, p.pack, p.acc_bits);
  }
  rdata_.assign(static_cast<size_t>(p.lanes), 0);
  s3_rowok_.assign(static_cast<size_t>(p.lanes), false);
}

void ColLanesModel::tick(const ColumnIn& in, const ColEntry& e) {
  if (dp_ == Datapath::kFull) tick_datapath(in, e);
  // entry tokens S1..S4 (a stage's group-end flag loads with its entry; S4's every cycle) and the done pulse
  done_grp_ = in.run && v_[3] && lastg_[3];
  lastg_[3] = lastg_[2];
  for (int s = 3; s > 0; --s) {
    if (s < 3 && v_[static_cast<size_t>(s - 1)]) lastg_[static_cast<size_t>(s)] = lastg_[static_cast<size_t>(s - 1)];
    v_[static_cast<size_t>(s)] = in.run && v_[static_cast<size_t>(s - 1)];
  }
  v_[0] = in.run && e.valid;
  if (e.valid) lastg_[0] = e.lastg;
}

void ColLanesModel::tick_datapath(const ColumnIn& in, const ColEntry& e) {
  const int lanes = lanes_;
  // S3 -> lanes (the bank read registers hold the S2 read)
  for (int l = 0; l < lanes; ++l) {
    PeIn pi;
    pi.bitserial = in.bitserial;
    pi.syq = in.syq;
    pi.xnor = in.xnor;
    pi.act_signed = in.act_signed;
    pi.pack = in.pack;
    pi.wtype = in.wtype;
    pi.en = v_[2];
    pi.first = s3_.first;
    pi.shift = s3_.shift;
    pi.neg = s3_.neg;
    pi.plane = s3_.bit;
    pi.par = s3_.par;
    pi.code = s3_.code;
    pi.wval = s3_.weff;
    pi.wnz = s3_.wnz;
    pi.pcodes = static_cast<uint16_t>(s3_.pc);
    pi.act = rdata_[static_cast<size_t>(l)];
    pi.bsel = s3_.bsel;
    pi.ok = s3_.ok && s3_rowok_[static_cast<size_t>(l)];
    pi.dpar = in.dpar;
    pe_[static_cast<size_t>(l)].tick(pi);
  }
  // S2: bank read (all lanes, one address) and the lanes' row windows
  std::vector<bool> rowok(static_cast<size_t>(lanes));
  for (int l = 0; l < lanes; ++l) {
    rowok[static_cast<size_t>(l)] =
        in.fc ? l == 0 : s2_.vrow >= in.win_lo[static_cast<size_t>(l)] && s2_.vrow < in.win_hi[static_cast<size_t>(l)];
  }
  const bool re = in.pool_re || v_[1];
  const uint64_t words = uint64_t{1} << (ba_ - 1);
  const uint64_t raddr = in.pool_re ? in.pool_raddr : ((in.side ? words : 0) | s2_.word);
  for (int l = 0; l < lanes; ++l) {
    auto& bank = bank_[static_cast<size_t>(l)];
    if (re) rdata_[static_cast<size_t>(l)] = bank[raddr % bank.size()];
    if ((in.bwe >> l) & 1u) {
      uint64_t& w = bank[in.bwaddr[static_cast<size_t>(l)] % bank.size()];
      for (int b = 0; b < 8; ++b)
        if ((in.bwbe >> b) & 1u) w = (w & ~(uint64_t{0xff} << (8 * b))) | (in.bwdata & (uint64_t{0xff} << (8 * b)));
    }
  }
  // S1: address, validity, band row, SYQ-scaled weight (from the index table's read register)
  const uint64_t t = tab_rdata_;
  const int64_t t_rs = static_cast<int64_t>(t & 63u), t_s = static_cast<int64_t>((t >> 6) & 7u),
                t_r = static_cast<int64_t>((t >> 9) & 7u);
  const int64_t t_off = static_cast<int64_t>((t >> 12) & ((uint64_t{1} << ow_) - 1));
  int64_t addr, vrow;
  bool ok;
  if (in.fc) {
    const uint32_t fc_x = (s1_.k >> in.lpix) & ((1u << (in.lrow - in.lpix)) - 1u) & 0xffffu;
    const uint32_t fc_c = s1_.k & ((1u << in.lpix) - 1u);
    addr = s1_.k;
    vrow = 0;
    ok = !s1_.empty && fc_x < in.in_w && fc_c < in.in_c;
  } else {
    addr = sext(s1_.base + t_off, 32);
    const int64_t ix = sext(s1_.ix0 + t_s, 18);
    vrow = sext(s1_.rb + t_r, 18);
    ok = !s1_.empty && ix >= 0 && ix < static_cast<int64_t>(in.in_w & 0xffffu);
  }
  int32_t weff = s1_.wval;
  if (syq_built_) {
    const int rs = in.fc ? 0 : static_cast<int>(t_rs);
    const int32_t q = in.syq ? in.syq_q[static_cast<size_t>(rs)] : 1;
    weff = static_cast<int32_t>(sext(int64_t{s1_.wval} * q, 21));
  }
  // pipeline registers S3 <- S2 <- S1 <- D (each loads when the stage below holds an entry)
  if (v_[1]) {
    s3_ = s2_;
    s3_rowok_ = rowok;
  }
  if (v_[0]) {
    Stage n = s1_;
    n.ok = ok;
    n.wnz = s1_.wnz && !s1_.empty;
    n.weff = weff;
    n.word = static_cast<uint64_t>(addr >> 3) & ((uint64_t{1} << (ba_ - 1)) - 1);
    n.bsel = static_cast<int>(addr & 7);
    n.vrow = vrow;
    s2_ = n;
  }
  if (e.valid) {
    s1_.first = e.first;
    s1_.shift = e.shift;
    s1_.neg = e.neg;
    s1_.par = e.par;
    s1_.empty = e.empty;
    s1_.bit = e.bit;
    s1_.code = e.code;
    s1_.pc = e.pcodes;
    s1_.wval = e.wval;
    s1_.wnz = e.wnz;
    s1_.k = e.k;
    s1_.base = e.base;
    s1_.ix0 = e.ix0;
    s1_.rb = e.rb;
  }
  // index table: read (conv entries) before the SETUP write
  if (e.valid && !in.fc) tab_rdata_ = tab_[e.k % tab_.size()];
  if (in.tab_we) tab_[in.tab_waddr % tab_.size()] = in.tab_wdata;
}

}  // namespace tern
