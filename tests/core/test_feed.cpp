// tern_feed (weight feeder of one column) against its C++ twin golden/core/tern_feed every cycle (every
// output) with a fetcher writing blocks into free banks at random times, a decompressor taking words under
// random stalls and random last_started_i; plus the contract: each pass's row arrives reps times in order with
// the row's final word marked, the header of the pass is on hdr_*_o while hdr_valid_o, each bank is released
// once per pass, and the first row word is ready four cycles after the pass starts.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "golden/core/tern_feed.hpp"
#include "tb/bits.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_feed_configs.hpp"

namespace {

using tern::FeedIn;
using tern::FeedModel;
using tern::FeedOut;

struct Knobs {
  double p_write = 1.0;    // the fetcher writes a word this cycle
  double p_ready = 1.0;    // the decompressor takes a word
  double p_started = 1.0;  // last_started_i seen (once the last replay's first word was taken)
};

template <class Cfg>
class FeedHarness {
 public:
  using Model = typename Cfg::Model;
  static constexpr int kCache = static_cast<int>(Cfg::CacheWords);

  FeedHarness(const std::string& name, const Knobs& k, uint64_t seed)
      : name_(name),
        sim_(name),
        twin_(kCache),
        k_(k),
        rng_(seed),
        wr_(k.p_write, seed * 3 + 1),
        ready_(k.p_ready, seed * 3 + 2),
        started_(k.p_started, seed * 3 + 3) {
    drive(FeedIn{});
    sim_.reset();
  }
  bool failed() const { return failed_; }
  int64_t words() const { return words_; }      // row words taken in the last layer
  int64_t latency() const { return latency_; }  // cycles from the first bank full to the first word valid
  uint64_t cycles() { return sim_.cycle(); }

  // One layer of `passes` blocks (random row lengths), `reps` replays each; returns the cycles from the
  // first to the last word. `cut` > 0: run_i drops after that many cycles (abort), the layer is not checked.
  int64_t run(int passes, uint32_t reps, int64_t cut = -1) {
    std::vector<std::vector<uint64_t>> blocks;
    for (int p = 0; p < passes; ++p) {
      const int rw =
          1 + static_cast<int>(rng_() % static_cast<uint64_t>(rng_() % 3 == 0 ? kCache - 2 : std::min(kCache - 2, 4)));
      std::vector<uint64_t> b{(rng_() & ~uint64_t{0xffff}) | static_cast<uint64_t>(rw), rng_()};
      for (int i = 0; i < rw; ++i) b.push_back(rng_());
      blocks.push_back(b);
    }
    int wpass = 0;     // block the fetcher writes next
    size_t wword = 0;  // its next word
    int full = 0;      // the fetcher's full flags
    int rpass = 0;     // pass whose words the decompressor takes
    uint32_t rrep = 0;
    size_t rword = 0;      // next row word expected
    int last_started = 0;  // passes whose last replay has started (the row sequencer's view)
    int releases[2] = {0, 0};
    int64_t first = -1, last = -1, full_at = -1;
    words_ = 0;
    latency_ = -1;
    for (int64_t t = 0; t < 200000; ++t) {
      FeedIn in;
      in.run = cut < 0 || t < cut;
      in.passes = static_cast<uint32_t>(passes);
      in.reps = reps;
      in.full = full;
      // fetcher: block wpass into bank wpass & 1 once that bank is free
      const int wb = wpass & 1;
      if (in.run && wpass < passes && !((full >> wb) & 1) && wr_.next()) {
        in.cwe = true;
        in.cbank = wb;
        in.caddr = static_cast<uint32_t>(wword);
        in.cdata = blocks[static_cast<size_t>(wpass)][wword];
      }
      in.word_ready = ready_.next();
      in.last_started = last_started > static_cast<int>(sim_->pass_o) && started_.next();  // a level, late at random
      drive(in);
      sim_.settle();
      const FeedOut want = twin_.eval(in);
      if (!compare(want)) {
        failed_ = true;
        return -1;
      }
      auto& m = sim_.model();
      if (full_at < 0 && full) full_at = static_cast<int64_t>(sim_.cycle());
      if (latency_ < 0 && m.word_valid_o) latency_ = static_cast<int64_t>(sim_.cycle()) - full_at;
      if (!in.run) {
        sim_.tick();
        twin_.tick(in);
        return -1;
      }
      // header of the pass being fed
      if (m.hdr_valid_o && static_cast<int>(m.pass_o) < passes) {
        const auto& b = blocks[m.pass_o];
        EXPECT_EQ(m.hdr_nnz_o, (b[0] >> 16) & 0xffff) << name_;
        EXPECT_EQ(tern::tb::get_bits(m.hdr_q_o, 0, 32), b[0] >> 32) << name_;
        EXPECT_EQ(tern::tb::get_bits(m.hdr_q_o, 32, 64), b[1]) << name_;
      }
      if (m.release_o) {
        EXPECT_EQ(static_cast<int>(m.release_o), 1 << (m.pass_o & 1)) << name_ << ": release of the pass's bank";
        ++releases[m.pass_o & 1];
      }
      // words to the decompressor
      if (m.word_valid_o && in.word_ready) {
        if (rpass >= passes) {
          ADD_FAILURE() << name_ << ": a word after the layer";
          failed_ = true;
          return -1;
        }
        const auto& b = blocks[static_cast<size_t>(rpass)];
        EXPECT_EQ(m.word_o, b[2 + rword]) << name_ << " pass " << rpass << " rep " << rrep << " word " << rword;
        EXPECT_EQ(static_cast<bool>(m.word_last_o), rword + 3 == b.size()) << name_;
        if (first < 0) first = static_cast<int64_t>(sim_.cycle());
        last = static_cast<int64_t>(sim_.cycle());
        ++words_;
        if (rrep + 1 == reps && rword == 0) last_started = rpass + 1;
        if (++rword + 2 == b.size()) {
          rword = 0;
          if (++rrep == reps) {
            rrep = 0;
            ++rpass;
          }
        }
      }
      // fetcher bookkeeping: the bank is full the cycle after its last word; the feeder's release frees it
      const int rel = m.release_o;
      sim_.tick();
      twin_.tick(in);
      full &= ~rel;
      if (in.cwe && ++wword == blocks[static_cast<size_t>(wpass)].size()) {
        full |= 1 << wb;
        wword = 0;
        ++wpass;
      }
      if (rpass == passes && !sim_->word_valid_o) {
        // drain the last pass's Wait state
        for (int i = 0; i < 2; ++i) {
          FeedIn idle;
          idle.run = true;
          idle.passes = static_cast<uint32_t>(passes);
          idle.reps = reps;
          idle.last_started = true;
          drive(idle);
          sim_.settle();
          if (!compare(twin_.eval(idle))) failed_ = true;
          sim_.tick();
          twin_.tick(idle);
        }
        EXPECT_EQ(releases[0] + releases[1], passes) << name_;
        FeedIn off;  // end of RUN: run_i low clears the feeder
        drive(off);
        sim_.settle();
        if (!compare(twin_.eval(off))) failed_ = true;
        sim_.tick();
        twin_.tick(off);
        return last - first + 1;
      }
    }
    ADD_FAILURE() << name_ << ": no progress";
    failed_ = true;
    return -1;
  }

 private:
  void drive(const FeedIn& in) {
    auto& m = sim_.model();
    m.run_i = in.run;
    m.passes_i = static_cast<uint16_t>(in.passes);
    m.reps_i = in.reps;
    m.cwe_i = in.cwe;
    m.cbank_i = in.cbank;
    m.caddr_i = static_cast<std::remove_reference_t<decltype(m.caddr_i)>>(in.caddr);
    m.cdata_i = in.cdata;
    m.full_i = static_cast<uint8_t>(in.full);
    m.word_ready_i = in.word_ready;
    m.last_started_i = in.last_started;
  }

  bool compare(const FeedOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("release_o", m.release_o, static_cast<uint64_t>(w.release));
    chk("word_valid_o", m.word_valid_o, w.word_valid);
    chk("word_o", m.word_o, w.word);
    chk("word_last_o", m.word_last_o, w.word_last);
    chk("hdr_valid_o", m.hdr_valid_o, w.hdr_valid);
    chk("pass_o", m.pass_o, w.pass);
    chk("hdr_nnz_o", m.hdr_nnz_o, w.hdr_nnz);
    for (int i = 0; i < 3; ++i)
      chk("hdr_q_o", tern::tb::get_bits(m.hdr_q_o, static_cast<unsigned>(32 * i), 32), w.hdr_q[static_cast<size_t>(i)]);
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  FeedModel twin_;
  Knobs k_;
  std::mt19937_64 rng_;
  tern::tb::Stall wr_, ready_, started_;
  bool failed_ = false;
  int64_t words_ = 0, latency_ = -1;
};

template <class Cfg>
class FeedTest : public ::testing::Test {};
using FeedConfigs = ::testing::Types<Vfeed_w8_cfg, Vfeed_w32_cfg>;
TYPED_TEST_SUITE(FeedTest, FeedConfigs);

TYPED_TEST(FeedTest, LockstepRandomFetcherAndDecompressor) {
  using Cfg = TypeParam;
  const Knobs knobs[] = {{}, {0.5, 0.7, 0.8}, {0.2, 1.0, 0.3}, {1.0, 0.3, 1.0}, {0.7, 0.5, 0.1}};
  uint64_t seed = 1;
  for (const Knobs& k : knobs) {
    const std::string name = std::string(Cfg::kName) + "_lockstep_" + std::to_string(seed);
    FeedHarness<Cfg> h(name, k, seed);
    std::mt19937_64 rng(seed);
    for (int layer = 0; layer < 30; ++layer) {
      h.run(1 + static_cast<int>(rng() % 6), 1 + static_cast<uint32_t>(rng() % 5));
      ASSERT_FALSE(h.failed()) << name << " layer " << layer;
    }
    std::printf("[cycles] %s %llu\n", name.c_str(), static_cast<unsigned long long>(h.cycles()));
    ++seed;
  }
}

// run_i dropped in the middle of a layer clears the feeder and its FIFO; the next layer is clean.
TYPED_TEST(FeedTest, LockstepRunDroppedMidLayer) {
  using Cfg = TypeParam;
  FeedHarness<Cfg> h(std::string(Cfg::kName) + "_cut", Knobs{0.6, 0.6, 0.5}, 7);
  std::mt19937_64 rng(7);
  for (int layer = 0; layer < 40; ++layer) {
    h.run(1 + static_cast<int>(rng() % 5), 1 + static_cast<uint32_t>(rng() % 4), static_cast<int64_t>(rng() % 40));
    ASSERT_FALSE(h.failed());
    h.run(2, 2);
    ASSERT_FALSE(h.failed());
  }
}

// The decompressor always ready: rows back to back over the replays at two words every three cycles; the first
// word four edges after the bank is full (the header's timing).
TYPED_TEST(FeedTest, FullRateReplays) {
  using Cfg = TypeParam;
  FeedHarness<Cfg> h(std::string(Cfg::kName) + "_rate", Knobs{}, 11);
  for (uint32_t reps : {1u, 3u, 8u}) {
    const int64_t span = h.run(1, reps);
    ASSERT_FALSE(h.failed());
    // a read is issued only when the two-word FIFO has room counting the read in flight: two words every three
    // cycles to a decompressor that takes a word every cycle (each word holds several entries)
    EXPECT_LE(span, (3 * h.words() + 1) / 2) << "reps " << reps;
    EXPECT_GE(span, (3 * h.words() - 1) / 2) << "reps " << reps;
    // header 0, header 1, first row read, RAM latency: the word is in the FIFO after the fourth edge
    EXPECT_EQ(h.latency(), 5) << "reps " << reps;
  }
}

}  // namespace
