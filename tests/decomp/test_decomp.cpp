// Decompressors against golden/decomp_model every cycle under random stalls, and against the formats'
// decoders entry by entry: random rows of every weight type and sparsity, exact zero-stall cycle counts,
// back-to-back rows without gaps, replays.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "tests/decomp/decomp_harness.hpp"
#include "tern_vm_decomp_configs.hpp"
#include "tests/formats/format_gen.hpp"

namespace {

using tern::Format;
using tern::WeightType;
using tern::test::Harness;
using tern::test::Row;
using AllDecomp = ::testing::Types<Vdense_w64_cfg, Vdense_w16_c4_cfg, Vrle_w64_cfg, Vrle_w32_c2_g6_cfg,
                                   Vbitmap_w64_b16_cfg, Vbitmap_w32_c4_b8_cfg, Vcsc_w64_cfg, Vcsc_w32_c4_r3_cfg,
                                   Vrle8_w64_cfg, Vrle8_w32_c2_cfg>;

template <class Cfg>
class DecompTest : public ::testing::Test {
 protected:
  static constexpr Format kFmt = tern::test::format_of<Cfg>();
  static tern::FormatParams params() { return tern::test::params_of<Cfg>(); }
  static int64_t max_len() { return int64_t{1} << Cfg::IdxBits; }

  static Row make_row(const std::vector<uint32_t>& codes, WeightType t, int cb, int idle) {
    Row r;
    r.words = tern::encode_row(kFmt, codes, t, cb, params());
    r.row_len = static_cast<uint32_t>(codes.size());
    r.code_bits = cb;
    r.wtype = static_cast<int>(t);
    r.idle_before = idle;
    return r;
  }
  static tern::DecodeResult golden(const Row& r) {
    return tern::decode_row(kFmt, r.words, r.row_len, static_cast<WeightType>(r.wtype), r.code_bits, params());
  }
};
TYPED_TEST_SUITE(DecompTest, AllDecomp);

TYPED_TEST(DecompTest, LockstepRandomRowsUnderStalls) {
  using Cfg = TypeParam;
  using T = DecompTest<Cfg>;
  const std::pair<double, double> stalls[] = {{1.0, 1.0}, {0.5, 1.0}, {1.0, 0.3}, {0.7, 0.6}};
  const double sparsity[] = {0.0, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0};
  const auto types = tern::test::types_for(static_cast<int>(Cfg::MaxCodeBits), T::kFmt);
  uint64_t seed = 100;
  for (auto [pw, pr] : stalls) {
    std::mt19937_64 rng(seed);
    std::vector<Row> rows;
    std::vector<std::vector<tern::Entry>> want;
    for (int i = 0; i < 48; ++i) {
      const auto [t, cb] = types[rng() % types.size()];
      const int64_t hi = std::min<int64_t>(T::max_len(), i % 8 == 7 ? 1500 : 120);
      const int64_t len = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi));
      const auto codes = tern::test::random_row(rng, t, cb, len, sparsity[rng() % 8]);
      rows.push_back(T::make_row(codes, t, cb, (rng() % 2) ? 0 : static_cast<int>(rng() % 4)));
      want.push_back(tern::expected_entries(T::kFmt, codes, t, cb));
    }
    const std::string name = std::string(Cfg::kName) + "_lockstep_" + std::to_string(seed);
    Harness<Cfg> h(name, pw, pr, seed);
    const auto got = h.run(rows);
    ASSERT_EQ(got.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(got[i].err_code, 0) << name << " row " << i;
      ASSERT_EQ(got[i].entries, want[i]) << name << " row " << i;
      if (pw == 1.0 && pr == 1.0) {
        EXPECT_EQ(got[i].cycles, tern::zero_stall_cycles(T::golden(rows[i]))) << name << " row " << i;
      }
    }
    ++seed;
  }
}

// Long rows back to back with no stalls: every row takes exactly the documented cycles, rows follow each
// other without a gap, and the sustained rate is reported (docs/compression.md quotes it).
TYPED_TEST(DecompTest, ZeroStallCyclesAndThroughput) {
  using Cfg = TypeParam;
  using T = DecompTest<Cfg>;
  const int64_t len = std::min<int64_t>(T::max_len(), 4096);
  const auto types = tern::test::types_for(static_cast<int>(Cfg::MaxCodeBits), T::kFmt);
  for (auto [t, cb] : types) {
    if (t != WeightType::kTernary && t != WeightType::kInt8 && t != WeightType::kLog2) continue;
    for (double s : {0.0, 0.5, 0.8, 0.9, 0.95}) {
      std::mt19937_64 rng(7 + static_cast<uint64_t>(s * 100));
      std::vector<Row> rows;
      int64_t want_cycles = 0, outputs = 0;
      for (int i = 0; i < 4; ++i) {
        rows.push_back(T::make_row(tern::test::random_row(rng, t, cb, len, s), t, cb, 0));
        const auto g = T::golden(rows.back());
        want_cycles += tern::zero_stall_cycles(g);
        outputs += static_cast<int64_t>(g.entries.size());
      }
      const std::string name =
          std::string(Cfg::kName) + "_rate_" + tern::to_string(t) + "_" + std::to_string(static_cast<int>(s * 100));
      Harness<Cfg> h(name, 1.0, 1.0, 1);
      const auto got = h.run(rows);
      int64_t cycles = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        ASSERT_EQ(got[i].err_code, 0) << name;
        EXPECT_EQ(got[i].cycles, tern::zero_stall_cycles(T::golden(rows[i]))) << name << " row " << i;
        cycles += got[i].cycles;
      }
      EXPECT_EQ(cycles, want_cycles) << name;
      const double rate = static_cast<double>(outputs) / static_cast<double>(cycles);
      std::printf("[rate] %-22s %-8s zeros %3d%%  len %5lld  entries/cycle %.4f\n", Cfg::kName,
                  tern::to_string(t).c_str(), static_cast<int>(s * 100), static_cast<long long>(len), rate);
      if (T::kFmt == Format::kDense) EXPECT_EQ(rate, 1.0) << name;
      // RLE with the default escape budget (1/64 escapes per non-zero) sustains >= 0.98 non-zeros per cycle;
      // rle8 (escapes only for gaps > 127) too, up to 95% zeros.
      if (T::kFmt == Format::kRle && s <= 0.9) EXPECT_GE(rate, 0.98) << name;
      if (T::kFmt == Format::kRleAligned) EXPECT_GE(rate, 0.98) << name;
    }
  }
}

TYPED_TEST(DecompTest, ReplayedRowDecodesIdentically) {
  using Cfg = TypeParam;
  using T = DecompTest<Cfg>;
  std::mt19937_64 rng(5);
  const auto types = tern::test::types_for(static_cast<int>(Cfg::MaxCodeBits), T::kFmt);
  const auto [t, cb] = types[1 % types.size()];
  const auto codes = tern::test::random_row(rng, t, cb, std::min<int64_t>(T::max_len(), 200), 0.85);
  std::vector<Row> rows;
  for (int i = 0; i < 12; ++i) rows.push_back(T::make_row(codes, t, cb, i % 3 == 0 ? 2 : 0));
  Harness<Cfg> h(std::string(Cfg::kName) + "_replay", 0.6, 0.7, 9);
  const auto got = h.run(rows);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(got[i].err_code, 0);
    EXPECT_EQ(got[i].entries, got[0].entries) << "replay " << i;
  }
  EXPECT_EQ(got[0].entries, tern::expected_entries(T::kFmt, codes, t, cb));
}

// Edge rows: length 1, all-zero, a single non-zero at either end, the longest row the build takes.
TYPED_TEST(DecompTest, EdgeRows) {
  using Cfg = TypeParam;
  using T = DecompTest<Cfg>;
  const auto types = tern::test::types_for(static_cast<int>(Cfg::MaxCodeBits), T::kFmt);
  std::vector<Row> rows;
  std::vector<std::vector<tern::Entry>> want;
  auto add = [&](const std::vector<uint32_t>& codes, WeightType t, int cb) {
    rows.push_back(T::make_row(codes, t, cb, static_cast<int>(rows.size() % 2)));
    want.push_back(tern::expected_entries(T::kFmt, codes, t, cb));
  };
  for (auto [t, cb] : types) {
    const uint32_t nz = *tern::encode_weight(t, tern::weight_values(t, cb).back(), cb);
    const uint32_t zero = t == WeightType::kBinary ? 0 : *tern::encode_weight(t, 0, cb);
    add({nz}, t, cb);
    add({zero}, t, cb);
    const int64_t n = std::min<int64_t>(T::max_len(), 3000);
    std::vector<uint32_t> row(static_cast<size_t>(n), zero);
    add(row, t, cb);
    row.back() = nz;
    add(row, t, cb);
    row.back() = zero;
    row.front() = nz;
    add(row, t, cb);
  }
  std::mt19937_64 rng(3);
  const auto [t, cb] = types[0];
  add(tern::test::random_row(rng, t, cb, T::max_len() > 8192 ? 8192 : T::max_len(), 0.9), t, cb);
  Harness<Cfg> h(std::string(Cfg::kName) + "_edges", 0.8, 0.8, 4);
  const auto got = h.run(rows);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(got[i].err_code, 0) << "row " << i;
    EXPECT_EQ(got[i].entries, want[i]) << "row " << i;
  }
}

}  // namespace
