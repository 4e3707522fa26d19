// C++ twin of rtl/core/tern_feed.sv.
#include "golden/core/tern_feed.hpp"

#include <stdexcept>

namespace tern {

struct FeedModel::Comb {
  bool can_read, last_word, re;
  uint32_t raddr;  // CW + 1 bits: {bank, word}
  State next;
  FeedOut out;
};

FeedModel::FeedModel(int cache_words) : cw_(cache_words) {
  if (cache_words < 4 || cache_words > 32768 || (cache_words & (cache_words - 1)) != 0)
    throw std::invalid_argument("tern_feed: CacheWords must be a power of two, 4..32768");
  reset();
}

void FeedModel::reset() {
  cache_.assign(static_cast<size_t>(2 * cw_), 0);
  rdata_ = 0;
  state_ = kIdle;
  pass_ = w_ = rw_ = rep_ = 0;
  rd_ = rd_last_ = head0_ = head1_ = false;
  hdr_nnz_ = 0;
  hdr_q_ = {};
  fifo_ = {};
  wptr_ = rptr_ = count_ = 0;
}

FeedModel::Comb FeedModel::comb(const FeedIn& in) const {
  Comb c{};
  const uint32_t bank = (pass_ & 1u) * static_cast<uint32_t>(cw_);
  const uint32_t wmask = static_cast<uint32_t>(cw_ - 1);
  c.can_read = in.run && state_ == kRow && count_ + (rd_ ? 1 : 0) < 2;
  c.last_word = w_ == ((rw_ - 1) & 0xffffu);
  const bool last_rep = rep_ == in.reps - 1;
  c.next = state_;
  c.re = false;
  c.raddr = bank;
  switch (state_) {
    case kIdle:
      if (in.run && pass_ < (in.passes & 0xffffu) && ((in.full >> (pass_ & 1u)) & 1)) {
        c.re = true;
        c.next = kHead0;
      }
      break;
    case kHead0:
      c.re = true;
      c.raddr = bank | 1u;
      c.next = kHead1;
      break;
    case kHead1: c.next = kRow; break;
    case kRow:
      if (c.can_read) {
        c.re = true;
        c.raddr = bank | ((w_ + 2) & wmask);
        if (c.last_word && last_rep) {
          c.out.release = 1 << (pass_ & 1u);
          c.next = kWait;
        }
      }
      break;
    case kWait:
      if (in.last_started) c.next = kIdle;
      break;
  }
  c.out.word_valid = count_ != 0;
  c.out.word = fifo_[static_cast<size_t>(rptr_)].first;
  c.out.word_last = fifo_[static_cast<size_t>(rptr_)].second;
  c.out.hdr_valid = state_ == kRow || state_ == kWait;
  c.out.pass = pass_;
  c.out.hdr_nnz = hdr_nnz_;
  c.out.hdr_q = hdr_q_;
  return c;
}

FeedOut FeedModel::eval(const FeedIn& in) const {
  return comb(in).out;
}

void FeedModel::tick(const FeedIn& in) {
  const Comb c = comb(in);
  const uint64_t rdata = rdata_;  // the read of the previous cycle
  // word FIFO (clr_i = !run_i; storage written on a push regardless)
  const bool push = rd_ && count_ != 2;
  const bool pop = count_ != 0 && in.word_ready;
  if (push) fifo_[static_cast<size_t>(wptr_)] = {rdata, rd_last_};
  if (!in.run) {
    wptr_ = rptr_ = count_ = 0;
  } else {
    if (push) wptr_ ^= 1;
    if (pop) rptr_ ^= 1;
    count_ += (push ? 1 : 0) - (pop ? 1 : 0);
  }
  // cache RAM: read before write (the read register gets the old word)
  if (c.re) rdata_ = cache_[c.raddr];
  if (in.cwe)
    cache_[(in.cbank ? static_cast<uint32_t>(cw_) : 0u) | (in.caddr & static_cast<uint32_t>(cw_ - 1))] = in.cdata;
  // datapath registers (not reset)
  rd_last_ = c.can_read && c.last_word;
  if (state_ == kHead1) {
    rep_ = 0;
    w_ = 0;
  } else if (c.can_read) {
    if (c.last_word) {
      w_ = 0;
      ++rep_;
    } else {
      w_ = (w_ + 1) & 0xffffu;
    }
  }
  if (head0_) {
    rw_ = static_cast<uint32_t>(rdata & 0xffff);
    hdr_nnz_ = static_cast<uint32_t>((rdata >> 16) & 0xffff);
    hdr_q_[0] = static_cast<uint32_t>(rdata >> 32);
  }
  if (head1_) {
    hdr_q_[1] = static_cast<uint32_t>(rdata);
    hdr_q_[2] = static_cast<uint32_t>(rdata >> 32);
  }
  // control (reset while !run_i)
  if (!in.run) {
    state_ = kIdle;
    pass_ = 0;
    rd_ = head0_ = head1_ = false;
    return;
  }
  head0_ = state_ == kIdle && c.next == kHead0;
  head1_ = state_ == kHead0;
  if (state_ == kWait && c.next == kIdle) pass_ = (pass_ + 1) & 0xffffu;
  rd_ = c.can_read;
  state_ = c.next;
}

}  // namespace tern
