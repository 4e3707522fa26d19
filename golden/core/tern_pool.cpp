// C++ twin of rtl/core/tern_pool.sv.
#include "golden/core/tern_pool.hpp"

#include <stdexcept>

namespace tern {

struct PoolModel::Comb {
  bool wlast, close, issue, ck_issue, lane_ok, ser_last;
  uint32_t byte_i, ly;
  PoolOut out;
};

PoolModel::PoolModel(int lanes, int bank_bytes, int wdepth) : lanes_(lanes), wdepth_(wdepth) {
  if (lanes < 1 || lanes > 64) throw std::invalid_argument("tern_pool twin: Lanes must be 1..64");
  if (bank_bytes < 16 || (bank_bytes & (bank_bytes - 1)) != 0)
    throw std::invalid_argument("tern_pool twin: BankBytes must be a power of two >= 16");
  ba_ = 1;
  while ((1 << (ba_ - 1)) < bank_bytes / 8) ++ba_;
  reset();
}

void PoolModel::reset() {
  gy_ = gx_ = c_ = 0;
  r_ = s_ = 0;
  left_ = true;
  p1_v_ = p1_first_ = p1_close_ = p1_last_ = false;
  p1_b_ = p1_slot_ = 0;
  p1_y_ = p1_x_ = p1_m_ = 0;
  mx_.assign(static_cast<size_t>(lanes_), 0);
  asm_.assign(static_cast<size_t>(lanes_), 0);
  obuf_.assign(static_cast<size_t>(lanes_), 0);
  amask_ = omask_ = 0;
  oy_ = ox_ = om_ = 0;
  ov_ = false;
  ol_ = 0;
  ck_valid_ = false;
  ck_y_ = ck_x_ = ck_m_ = ck_mask_ = 0;
  ck_data_ = {};
}

PoolModel::Comb PoolModel::comb(const PoolIn& in) const {
  Comb c{};
  c.wlast = r_ == ((in.r - 1) & 15) && s_ == ((in.s - 1) & 15);
  c.close = c.wlast && ((c_ & 7u) == 7u || c_ == ((in.c - 1) & 0xffffu));
  c.ly = (static_cast<uint32_t>(ol_) * (in.eb & 0xffffu) + oy_) & 0xffffu;
  c.lane_ok = c.ly < (in.e & 0xffffu);
  c.ck_issue = ov_ && c.lane_ok && in.wr_count + (ck_valid_ ? 1 : 0) < wdepth_;
  c.ser_last = ol_ == lanes_ - 1;
  const bool obuf_free = !(p1_v_ && p1_close_) && (!ov_ || (c.ser_last && (c.ck_issue || !c.lane_ok)));
  c.issue = in.run && left_ && (!c.close || obuf_free);
  const uint32_t st = static_cast<uint32_t>(in.stride & 7);
  c.byte_i = ((gy_ * st + static_cast<uint32_t>(r_)) << (in.lrow & 31)) |
             ((gx_ * st + static_cast<uint32_t>(s_)) << (in.lpix & 31)) | c_;
  PoolOut& o = c.out;
  o.re = c.issue;
  const uint32_t amask = (uint32_t{1} << (ba_ - 1)) - 1;
  o.raddr = (in.side ? amask + 1 : 0) | ((c.byte_i >> 3) & amask);
  o.ck_valid = ck_valid_;
  o.ck_y = ck_y_;
  o.ck_x = ck_x_;
  o.ck_m = ck_m_;
  o.ck_mask = ck_mask_;
  o.ck_data = ck_data_;
  o.done = !left_ && !p1_v_ && !ov_ && !ck_valid_;
  return c;
}

PoolOut PoolModel::eval(const PoolIn& in) const {
  return comb(in).out;
}

void PoolModel::tick(const PoolIn& in) {
  const Comb c = comb(in);
  // P1 running maximum of every lane
  std::vector<uint8_t> cur(static_cast<size_t>(lanes_));
  for (int l = 0; l < lanes_; ++l) {
    const uint64_t word = l < static_cast<int>(in.rdata.size()) ? in.rdata[static_cast<size_t>(l)] : 0;
    const uint8_t b = static_cast<uint8_t>(word >> (8 * p1_b_));
    const uint8_t m = mx_[static_cast<size_t>(l)];
    const bool gt = in.is_signed ? static_cast<int8_t>(b) > static_cast<int8_t>(m) : b > m;
    cur[static_cast<size_t>(l)] = (p1_first_ || gt) ? b : m;
  }
  // registered outputs to the writer (old serializer state)
  ck_y_ = c.ly;
  ck_x_ = ox_;
  ck_m_ = om_;
  ck_mask_ = omask_;
  for (int j = 0; j < 8; ++j) {
    const uint64_t w = ol_ < lanes_ ? obuf_[static_cast<size_t>(ol_)] : 0;
    ck_data_[static_cast<size_t>(j)] = static_cast<uint32_t>((w >> (8 * j)) & 0xffu);
  }
  // output buffer (not reset)
  const int slot_sh = 8 * p1_slot_;
  if (p1_v_ && p1_close_) {
    for (int l = 0; l < lanes_; ++l) {
      const uint64_t a = asm_[static_cast<size_t>(l)];
      obuf_[static_cast<size_t>(l)] =
          (a & ~(uint64_t{0xff} << slot_sh)) | (uint64_t{cur[static_cast<size_t>(l)]} << slot_sh);
    }
    omask_ = (amask_ | (1u << p1_slot_)) & 0xffu;
    oy_ = p1_y_;
    ox_ = p1_x_;
    om_ = p1_m_;
  }
  // serializer
  const bool ov = ov_;
  if (!in.run) {
    ov_ = false;
    ol_ = 0;
    ck_valid_ = false;
  } else {
    ck_valid_ = c.ck_issue;
    if (ov && (c.ck_issue || !c.lane_ok)) {
      ol_ = c.ser_last ? 0 : ol_ + 1;
      if (c.ser_last) ov_ = false;
    }
    if (p1_v_ && p1_close_) ov_ = true;
  }
  // maximum, assembly, mask
  if (p1_v_)
    for (int l = 0; l < lanes_; ++l) mx_[static_cast<size_t>(l)] = cur[static_cast<size_t>(l)];
  if (p1_v_ && p1_last_)
    for (int l = 0; l < lanes_; ++l) {
      uint64_t& a = asm_[static_cast<size_t>(l)];
      a = (a & ~(uint64_t{0xff} << slot_sh)) | (uint64_t{cur[static_cast<size_t>(l)]} << slot_sh);
    }
  if (!in.run || (p1_v_ && p1_close_))
    amask_ = 0;
  else if (p1_v_ && p1_last_)
    amask_ |= 1u << p1_slot_;
  // P1 registers
  p1_v_ = c.issue;
  p1_first_ = r_ == 0 && s_ == 0;
  p1_last_ = c.wlast;
  p1_close_ = c.close;
  p1_b_ = static_cast<int>(c.byte_i & 7u);
  p1_slot_ = static_cast<int>(c_ & 7u);
  p1_y_ = gy_;
  p1_x_ = gx_;
  p1_m_ = c_ & ~7u;
  // P0 read sequence
  if (!in.run) {
    gy_ = gx_ = c_ = 0;
    r_ = s_ = 0;
    left_ = true;
  } else if (c.issue) {
    if (!c.wlast) {
      if (s_ != ((in.s - 1) & 15)) {
        s_ = (s_ + 1) & 15;
      } else {
        s_ = 0;
        r_ = (r_ + 1) & 15;
      }
    } else {
      r_ = s_ = 0;
      if (c_ != ((in.c - 1) & 0xffffu)) {
        c_ = (c_ + 1) & 0xffffu;
      } else {
        c_ = 0;
        if (gx_ != ((in.f - 1) & 0xffffu)) {
          gx_ = (gx_ + 1) & 0xffffu;
        } else {
          gx_ = 0;
          if (gy_ != ((in.eb - 1) & 0xffffu))
            gy_ = (gy_ + 1) & 0xffffu;
          else
            left_ = false;
        }
      }
    }
  }
}

}  // namespace tern
