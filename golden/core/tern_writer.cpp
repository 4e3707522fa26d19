// C++ twin of rtl/core/tern_writer.sv.
#include "golden/core/tern_writer.hpp"

#include <stdexcept>

namespace tern {

namespace {

int clog2(int v) {
  int n = 0;
  while ((1 << n) < v) ++n;
  return n;
}

}  // namespace

struct WriterModel::Comb {
  bool cv, st_room, cpop;
  uint32_t idx;
  int nwords;
  uint64_t bdata, rdata;
  int bbe, rbe;
  uint32_t wi, wy;
  WriterOut out;
};

WriterModel::WriterModel(int lanes, int bank_bytes, int depth) : lanes_(lanes), depth_(depth) {
  if (lanes < 1 || lanes > 32) throw std::invalid_argument("tern_writer twin: Lanes must be 1..32");
  if (bank_bytes < 16 || (bank_bytes & (bank_bytes - 1)) != 0)
    throw std::invalid_argument("tern_writer twin: BankBytes must be a power of two >= 16");
  if (depth < 2 || (depth & (depth - 1)) != 0) throw std::invalid_argument("tern_writer: Depth must be a power of two");
  ba_ = clog2(bank_bytes / 8) + 1;
  reset();
}

void WriterModel::reset() {
  ck_mem_.assign(static_cast<size_t>(depth_), WriterChunk{});
  ck_wptr_ = ck_rptr_ = ck_count_ = 0;
  sub_ = 0;
  w_v_ = w_mem_ = false;
  w_we_ = 0;
  w_addr_ = {};
  w_data_ = 0;
  w_be_ = 0;
  w_maddr_ = 0;
  st_mem_ = {};
  st_wptr_ = st_rptr_ = st_count_ = 0;
}

WriterModel::Comb WriterModel::comb(const WriterIn& in) const {
  Comb c{};
  const WriterChunk& h = ck_mem_[static_cast<size_t>(ck_rptr_)];  // FIFO head (stale when empty)
  c.cv = ck_count_ != 0;
  const int lrow = in.lrow & 31, lpix = in.lpix & 31;
  c.idx = ((h.y & 0xffffu) << lrow) | ((h.x & 0xffffu) << lpix) | (h.m & 0xffffu);
  int nch = 0;
  for (int j = 0; j < 8; ++j)
    if ((h.mask >> j) & 1u) nch = j;
  c.nwords = ((nch + static_cast<int>(c.idx & 1u)) >> 1) & 3;
  c.st_room = !in.store || st_count_ + (w_v_ && w_mem_ ? 1 : 0) < kStDepth;
  c.cpop = c.cv && c.st_room && (!in.raw || sub_ == c.nwords);
  for (int j = 0; j < 8; ++j) {
    if (!((h.mask >> j) & 1u)) continue;
    const int b = (static_cast<int>(c.idx & 7u) + j) % 8;
    c.bdata |= uint64_t{h.data[static_cast<size_t>(j)] & 0xffu} << (8 * b);
    c.bbe |= 1 << b;
    if (((static_cast<int>(c.idx & 1u) + j) >> 1) == sub_) {
      const int e = (static_cast<int>(c.idx & 1u) + j) % 2;
      c.rdata |= uint64_t{h.data[static_cast<size_t>(j)]} << (32 * e);
      c.rbe |= 0xf << (4 * e);
    }
  }
  c.wi = in.ld_valid ? in.ld_index : c.idx;
  c.wy = (c.wi >> lrow) & 0xffffu;
  WriterOut& o = c.out;
  o.ck_count = ck_count_;
  o.bwe = w_we_;
  o.bwaddr = w_addr_;
  o.bwdata = w_data_;
  o.bwbe = w_be_;
  const StWord& s = st_mem_[static_cast<size_t>(st_rptr_)];
  o.st_valid = st_count_ != 0;
  o.st_addr = s.addr;
  o.st_data = s.data;
  o.st_strb = s.strb;
  o.idle = !c.cv && !w_v_ && !o.st_valid;
  return c;
}

WriterOut WriterModel::eval(const WriterIn& in) const {
  return comb(in).out;
}

void WriterModel::tick(const WriterIn& in) {
  const Comb c = comb(in);
  const int lrow = in.lrow & 31;
  const bool reset_now = in.clr;
  // register stage: the datapath registers load every cycle (even while clr_i)
  const uint32_t amask = (uint32_t{1} << (ba_ - 1)) - 1;
  for (int l = 0; l < lanes_; ++l) {
    const uint32_t lo = static_cast<uint32_t>(in.lo[static_cast<size_t>(l)]);
    const uint32_t word = in.fc ? (c.wi >> 3) : ((((c.wy - lo) << lrow) | (c.wi & ((uint32_t{1} << lrow) - 1))) >> 3);
    w_addr_[static_cast<size_t>(l)] = (in.side ? amask + 1 : 0) | (word & amask);
  }
  const uint64_t nw_data = in.raw ? c.rdata : (in.ld_valid ? in.ld_data : c.bdata);
  const int nw_be = in.ld_valid ? 0xff : (in.raw ? c.rbe : c.bbe);
  const uint32_t nw_maddr = in.out_addr + (in.raw ? (((c.idx << 2) & ~uint32_t{7}) + (static_cast<uint32_t>(sub_) << 3))
                                                  : (c.idx & ~uint32_t{7}));
  // store FIFO input: the register stage before this edge
  const bool st_push = w_v_ && w_mem_ && st_count_ != kStDepth;
  const bool st_pop = st_count_ != 0 && in.st_ready;
  const StWord st_in{w_maddr_, w_data_, w_be_};
  w_data_ = nw_data;
  w_be_ = nw_be;
  w_maddr_ = nw_maddr;
  // chunk FIFO push/pop (storage written on a push even while clr_i, as tern_fifo)
  const bool ck_push = in.ck_valid && ck_count_ != depth_;
  if (ck_push) ck_mem_[static_cast<size_t>(ck_wptr_)] = in.ck;
  if (st_push) st_mem_[static_cast<size_t>(st_wptr_)] = st_in;
  if (reset_now) {
    ck_wptr_ = ck_rptr_ = ck_count_ = 0;
    st_wptr_ = st_rptr_ = st_count_ = 0;
    sub_ = 0;
    w_v_ = w_mem_ = false;
    w_we_ = 0;
    return;
  }
  if (ck_push) ck_wptr_ = (ck_wptr_ + 1) % depth_;
  if (c.cpop) ck_rptr_ = (ck_rptr_ + 1) % depth_;
  ck_count_ += (ck_push ? 1 : 0) - (c.cpop ? 1 : 0);
  if (st_push) st_wptr_ = (st_wptr_ + 1) % kStDepth;
  if (st_pop) st_rptr_ = (st_rptr_ + 1) % kStDepth;
  st_count_ += (st_push ? 1 : 0) - (st_pop ? 1 : 0);
  if (c.cv && c.st_room && in.raw) sub_ = sub_ == c.nwords ? 0 : (sub_ + 1) & 3;
  uint32_t we = 0;
  const int32_t wy = static_cast<int32_t>(c.wy);
  for (int l = 0; l < lanes_; ++l) {
    const bool in_band = in.fc ? l == 0 : wy >= in.lo[static_cast<size_t>(l)] && wy <= in.hi[static_cast<size_t>(l)];
    if ((in.ld_valid || c.cpop) && in.banks && !in.raw && ((in.act >> l) & 1u) && in_band) we |= uint32_t{1} << l;
  }
  w_v_ = in.ld_valid || (c.cv && c.st_room);
  w_mem_ = !in.ld_valid && c.cv && c.st_room && in.store;
  w_we_ = we;
}

}  // namespace tern
