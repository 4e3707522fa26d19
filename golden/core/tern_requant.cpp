// C++ twin of rtl/core/tern_requant.sv: see the header.
#include "golden/core/tern_requant.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "golden/arith.hpp"

namespace tern {

RequantModel::RequantModel(int acc_bits) : acc_bits_(acc_bits), pbits_(std::max(acc_bits, 32) + 1 + 17) {
  if (acc_bits < 1 || acc_bits > 46) throw std::invalid_argument("RequantModel: AccBits outside 1..46");
}

void RequantModel::tick(const RequantIn& in) {
  // stage 3 (from the stage-2 registers; out_bits_i and out_signed_i as they are now)
  int32_t y = 0;
  const int ob = in.out_bits & 15;
  if (mode2_ == 0) {
    const int64_t rnd = shift2_ == 0 || shift2_ - 1 >= pbits_ ? 0 : int64_t{1} << (shift2_ - 1);
    const int64_t sh = wrap_signed(p_ + rnd, pbits_) >> std::min(shift2_, 63);
    const int ob1 = (ob - 1) & 15;
    const int64_t lo = in.out_signed ? -(int64_t{1} << ob1) : 0;
    const int64_t hi = in.out_signed ? (int64_t{1} << ob1) - 1 : (int64_t{1} << ob) - 1;
    y = static_cast<int32_t>(static_cast<uint32_t>(std::clamp(sh, lo, hi)));
  } else if (mode2_ == 1) {
    y = cnt_;
  } else {
    y = static_cast<int32_t>(std::clamp<int64_t>(v2_, std::numeric_limits<int32_t>::min(),
                                                 std::numeric_limits<int32_t>::max()));
  }
  // stage 2 (out_bits_i as it is now)
  const int64_t p = wrap_signed(v_ * static_cast<int64_t>(mult_), pbits_);
  const int cnt = ob == 1 ? int{ge_[0]} : (int{ge_[0]} + int{ge_[1]} + int{ge_[2]}) & 3;
  // stage 1
  const int64_t acc = wrap_signed(in.acc, acc_bits_);
  y_ = y;
  p_ = p;
  v2_ = v_;
  shift2_ = shift_;
  mode2_ = mode_;
  cnt_ = cnt;
  v_ = acc + in.q0;
  ge_[0] = acc >= in.q0;
  ge_[1] = acc >= in.q1;
  ge_[2] = acc >= in.q2;
  mult_ = static_cast<uint32_t>(in.q1) & 0xffffu;
  shift_ = in.q2 & 63;
  mode_ = in.mode & 3;
}

}  // namespace tern
