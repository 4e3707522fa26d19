// tern_decomp_dense8 (packed dense reader of engine v2) against its C++ twin golden/decomp/tern_decomp_dense8
// every cycle under random word/ready stalls, and against the packing of docs/formats.md (Format 0, eight codes
// an entry): random ternary/binary rows back to back or after gaps, zero-stall timing, every error of the
// module's contract, start while busy and clear in the middle of a row.
#include <gtest/gtest.h>

#include <random>

#include "golden/formats/format.hpp"
#include "tern_vm_dense8_configs.hpp"
#include "tests/decomp/decomp_harness.hpp"
#include "tests/formats/format_gen.hpp"

namespace {

using tern::DecompError;
using tern::DecompIn;
using tern::WeightType;
using tern::test::Harness;
using tern::test::Row;

template <class Cfg>
class Dense8Test : public ::testing::Test {
 protected:
  // Longest row of the build (a multiple of 8 that the index output still numbers).
  static int64_t max_len() { return std::min<int64_t>(int64_t{1} << Cfg::IdxBits, 1024); }
  static int cb(WeightType t) { return t == WeightType::kTernary ? 2 : 1; }

  // Codes back to back from the row's first word, the last word marked last (the harness marks it).
  static std::vector<uint64_t> pack(const std::vector<uint32_t>& codes, int code_bits) {
    const size_t per = static_cast<size_t>(64 / code_bits);
    std::vector<uint64_t> w((codes.size() + per - 1) / per, 0);
    for (size_t i = 0; i < codes.size(); ++i) w[i / per] |= uint64_t{codes[i]} << ((i % per) * code_bits);
    return w;
  }
  static Row make_row(const std::vector<uint32_t>& codes, WeightType t, int idle) {
    Row r;
    r.words = pack(codes, cb(t));
    r.row_len = static_cast<uint32_t>(codes.size());
    r.code_bits = cb(t);
    r.wtype = static_cast<int>(t);
    r.idle_before = idle;
    return r;
  }
  // Entries of a row: code j of entry k at [j*cb +: cb], index 8k, last on the final one.
  static std::vector<tern::Entry> expected(const std::vector<uint32_t>& codes, WeightType t) {
    std::vector<tern::Entry> e;
    for (size_t k = 0; k < codes.size() / 8; ++k) {
      tern::Entry x;
      x.index = static_cast<uint32_t>(8 * k) & ((1u << Cfg::IdxBits) - 1);
      for (int j = 0; j < 8; ++j) x.code |= codes[8 * k + static_cast<size_t>(j)] << (j * cb(t));
      x.last = 8 * (k + 1) == codes.size();
      e.push_back(x);
    }
    return e;
  }
  static std::vector<uint32_t> random_codes(std::mt19937_64& rng, WeightType t, int64_t len) {
    return tern::test::random_row(rng, t, cb(t), len, static_cast<double>(rng() % 5) * 0.25);
  }
  static int64_t random_len(std::mt19937_64& rng, bool long_row) {
    const int64_t hi = std::min<int64_t>(max_len(), long_row ? 1024 : 96) / 8;
    return 8 * (1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi)));
  }
};
using Dense8Configs = ::testing::Types<Vdense8_i16_cfg, Vdense8_i6_cfg>;
TYPED_TEST_SUITE(Dense8Test, Dense8Configs);

TYPED_TEST(Dense8Test, MatchesFormatZeroEncoder) {
  using T = Dense8Test<TypeParam>;
  std::mt19937_64 rng(1);
  tern::FormatParams p;
  p.word_bits = 64;
  p.max_code_bits = 8;
  p.idx_bits = 16;
  for (WeightType t : {WeightType::kTernary, WeightType::kBinary}) {
    const auto codes = T::random_codes(rng, t, 200);
    EXPECT_EQ(T::pack(codes, T::cb(t)), tern::encode_row(tern::Format::kDense, codes, t, T::cb(t), p));
  }
}

TYPED_TEST(Dense8Test, LockstepRandomRowsUnderStalls) {
  using Cfg = TypeParam;
  using T = Dense8Test<Cfg>;
  const std::pair<double, double> stalls[] = {{1.0, 1.0}, {0.5, 1.0}, {1.0, 0.3}, {0.7, 0.6}, {0.3, 0.9}};
  uint64_t seed = 100;
  for (auto [pw, pr] : stalls) {
    std::mt19937_64 rng(seed);
    std::vector<Row> rows;
    std::vector<std::vector<tern::Entry>> want;
    for (int i = 0; i < 200; ++i) {
      const WeightType t = rng() % 2 ? WeightType::kTernary : WeightType::kBinary;
      const auto codes = T::random_codes(rng, t, T::random_len(rng, i % 8 == 7));
      rows.push_back(T::make_row(codes, t, (rng() % 2) ? 0 : static_cast<int>(rng() % 4)));
      want.push_back(T::expected(codes, t));
    }
    const std::string name = std::string(Cfg::kName) + "_lockstep_" + std::to_string(seed);
    tern::test::RunStats st;
    Harness<Cfg> h(name, pw, pr, seed);
    const auto got = h.run(rows, &st);
    EXPECT_EQ(st.mismatches, 0) << name;
    ASSERT_EQ(got.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(got[i].err_code, 0) << name << " row " << i;
      ASSERT_EQ(got[i].entries, want[i]) << name << " row " << i;
      // one entry a cycle without stalls: the next word is taken with the previous word's final entry
      if (pw == 1.0 && pr == 1.0) EXPECT_EQ(got[i].cycles, rows[i].row_len / 8) << name << " row " << i;
    }
    ++seed;
  }
}

// Each malformed row of the contract ends in its error code, after the entries before the fault, and the
// harness's clear_i makes the unit take the next (good) row.
TYPED_TEST(Dense8Test, ErrorsThenClear) {
  using Cfg = TypeParam;
  using T = Dense8Test<Cfg>;
  std::mt19937_64 rng(7);
  struct Case {
    const char* name;
    Row row;
    DecompError want;
    size_t good_entries;  // entries handed over before the error
  };
  std::vector<Case> cases;
  const auto tern24 = T::random_codes(rng, WeightType::kTernary, 48);
  const auto bin80 = T::random_codes(rng, WeightType::kBinary, 40);
  Row r = T::make_row(tern24, WeightType::kTernary, 0);
  r.row_len = 0;
  cases.push_back({"length 0", r, DecompError::kConfig, 0});
  r = T::make_row(tern24, WeightType::kTernary, 0);
  r.row_len = 44;
  cases.push_back({"length not a multiple of 8", r, DecompError::kConfig, 0});
  r = T::make_row(tern24, WeightType::kTernary, 0);
  r.wtype = static_cast<int>(WeightType::kInt8);
  cases.push_back({"int8 type", r, DecompError::kConfig, 0});
  r = T::make_row(tern24, WeightType::kTernary, 0);
  r.wtype = static_cast<int>(WeightType::kLog2);
  cases.push_back({"log2 type", r, DecompError::kConfig, 0});
  // ternary 48 codes: two words; the first word alone, marked last: its final entry is not the row's
  r = T::make_row(tern24, WeightType::kTernary, 0);
  r.words.pop_back();
  cases.push_back({"truncated", r, DecompError::kTruncated, 3});
  // a word beyond the row: the final entry sits in a word not marked last
  r = T::make_row(tern24, WeightType::kTernary, 0);
  r.words.push_back(0);
  cases.push_back({"no end", r, DecompError::kNoEnd, 5});
  // binary: one word holds 8 entries; a row of 9 entries with one word
  r = T::make_row(bin80, WeightType::kBinary, 0);
  r.row_len = 72;
  if (72 <= T::max_len()) {
    cases.push_back({"binary row longer than its words", r, DecompError::kTruncated, 7});
  } else {  // a row longer than 2**IdxBits is a configuration error (the formal finding, docs/formal.md)
    cases.push_back({"row longer than 2**IdxBits", r, DecompError::kConfig, 0});
  }
  // reserved ternary code 10 in entry 2 (code 17)
  auto bad = tern24;
  bad[17] = 2;
  r = T::make_row(bad, WeightType::kTernary, 0);
  cases.push_back({"reserved ternary code", r, DecompError::kCode, 2});
  for (const auto& c : cases) {
    const auto good_codes = T::random_codes(rng, WeightType::kBinary, 64);
    const std::vector<Row> rows = {c.row, T::make_row(good_codes, WeightType::kBinary, 1)};
    for (auto [pw, pr] : {std::pair<double, double>{1.0, 1.0}, {0.6, 0.7}}) {
      const std::string name = std::string(Cfg::kName) + "_err_" + c.name;
      tern::test::RunStats st;
      Harness<Cfg> h(name, pw, pr, 3);
      const auto got = h.run(rows, &st);
      EXPECT_EQ(st.mismatches, 0) << name;
      ASSERT_EQ(got.size(), 2u);
      EXPECT_EQ(got[0].err_code, static_cast<int>(c.want)) << name;
      EXPECT_EQ(got[0].entries.size(), c.good_entries) << name;
      EXPECT_EQ(got[1].err_code, 0) << name;
      EXPECT_EQ(got[1].entries, T::expected(good_codes, WeightType::kBinary)) << name;
    }
  }
}

// start_i in the middle of a row is an error; nothing is taken or handed over while the error stands
// (sticky until clear_i); clear_i in the middle of a row leaves the unit idle.
TYPED_TEST(Dense8Test, StartWhileBusyAndClearMidRow) {
  using Cfg = TypeParam;
  using T = Dense8Test<Cfg>;
  std::mt19937_64 rng(11);
  const auto codes = T::random_codes(rng, WeightType::kTernary, 64);
  const auto words = T::pack(codes, 2);
  Harness<Cfg> h(std::string(Cfg::kName) + "_busy", 1.0, 1.0, 1);
  auto row_in = [&](bool start, size_t w) {
    DecompIn in;
    in.start = start;
    in.row_len = 64;
    in.wtype = static_cast<int>(WeightType::kTernary);
    in.word_valid = w < words.size();
    in.word = in.word_valid ? words[w] : 0;
    in.word_last = w + 1 == words.size();
    in.ready = true;
    return in;
  };
  for (int mode = 0; mode < 2; ++mode) {
    size_t w = 0;
    auto o = h.step(row_in(true, w));
    ASSERT_TRUE(o.word_ready);
    ++w;
    for (int i = 0; i < 3; ++i) {
      o = h.step(row_in(false, w));
      ASSERT_TRUE(o.valid);
      ASSERT_FALSE(o.word_ready);
    }
    if (mode == 0) {
      o = h.step(row_in(true, w));  // start while busy
      EXPECT_TRUE(o.valid);
      for (int i = 0; i < 4; ++i) {
        o = h.step(row_in(i % 2 == 0, w));
        EXPECT_TRUE(o.err);
        EXPECT_EQ(o.err_code, static_cast<int>(DecompError::kStart));
        EXPECT_FALSE(o.valid);
        EXPECT_FALSE(o.word_ready);
        EXPECT_FALSE(o.busy);
      }
    }
    DecompIn clr = row_in(false, w);
    clr.clear = true;
    h.step(clr);
    for (int i = 0; i < 3; ++i) {
      o = h.step(row_in(false, w));
      EXPECT_FALSE(o.err);
      EXPECT_FALSE(o.busy);
      EXPECT_FALSE(o.valid);
      EXPECT_FALSE(o.word_ready);
    }
  }
  // a good row afterwards
  const auto got = h.run({T::make_row(codes, WeightType::kTernary, 0)});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].err_code, 0);
  EXPECT_EQ(got[0].entries, T::expected(codes, WeightType::kTernary));
}

// Random corrupted streams (flipped bits, dropped or extra words, wrong lengths) under stalls: whatever
// happens, RTL and twin agree every cycle and every row either decodes or ends in an error.
TYPED_TEST(Dense8Test, LockstepCorruptedStreams) {
  using Cfg = TypeParam;
  using T = Dense8Test<Cfg>;
  std::mt19937_64 rng(21);
  std::vector<Row> rows;
  for (int i = 0; i < 400; ++i) {
    const WeightType t = rng() % 2 ? WeightType::kTernary : WeightType::kBinary;
    Row r = T::make_row(T::random_codes(rng, t, T::random_len(rng, false)), t, static_cast<int>(rng() % 3));
    switch (rng() % 6) {
      case 0: r.words[rng() % r.words.size()] ^= uint64_t{1} << (rng() % 64); break;
      case 1:
        if (r.words.size() > 1) r.words.pop_back();
        break;
      case 2: r.words.push_back(rng()); break;
      case 3: r.row_len = static_cast<uint32_t>(rng() % 128); break;
      case 4: r.wtype = static_cast<int>(rng() % 8); break;
      default: break;
    }
    rows.push_back(r);
  }
  tern::test::RunStats st;
  Harness<Cfg> h(std::string(Cfg::kName) + "_corrupt", 0.7, 0.7, 5);
  const auto got = h.run(rows, &st);
  EXPECT_EQ(st.mismatches, 0);
  int errors = 0;
  for (const auto& g : got) errors += g.err_code != 0;
  EXPECT_GT(errors, 100);
  EXPECT_GT(st.outputs, 1000);
}

}  // namespace
