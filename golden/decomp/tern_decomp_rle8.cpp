// Cycle model of rtl/decomp/tern_decomp_rle8.sv: the rle8 methods of DecompModel (golden/decomp_model.hpp; the
// other formats are in golden/decomp_model.cpp).
#include <stdexcept>

#include "golden/decomp_model.hpp"
#include "golden/formats/bitstream.hpp"

namespace tern {

namespace {
bool bit(uint64_t v, int i) { return ((v >> i) & 1u) != 0; }
constexpr int kTernary = static_cast<int>(WeightType::kTernary);
constexpr int kBinary = static_cast<int>(WeightType::kBinary);
}  // namespace

struct DecompModel::Comb8 {
  bool go = false, fin = false, det = false, out_v = false, skip = false, consume = false, fire = false;
  bool esc = false, ret = false, word_ready = false;
  int det_code = 0;
  uint64_t sum = 0;
  uint32_t code = 0, index = 0;
  bool last = false, empty = false;
};

DecompModel::Comb8 DecompModel::comb8(const DecompIn& in) const {
  Comb8 c;
  const int ib = p_.idx_bits;
  const int cnt_bits = ib + 1;
  const int epw = p_.word_bits / 8;
  const uint64_t row_len_in = in.row_len & low_mask(cnt_bits);
  const int cb_in = in.code_bits & 15;
  const int wt_in = in.wtype & 7;
  auto fail = [&](DecompError e) {
    c.det = true;
    c.det_code = static_cast<int>(e);
  };
  // entry under the byte pointer
  const auto byte = static_cast<uint32_t>((slot_[0] >> (8 * ptr_)) & 0xff);
  const uint32_t gap = byte & 0x7f;
  const uint32_t s = byte >> 7;
  c.esc = (gap == 0);
  const bool rsv = c.esc && s != 0;
  c.sum = (last_idx_ + (c.esc ? 0x7f : gap)) & low_mask(sum_bits_);
  c.empty = (rem_ == 0);  // rem_: the header count; nb_: 1 + non-zeros handed over (16 bits each)
  const bool final_nz = (nb_ == rem_);
  c.last = c.empty || final_nz;
  c.index = static_cast<uint32_t>(c.sum & low_mask(ib));
  c.code = tern_ ? ((s << 1) | 1u) : (s ? 0u : 1u);
  if (run_) {
    if (!valid_[0]) {
      if (got_last_) fail(DecompError::kTruncated);
    } else if (c.empty) {
      if (!got_last_) fail(DecompError::kNoEnd);
      else c.out_v = true;
    } else if (rsv) {
      fail(DecompError::kField);
    } else if (c.sum >= len_) {
      fail(DecompError::kIndex);
    } else if (c.esc) {
      c.skip = true;
    } else if (final_nz && !got_last_) {
      fail(DecompError::kNoEnd);
    } else {
      c.out_v = true;
    }
  }
  c.fire = c.out_v && in.ready;
  c.consume = c.skip || c.fire;
  c.fin = c.fire && c.last;
  c.ret = c.consume && ptr_ == epw - 1;
  // control
  const bool len_ok = row_len_in != 0 && (!bit(row_len_in, ib) || (row_len_in & low_mask(ib)) == 0);
  const bool type_ok = (wt_in == kTernary && cb_in == 2) || (wt_in == kBinary && cb_in == 1);
  const bool start_ok = in.start && !in.clear && !err_ && (!run_ || c.fin);
  c.go = start_ok && len_ok && type_ok;
  c.word_ready = c.go || (run_ && !got_last_ && (!valid_[0] || c.ret));
  return c;
}

DecompOut DecompModel::eval8(const DecompIn& in) const {
  const Comb8 c = comb8(in);
  return outputs(c);
}

void DecompModel::tick8(const DecompIn& in) {
  const Comb8 c = comb8(in);
  const int cnt_bits = p_.idx_bits + 1;
  const int epw = p_.word_bits / 8;
  const uint64_t row_len_in = in.row_len & low_mask(cnt_bits);
  const bool start_ok = in.start && !in.clear && !err_ && (!run_ || c.fin);
  const uint64_t word = in.word & low_mask(p_.word_bits);
  const bool load = in.word_valid && c.word_ready;

  // ---- control (as tern_decomp_ctrl)
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
    run = c.go;
    if (!c.go) {
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

  // ---- word slot, byte pointer, count and previous index
  if (c.go) {
    valid_[0] = load;
    got_last_ = load && in.word_last;
    hdr_ = !load;
    ptr_ = 2;
    last_idx_ = low_mask(sum_bits_);
    nb_ = 1;
    if (load) {
      slot_[0] = word;
      rem_ = word & 0xffff;
    }
  } else {
    if (c.consume) {
      ptr_ = (ptr_ + 1) % epw;
      last_idx_ = c.sum;
      if (c.fire) nb_ = (nb_ + 1) & 0xffff;
    }
    if (load) {
      slot_[0] = word;
      valid_[0] = true;
      got_last_ = got_last_ || in.word_last;
      if (hdr_) rem_ = word & 0xffff;
      hdr_ = false;
    } else if (c.ret) {
      valid_[0] = false;
    }
  }
  if (c.go) {
    len_ = static_cast<uint32_t>(row_len_in);
    cb_ = in.code_bits & 15;
    wt_ = in.wtype & 7;
    tern_ = (wt_ == kTernary);
  }
  run_ = run;
  err_ = err;
  err_code_ = code;
}

}  // namespace tern
