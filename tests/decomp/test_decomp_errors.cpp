// Malformed weight-row streams through the decompressors: one test per error of docs/formats.md, each
// checked against the formats' decoder (same code, same entries before the error, never an index past the
// row), the unit idle and not consuming afterwards, and a good row decoded after clear_i. Plus random
// corrupted streams, start_i while busy, start_i while in error, and clear_i in the middle of a row.
#include <gtest/gtest.h>

#include <random>

#include "golden/formats/bitstream.hpp"
#include "tests/decomp/decomp_harness.hpp"
#include "tern_vm_decomp_configs.hpp"
#include "tests/formats/format_gen.hpp"

namespace {

using tern::DecompError;
using tern::DecompIn;
using tern::Format;
using tern::WeightType;
using tern::test::Harness;
using tern::test::Row;
using AllDecomp = ::testing::Types<Vdense_w64_cfg, Vdense_w16_c4_cfg, Vrle_w64_cfg, Vrle_w32_c2_g6_cfg,
                                   Vbitmap_w64_b16_cfg, Vbitmap_w32_c4_b8_cfg, Vcsc_w64_cfg, Vcsc_w32_c4_r3_cfg,
                                   Vrle8_w64_cfg, Vrle8_w32_c2_cfg>;

struct Case {
  std::string name;
  Row row;
  DecompError want;
};

// Stream fields written LSB first into the build's words.
struct Fields {
  std::vector<std::pair<uint64_t, int>> f;
  Fields& operator()(uint64_t v, int bits) {
    f.emplace_back(v, bits);
    return *this;
  }
  std::vector<uint64_t> words(int word_bits, int extra = 0) const {
    tern::BitWriter w(word_bits);
    for (auto [v, b] : f) w.put(v, b);
    auto out = w.words();
    out.insert(out.end(), static_cast<size_t>(extra), 0);
    return out;
  }
};

template <class Cfg>
class DecompErrorTest : public ::testing::Test {
 protected:
  static constexpr Format kFmt = tern::test::format_of<Cfg>();
  static tern::FormatParams params() { return tern::test::params_of<Cfg>(); }
  static int wb() { return static_cast<int>(Cfg::WordBits); }

  static Row row(std::vector<uint64_t> words, uint32_t len, WeightType t, int cb) {
    Row r;
    r.words = std::move(words);
    r.row_len = len;
    r.code_bits = cb;
    r.wtype = static_cast<int>(t);
    r.idle_before = 0;
    return r;
  }
  // A valid row of `len` codes at the given sparsity.
  static Row valid(uint64_t seed, WeightType t, int cb, int64_t len, double zeros) {
    std::mt19937_64 rng(seed);
    const auto codes = tern::test::random_row(rng, t, cb, len, zeros);
    return row(tern::encode_row(kFmt, codes, t, cb, params()), static_cast<uint32_t>(len), t, cb);
  }
  static Row drop_last_word(Row r) {
    r.words.pop_back();
    return r;
  }
  static Row extra_word(Row r) {
    r.words.push_back(0);
    return r;
  }
  static bool fits(WeightType t) { return tern::code_bits(t) <= static_cast<int>(Cfg::MaxCodeBits); }

  // The malformed rows of this format (docs/formats.md, "Errors").
  static std::vector<Case> cases() {
    const int w = wb();
    const auto p = params();
    const auto ter = WeightType::kTernary;
    const int cbi = std::min(8, static_cast<int>(Cfg::MaxCodeBits));  // int8 code width of this build
    std::vector<Case> c;
    const int64_t long_len = std::min<int64_t>(int64_t{1} << Cfg::IdxBits, 600);
    // Common to every format: truncated (last word dropped: mid-entry or entries missing), missing row end
    // (the row's words continue), bad configurations.
    c.push_back({"truncated_a", drop_last_word(valid(1, ter, 2, long_len, 0.5)), DecompError::kTruncated});
    c.push_back({"truncated_b", drop_last_word(valid(2, ter, 2, long_len, 0.2)), DecompError::kTruncated});
    c.push_back({"no_row_end", extra_word(valid(3, ter, 2, 60, 0.7)), DecompError::kNoEnd});
    c.push_back({"config_len0", row({0}, 0, ter, 2), DecompError::kConfig});
    c.push_back({"config_len_big", row({0}, (1u << Cfg::IdxBits) + 1, ter, 2), DecompError::kConfig});
    c.push_back({"config_cb", row({0}, 10, ter, 3), DecompError::kConfig});
    c.push_back({"config_type", row({0}, 10, static_cast<WeightType>(7), 2), DecompError::kConfig});
    if (!fits(WeightType::kLog2)) {
      c.push_back({"config_too_wide", row({0}, 10, WeightType::kLog2, 4), DecompError::kConfig});
    }
    switch (kFmt) {
      case Format::kDense:
        c.push_back({"reserved_ternary", row(Fields{}(0, 6)(2, 2)(0, 12).words(w), 10, ter, 2), DecompError::kCode});
        if (fits(WeightType::kLog2)) {
          c.push_back({"reserved_log2", row(Fields{}(3, 4)(8, 4).words(w), 2, WeightType::kLog2, 4),
                       DecompError::kCode});
        }
        break;
      case Format::kRle: {
        auto hdr = [](int g, int count) { return Fields{}(static_cast<uint64_t>(g - 1), 3)(count, 4); };  // len 10
        if (p.gap_bits < 8) {
          c.push_back({"gap_width", row(hdr(p.gap_bits + 1, 1)(1, p.gap_bits + 1)(0, 1).words(w), 10, ter, 2),
                       DecompError::kField});
        }
        c.push_back({"count_past_row", row(hdr(2, 11).words(w), 10, ter, 2), DecompError::kIndex});
        c.push_back({"index_past", row(hdr(2, 4)(3, 2)(0, 1)(3, 2)(0, 1)(3, 2)(0, 1)(2, 2)(1, 1).words(w), 10, ter, 2),
                     DecompError::kIndex});
        // non-zero at 0, escapes to 3, 6, 9 (legal), then a non-zero at 10 (boundary)
        c.push_back({"escape_past", row(hdr(2, 2)(1, 2)(0, 1)(0, 2)(0, 2)(0, 2)(1, 2)(0, 1).words(w), 10, ter, 2),
                     DecompError::kIndex});
        c.push_back({"zero_code", row(hdr(2, 1)(1, 2)(0, cbi).words(w), 10, WeightType::kInt8, cbi),
                     DecompError::kCode});
        if (fits(WeightType::kLog2)) {
          c.push_back({"reserved_log2", row(hdr(2, 1)(1, 2)(8, 4).words(w), 10, WeightType::kLog2, 4),
                       DecompError::kCode});
        }
        c.push_back({"empty_no_end", row(hdr(1, 0).words(w, 1), 10, ter, 2), DecompError::kNoEnd});
        break;
      }
      case Format::kBitmap: {
        const int b = p.block_bits;
        const auto len = static_cast<uint32_t>(b + b / 2);
        const int l = tern::bit_length(len);
        auto hdr = [&](int count) { return Fields{}(count, l); };
        c.push_back({"count_past_row", row(hdr(static_cast<int>(len) + 1).words(w), len, ter, 2), DecompError::kIndex});
        c.push_back({"mask_past", row(hdr(1)(0, b)(uint64_t{1} << (b / 2 + 1), b)(0, 1).words(w), len, ter, 2),
                     DecompError::kIndex});
        c.push_back({"empty_block_past", row(hdr(1)(0, b)(0, b)(1, b)(0, 1).words(w), len, ter, 2),
                     DecompError::kIndex});
        // row of exactly 2 blocks: the second block empty leaves no room (boundary)
        const auto len2 = static_cast<uint32_t>(2 * b);
        c.push_back({"empty_block_edge",
                     row(Fields{}(1, tern::bit_length(len2))(0, b)(0, b)(1, b)(0, 1).words(w), len2, ter, 2),
                     DecompError::kIndex});
        c.push_back({"surplus_mask", row(hdr(1)(3, b)(0, 1)(0, 1).words(w), len, ter, 2), DecompError::kField});
        c.push_back({"zero_code", row(hdr(1)(1, b)(0, cbi).words(w), len, WeightType::kInt8, cbi),
                     DecompError::kCode});
        if (fits(WeightType::kLog2)) {
          c.push_back({"reserved_log2", row(hdr(2)(3, b)(1, 4)(8, 4).words(w), len, WeightType::kLog2, 4),
                       DecompError::kCode});
        }
        c.push_back({"empty_no_end", row(hdr(0).words(w, 1), len, ter, 2), DecompError::kNoEnd});
        break;
      }
      case Format::kCsc: {
        const int r = p.run_bits;
        const uint64_t rmax = (uint64_t{1} << r) - 1;
        auto hdr = [](int count) { return Fields{}(count, 6); };  // len 40
        c.push_back({"count_past_row", row(hdr(41).words(w), 40, ter, 2), DecompError::kField});
        c.push_back({"pad_short_run", row(hdr(2)(rmax - 1, r)(0, 2)(0, r)(1, 2).words(w), 40, ter, 2),
                     DecompError::kField});
        c.push_back({"pad_last", row(hdr(2)(0, r)(1, 2)(rmax, r)(0, 2).words(w), 40, ter, 2), DecompError::kField});
        // padding up to the row end, then a non-zero exactly at index 40 (boundary)
        const uint64_t pads = 40 / (rmax + 1);
        Fields past = hdr(1 + static_cast<int>(pads));
        for (uint64_t i = 0; i < pads; ++i) past(rmax, r)(0, 2);
        past(40 - pads * (rmax + 1), r)(1, 2);
        c.push_back({"index_past", row(past.words(w), 40, ter, 2), DecompError::kIndex});
        c.push_back({"reserved_ternary", row(hdr(1)(0, r)(2, 2).words(w), 40, ter, 2), DecompError::kCode});
        c.push_back({"empty_no_end", row(hdr(0).words(w, 1), 40, ter, 2), DecompError::kNoEnd});
        break;
      }
      case Format::kRleAligned: {
        // 16-bit count header, then bytes {sign, gap (7 bits)}; gap 0 sign 0 = escape (+127), 0x80 reserved
        auto hdr = [](int count) { return Fields{}(static_cast<uint64_t>(count), 16); };
        c.push_back({"config_int8", row(hdr(1)(1, 8).words(w), 10, WeightType::kInt8, cbi), DecompError::kConfig});
        c.push_back({"config_binary_cb2", row(hdr(1)(1, 8).words(w), 10, WeightType::kBinary, 2),
                     DecompError::kConfig});
        if (fits(WeightType::kLog2)) {
          c.push_back({"config_log2", row(hdr(1)(1, 8).words(w), 10, WeightType::kLog2, 4), DecompError::kConfig});
        }
        c.push_back({"reserved_entry", row(hdr(2)(3, 8)(0x80, 8)(1, 8).words(w), 10, ter, 2), DecompError::kField});
        // count 11 > row length 10: the zero bytes after the entries read as escapes of 127
        c.push_back({"count_past_row", row(hdr(11).words(w), 10, ter, 2), DecompError::kIndex});
        c.push_back({"index_past", row(hdr(3)(4, 8)(0x85, 8)(2, 8).words(w), 10, ter, 2), DecompError::kIndex});
        // boundary: a non-zero at 0, an escape to 127 = row_len - 1 (legal), then one more non-zero at 128
        c.push_back({"escape_past", row(hdr(2)(1, 8)(0, 8)(1, 8).words(w), 128, ter, 2), DecompError::kIndex});
        c.push_back({"escape_past_b", row(hdr(1)(0, 8)(0, 8)(1, 8).words(w), 200, ter, 2), DecompError::kIndex});
        // 9 counted, 2 + 6 bytes fill the first word; the next entries are missing (word boundary)
        c.push_back({"truncated_boundary",
                     row(hdr(9)(1, 8)(1, 8)(1, 8)(1, 8)(0x81, 8)(1, 8).words(w), 100, ter, 2),
                     DecompError::kTruncated});
        c.push_back({"empty_no_end", row(hdr(0).words(w, 1), 10, ter, 2), DecompError::kNoEnd});
        c.push_back({"final_not_last", row(hdr(1)(5, 8).words(w, 1), 10, WeightType::kBinary, 1),
                     DecompError::kNoEnd});
        break;
      }
    }
    return c;
  }
};
TYPED_TEST_SUITE(DecompErrorTest, AllDecomp);

// Every malformed case, each followed by a good row (recovery after clear_i), under stalls.
TYPED_TEST(DecompErrorTest, EachMalformedStream) {
  using Cfg = TypeParam;
  using T = DecompErrorTest<Cfg>;
  const auto cases = T::cases();
  for (auto [pw, pr] : {std::pair{1.0, 1.0}, std::pair{0.6, 0.5}}) {
    std::vector<Row> rows;
    for (const auto& c : cases) {
      rows.push_back(c.row);
      rows.push_back(T::valid(rows.size(), WeightType::kTernary, 2, 50, 0.6));
      rows.back().idle_before = 1;
    }
    Harness<Cfg> h(std::string(Cfg::kName) + "_errors", pw, pr, 21);
    const auto got = h.run(rows);
    for (size_t i = 0; i < cases.size(); ++i) {
      const auto& c = cases[i];
      const auto g = tern::decode_row(T::kFmt, c.row.words, c.row.row_len, static_cast<WeightType>(c.row.wtype),
                                      c.row.code_bits, T::params());
      ASSERT_EQ(g.error, c.want) << Cfg::kName << " " << c.name << ": the case does not test what it says: "
                                 << g.message;
      EXPECT_EQ(got[2 * i].err_code, static_cast<int>(c.want)) << Cfg::kName << " " << c.name << ": " << g.message;
      EXPECT_EQ(got[2 * i].entries, g.entries) << Cfg::kName << " " << c.name;
      for (const auto& e : got[2 * i].entries) EXPECT_LT(e.index, std::max<uint32_t>(1, c.row.row_len));
      // the good row after clear_i
      const auto& ok = rows[2 * i + 1];
      EXPECT_EQ(got[2 * i + 1].err_code, 0) << Cfg::kName << " after " << c.name;
      EXPECT_EQ(got[2 * i + 1].entries,
                tern::decode_row(T::kFmt, ok.words, ok.row_len, WeightType::kTernary, 2, T::params()).entries)
          << Cfg::kName << " after " << c.name;
    }
  }
}

// After an error the unit takes no word and emits nothing, however long the words stay offered.
TYPED_TEST(DecompErrorTest, StopsConsumingAfterAnError) {
  using Cfg = TypeParam;
  using T = DecompErrorTest<Cfg>;
  const Row bad = T::extra_word(T::extra_word(T::valid(4, WeightType::kTernary, 2, 40, 0.5)));
  Harness<Cfg> h(std::string(Cfg::kName) + "_stop", 1.0, 1.0, 2);
  DecompIn in;
  in.start = true;
  in.row_len = bad.row_len;
  in.code_bits = bad.code_bits;
  in.wtype = bad.wtype;
  size_t wi = 0;
  int err_at = -1;
  for (int cyc = 0; cyc < 400; ++cyc) {
    in.word_valid = wi < bad.words.size();
    in.word = in.word_valid ? bad.words[wi] : 0;
    in.word_last = false;  // the row's end is never marked
    in.ready = true;
    const auto o = h.step(in);
    in.start = false;
    if (o.word_ready && in.word_valid) ++wi;
    if (o.err && err_at < 0) err_at = cyc;
    if (err_at >= 0) {
      EXPECT_FALSE(o.word_ready) << "cycle " << cyc;
      EXPECT_FALSE(o.valid) << "cycle " << cyc;
      EXPECT_FALSE(o.busy) << "cycle " << cyc;
      EXPECT_EQ(o.err_code, static_cast<int>(DecompError::kNoEnd));
    }
  }
  EXPECT_GE(err_at, 0);
}

// start_i while busy is an error; start_i while in error is ignored; clear_i recovers; clear_i mid-row
// aborts the row without an error.
TYPED_TEST(DecompErrorTest, StartWhileBusyAndClearMidRow) {
  using Cfg = TypeParam;
  using T = DecompErrorTest<Cfg>;
  const Row r = T::valid(6, WeightType::kTernary, 2, std::min<int64_t>(int64_t{1} << Cfg::IdxBits, 300), 0.3);
  const auto want = tern::decode_row(T::kFmt, r.words, r.row_len, WeightType::kTernary, 2, T::params()).entries;
  Harness<Cfg> h(std::string(Cfg::kName) + "_start", 1.0, 1.0, 3);
  auto start_in = [&] {
    DecompIn in;
    in.start = true;
    in.row_len = r.row_len;
    in.code_bits = r.code_bits;
    in.wtype = r.wtype;
    return in;
  };
  // Runs the row from a start; `event` (start or clear) fires at output `at`. Returns the outputs seen.
  auto run = [&](int at, bool clear) {
    std::vector<tern::Entry> seen;
    DecompIn in = start_in();
    size_t wi = 0;
    for (int cyc = 0; cyc < 2000; ++cyc) {
      in.word_valid = wi < r.words.size();
      in.word = in.word_valid ? r.words[wi] : 0;
      in.word_last = (wi + 1 == r.words.size());
      in.ready = true;
      const bool ev = static_cast<int>(seen.size()) == at && cyc > 0;
      in.start = in.start || (ev && !clear);
      in.clear = ev && clear;
      const auto o = h.step(in);
      if (o.word_ready && in.word_valid) ++wi;
      if (o.valid && !in.clear) seen.push_back({o.index, o.code, o.last, o.empty});
      in = DecompIn{};
      if (ev || (o.valid && o.last)) break;
    }
    return seen;
  };
  auto idle_cycles = [&](int n, bool start, bool clear) {
    for (int i = 0; i < n; ++i) {
      DecompIn in = start ? start_in() : DecompIn{};
      in.clear = clear;
      h.step(in);
    }
  };
  // start_i at the 5th output while busy
  run(5, false);
  idle_cycles(1, false, false);
  auto o = h.step(DecompIn{});
  EXPECT_TRUE(o.err);
  EXPECT_EQ(o.err_code, static_cast<int>(DecompError::kStart));
  EXPECT_FALSE(o.busy);
  // start_i while in error: ignored
  idle_cycles(3, true, false);
  o = h.step(DecompIn{});
  EXPECT_TRUE(o.err);
  EXPECT_FALSE(o.busy);
  EXPECT_FALSE(o.word_ready);
  // clear_i, then a whole row
  idle_cycles(1, false, true);
  EXPECT_EQ(run(-1, false), want);
  // clear_i in the middle of a row: idle, no error, and the next row is whole
  run(7, true);
  o = h.step(DecompIn{});
  EXPECT_FALSE(o.err);
  EXPECT_FALSE(o.busy);
  EXPECT_EQ(run(-1, false), want);
}

// Random corruptions of valid rows (bit flips, dropped or added words, wrong row length) and random
// words: the RTL stops exactly where and how the formats' decoder does.
TYPED_TEST(DecompErrorTest, RandomCorruptStreams) {
  using Cfg = TypeParam;
  using T = DecompErrorTest<Cfg>;
  std::mt19937_64 rng(77);
  const auto types = tern::test::types_for(static_cast<int>(Cfg::MaxCodeBits), T::kFmt);
  const int64_t max_len = std::min<int64_t>(int64_t{1} << Cfg::IdxBits, 200);
  std::vector<Row> rows;
  for (int i = 0; i < 400; ++i) {
    const auto [t, cb] = types[rng() % types.size()];
    const int64_t len = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(max_len));
    Row r = T::valid(rng(), t, cb, len, (rng() % 10) / 10.0);
    switch (rng() % 5) {
      case 0: {  // flip bits
        for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) {
          const uint64_t b = rng() % (r.words.size() * static_cast<size_t>(T::wb()));
          r.words[b / static_cast<uint64_t>(T::wb())] ^= uint64_t{1} << (b % static_cast<uint64_t>(T::wb()));
        }
        break;
      }
      case 1:
        if (r.words.size() > 1) r.words.pop_back();
        break;
      case 2: r.words.push_back(rng() & tern::low_mask(T::wb())); break;
      case 3: r.row_len = 1 + static_cast<uint32_t>(rng() % static_cast<uint64_t>(max_len)); break;
      default:  // random words
        for (auto& w : r.words) w = (rng() & rng()) & tern::low_mask(T::wb());
        break;
    }
    r.idle_before = static_cast<int>(rng() % 3 == 0);
    rows.push_back(r);
  }
  Harness<Cfg> h(std::string(Cfg::kName) + "_corrupt", 0.8, 0.7, 5);
  const auto got = h.run(rows);
  int errors = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const auto g = tern::decode_row(T::kFmt, r.words, r.row_len, static_cast<WeightType>(r.wtype), r.code_bits,
                                    T::params());
    ASSERT_EQ(got[i].err_code, static_cast<int>(g.error)) << Cfg::kName << " row " << i << ": " << g.message;
    ASSERT_EQ(got[i].entries, g.entries) << Cfg::kName << " row " << i;
    errors += g.ok() ? 0 : 1;
  }
  EXPECT_GT(errors, 100) << "too few corrupt rows were actually malformed";
}

}  // namespace
