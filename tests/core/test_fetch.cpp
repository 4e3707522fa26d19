// tern_fetch (weight-block fetcher) against its C++ twin golden/core/tern_fetch every cycle, with a memory
// answering in order after random latencies, random request refusals, random bank releases and aborts; plus
// the contract end to end (slot s lands in column s mod Cols, bank (s / Cols) mod 2, header at cache word 0),
// the ideal-memory timing (row_words + 3 cycles a block) and the header errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "golden/core/tern_fetch.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_fetch_configs.hpp"

namespace {

using tern::FetchIn;
using tern::FetchModel;
using tern::FetchOut;

// One layer's weight blocks in memory: header word 0 (row_words in [15:0], junk above), word 1, the row.
struct Layer {
  uint32_t base = 0;
  std::vector<std::vector<uint64_t>> blocks;  // per slot, header included
  bool bad = false;                           // some header is an error
};

struct Knobs {
  double p_req_ready = 1.0;  // request accepted
  int max_latency = 1;       // response 1..max_latency cycles after acceptance (in order)
  double p_rsp = 1.0;        // a due response is delivered this cycle
  double p_release = 1.0;    // a full bank is released this cycle
  double p_abort = 0.0;      // a running layer is aborted (per cycle)
};

template <class Cfg>
class FetchHarness {
 public:
  using Model = typename Cfg::Model;
  static constexpr int kCols = static_cast<int>(Cfg::Cols);
  static constexpr int kCache = static_cast<int>(Cfg::CacheWords);

  FetchHarness(const std::string& name, const Knobs& k, uint64_t seed)
      : name_(name),
        sim_(name),
        twin_(kCols, kCache),
        k_(k),
        rng_(seed),
        ready_(k.p_req_ready, seed * 3 + 1),
        rsp_(k.p_rsp, seed * 3 + 2),
        rel_(k.p_release, seed * 3 + 3) {
    drive(FetchIn{});
    sim_.reset();
  }

  // A random layer at a random base; `bad` puts an illegal header (0 or > CacheWords - 2) in one slot.
  Layer make_layer(int num, bool bad) {
    Layer l;
    l.base = static_cast<uint32_t>(8 * (rng_() % 4096));
    const int bad_slot = bad ? static_cast<int>(rng_() % static_cast<uint64_t>(num)) : -1;
    for (int s = 0; s < num; ++s) {
      const int max_rw = kCache - 2;
      int rw = 1 + static_cast<int>(rng_() % static_cast<uint64_t>(rng_() % 4 == 0 ? max_rw : std::min(max_rw, 6)));
      if (s == bad_slot) rw = rng_() % 2 ? 0 : max_rw + 1 + static_cast<int>(rng_() % 3);
      std::vector<uint64_t> b{(rng_() & ~uint64_t{0xffff}) | static_cast<uint64_t>(rw), rng_()};
      for (int i = 0; i < rw && s != bad_slot; ++i) b.push_back(rng_());
      l.blocks.push_back(b);
    }
    l.bad = bad_slot >= 0;
    return l;
  }

  // Runs one layer from start_i to idle (or to the abort after an error / a random abort). Returns the
  // cycles busy_o was high; checks every cache fill against the contract.
  struct Result {
    int64_t busy_cycles = 0;
    int fills = 0;
    bool err = false, aborted = false;
  };
  uint64_t cycles() { return sim_.cycle(); }
  bool failed() const { return failed_; }  // RTL and twin disagreed (the harness stops there)
  Result run(const Layer& l) {
    Result r;
    const int num = static_cast<int>(l.blocks.size());
    std::vector<uint64_t> cache(static_cast<size_t>(2 * kCols * kCache), 0);
    std::vector<int> fills(static_cast<size_t>(2 * kCols), 0);
    uint64_t prev_full = 0;
    bool started = false, quiesce = false;
    for (int64_t guard = 0; guard < 200000; ++guard) {
      FetchIn in;
      in.start = !started;
      in.base = l.base;
      in.num = static_cast<uint32_t>(num);
      // abort: after an error or at random, once no response is owed (what tern_mem_arb's flush ensures)
      if (started && twin_.busy() && (r.err || (k_.p_abort > 0 && unit_(rng_) < k_.p_abort))) quiesce = true;
      if (quiesce && pending_.empty()) in.abort = true;
      // memory: requests accepted at random (none while quiescing), responses in order when due
      in.req_ready = !quiesce && ready_.next();
      const bool due = !pending_.empty() && pending_.front().first <= sim_.cycle();
      in.rsp_valid = due && rsp_.next();
      if (in.rsp_valid) in.rsp_data = pending_.front().second;
      // the columns release full banks at random
      const uint64_t full = twin_.full();
      for (int i = 0; i < 2 * kCols; ++i)
        if (((full >> i) & 1u) && rel_.next()) in.release |= uint64_t{1} << i;
      drive(in);
      sim_.settle();
      const FetchOut want = twin_.eval(in);
      if (!compare(want)) {
        failed_ = true;
        return r;
      }
      // effects of this cycle
      if (sim_->busy_o) ++r.busy_cycles;
      if (sim_->err_o) r.err = true;
      if (sim_->req_valid_o && in.req_ready) {
        const uint32_t a = sim_->req_addr_o;
        EXPECT_EQ(a % 8, 0u) << name_;
        pending_.emplace_back(sim_.cycle() + 1 + rng_() % static_cast<uint64_t>(k_.max_latency), word_at(l, a));
      }
      if (in.rsp_valid) pending_.pop_front();
      if (sim_->cwe_o != 0) {
        const int c = __builtin_ctzll(static_cast<uint64_t>(sim_->cwe_o));
        EXPECT_EQ(static_cast<uint64_t>(sim_->cwe_o), uint64_t{1} << c) << name_ << ": cwe_o not one-hot";
        cache[static_cast<size_t>((2 * c + sim_->cbank_o) * kCache) + sim_->caddr_o] = sim_->cdata_o;
      }
      const bool was_busy = started && sim_->busy_o;
      sim_.tick();
      twin_.tick(in);
      started = true;
      // a bank that became full holds slot (b + 2 n) * Cols + c, its n-th fill
      const uint64_t now_full = sim_->full_o;
      for (int i = 0; i < 2 * kCols; ++i) {
        if (((now_full >> i) & 1u) && !((prev_full >> i) & 1u)) {
          const int c = i / 2, b = i % 2;
          const int slot = (b + 2 * fills[static_cast<size_t>(i)]++) * kCols + c;
          ++r.fills;
          if (slot >= num) {
            ADD_FAILURE() << name_ << ": column " << c << " bank " << b << " filled beyond the layer";
            return r;
          }
          const auto& blk = l.blocks[static_cast<size_t>(slot)];
          for (size_t w = 0; w < blk.size(); ++w)
            EXPECT_EQ(cache[static_cast<size_t>(i * kCache) + w], blk[w]) << name_ << " slot " << slot << " word " << w;
        }
      }
      prev_full = now_full;
      if (in.abort) {
        r.aborted = true;
        EXPECT_FALSE(sim_->busy_o);
        EXPECT_EQ(static_cast<uint64_t>(sim_->full_o), 0u);
        return r;
      }
      if (was_busy && !sim_->busy_o) return r;
      if (!was_busy && !sim_->busy_o && num == 0) return r;
    }
    ADD_FAILURE() << name_ << ": no progress";
    return r;
  }

 private:
  static uint64_t word_at(const Layer& l, uint32_t a) {
    uint32_t off = (a - l.base) / 8;
    for (const auto& b : l.blocks) {
      if (off < b.size()) return b[off];
      off -= static_cast<uint32_t>(b.size());
    }
    ADD_FAILURE() << "read past the layer's blocks at " << a;
    return 0;
  }

  void drive(const FetchIn& in) {
    auto& m = sim_.model();
    m.start_i = in.start;
    m.abort_i = in.abort;
    m.base_i = in.base;
    m.num_i = static_cast<uint16_t>(in.num);
    m.req_ready_i = in.req_ready;
    m.rsp_valid_i = in.rsp_valid;
    m.rsp_data_i = in.rsp_data;
    m.release_i = static_cast<std::remove_reference_t<decltype(m.release_i)>>(in.release);
  }

  bool compare(const FetchOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("req_valid_o", m.req_valid_o, w.req_valid);
    chk("req_addr_o", m.req_addr_o, w.req_addr);
    chk("cwe_o", m.cwe_o, w.cwe);
    chk("cbank_o", m.cbank_o, w.cbank);
    chk("caddr_o", m.caddr_o, w.caddr);
    chk("cdata_o", m.cdata_o, w.cdata);
    chk("full_o", m.full_o, w.full);
    chk("busy_o", m.busy_o, w.busy);
    chk("err_o", m.err_o, w.err);
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  FetchModel twin_;
  Knobs k_;
  std::mt19937_64 rng_;
  tern::tb::Stall ready_, rsp_, rel_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  std::deque<std::pair<uint64_t, uint64_t>> pending_;  // (due cycle, data)
  bool failed_ = false;
};

template <class Cfg>
class FetchTest : public ::testing::Test {};
using FetchConfigs = ::testing::Types<Vfetch_c4_w16_cfg, Vfetch_c1_w8_cfg, Vfetch_c3_w64_cfg>;
TYPED_TEST_SUITE(FetchTest, FetchConfigs);

// Layers back to back under random memory latency, refusals, response gaps and releases: RTL and twin agree
// every cycle, every slot lands in its column and bank.
TYPED_TEST(FetchTest, LockstepRandomMemoryAndReleases) {
  using Cfg = TypeParam;
  const Knobs knobs[] = {{1.0, 1, 1.0, 1.0, 0.0},
                         {0.5, 4, 0.7, 0.3, 0.0},
                         {0.8, 8, 0.5, 0.1, 0.0},
                         {0.3, 2, 1.0, 0.6, 0.0},
                         {1.0, 3, 0.9, 0.05, 0.0}};
  uint64_t seed = 1;
  for (const Knobs& k : knobs) {
    const std::string name = std::string(Cfg::kName) + "_lockstep_" + std::to_string(seed);
    FetchHarness<Cfg> h(name, k, seed);
    std::mt19937_64 rng(seed);
    int fills = 0;
    for (int layer = 0; layer < 60; ++layer) {
      const int num = static_cast<int>(rng() % (4 * Cfg::Cols + 3));
      const auto l = h.make_layer(num, false);
      const auto r = h.run(l);
      ASSERT_FALSE(h.failed());
      ASSERT_FALSE(h.failed());
      ASSERT_FALSE(r.err) << name;
      ASSERT_FALSE(r.aborted) << name;
      EXPECT_EQ(r.fills, num) << name << " layer " << layer;
      fills += r.fills;
    }
    EXPECT_GT(fills, 12) << name;
    std::printf("[cycles] %s %llu\n", name.c_str(), static_cast<unsigned long long>(h.cycles()));
    ++seed;
  }
}

// Ideal memory (accepted at once, answered next cycle) and banks released at once: row_words + 3 cycles a
// block (the RTL header's timing, which the cycle model relies on).
TYPED_TEST(FetchTest, IdealMemoryTiming) {
  using Cfg = TypeParam;
  FetchHarness<Cfg> h(std::string(Cfg::kName) + "_ideal", Knobs{}, 9);
  for (int num : {1, 2, static_cast<int>(Cfg::Cols), static_cast<int>(2 * Cfg::Cols + 1), 17}) {
    const auto l = h.make_layer(num, false);
    int64_t want = 0;
    for (const auto& b : l.blocks) want += static_cast<int64_t>(b[0] & 0xffff) + 3;
    const auto r = h.run(l);
    ASSERT_FALSE(h.failed());
    EXPECT_EQ(r.busy_cycles, want) << "num " << num;
    EXPECT_EQ(r.fills, num);
  }
}

// A header with row_words 0 or above CacheWords - 2: err_o pulses once, the fetcher waits (busy, nothing
// more cached into that slot) until abort_i, and the next layer runs normally.
TYPED_TEST(FetchTest, HeaderErrorsWaitForAbort) {
  using Cfg = TypeParam;
  uint64_t seed = 20;
  for (const Knobs& k : {Knobs{}, Knobs{0.6, 3, 0.7, 0.4, 0.0}}) {
    const std::string name = std::string(Cfg::kName) + "_hdr_err_" + std::to_string(seed);
    FetchHarness<Cfg> h(name, k, seed);
    for (int i = 0; i < 8; ++i) {
      const auto bad = h.make_layer(1 + i % 5, true);
      const auto r = h.run(bad);
      ASSERT_FALSE(h.failed());
      EXPECT_TRUE(r.err) << name;
      EXPECT_TRUE(r.aborted) << name;
      const auto good = h.make_layer(3, false);
      const auto g = h.run(good);
      ASSERT_FALSE(h.failed());
      EXPECT_FALSE(g.err) << name;
      EXPECT_EQ(g.fills, 3) << name;
    }
    ++seed;
  }
}

// Random aborts in the middle of layers (after the memory is drained), then fresh layers.
TYPED_TEST(FetchTest, LockstepRandomAborts) {
  using Cfg = TypeParam;
  FetchHarness<Cfg> h(std::string(Cfg::kName) + "_abort", Knobs{0.7, 3, 0.8, 0.3, 0.01}, 31);
  std::mt19937_64 rng(31);
  int aborted = 0;
  for (int layer = 0; layer < 150; ++layer) {
    const auto l = h.make_layer(1 + static_cast<int>(rng() % (3 * Cfg::Cols + 2)), rng() % 5 == 0);
    const auto r = h.run(l);
    ASSERT_FALSE(h.failed());
    aborted += r.aborted;
    if (!r.aborted) EXPECT_EQ(r.fills, static_cast<int>(l.blocks.size()));
  }
  EXPECT_GT(aborted, 20);
  std::printf("[cycles] %s_abort %llu, %d aborted\n", Cfg::kName, static_cast<unsigned long long>(h.cycles()), aborted);
}

}  // namespace
