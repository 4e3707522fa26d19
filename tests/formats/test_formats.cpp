// Weight-row stream formats: random round trips over every type, sparsity and word width, stream sizes,
// the cycle formulas of docs/formats.md, the RLE gap-width choice and the documented bit-level examples.
#include <gtest/gtest.h>

#include <random>

#include "golden/formats/codecs.hpp"
#include "golden/formats/format.hpp"
#include "tests/formats/format_gen.hpp"

namespace {

using tern::DecompError;
using tern::Format;
using tern::FormatParams;
using tern::WeightType;
using tern::test::kAllFormats;
using tern::test::kAllTypes;

// Cycle count of a row from first principles (docs/formats.md), independent of the decoders.
int64_t formula_cycles(Format f, const std::vector<uint32_t>& codes, WeightType t, int cb, const FormatParams& p,
                       int rle_gap) {
  const auto nz = tern::fmt::nonzero_positions(codes, t, cb);
  const auto n = static_cast<int64_t>(nz.size());
  if (f == Format::kDense) return static_cast<int64_t>(codes.size());
  if (n == 0) return 1;
  int64_t extra = 0;
  int64_t prev = -1;
  for (int64_t i : nz) {
    const int64_t gap = i - prev;
    if (f == Format::kRle) extra += (gap - 1) / ((int64_t{1} << rle_gap) - 1);
    if (f == Format::kRleAligned) extra += (gap - 1) / 127;
    if (f == Format::kCsc) extra += (gap - 1) / (int64_t{1} << p.run_bits);
    prev = i;
  }
  if (f == Format::kBitmap) {
    std::vector<bool> used(static_cast<size_t>(nz.back() / p.block_bits + 1), false);
    for (int64_t i : nz) used[static_cast<size_t>(i / p.block_bits)] = true;
    for (bool u : used) extra += u ? 0 : 1;
  }
  return n + extra;
}

TEST(Formats, RoundTripEveryTypeSparsityAndWordWidth) {
  std::mt19937_64 rng(1);
  const double sparsities[] = {0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0};
  int rows = 0;
  for (Format f : kAllFormats) {
    for (WeightType t : kAllTypes) {
      for (int wb : {8, 16, 32, 64}) {
        for (double s : sparsities) {
          for (int rep = 0; rep < 3; ++rep) {
            if (!tern::test::format_carries(f, t)) continue;
            FormatParams p;
            p.word_bits = wb;
            p.block_bits = (rep == 0) ? 8 : 16;
            const int cb = (t == WeightType::kInt8) ? 1 + static_cast<int>(rng() % 8) : tern::code_bits(t);
            std::uniform_int_distribution<int64_t> len_d(1, rep == 2 ? 3000 : 300);
            const int64_t len = len_d(rng);
            const auto codes = tern::test::random_row(rng, t, cb, len, s);
            const auto words = tern::encode_row(f, codes, t, cb, p);
            const auto r = tern::decode_row(f, words, len, t, cb, p);
            const std::string what = tern::to_string(f) + " " + tern::to_string(t) + " cb=" + std::to_string(cb) +
                                     " W=" + std::to_string(wb) + " s=" + std::to_string(s) +
                                     " len=" + std::to_string(len);
            ASSERT_TRUE(r.ok()) << what << ": " << r.message;
            ASSERT_EQ(r.entries, tern::expected_entries(f, codes, t, cb)) << what;
            if (t != WeightType::kBinary) ASSERT_EQ(tern::expand_row(r.entries, len, t, cb), codes) << what;
            // Whole words, no spare word.
            ASSERT_EQ(static_cast<int64_t>(words.size()), std::max<int64_t>(1, (r.stream_bits + wb - 1) / wb)) << what;
            ASSERT_EQ(tern::zero_stall_cycles(r), formula_cycles(f, codes, t, cb, p, r.gap_bits)) << what;
            ++rows;
          }
        }
      }
    }
  }
  EXPECT_GT(rows, 3000);
}

TEST(Formats, StreamBitsMatchTheDocumentedSizes) {
  std::mt19937_64 rng(2);
  for (WeightType t : kAllTypes) {
    const int cb = tern::code_bits(t);
    for (double s : {0.0, 0.5, 0.9, 0.99}) {
      FormatParams p;
      const int64_t len = 777;
      const auto codes = tern::test::random_row(rng, t, cb, len, s);
      const auto nz = tern::fmt::nonzero_positions(codes, t, cb);
      const auto n = static_cast<int64_t>(nz.size());
      const int l = tern::bit_length(len);
      // dense: len * cb
      EXPECT_EQ(tern::decode_row(Format::kDense, tern::encode_row(Format::kDense, codes, t, cb, p), len, t, cb, p)
                    .stream_bits,
                len * cb);
      // RLE: 3 + L + sum over non-zeros (G + payload) + G per escape
      const auto rr = tern::decode_row(Format::kRle, tern::encode_row(Format::kRle, codes, t, cb, p), len, t, cb, p);
      const int pb = tern::payload_bits(Format::kRle, t, cb);
      EXPECT_EQ(rr.stream_bits, n == 0 ? 3 + l : 3 + l + n * (rr.gap_bits + pb) + rr.extra_steps * rr.gap_bits);
      // bitmap: L + B per block up to the last non-zero's block + payloads
      const auto rb =
          tern::decode_row(Format::kBitmap, tern::encode_row(Format::kBitmap, codes, t, cb, p), len, t, cb, p);
      EXPECT_EQ(rb.stream_bits, n == 0 ? l : l + (nz.back() / p.block_bits + 1) * p.block_bits + n * pb);
      // CSC: L + (RunBits + cb) per entry (non-zeros + padding)
      const auto rc = tern::decode_row(Format::kCsc, tern::encode_row(Format::kCsc, codes, t, cb, p), len, t, cb, p);
      EXPECT_EQ(rc.stream_bits, l + (n + rc.extra_steps) * (p.run_bits + cb));
      // rle8: 16-bit count + one byte per non-zero and per escape (gaps above 127)
      if (tern::test::format_carries(Format::kRleAligned, t)) {
        const auto ra = tern::decode_row(Format::kRleAligned, tern::encode_row(Format::kRleAligned, codes, t, cb, p),
                                         len, t, cb, p);
        int64_t esc = 0, prev = -1;
        for (int64_t i : nz) {
          esc += (i - prev - 1) / 127;
          prev = i;
        }
        EXPECT_EQ(ra.extra_steps, esc);
        EXPECT_EQ(ra.stream_bits, 16 + 8 * (n + esc));
        EXPECT_EQ(tern::header_bits(Format::kRleAligned, static_cast<int>(len)), 16);
      }
    }
  }
}

TEST(Formats, TernaryNonZerosCostOneBitInRleAndBitmap) {
  EXPECT_EQ(tern::payload_bits(Format::kRle, WeightType::kTernary, 2), 1);
  EXPECT_EQ(tern::payload_bits(Format::kBitmap, WeightType::kTernary, 2), 1);
  EXPECT_EQ(tern::payload_bits(Format::kCsc, WeightType::kTernary, 2), 2);  // zero code marks padding
  EXPECT_EQ(tern::payload_bits(Format::kRle, WeightType::kLog2, 4), 4);
  EXPECT_EQ(tern::payload_bits(Format::kRle, WeightType::kInt8, 6), 6);
}

TEST(Formats, RleGapChoiceHonoursTheEscapeBudget) {
  // Non-zeros at 0 and 100: one gap of 100.
  std::vector<uint32_t> codes(101, 0);
  codes[0] = 1;
  codes[100] = 3;
  const auto nz = tern::fmt::nonzero_positions(codes, WeightType::kTernary, 2);
  const auto costs = tern::fmt::rle_costs(nz, 101, 1, 8);
  ASSERT_EQ(costs.size(), 8u);
  // G=4 (M=15): 6 escapes; G=7 (M=127): none.
  EXPECT_EQ(costs[3].escapes, 6);
  EXPECT_EQ(costs[6].escapes, 0);
  // No budget: fewest bits. Budget 0: the narrowest width without escapes.
  const int free_g = tern::fmt::rle_choose_gap(costs, 2, -1.0);
  int best_bits = 1 << 30;
  for (const auto& c : costs) best_bits = std::min<int>(best_bits, static_cast<int>(c.bits));
  EXPECT_EQ(costs[static_cast<size_t>(free_g - 1)].bits, best_bits);
  EXPECT_EQ(tern::fmt::rle_choose_gap(costs, 2, 0.0), 7);
  // Escape budget never met with GapBits = 3: fewest escapes wins.
  const auto narrow = tern::fmt::rle_costs(nz, 101, 1, 3);
  EXPECT_EQ(tern::fmt::rle_choose_gap(narrow, 2, 0.0), 3);
}

TEST(Formats, Rle8CarriesTernaryAndBinaryOnly) {
  for (WeightType t : kAllTypes) {
    const int cb = tern::code_bits(t);
    const std::vector<uint32_t> codes(10, *tern::encode_weight(t, t == WeightType::kBinary ? 1 : 0, cb));
    if (tern::test::format_carries(Format::kRleAligned, t)) {
      EXPECT_NO_THROW(tern::encode_row(Format::kRleAligned, codes, t, cb)) << tern::to_string(t);
      EXPECT_EQ(tern::payload_bits(Format::kRleAligned, t, cb), 1);
    } else {
      EXPECT_THROW(tern::encode_row(Format::kRleAligned, codes, t, cb), std::invalid_argument) << tern::to_string(t);
      const auto r = tern::decode_row(Format::kRleAligned, {1}, 10, t, cb);
      EXPECT_EQ(r.error, DecompError::kConfig) << tern::to_string(t);
      EXPECT_NE(r.message.find("ternary and binary"), std::string::npos) << r.message;
    }
  }
  // 65535 non-zeros fit the 16-bit count; 65536 do not.
  FormatParams p;
  EXPECT_NO_THROW(tern::encode_row(Format::kRleAligned, std::vector<uint32_t>(65535, 1), WeightType::kBinary, 1, p));
  EXPECT_THROW(tern::encode_row(Format::kRleAligned, std::vector<uint32_t>(65536, 1), WeightType::kBinary, 1, p),
               std::invalid_argument);
  EXPECT_EQ(tern::parse_format("rle8"), Format::kRleAligned);
  EXPECT_EQ(tern::to_string(Format::kRleAligned), "rle8");
}

TEST(Formats, EncoderRejectsBadRows) {
  FormatParams p;
  EXPECT_THROW(tern::encode_row(Format::kRle, {}, WeightType::kTernary, 2, p), std::invalid_argument);
  EXPECT_THROW(tern::encode_row(Format::kRle, {2}, WeightType::kTernary, 2, p), std::invalid_argument);  // reserved
  EXPECT_THROW(tern::encode_row(Format::kCsc, {8}, WeightType::kLog2, 4, p), std::invalid_argument);     // "-0"
  EXPECT_THROW(tern::encode_row(Format::kDense, {1}, WeightType::kTernary, 3, p), std::invalid_argument);
  p.idx_bits = 4;
  EXPECT_THROW(tern::encode_row(Format::kDense, std::vector<uint32_t>(17, 1), WeightType::kTernary, 2, p),
               std::invalid_argument);
  EXPECT_NO_THROW(tern::encode_row(Format::kDense, std::vector<uint32_t>(16, 1), WeightType::kTernary, 2, p));
}

// The examples of docs/formats.md, bit for bit: a ternary row of 24 elements with +1 at 2, -1 at 3 and +1 at
// 20, 16-bit words, bitmap blocks of 8. The expected words were computed independently of the encoders.
class DocExample : public ::testing::Test {
 protected:
  std::vector<uint32_t> codes = [] {
    std::vector<uint32_t> c(24, 0);
    c[2] = 1;
    c[3] = 3;
    c[20] = 1;
    return c;
  }();
  FormatParams p = [] {
    FormatParams q;
    q.word_bits = 16;
    q.block_bits = 8;
    return q;
  }();
  void check(Format f, const std::vector<uint64_t>& want, int64_t extra) {
    const auto words = tern::encode_row(f, codes, WeightType::kTernary, 2, p);
    EXPECT_EQ(words, want) << tern::to_string(f);
    const auto r = tern::decode_row(f, want, 24, WeightType::kTernary, 2, p);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.entries, tern::expected_entries(f, codes, WeightType::kTernary, 2));
    EXPECT_EQ(r.extra_steps, extra);
  }
};

TEST_F(DocExample, Dense) {
  // 2 bits per element, element i at bits 2i+1..2i: 01 at 4, 11 at 6, 01 at 40.
  check(Format::kDense, {0x00D0, 0x0000, 0x0100}, 0);
}
TEST_F(DocExample, Rle) {
  // header: G-1 = 4 (3 bits), count 3 (5 bits); entries [gap 5 bits][sign 1 bit]: (3,0) (1,1) (17,0).
  check(Format::kRle, {0x431C, 0x0118}, 0);
}
TEST_F(DocExample, Bitmap) {
  // header count 3 (5 bits); mask 0x0C + signs 0,1; empty mask 0x00 (one extra cycle); mask 0x10 + sign 0.
  check(Format::kBitmap, {0x4183, 0x0800}, 1);
}
// rle8 needs no bitmap/16-bit setting: 32-bit words (the smallest the RTL takes), 4 bytes each.
TEST_F(DocExample, RleAligned) {
  // header count 3 (16 bits); bytes {sign, gap}: (0, 3) = 0x03, (1, 1) = 0x81, (0, 17) = 0x11.
  p.word_bits = 32;
  check(Format::kRleAligned, {0x81030003, 0x00000011}, 0);
  // -1 at 2 (gap 3, 0x83), +1 at 302: a gap of 300 = escapes of 127 and 127 (0x00 0x00), then gap 46 (0x2E).
  std::vector<uint32_t> c(400, 0);
  c[2] = 3;
  c[302] = 1;
  const auto w = tern::encode_row(Format::kRleAligned, c, WeightType::kTernary, 2, p);
  EXPECT_EQ(w, (std::vector<uint64_t>{0x00830002, 0x00002E00}));
  const auto r = tern::decode_row(Format::kRleAligned, w, 400, WeightType::kTernary, 2, p);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.extra_steps, 2);
  EXPECT_EQ(tern::zero_stall_cycles(r), 4);
}
TEST_F(DocExample, Csc) {
  // header count 4 (5 bits); entries [run 4 bits][code 2 bits]: (2,01) (0,11) (15,00) padding at 19, (0,01).
  check(Format::kCsc, {0x8244, 0x081F}, 1);
}

}  // namespace
