// Cycle model of the decompressors rtl/decomp/tern_decomp_{dense,rle,bitmap,csc}.sv (see the header; rle8 in
// golden/decomp/tern_decomp_rle8.cpp).
#include "golden/decomp_model.hpp"

#include <stdexcept>

#include "golden/formats/bitstream.hpp"

namespace tern {

namespace {
int clog2(int64_t n) {
  int b = 0;
  while ((int64_t{1} << b) < n) ++b;
  return b;
}
bool bit(uint64_t v, int i) { return ((v >> i) & 1u) != 0; }
constexpr int kTernary = static_cast<int>(WeightType::kTernary);
constexpr int kBinary = static_cast<int>(WeightType::kBinary);
}  // namespace

struct DecompModel::Comb {
  bool go = false, fin = false, det = false, out_v = false, skip = false, consume = false;
  int det_code = 0;
  int need = 0;
  bool have = false, end_ok = false, cur_valid = false, free = false;
  uint32_t code = 0, index = 0;
  bool last = false, empty = false;
  bool esc = false, in_blk = false;
  uint64_t sum = 0, rem = 0, m_next = 0;
  int gsel = 0;
  uint64_t len_mask_in = 0;
  int hdr_len_in = 0;
  bool word_ready = false;
};

DecompModel::DecompModel(Format f, const FormatParams& p) : fmt_(f), p_(p) {
  auto bad = [](const std::string& w) { throw std::invalid_argument("DecompModel: " + w); };
  const int w = p.word_bits;
  if (w < 8 || w > 64 || (w & (w - 1)) != 0) bad("WordBits must be 8..64, a power of two");
  if (p.max_code_bits < 1 || p.max_code_bits > 8 || p.idx_bits < 1 || p.idx_bits > 24) bad("MaxCodeBits/IdxBits");
  const int cnt_bits = p.idx_bits + 1;
  int head = 0;
  switch (f) {
    case Format::kDense: peek_bits_ = p.max_code_bits; break;
    case Format::kRle:
      if (p.gap_bits < 1 || p.gap_bits > 8 || p.idx_bits < p.gap_bits) bad("GapBits");
      peek_bits_ = p.gap_bits + p.max_code_bits;
      head = 3 + cnt_bits;
      break;
    case Format::kBitmap:
      if (p.block_bits < 4 || p.block_bits > 32 || (p.block_bits & (p.block_bits - 1)) != 0 ||
          clog2(p.block_bits) > p.idx_bits) {
        bad("BlockBits");
      }
      peek_bits_ = p.block_bits + p.max_code_bits;
      head = cnt_bits;
      break;
    case Format::kCsc:
      if (p.run_bits < 1 || p.run_bits > 8 || p.idx_bits < p.run_bits) bad("RunBits");
      peek_bits_ = p.run_bits + p.max_code_bits;
      head = cnt_bits;
      break;
    case Format::kRleAligned:
      if (p.idx_bits < 7 || p.idx_bits > 16 || p.max_code_bits < 2) bad("rle8 needs IdxBits 7..16, MaxCodeBits >= 2");
      if (w != 32 && w != 64) bad("rle8 needs WordBits 32 or 64");
      peek_bits_ = 8;
      head = 16;
      break;
  }
  if (2 * peek_bits_ > w || head + peek_bits_ > w) bad("WordBits too narrow for the entry and header widths");
  need_bits_ = clog2(peek_bits_ + 1);
  sum_bits_ = f == Format::kRleAligned ? cnt_bits : p.idx_bits + 2;
}

void DecompModel::reset() {
  run_ = false;
  err_ = false;
  err_code_ = 0;
  valid_[0] = valid_[1] = false;
  got_last_ = false;
  wr_ = 0;
}

uint64_t DecompModel::peek() const {
  const int w = p_.word_bits;
  uint64_t v = 0;
  for (int i = 0; i < peek_bits_; ++i) {
    const int pos = (ptr_ + i) % (2 * w);
    v |= static_cast<uint64_t>(bit(slot_[pos / w], pos % w)) << i;
  }
  return v;
}

DecompModel::Comb DecompModel::comb(const DecompIn& in) const {
  Comb c;
  const int w = p_.word_bits;
  const int ib = p_.idx_bits;
  const int cnt_bits = ib + 1;
  const uint64_t row_len_in = in.row_len & low_mask(cnt_bits);
  const int cb_in = in.code_bits & 15;
  const int wt_in = in.wtype & 7;

  // ---- control: start acceptance needs fin, which needs the decode below; fin does not depend on go.
  const auto wt_type = static_cast<WeightType>(wt_ < kWeightTypeCount ? wt_ : 0);
  const bool ternary = (wt_ == kTernary);
  const int pb = ternary && (fmt_ == Format::kRle || fmt_ == Format::kBitmap) ? 1 : cb_;
  const uint64_t pbmask = low_mask(std::min(pb, p_.max_code_bits));
  const uint64_t cbmask = low_mask(std::min(cb_, p_.max_code_bits));
  auto reserved = [&](uint64_t code) { return code_reserved(wt_type, static_cast<uint32_t>(code), 8); };
  auto is_zero = [&](uint64_t code) { return code_is_zero(wt_type, static_cast<uint32_t>(code), 8); };
  // The RTL's code checks are independent of the code width: int8 codes are masked to it already.
  auto reserved_w = [&](uint64_t code) { return wt_type == WeightType::kInt8 ? false : reserved(code); };
  auto zero_w = [&](uint64_t code) { return wt_type == WeightType::kInt8 ? code == 0 : is_zero(code); };

  // ---- window (need computed per format below)
  const int cur = ptr_ / w;
  const int off = ptr_ % w;
  c.cur_valid = valid_[cur];
  c.free = !got_last_ && !valid_[wr_];
  const uint64_t pk = peek();
  const uint64_t head = slot_[0];
  auto window = [&](int need) {
    c.need = need & static_cast<int>(low_mask(need_bits_));
    const bool fits = off + c.need <= w;
    c.have = c.cur_valid && (fits || valid_[1 - cur]);
    c.end_ok = fits ? last_[cur] : last_[1 - cur];
  };
  auto fail = [&](DecompError e) {
    c.det = true;
    c.det_code = static_cast<int>(e);
  };
  const uint64_t sum_mask = low_mask(sum_bits_);

  switch (fmt_) {
    case Format::kDense: {
      c.code = static_cast<uint32_t>(pk & cbmask);
      const uint64_t pos_inc = (pos_ + 1) & low_mask(cnt_bits);
      c.last = (pos_inc == len_);
      c.index = static_cast<uint32_t>(pos_ & low_mask(ib));
      window(cb_);
      if (run_) {
        if (!c.cur_valid || !c.have) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (reserved_w(c.code)) {
          fail(DecompError::kCode);
        } else if (c.last && !c.end_ok) {
          fail(DecompError::kNoEnd);
        } else {
          c.out_v = true;
        }
      }
      break;
    }
    case Format::kRle: {
      c.gsel = hdr_ ? static_cast<int>(head & 7) : gsel_;
      const int g = c.gsel + 1;
      const uint64_t cnt_hdr = (head >> 3) & len_mask_;
      c.rem = hdr_ ? cnt_hdr : rem_;
      const bool hdr_bad = hdr_ && g > p_.gap_bits;
      c.empty = (c.rem == 0);
      const uint64_t gmask = low_mask(std::min(g, p_.gap_bits));
      const uint64_t gap = pk & gmask;
      c.esc = (gap == 0);
      const uint64_t payload = (pk >> g) & low_mask(p_.max_code_bits) & pbmask;
      c.code = static_cast<uint32_t>(ternary ? ((payload & 1) << 1) | 1 : payload);
      const bool bad_code = !ternary && (reserved(payload) || is_zero(payload));
      c.sum = (last_idx_ + (c.esc ? gmask : gap)) & sum_mask;
      const bool final_nz = (c.rem == 1);
      c.last = c.empty || final_nz;
      c.index = static_cast<uint32_t>(c.sum & low_mask(ib));
      window(c.empty ? 0 : c.esc ? g : g + pb);
      if (run_) {
        if (!c.cur_valid) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (hdr_bad) {
          fail(DecompError::kField);
        } else if (c.empty) {
          if (!c.end_ok) fail(DecompError::kNoEnd);
          else c.out_v = true;
        } else if (!c.have) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (c.sum >= len_) {
          fail(DecompError::kIndex);
        } else if (c.esc) {
          c.skip = true;
        } else if (bad_code) {
          fail(DecompError::kCode);
        } else if (final_nz && !c.end_ok) {
          fail(DecompError::kNoEnd);
        } else {
          c.out_v = true;
        }
      }
      break;
    }
    case Format::kBitmap: {
      const int b = p_.block_bits;
      const int bit_bits = clog2(b);
      const int blk_bits = ib + 2 - bit_bits;
      const uint64_t bmask = low_mask(b);
      const uint64_t cnt_hdr = head & len_mask_;
      c.rem = hdr_ ? cnt_hdr : rem_;
      c.empty = (c.rem == 0);
      c.in_blk = (mask_ != 0);
      const uint64_t m = c.in_blk ? mask_ : (pk & bmask);
      const bool mzero = !c.in_blk && (pk & bmask) == 0;
      const uint64_t bnum = c.in_blk ? blk_ : nb_;
      const uint64_t nb_inc = (nb_ + 1) & low_mask(blk_bits);
      c.m_next = m & (m - 1) & bmask;
      int bit_pos = 0;
      for (int i = b - 1; i >= 0; --i) {
        if (bit(m, i)) bit_pos = i;
      }
      const uint64_t idx = (bnum << bit_bits) | static_cast<uint64_t>(bit_pos);
      const uint64_t next_base = nb_inc << bit_bits;
      const uint64_t payload = (c.in_blk ? pk : (pk >> b)) & low_mask(p_.max_code_bits) & pbmask;
      c.code = static_cast<uint32_t>(ternary ? ((payload & 1) << 1) | 1 : payload);
      const bool bad_code = !ternary && (reserved(payload) || is_zero(payload));
      const bool final_nz = (c.rem == 1);
      c.last = c.empty || final_nz;
      c.index = static_cast<uint32_t>(idx & low_mask(ib));
      window(c.empty ? 0 : c.in_blk ? pb : mzero ? b : b + pb);
      if (run_) {
        if (!c.cur_valid) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (c.empty) {
          if (!c.end_ok) fail(DecompError::kNoEnd);
          else c.out_v = true;
        } else if (!c.have) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (mzero) {
          if (next_base >= len_) fail(DecompError::kIndex);
          else c.skip = true;
        } else if (idx >= len_) {
          fail(DecompError::kIndex);
        } else if (bad_code) {
          fail(DecompError::kCode);
        } else if (final_nz && c.m_next != 0) {
          fail(DecompError::kField);
        } else if (final_nz && !c.end_ok) {
          fail(DecompError::kNoEnd);
        } else {
          c.out_v = true;
        }
      }
      break;
    }
    case Format::kRleAligned: break;  // comb8
    case Format::kCsc: {
      const int rb = p_.run_bits;
      const uint64_t cnt_hdr = head & len_mask_;
      c.rem = hdr_ ? cnt_hdr : rem_;
      c.empty = (c.rem == 0);
      const uint64_t run = pk & low_mask(rb);
      c.code = static_cast<uint32_t>((pk >> rb) & low_mask(p_.max_code_bits) & cbmask);
      const bool pad = zero_w(c.code) && wt_type != WeightType::kBinary;
      c.sum = (last_idx_ + run + 1) & sum_mask;
      const bool final_e = (c.rem == 1);
      c.last = c.empty || final_e;
      c.index = static_cast<uint32_t>(c.sum & low_mask(ib));
      window(c.empty ? 0 : rb + cb_);
      if (run_) {
        if (!c.cur_valid) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (c.empty) {
          if (!c.end_ok) fail(DecompError::kNoEnd);
          else c.out_v = true;
        } else if (!c.have) {
          if (got_last_) fail(DecompError::kTruncated);
        } else if (c.sum >= len_) {
          fail(DecompError::kIndex);
        } else if (pad) {
          if (final_e || run != low_mask(rb)) fail(DecompError::kField);
          else c.skip = true;
        } else if (reserved_w(c.code)) {
          fail(DecompError::kCode);
        } else if (final_e && !c.end_ok) {
          fail(DecompError::kNoEnd);
        } else {
          c.out_v = true;
        }
      }
      break;
    }
  }
  const bool fire = c.out_v && in.ready;
  c.consume = c.skip || fire;
  c.fin = fire && c.last;

  // ---- control
  const bool len_ok = row_len_in != 0 && (!bit(row_len_in, ib) || (row_len_in & low_mask(ib)) == 0);
  const bool cb_ok = cb_in <= p_.max_code_bits &&
                     (wt_in < kWeightTypeCount && code_bits_ok(static_cast<WeightType>(wt_in), cb_in));
  const bool start_ok = in.start && !in.clear && !err_ && (!run_ || c.fin);
  c.go = start_ok && len_ok && cb_ok;
  c.word_ready = c.go || (run_ && !c.fin && !c.det && c.free);
  // start-time header geometry
  c.len_mask_in = row_len_in;
  for (int i = cnt_bits - 2; i >= 0; --i) {
    if (bit(c.len_mask_in, i + 1)) c.len_mask_in |= uint64_t{1} << i;
  }
  const int bl = bit_length(row_len_in);
  c.hdr_len_in = fmt_ == Format::kRle ? 3 + bl : fmt_ == Format::kDense ? 0 : bl;
  return c;
}

DecompOut DecompModel::eval(const DecompIn& in) const {
  if (fmt_ == Format::kRleAligned) return eval8(in);
  const Comb c = comb(in);
  return outputs(c);
}

void DecompModel::tick(const DecompIn& in) {
  if (fmt_ == Format::kRleAligned) {
    tick8(in);
    return;
  }
  const Comb c = comb(in);
  const int w = p_.word_bits;
  const int cnt_bits = p_.idx_bits + 1;
  const uint64_t row_len_in = in.row_len & low_mask(cnt_bits);
  const bool len_ok = c.go;  // go implies a good configuration
  const bool start_ok = in.start && !in.clear && !err_ && (!run_ || c.fin);

  // ---- control
  bool run = run_, err = err_;
  int code = err_code_;
  if (in.clear) {
    run = false;
    err = false;
    code = 0;
  } else if (run_ && c.det) {
    run = false;
    err = true;
    code = c.det_code;
  } else if (start_ok) {
    run = len_ok;
    if (!len_ok) {
      err = true;
      code = static_cast<int>(DecompError::kConfig);
    }
  } else if (run_ && c.fin) {
    run = false;
  } else if (run_ && in.start) {
    run = false;
    err = true;
    code = static_cast<int>(DecompError::kStart);
  }

  // ---- format registers (use the pre-edge configuration)
  const bool load = in.word_valid && c.word_ready;
  switch (fmt_) {
    case Format::kDense:
      if (c.go) pos_ = 0;
      else if (c.consume) pos_ = (pos_ + 1) & low_mask(cnt_bits);
      break;
    case Format::kRle:
      if (c.go) {
        hdr_ = true;
        last_idx_ = low_mask(sum_bits_);
        len_mask_ = c.len_mask_in;
      } else if (c.consume) {
        hdr_ = false;
        gsel_ = c.gsel;
        rem_ = (c.rem - (c.esc ? 0 : 1)) & low_mask(cnt_bits);
        last_idx_ = c.sum;
      }
      break;
    case Format::kBitmap: {
      const int blk_bits = p_.idx_bits + 2 - clog2(p_.block_bits);
      if (c.go) {
        hdr_ = true;
        mask_ = 0;
        nb_ = 0;
        len_mask_ = c.len_mask_in;
      } else if (c.skip) {
        hdr_ = false;
        rem_ = c.rem;
        nb_ = (nb_ + 1) & low_mask(blk_bits);
      } else if (c.consume) {
        hdr_ = false;
        rem_ = (c.rem - 1) & low_mask(cnt_bits);
        mask_ = c.m_next;
        if (!c.in_blk) {
          blk_ = nb_;
          nb_ = (nb_ + 1) & low_mask(blk_bits);
        }
      }
      break;
    }
    case Format::kCsc:
      if (c.go) {
        hdr_ = true;
        last_idx_ = low_mask(sum_bits_);
        len_mask_ = c.len_mask_in;
      } else if (c.consume) {
        hdr_ = false;
        rem_ = (c.rem - 1) & low_mask(cnt_bits);
        last_idx_ = c.sum;
      }
      break;
    case Format::kRleAligned: break;  // tick8
  }

  // ---- window
  const int cur = ptr_ / w;
  if (c.go) {
    valid_[0] = valid_[1] = false;
    got_last_ = false;
    wr_ = 0;
    ptr_ = c.hdr_len_in % (2 * w);
    if (load) {
      slot_[0] = in.word & low_mask(w);
      valid_[0] = true;
      last_[0] = in.word_last;
      got_last_ = in.word_last;
      wr_ = 1;
    }
  } else {
    if (c.consume) {
      const int end = ptr_ % w + c.need;
      ptr_ = (ptr_ + c.need) % (2 * w);
      if (end >= w) valid_[cur] = false;
    }
    if (load) {
      slot_[wr_] = in.word & low_mask(w);
      valid_[wr_] = true;
      last_[wr_] = in.word_last;
      wr_ = 1 - wr_;
      got_last_ = got_last_ || in.word_last;
    }
  }

  // ---- control registers and the latched configuration
  if (c.go) {
    len_ = static_cast<uint32_t>(row_len_in);
    cb_ = in.code_bits & 15;
    wt_ = in.wtype & 7;
  }
  run_ = run;
  err_ = err;
  err_code_ = code;
}

}  // namespace tern
