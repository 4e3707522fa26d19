// C++ twin of rtl/core/tern_requant_ser.sv: see the header.
#include "golden/core/tern_requant_ser.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "golden/arith.hpp"

namespace tern {

RequantSerModel::RequantSerModel(int acc_bits) : acc_bits_(acc_bits), pbits_(std::max(acc_bits, 32) + 1 + 17) {
  if (acc_bits < 2 || acc_bits > 46) throw std::invalid_argument("RequantSerModel: AccBits outside 2..46");
}

void RequantSerModel::tick(bool rst, bool clear, bool start, const RequantIn& in) {
  const int vbits = pbits_ - 17;
  // the result of the last cycle (st = kLatency - 1), with out_bits / out_signed as they are now
  int32_t y = y_;
  if (busy_ && st_ == kLatency - 1) {
    const int64_t xr = rnd_ ? wrap_signed(x_ + 1, pbits_) >> 1 : x_;
    const int ob = in.out_bits & 15;
    const int ob1 = (ob - 1) & 15;
    // the RTL's bounds are 10-bit signed values
    const int64_t lo = in.out_signed ? wrap_signed(-(int64_t{1} << ob1), 10) : 0;
    const int64_t hi =
        in.out_signed ? wrap_signed((int64_t{1} << ob1) - 1, 10) : wrap_signed((int64_t{1} << ob) - 1, 10);
    if (mode_ == 0) {
      const bool ovf = xr < -256 || xr > 255;  // bits above bit 8 not all equal
      const int64_t x10 = wrap_signed(xr, 10);
      if (ovf) {
        y = static_cast<int32_t>(xr < 0 ? lo : hi);
      } else {
        if (x10 < lo) {
          y = static_cast<int32_t>(lo);
        } else if (x10 > hi) {
          y = static_cast<int32_t>(hi);
        } else {
          y = static_cast<int32_t>(x10);
        }
      }
    } else if (mode_ == 1) {
      y = cnt_;
    } else {
      y = static_cast<int32_t>(std::clamp<int64_t>(v_, INT32_MIN, INT32_MAX));
    }
  }
  // datapath registers
  if (start) {
    const int64_t a = wrap_signed(in.acc, acc_bits_);
    const int64_t t0 = in.q0, t1 = in.q1, t2 = in.q2;
    v_ = wrap_signed(a + t0, vbits);
    const int ob = in.out_bits & 15;
    cnt_ = ob == 1 ? int{a >= t0} : (int{a >= t0} + int{a >= t1} + int{a >= t2}) & 3;
    mode_ = in.mode & 3;
    const int s = in.q2 & 63;
    s1_ = s == 0 ? 0 : s - 1;
    rnd_ = s != 0;
    x_ = static_cast<int64_t>(static_cast<uint32_t>(in.q1) & 0xffffu);
  } else if (busy_ && st_ <= 16) {
    // {hi + (lo[0] ? v : 0), lo} >>> 1 over PBits bits: as a value, (x + (x odd ? v * 2^16 : 0)) >> 1
    // with the sum's extra top bit kept
    const int64_t lo = x_ & 0xffff;
    const int64_t hi = x_ >> 16;  // signed upper part
    const int64_t sum = hi + ((lo & 1) ? v_ : 0);
    x_ = wrap_signed(sum * 32768 + (lo >> 1), pbits_);
  } else if (busy_ && st_ <= 22) {
    const int j = st_ - 17;
    if ((s1_ >> (5 - j)) & 1) x_ >>= (32 >> j);
  }
  if (busy_ && st_ == kLatency - 1) y_ = y;
  // schedule
  if (rst || clear) {
    busy_ = done_ = false;
    st_ = 0;
    return;
  }
  done_ = busy_ && st_ == kLatency - 1;
  if (start) {
    busy_ = true;
    st_ = 1;
  } else if (busy_) {
    busy_ = st_ != kLatency - 1;
    ++st_;
  }
}

}  // namespace tern
