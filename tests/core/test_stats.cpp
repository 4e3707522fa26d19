// tern_stats against its C++ twin golden/core/tern_stats every cycle (record word on the read port, every run
// counter) under random events; plus the contract: a layer's record is the sum of its events, readable three
// cycles after the last one, across the 24-bit carry; run counters sum the taken words and count layers.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "golden/core/tern_stats.hpp"
#include "tb/bits.hpp"
#include "tb/sim.hpp"
#include "tern_vm_stats_configs.hpp"

namespace {

using tern::StatsIn;
using tern::StatsModel;
using tern::StatsOut;
namespace hw = tern::hw;

template <class Cfg>
class StatsHarness {
 public:
  using Model = typename Cfg::Model;
  static constexpr int kCols = static_cast<int>(Cfg::Cols);

  explicit StatsHarness(const std::string& name) : name_(name), sim_(name), twin_(kCols, Cfg::Stats != 0) {
    drive(StatsIn{});
    sim_.reset();
  }
  bool failed() const { return failed_; }
  // One cycle in lockstep; returns the RTL's outputs before the edge.
  StatsOut step(const StatsIn& in) {
    drive(in);
    sim_.settle();
    const StatsOut want = twin_.eval(in);
    StatsOut got;
    auto& m = sim_.model();
    got.rec_data = m.rec_data_o;
    for (unsigned i = 0; i < hw::NumCtrs; ++i) got.ctrs[i] = tern::tb::get_bits(m.ctrs_o, 64 * i, 64);
    if (!failed_) {
      if (got.rec_data != want.rec_data) {
        ADD_FAILURE() << name_ << ": rec_data_o (word " << in.rec_idx << ") RTL " << got.rec_data << " twin "
                      << want.rec_data << " at cycle " << sim_.cycle();
        failed_ = true;
      }
      for (unsigned i = 0; i < hw::NumCtrs; ++i) {
        if (got.ctrs[i] != want.ctrs[i]) {
          ADD_FAILURE() << name_ << ": ctrs_o[" << i << "] RTL " << got.ctrs[i] << " twin " << want.ctrs[i]
                        << " at cycle " << sim_.cycle();
          failed_ = true;
        }
      }
    }
    sim_.tick();
    twin_.tick(in);
    return got;
  }

 private:
  void drive(const StatsIn& in) {
    auto& m = sim_.model();
    m.run_start_i = in.run_start;
    m.layer_first_i = in.layer_first;
    m.layer_on_i = in.layer_on;
    m.run_i = in.run;
    for (int c = 0; c < kCols; ++c) {
      tern::tb::set_bits(m.st_i, static_cast<unsigned>(5 * c), 5, in.st[static_cast<size_t>(c)]);
      tern::tb::set_bits(m.codes_i, static_cast<unsigned>(4 * c), 4, in.codes[static_cast<size_t>(c)]);
    }
    m.group_i = in.group;
    m.rd_bytes_i = static_cast<uint8_t>(in.rd_bytes);
    m.wr_bytes_i = static_cast<uint8_t>(in.wr_bytes);
    m.rec_idx_i = static_cast<uint8_t>(in.rec_idx);
    m.rec_take_i = in.rec_take;
    m.layer_done_i = in.layer_done;
  }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  StatsModel twin_;
  bool failed_ = false;
};

// Events of one RUN-like cycle: each column in one state (or none), up to 8 codes, bytes.
template <int kCols>
StatsIn random_events(std::mt19937_64& rng, bool wild) {
  StatsIn in;
  in.layer_on = true;
  in.run = rng() % 2;
  for (int c = 0; c < kCols; ++c) {
    in.st[static_cast<size_t>(c)] =
        wild ? static_cast<uint8_t>(rng() % 32) : static_cast<uint8_t>((1u << (rng() % 6)) & 31u);
    in.codes[static_cast<size_t>(c)] = static_cast<uint8_t>(wild ? rng() % 16 : rng() % 9);
  }
  in.group = rng() % 4 == 0;
  in.rd_bytes = wild ? static_cast<int>(rng() % 16) : (rng() % 2 ? 8 : 0);
  in.wr_bytes = static_cast<int>(rng() % (wild ? 16 : 9));
  return in;
}

template <class Cfg>
class StatsTest : public ::testing::Test {};
using StatsConfigs = ::testing::Types<Vstats_c4_cfg, Vstats_c1_cfg, Vstats_c16_cfg, Vstats_c2_off_cfg>;
TYPED_TEST_SUITE(StatsTest, StatsConfigs);

// Arbitrary inputs every cycle (out-of-contract values included: several states a column, 15 codes, odd byte
// counts, any record index): RTL and twin agree every cycle.
TYPED_TEST(StatsTest, LockstepRandomInputs) {
  using Cfg = TypeParam;
  StatsHarness<Cfg> h(std::string(Cfg::kName) + "_random");
  std::mt19937_64 rng(3);
  for (int t = 0; t < 30000; ++t) {
    StatsIn in = random_events<Cfg::Cols>(rng, t % 3 == 0);
    in.layer_on = rng() % 8 != 0;
    in.layer_first = rng() % 50 == 0;
    in.run_start = rng() % 500 == 0;
    in.rec_idx = static_cast<int>(rng() % 16);
    in.rec_take = rng() % 3 == 0;
    in.layer_done = rng() % 40 == 0;
    h.step(in);
    ASSERT_FALSE(h.failed());
  }
}

// Runs of layers as the sequencer drives them: record restarted with the layer's first cycle, events, three
// quiet cycles, the record read and taken word by word, layer_done. Every record word is the sum of the
// layer's events (the 24-bit halves carry: long layers on the widest build), the run counters their sums.
TYPED_TEST(StatsTest, LayerRecordsAndRunCounters) {
  using Cfg = TypeParam;
  constexpr int kCols = static_cast<int>(Cfg::Cols);
  StatsHarness<Cfg> h(std::string(Cfg::kName) + "_layers");
  std::mt19937_64 rng(5);
  for (int run = 0; run < 3; ++run) {
    StatsIn start;
    start.run_start = true;
    h.step(start);
    StatsModel::Words run_sum{};
    const int layers = 1 + static_cast<int>(rng() % 4);
    for (int layer = 0; layer < layers; ++layer) {
      StatsModel::Words want{};
      // the widest build's entries cross 2^24 in a long layer
      const int64_t n = (run == 2 && layer == 0 && kCols >= 8) ? (int64_t{1} << 24) / (8 * kCols) + 1000
                                                               : 1 + static_cast<int64_t>(rng() % 3000);
      for (int64_t t = 0; t < n; ++t) {
        StatsIn in = random_events<kCols>(rng, false);
        if (n > 5000) in.codes.fill(8);
        in.layer_first = t == 0;
        in.rec_idx = static_cast<int>(rng() % 16);
        const auto inc = StatsModel::increments(in, kCols);
        for (unsigned w = 0; w < hw::StatsWords; ++w) want[w] += inc[w];
        h.step(in);
      }
      for (int q = 0; q < 3; ++q) h.step(StatsIn{});
      for (unsigned w = 0; w < hw::StatsWords; ++w) {
        StatsIn rd;
        rd.rec_idx = static_cast<int>(w);
        rd.rec_take = true;
        rd.layer_done = w == hw::StatsWords - 1;
        const StatsOut o = h.step(rd);
        EXPECT_EQ(o.rec_data, Cfg::Stats ? want[w] : 0)
            << Cfg::kName << " run " << run << " layer " << layer << " word " << w;
        run_sum[w] += want[w];
      }
      ASSERT_FALSE(h.failed());
    }
    const StatsOut o = h.step(StatsIn{});
    for (unsigned w = 0; w < hw::StatsWords; ++w)
      EXPECT_EQ(o.ctrs[w], Cfg::Stats ? run_sum[w] : 0) << "run counter " << w;
    EXPECT_EQ(o.ctrs[hw::CtrLayers], Cfg::Stats ? static_cast<uint64_t>(layers) : 0);
  }
  if (Cfg::Cols == 16) std::printf("[carry] %s: a layer of > 2^24 entries checked\n", Cfg::kName);
}

// The next layer's first cycle in the cycle the low half of a counter carries: the carry is dropped with the
// old record (hi restarts at 0), on the widest build (128 entries a cycle reach 2^24 in 131072 cycles).
TEST(StatsCarry, AtLayerBoundaryOn16Columns) {
  using Cfg = Vstats_c16_cfg;
  constexpr int kCols = static_cast<int>(Cfg::Cols);
  const int64_t wrap = (int64_t{1} << 24) / (8 * kCols);
  for (int64_t at = wrap - 1; at <= wrap + 1; ++at) {
    StatsHarness<Cfg> h(std::string(Cfg::kName) + "_carry_" + std::to_string(at));
    StatsIn in;
    in.layer_on = true;
    in.codes.fill(8);
    in.rec_idx = static_cast<int>(hw::StEntries);
    uint64_t last = 0;
    for (int64_t t = 0; t <= at + 8; ++t) {
      in.layer_first = t == 0 || t == at;
      last = h.step(in).rec_data;
      ASSERT_FALSE(h.failed()) << "boundary at " << at;
    }
    EXPECT_EQ(last, Cfg::Stats ? uint64_t{8} * kCols * 7 : 0) << "boundary at " << at;
  }
}

}  // namespace
