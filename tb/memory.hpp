// Memory model for the accelerator's read/write ports: in-order single-beat responses with
// configurable latency, request back-pressure, error responses and a "hang" mode (never answers).
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace tern::tb {

struct MemTiming {
  int min_latency = 1;     // cycles from request acceptance to response (>= 1)
  int max_latency = 1;
  double p_req_ready = 1;  // probability a request is accepted in a cycle
  double p_rsp_valid = 1;  // probability a due response is presented in a cycle
  static MemTiming ideal() { return {}; }
};

class Memory {
 public:
  explicit Memory(std::vector<uint64_t> words, MemTiming t = {}, uint64_t seed = 1)
      : words_(std::move(words)), t_(t), rng_(seed) {}

  std::vector<uint64_t>& words() { return words_; }
  const std::vector<uint64_t>& words() const { return words_; }
  void set_timing(MemTiming t) { t_ = t; }
  // Fault injection: the n-th read (1-based, 0 = never) answers with err; `hang` stops all answers.
  void fail_read_at(uint64_t n) { fail_read_at_ = n; }
  void fail_write_at(uint64_t n) { fail_write_at_ = n; }
  void set_hang(bool h) { hang_ = h; }
  // Refuses every request (ready stays low) while set.
  void set_refuse(bool r) { refuse_ = r; }
  void clear_pending() {
    rd_q_.clear();
    wr_q_.clear();
  }

  // Signals driven for this cycle (call once per cycle before settle()).
  struct Drive {
    bool rd_req_ready, rd_rsp_valid, rd_rsp_err;
    uint64_t rd_rsp_data;
    bool wr_req_ready, wr_rsp_valid, wr_rsp_err;
  };
  Drive drive(uint64_t now) {
    Drive d{};
    d.rd_req_ready = !refuse_ && coin(t_.p_req_ready);
    d.wr_req_ready = !refuse_ && coin(t_.p_req_ready);
    if (!hang_ && !rd_q_.empty() && rd_q_.front().due <= now && coin(t_.p_rsp_valid)) {
      d.rd_rsp_valid = true;
      d.rd_rsp_data = rd_q_.front().data;
      d.rd_rsp_err = rd_q_.front().err;
    }
    if (!hang_ && !wr_q_.empty() && wr_q_.front().due <= now && coin(t_.p_rsp_valid)) {
      d.wr_rsp_valid = true;
      d.wr_rsp_err = wr_q_.front().err;
    }
    cur_ = d;
    return d;
  }
  // Handshakes observed in this cycle (after settle()).
  // `wr_strb`: byte enables of the write (bit b = byte b of the word).
  void commit(uint64_t now, bool rd_req_fire, uint32_t rd_addr, bool rd_rsp_fire, bool wr_req_fire, uint32_t wr_addr,
              uint64_t wr_data, bool wr_rsp_fire, uint8_t wr_strb = 0xff) {
    if (rd_rsp_fire) rd_q_.pop_front();
    if (wr_rsp_fire) wr_q_.pop_front();
    if (rd_req_fire) {
      ++reads_;
      Pending p{now + latency(), 0, false};
      if (rd_addr % 8 != 0 || rd_addr / 8 >= words_.size() || reads_ == fail_read_at_) {
        p.err = true;
      } else {
        p.data = words_[rd_addr / 8];
      }
      rd_q_.push_back(p);
    }
    if (wr_req_fire) {
      ++writes_;
      Pending p{now + latency(), 0, false};
      if (wr_addr % 8 != 0 || wr_addr / 8 >= words_.size() || writes_ == fail_write_at_) {
        p.err = true;
      } else {
        uint64_t mask = 0;
        for (int b = 0; b < 8; ++b)
          if ((wr_strb >> b) & 1u) mask |= uint64_t{0xff} << (8 * b);
        words_[wr_addr / 8] = (words_[wr_addr / 8] & ~mask) | (wr_data & mask);
      }
      wr_q_.push_back(p);
    }
  }
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }

 private:
  struct Pending {
    uint64_t due;
    uint64_t data;
    bool err;
  };
  bool coin(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint64_t latency() {
    return static_cast<uint64_t>(std::uniform_int_distribution<int>(t_.min_latency, t_.max_latency)(rng_));
  }
  std::vector<uint64_t> words_;
  MemTiming t_;
  std::mt19937_64 rng_;
  std::deque<Pending> rd_q_, wr_q_;
  Drive cur_{};
  uint64_t reads_ = 0, writes_ = 0, fail_read_at_ = 0, fail_write_at_ = 0;
  bool hang_ = false;
  bool refuse_ = false;
};

}  // namespace tern::tb
