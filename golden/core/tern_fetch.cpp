// C++ twin of rtl/core/tern_fetch.sv.
#include "golden/core/tern_fetch.hpp"

#include <stdexcept>

namespace tern {

struct FetchModel::Next {
  State state;
  uint32_t addr, slot, rows_req, rsp_cnt, rw;
  int col, issued;
  bool bank;
  uint64_t full;
  FetchOut out;
};

FetchModel::FetchModel(int cols, int cache_words) : cols_(cols), cache_words_(cache_words) {
  if (cols < 1 || cols > 32) throw std::invalid_argument("tern_fetch twin: Cols must be 1..32");
  if (cache_words < 4 || (cache_words & (cache_words - 1)) != 0)
    throw std::invalid_argument("tern_fetch twin: CacheWords must be a power of two >= 4");
  col_bits_ = 1;
  while (cols > 1 && (1 << col_bits_) < cols) ++col_bits_;
  reset();
}

void FetchModel::reset() {
  state_ = kIdle;
  full_ = 0;
  issued_ = 0;
  addr_ = slot_ = num_ = rows_req_ = rsp_cnt_ = rw_ = 0;
  col_ = 0;
  bank_ = false;
}

FetchModel::Next FetchModel::next(const FetchIn& in) const {
  const uint64_t fmask = cols_ == 32 ? ~uint64_t{0} : (uint64_t{1} << (2 * cols_)) - 1;
  const uint32_t rsp16 = static_cast<uint32_t>(in.rsp_data & 0xffff);
  Next n{state_, addr_, slot_, rows_req_, rsp_cnt_, rw_, col_, issued_, bank_, full_ & ~in.release & fmask, {}};
  const int bidx = 2 * col_ + (bank_ ? 1 : 0);
  const bool bfull = (full_ >> bidx) & 1u;
  const bool fin = state_ == kRow && in.rsp_valid && rsp_cnt_ == ((rw_ + 1) & 0xffff);
  FetchOut& o = n.out;
  auto request = [&](bool row) {
    o.req_valid = true;
    if (in.req_ready) {
      if (row)
        n.rows_req = (rows_req_ + 1) & 0xffff;
      else
        n.issued = (issued_ + 1) & 3;
      n.addr = addr_ + 8;
    }
  };
  switch (state_) {
    case kIdle:
      if (in.start) {
        n.state = (in.num & 0xffff) == 0 ? kIdle : kHead;
        n.addr = in.base;
        n.slot = 0;
        n.col = 0;
        n.bank = false;
        n.issued = 0;
        n.rsp_cnt = 0;
        n.rows_req = 0;
        n.full = 0;
      }
      break;
    case kHead:
      if (!bfull && issued_ != 2) request(false);
      if (in.rsp_valid && rsp_cnt_ == 0) {
        n.rw = rsp16;
        if (rsp16 == 0 || rsp16 > static_cast<uint32_t>(cache_words_ - 2)) {
          o.err = true;
          n.state = kWait;
        } else {
          n.state = kRow;
        }
      }
      break;
    case kRow:
      if (issued_ != 2)
        request(false);
      else if (rows_req_ != rw_)
        request(true);
      if (fin) {
        n.full |= uint64_t{1} << bidx;
        n.slot = (slot_ + 1) & 0xffff;
        n.issued = 0;
        n.rows_req = 0;
        n.rsp_cnt = 0;
        if (col_ == cols_ - 1) {
          n.col = 0;
          n.bank = !bank_;
        } else {
          n.col = (col_ + 1) & ((1 << col_bits_) - 1);
        }
        n.state = ((slot_ + 1) & 0xffff) == num_ ? kIdle : kHead;
      }
      break;
    case kWait: break;  // after an error: only an abort leaves
  }
  if (in.rsp_valid && !fin) n.rsp_cnt = (n.rsp_cnt + 1) & 0xffff;
  if (in.abort) {
    n.state = kIdle;
    n.full = 0;
  }
  if (in.rsp_valid && (state_ == kRow || (state_ == kHead && rsp_cnt_ == 0))) o.cwe = uint64_t{1} << col_;
  o.req_addr = addr_;
  o.cbank = bank_;
  o.caddr = rsp_cnt_ & static_cast<uint32_t>(cache_words_ - 1);
  o.cdata = in.rsp_data;
  o.full = full_;
  o.busy = state_ != kIdle;
  return n;
}

FetchOut FetchModel::eval(const FetchIn& in) const {
  return next(in).out;
}

void FetchModel::tick(const FetchIn& in) {
  const Next n = next(in);
  if (in.start && state_ == kIdle) num_ = in.num & 0xffff;
  state_ = n.state;
  addr_ = n.addr;
  slot_ = n.slot;
  col_ = n.col;
  bank_ = n.bank;
  issued_ = n.issued;
  rows_req_ = n.rows_req;
  rsp_cnt_ = n.rsp_cnt;
  rw_ = n.rw;
  full_ = n.full;
}

}  // namespace tern
