// C++ twin of rtl/core/tern_column.sv: see the header.
#include "golden/core/tern_column.hpp"

#include <stdexcept>

#include "golden/contract.hpp"
#include "golden/weights.hpp"

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

WDecode wdecode(int wtype, uint32_t code) {
  code &= 0xffu;
  WDecode d;
  switch (wtype) {
    case 0: d.reserved = false; break;
    case 1: d.reserved = (code & 3u) == 2u || (code >> 2) != 0; break;
    case 2: d.reserved = (code >> 1) != 0; break;
    case 3: d.reserved = (code & 0xfu) == 8u || (code >> 4) != 0; break;
    case 4: d.reserved = code > 14; break;
    case 5: d.reserved = code > 58; break;
    case 6: d.reserved = code > 206; break;
    default: d.reserved = true; break;
  }
  if (d.reserved) return d;
  const auto v = decode_weight(static_cast<WeightType>(wtype), code);
  d.value = v ? *v : 0;
  d.nonzero = d.value != 0;
  return d;
}

struct ColumnModel::Comb {
  FeedIn fin;
  FeedOut fo;
  DecompIn din;  // the selected decompressor's inputs (start from the row sequencer)
  DecompOut dm;  // tern_dec_mux outputs
  DecompIn pin;  // packed dense reader's inputs
  DecompOut pk;
  bool w_ready = false, dc_fire = false, dc_last = false, dc_empty = false, dc_busy = false;
  uint32_t dc_index = 0;
  ColSeqIn csin;
  ColSeqOut cso;
  WDecode wd;
  uint32_t nz_e = 0;
  int err_d = 0;
};

ColumnModel::ColumnModel(const ColumnParams& p, const FormatParams& fp, Datapath dp)
    : p_(p), dp_(dp), feed_(p.cache_words), d8_(fp.idx_bits) {
  if (p.lanes != 1 && p.lanes != 2 && p.lanes != 4 && p.lanes != 8)
    throw std::invalid_argument("ColumnModel: Lanes must be 1, 2, 4 or 8");
  if (p.pack != 1 && p.pack != 8) throw std::invalid_argument("ColumnModel: Pack must be 1 or 8");
  ba_ = clog2(static_cast<uint64_t>(p.bank_bytes) / 8) + 1;
  ow_ = clog2(static_cast<uint64_t>(p.bank_bytes));
  for (int f = 0; f < 5; ++f) {
    has_fmt_.push_back(((p.formats >> f) & 1u) != 0);
    dec_.emplace_back(static_cast<Format>(has_fmt_.back() ? f : 0), fp);
  }
  if (dp_ == Datapath::kFull) {
    tab_.assign(static_cast<size_t>(p.max_conv_row), 0);
    bank_.assign(static_cast<size_t>(p.lanes), std::vector<uint64_t>(static_cast<size_t>(2 * p.bank_bytes / 8), 0));
    for (int l = 0; l < p.lanes; ++l) pe_.emplace_back(p.mac_types, p.bitserial, p.syq, p.pack, p.acc_bits);
  }
  rdata_.assign(static_cast<size_t>(p.lanes), 0);
  s3_rowok_.assign(static_cast<size_t>(p.lanes), false);
  reset();
}

void ColumnModel::reset() {
  feed_.reset();
  for (auto& d : dec_) d.reset();
  d8_.reset();
  cs_.reset();
  err_ = 0;
}

ColumnModel::Comb ColumnModel::comb(const ColumnIn& in) const {
  Comb c;
  c.fin.run = in.run;
  c.fin.passes = in.passes;
  c.fin.reps = in.reps;
  c.fin.cwe = in.cwe;
  c.fin.cbank = in.cbank;
  c.fin.caddr = in.caddr;
  c.fin.cdata = in.cdata;
  c.fin.full = in.full;
  c.fo = feed_.eval(c.fin);  // word and header outputs are registers: word_ready/last_started come next
  // decompressors (tern_dec_mux: the selected format; packed dense reader)
  const bool sel_ok = in.fmt >= 0 && in.fmt < 5 && has_fmt_[static_cast<size_t>(in.fmt)];
  c.din.row_len = in.row_len;
  c.din.code_bits = in.code_bits;
  c.din.wtype = in.wtype;
  c.din.word_valid = c.fo.word_valid && !in.pack;
  c.din.word = c.fo.word;
  c.din.word_last = c.fo.word_last;
  c.din.ready = true;
  c.din.clear = !in.run;
  if (sel_ok) c.dm = dec_[static_cast<size_t>(in.fmt)].eval(c.din);
  c.pin = c.din;
  c.pin.word_valid = c.fo.word_valid && in.pack;
  if (p_.pack == 8) c.pk = d8_.eval(c.pin);
  c.dc_fire = in.pack ? c.pk.valid : c.dm.valid;
  c.dc_last = in.pack ? c.pk.last : c.dm.last;
  c.dc_empty = !in.pack && c.dm.empty;
  c.dc_busy = in.pack ? c.pk.busy : c.dm.busy;
  c.dc_index = (in.pack ? c.pk.index : c.dm.index) & 0xffffu;
  // row sequencer
  ColSeqIn& s = c.csin;
  s.run = in.run;
  s.passes = in.passes;
  s.gy_n = in.gy_n;
  s.gx_n = in.gx_n;
  s.planes = in.planes;
  s.sign_plane = in.bitserial && in.act_signed;
  s.stride = in.stride;
  s.pad = in.pad;
  s.lpix = in.lpix;
  s.lrow = in.lrow;
  s.hdr_valid = c.fo.hdr_valid;
  s.hdr_pass = c.fo.pass;
  s.hdr_nnz = c.fo.hdr_nnz;
  s.hdr_q = c.fo.hdr_q;
  s.dc_busy = c.dc_busy;
  s.dc_fire = c.dc_fire;
  s.dc_last = c.dc_last;
  s.drained = in.drained;
  s.barrier_ok = in.barrier_ok;
  s.others_left = in.others_left;
  s.done_grp = done_grp_;
  c.cso = cs_.eval(s);
  // decompressor start, then the word handshake and the feeder's final inputs
  c.din.start = c.cso.start && !in.pack;
  c.pin.start = c.cso.start && in.pack;
  const bool dm_ready = sel_ok && dec_[static_cast<size_t>(in.fmt)].eval(c.din).word_ready;
  const bool pk_ready = p_.pack == 8 && d8_.eval(c.pin).word_ready;
  c.w_ready = in.pack ? pk_ready : dm_ready;
  c.fin.word_ready = c.w_ready;
  c.fin.last_started = c.cso.last_started;
  c.fo = feed_.eval(c.fin);
  // D stage: weight decode, non-zero count, errors
  c.wd = wdecode(in.wtype, c.dm.code);
  c.nz_e = (!c.dc_empty && c.wd.nonzero) ? 1 : 0;
  if (in.pack) {
    c.nz_e = 0;
    for (int j = 0; j < 8; ++j)
      c.nz_e += (in.wtype == static_cast<int>(WeightType::kBinary) || ((c.pk.code >> (2 * j)) & 1u)) ? 1 : 0;
  }
  const int stream = static_cast<int>(hw::ErrStream) << 4, block = static_cast<int>(hw::ErrBlock) << 4;
  if (c.dm.err && !in.pack)
    c.err_d = stream | (c.dm.err_code & 7);
  else if (c.pk.err && in.pack)
    c.err_d = stream | (c.pk.err_code & 7);
  else if (c.dc_fire && !c.dc_empty && !in.pack && c.wd.reserved)
    c.err_d = stream | 8;
  else if (c.dc_fire && c.dc_last && ((nz_ + c.nz_e) & 0xffffu) != c.cso.cur_nnz)
    c.err_d = block | 2;
  return c;
}

ColumnOut ColumnModel::eval(const ColumnIn& in) const {
  const Comb c = comb(in);
  ColumnOut o;
  o.release = c.fo.release;
  o.rdata = rdata_;
  for (const auto& pe : pe_) o.acc.push_back(pe.acc(in.dpar));
  o.grp_q = c.cso.grp_q;
  o.pending = c.cso.pending;
  o.rows_left = c.cso.rows_left;
  o.err_code = err_ != 0 ? err_ : c.err_d;
  o.err = o.err_code != 0;
  o.st = c.cso.st;
  o.codes = (c.dc_fire && !c.dc_empty) ? (in.pack ? 8 : 1) : 0;
  return o;
}

void ColumnModel::tick(const ColumnIn& in) {
  const Comb c = comb(in);
  if (dp_ == Datapath::kFull) tick_datapath(in, c);
  // entry tokens S1..S4 (a stage's group-end flag loads with its entry; S4's every cycle) and the done pulse
  done_grp_ = in.run && v_[3] && lastg_[3];
  lastg_[3] = lastg_[2];
  for (int s = 3; s > 0; --s) {
    if (s < 3 && v_[static_cast<size_t>(s - 1)]) lastg_[static_cast<size_t>(s)] = lastg_[static_cast<size_t>(s - 1)];
    v_[static_cast<size_t>(s)] = in.run && v_[static_cast<size_t>(s - 1)];
  }
  v_[0] = in.run && c.dc_fire;
  if (c.dc_fire) lastg_[0] = c.dc_last && c.cso.cur_lastpl;
  // D-stage registers
  if (!in.run || c.cso.start)
    row_first_ = true;
  else if (c.dc_fire)
    row_first_ = false;
  if (!in.run || (c.dc_fire && c.dc_last))
    nz_ = 0;
  else if (c.dc_fire)
    nz_ = (nz_ + c.nz_e) & 0xffffu;
  if (!in.run)
    err_ = 0;
  else if (err_ == 0)
    err_ = c.err_d;
  // sub-blocks
  const bool sel_ok = in.fmt >= 0 && in.fmt < 5 && has_fmt_[static_cast<size_t>(in.fmt)];
  for (int f = 0; f < 5; ++f) {
    if (!has_fmt_[static_cast<size_t>(f)]) continue;
    DecompIn d = c.din;  // an unselected decompressor sees no start, word or ready (and the clear)
    if (!(sel_ok && f == in.fmt)) d.start = d.word_valid = d.ready = false;
    dec_[static_cast<size_t>(f)].tick(d);
  }
  if (p_.pack == 8) d8_.tick(c.pin);
  feed_.tick(c.fin);
  cs_.tick(c.csin);
}

void ColumnModel::tick_datapath(const ColumnIn& in, const Comb& c) {
  const int lanes = p_.lanes;
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
  if (p_.syq) {
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
  if (c.dc_fire) {
    const ColSeqOut& q = c.cso;
    s1_.first = q.cur_first && row_first_;
    s1_.shift = !q.cur_first && row_first_;
    s1_.neg = q.cur_neg;
    s1_.par = q.cur_par;
    s1_.empty = c.dc_empty;
    s1_.bit = (in.act_bits - 1 - q.cur_plane) & 7;
    s1_.code = c.dm.code & 0xffu;
    s1_.pc = c.pk.code & 0xffffu;
    s1_.wval = c.wd.value;
    s1_.wnz = c.wd.nonzero;
    s1_.k = c.dc_index;
    s1_.base = q.cur_base;
    s1_.ix0 = q.cur_ix0;
    s1_.rb = q.cur_rb;
  }
  // index table: read (conv entries) before the SETUP write
  if (c.dc_fire && !in.fc) tab_rdata_ = tab_[c.dc_index % tab_.size()];
  if (in.tab_we) tab_[in.tab_waddr % tab_.size()] = in.tab_wdata;
}

}  // namespace tern
