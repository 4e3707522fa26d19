// C++ twin of rtl/decomp/tern_decomp_dense8.sv.
#include "golden/decomp/tern_decomp_dense8.hpp"

#include <stdexcept>

#include "golden/formats/format.hpp"

namespace tern {

struct Dense8Model::Comb {
  bool cfg_ok, go, fire, final_e, slot_end, load, det;
  int det_code;
  uint32_t codes;
  DecompOut out;
};

Dense8Model::Dense8Model(int idx_bits) : idx_bits_(idx_bits) {
  if (idx_bits < 4 || idx_bits > 16) throw std::invalid_argument("tern_decomp_dense8: IdxBits must be 4..16");
  len_mask_ = (uint32_t{2} << idx_bits) - 1;
  reset();
}

void Dense8Model::reset() {
  run_ = err_ = tern_ = sv_ = wl_ = false;
  err_code_ = static_cast<int>(DecompError::kNone);
  len_ = idx_ = 0;
  slot_ = 0;
  ptr_ = 0;
}

Dense8Model::Comb Dense8Model::comb(const DecompIn& in) const {
  Comb c{};
  const uint32_t row_len = in.row_len & len_mask_;
  c.cfg_ok = row_len != 0 && (row_len & 7u) == 0 && row_len <= (1u << idx_bits_) &&
             (in.wtype == static_cast<int>(WeightType::kTernary) || in.wtype == static_cast<int>(WeightType::kBinary));
  c.final_e = ((idx_ + 8) & len_mask_) == len_;
  c.slot_end = tern_ ? ptr_ == 3 : ptr_ == 7;
  c.codes = tern_ ? static_cast<uint32_t>((slot_ >> ((ptr_ & 3) * 16)) & 0xffffu)
                  : static_cast<uint32_t>((slot_ >> (ptr_ * 8)) & 0xffu);
  bool res = false;
  for (int j = 0; j < 8; ++j) res = res || (tern_ && ((c.codes >> (2 * j)) & 3u) == 2u);
  c.det = false;
  c.det_code = static_cast<int>(DecompError::kNone);
  if (run_ && sv_) {
    if (res) {
      c.det = true;
      c.det_code = static_cast<int>(DecompError::kCode);
    } else if (c.final_e && !wl_) {
      c.det = true;
      c.det_code = static_cast<int>(DecompError::kNoEnd);
    } else if (!c.final_e && wl_ && c.slot_end) {
      c.det = true;
      c.det_code = static_cast<int>(DecompError::kTruncated);
    }
  }
  const bool valid = run_ && sv_ && !c.det;
  c.fire = valid && in.ready;
  c.go = in.start && !in.clear && !err_ && (!run_ || (c.fire && c.final_e));
  const bool word_ready = (c.go && c.cfg_ok) || (run_ && !c.det && (!sv_ || (c.fire && c.slot_end && !c.final_e)));
  c.load = in.word_valid && word_ready;
  c.out.word_ready = word_ready;
  c.out.valid = valid;
  c.out.code = c.codes;
  c.out.index = idx_ & ((uint32_t{1} << idx_bits_) - 1);
  c.out.last = c.final_e;
  c.out.empty = false;
  c.out.busy = run_;
  c.out.err = err_;
  c.out.err_code = err_code_;
  return c;
}

DecompOut Dense8Model::eval(const DecompIn& in) const {
  return comb(in).out;
}

void Dense8Model::tick(const DecompIn& in) {
  const Comb c = comb(in);
  // control (reset by clear_i)
  const bool run = run_;
  bool nrun = run_, nerr = err_, nsv = sv_;
  int ncode = err_code_;
  if (in.clear) {
    nrun = nerr = nsv = false;
    ncode = static_cast<int>(DecompError::kNone);
  } else if (c.det) {
    nrun = false;
    nerr = true;
    ncode = c.det_code;
  } else if (c.go) {
    nrun = c.cfg_ok;
    nsv = c.load;
    if (!c.cfg_ok) {
      nerr = true;
      ncode = static_cast<int>(DecompError::kConfig);
    }
  } else if (in.start && run && !(c.fire && c.final_e)) {
    nrun = false;
    nerr = true;
    ncode = static_cast<int>(DecompError::kStart);
  } else {
    if (c.fire && c.final_e) nrun = false;
    if (c.load)
      nsv = true;
    else if (c.fire && c.slot_end)
      nsv = false;
  }
  // datapath (not reset)
  if (c.go) {
    len_ = in.row_len & len_mask_;
    idx_ = 0;
    ptr_ = 0;
    tern_ = in.wtype == static_cast<int>(WeightType::kTernary);
  } else if (c.fire) {
    idx_ = (idx_ + 8) & len_mask_;
    ptr_ = c.slot_end ? 0 : (ptr_ + 1) & 7;
  }
  if (c.load) {
    slot_ = in.word;
    wl_ = in.word_last;
  }
  run_ = nrun;
  err_ = nerr;
  sv_ = nsv;
  err_code_ = ncode;
}

}  // namespace tern
