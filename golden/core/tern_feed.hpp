// C++ twin of rtl/core/tern_feed.sv (engine v2 weight feeder of one column: two-bank weight cache, header,
// row replays into a two-word FIFO): every register, the cache and the FIFO's storage included, and every
// output, one call per clock edge; the cycle model's feeders, lockstep-checked by tests/core/test_feed.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct FeedIn {
  bool run = false;
  uint32_t passes = 0;  // 16 bits
  uint32_t reps = 0;
  // cache write port (fetcher)
  bool cwe = false, cbank = false;
  uint32_t caddr = 0;  // clog2(CacheWords) bits
  uint64_t cdata = 0;
  int full = 0;  // 2 bits: bank b at bit b
  bool word_ready = false;
  bool last_started = false;
};

// Outputs of one cycle (every output port).
struct FeedOut {
  int release = 0;  // 2 bits
  bool word_valid = false;
  uint64_t word = 0;
  bool word_last = false;
  bool hdr_valid = false;
  uint32_t pass = 0;  // 16 bits
  uint32_t hdr_nnz = 0;
  std::array<uint32_t, 3> hdr_q{};  // q0 (word 0 [63:32]), q1, q2 (word 1)
};

class FeedModel {
 public:
  // Throws std::invalid_argument for a CacheWords the RTL rejects (a power of two, 4..32768).
  explicit FeedModel(int cache_words);
  void reset();  // rst_ni low for a cycle
  FeedOut eval(const FeedIn& in) const;
  void tick(const FeedIn& in);

 private:
  enum State { kIdle, kHead0, kHead1, kRow, kWait };
  struct Comb;
  Comb comb(const FeedIn& in) const;

  int cw_;                       // CacheWords
  std::vector<uint64_t> cache_;  // 2 * CacheWords words, bank b at b * CacheWords
  uint64_t rdata_ = 0;           // the RAM's read register
  State state_ = kIdle;
  uint32_t pass_ = 0, w_ = 0, rw_ = 0;  // 16 bits
  uint32_t rep_ = 0;
  bool rd_ = false, rd_last_ = false, head0_ = false, head1_ = false;
  uint32_t hdr_nnz_ = 0;
  std::array<uint32_t, 3> hdr_q_{};
  // word FIFO (tern_fifo, Depth 2)
  std::array<std::pair<uint64_t, bool>, 2> fifo_{};
  int wptr_ = 0, rptr_ = 0, count_ = 0;
};

}  // namespace tern
