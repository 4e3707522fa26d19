// C++ twin of rtl/core/tern_column.sv: see the header.
#include "golden/core/tern_column.hpp"

#include <stdexcept>

#include "golden/contract.hpp"
#include "golden/weights.hpp"

namespace tern {

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
    : p_(p), feed_(p.cache_words), d8_(fp.idx_bits), lanes_(p, dp) {
  if (p.pack != 1 && p.pack != 8) throw std::invalid_argument("ColumnModel: Pack must be 1 or 8");
  for (int f = 0; f < 5; ++f) {
    has_fmt_.push_back(((p.formats >> f) & 1u) != 0);
    dec_.emplace_back(static_cast<Format>(has_fmt_.back() ? f : 0), fp);
  }
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
  s.done_grp = lanes_.done_grp();
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
  o.rdata = lanes_.rdata();
  if (lanes_.full())
    for (int l = 0; l < p_.lanes; ++l) o.acc.push_back(lanes_.acc(l, in.dpar));
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
  // entry to tern_col_lanes
  ColEntry e;
  e.valid = c.dc_fire;
  if (c.dc_fire) {
    const ColSeqOut& q = c.cso;
    e.first = q.cur_first && row_first_;
    e.shift = !q.cur_first && row_first_;
    e.neg = q.cur_neg;
    e.par = q.cur_par;
    e.lastg = c.dc_last && q.cur_lastpl;
    e.empty = c.dc_empty;
    e.bit = (in.act_bits - 1 - q.cur_plane) & 7;
    e.code = c.dm.code & 0xffu;
    e.pcodes = c.pk.code & 0xffffu;
    e.wval = c.wd.value;
    e.wnz = c.wd.nonzero;
    e.k = c.dc_index;
    e.base = q.cur_base;
    e.ix0 = q.cur_ix0;
    e.rb = q.cur_rb;
  }
  lanes_.tick(in, e);
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

}  // namespace tern
