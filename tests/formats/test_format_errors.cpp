// Malformed weight-row streams: every decoder error of docs/formats.md, with its kind, message and bit offset.
#include <gtest/gtest.h>

#include "golden/formats/bitstream.hpp"
#include "golden/formats/format.hpp"

namespace {

using tern::BitWriter;
using tern::DecompError;
using tern::Format;
using tern::FormatParams;
using tern::WeightType;

struct Fields {
  std::vector<std::pair<uint64_t, int>> f;
  Fields& operator()(uint64_t v, int bits) {
    f.emplace_back(v, bits);
    return *this;
  }
  std::vector<uint64_t> words(int word_bits = 64, int extra_words = 0) const {
    BitWriter w(word_bits);
    for (auto [v, b] : f) w.put(v, b);
    auto out = w.words();
    for (int i = 0; i < extra_words; ++i) out.push_back(0);
    return out;
  }
};

void expect_error(const tern::DecodeResult& r, DecompError e, int64_t bit, const std::string& text, int64_t len) {
  EXPECT_EQ(r.error, e) << r.message;
  EXPECT_EQ(r.bit_offset, bit) << r.message;
  EXPECT_NE(r.message.find(text), std::string::npos) << r.message;
  for (const auto& x : r.entries) {
    EXPECT_LT(x.index, len);
    EXPECT_FALSE(x.last);
  }
}

const FormatParams kP{};
constexpr auto kTer = WeightType::kTernary;
constexpr auto kLog = WeightType::kLog2;

TEST(FormatErrors, Config) {
  const auto w = Fields{}(0, 8).words();
  expect_error(tern::decode_row(Format::kRle, w, 0, kTer, 2, kP), DecompError::kConfig, 0, "row length", 1);
  expect_error(tern::decode_row(Format::kRle, w, 65537, kTer, 2, kP), DecompError::kConfig, 0, "row length", 1);
  expect_error(tern::decode_row(Format::kRle, w, 10, kTer, 4, kP), DecompError::kConfig, 0, "code width", 1);
  FormatParams narrow;
  narrow.max_code_bits = 2;
  expect_error(tern::decode_row(Format::kDense, w, 10, kLog, 4, narrow), DecompError::kConfig, 0, "code width", 1);
}

TEST(FormatErrors, Dense) {
  // 10 ternary codes = 20 bits in one word; drop the word -> truncated (a zero-word row).
  expect_error(tern::decode_row(Format::kDense, {}, 10, kTer, 2, kP), DecompError::kTruncated, 0, "element 0", 10);
  // 40 codes = 80 bits: only the first word given.
  expect_error(tern::decode_row(Format::kDense, {0}, 40, kTer, 2, kP), DecompError::kTruncated, 64, "element 32", 40);
  // reserved ternary code 10 at element 3
  expect_error(tern::decode_row(Format::kDense, Fields{}(0, 6)(2, 2).words(), 10, kTer, 2, kP), DecompError::kCode,
               6, "reserved ternary code 2 at index 3", 10);
  // extra word after the row's end
  expect_error(tern::decode_row(Format::kDense, Fields{}(0, 20).words(64, 1), 10, kTer, 2, kP), DecompError::kNoEnd,
               18, "last word is 1", 10);
}

TEST(FormatErrors, RleHeader) {
  FormatParams p;
  p.gap_bits = 4;
  // G-1 = 4 -> G = 5 > GapBits 4
  expect_error(tern::decode_row(Format::kRle, Fields{}(4, 3)(1, 4)(1, 5)(0, 1).words(), 10, kTer, 2, p),
               DecompError::kField, 0, "gap width 5", 10);
  // count 11 > row length 10 (L = 4), G = 1: the zero padding reads as escapes of 1 until one reaches
  // the row end
  expect_error(tern::decode_row(Format::kRle, Fields{}(0, 3)(11, 4).words(), 10, kTer, 2, kP), DecompError::kIndex,
               17, "escape skips to index 10", 10);
  // empty row followed by an extra word
  expect_error(tern::decode_row(Format::kRle, Fields{}(0, 3)(0, 4).words(64, 1), 10, kTer, 2, kP),
               DecompError::kNoEnd, 0, "empty row", 10);
}

TEST(FormatErrors, RleEntries) {
  // row 10 (L = 4), G = 2 (M = 3), ternary payload 1 bit
  auto hdr = [](int count) { return Fields{}(1, 3)(static_cast<uint64_t>(count), 4); };
  // index past row length: gaps 3, 3, 3, 2 -> indices 2, 5, 8, 10
  expect_error(tern::decode_row(Format::kRle, hdr(4)(3, 2)(0, 1)(3, 2)(0, 1)(3, 2)(0, 1)(2, 2)(0, 1).words(), 10,
                                kTer, 2, kP),
               DecompError::kIndex, 16, "index 10 >= row length 10", 10);
  // escapes running off the row: 3 escapes of 3 reach index 8 (legal), the 4th would skip to 12
  expect_error(tern::decode_row(Format::kRle, hdr(1)(0, 2)(0, 2)(0, 2)(0, 2)(1, 2)(0, 1).words(), 10, kTer, 2, kP),
               DecompError::kIndex, 13, "escape skips to index 11 >= row length 10", 10);
  // boundary: a non-zero at 0, escapes to 3, 6, 9 (legal: index 9 exists); the next non-zero is past the row
  expect_error(tern::decode_row(Format::kRle, hdr(2)(1, 2)(0, 1)(0, 2)(0, 2)(0, 2)(1, 2)(0, 1).words(), 10, kTer, 2,
                                kP),
               DecompError::kIndex, 16, "index 10 >= row length 10", 10);
  // truncated mid-entry: entry, two escapes, then a gap field whose sign bit is past the two 8-bit words
  FormatParams w8;
  w8.word_bits = 8;
  expect_error(tern::decode_row(Format::kRle, Fields{}(1, 3)(2, 4)(1, 2)(0, 1)(0, 2)(0, 2)(1, 2).words(8), 10, kTer,
                                2, w8),
               DecompError::kTruncated, 14, "non-zero entry runs past", 10);
  // truncated at a word boundary: 4 counted, 3 entries fill two 8-bit words exactly
  expect_error(tern::decode_row(Format::kRle, Fields{}(1, 3)(4, 4)(1, 2)(0, 1)(1, 2)(1, 1)(1, 2)(0, 1).words(8), 10,
                                kTer, 2, w8),
               DecompError::kTruncated, 16, "1 non-zeros missing", 10);
  // log2: reserved code 8 ("-0") and a zero code stored as a non-zero
  auto lhdr = Fields{}(1, 3)(1, 4);
  expect_error(tern::decode_row(Format::kRle, Fields{lhdr}(1, 2)(8, 4).words(), 10, kLog, 4, kP), DecompError::kCode,
               9, "reserved log2 code 8", 10);
  expect_error(tern::decode_row(Format::kRle, Fields{lhdr}(1, 2)(0, 4).words(), 10, kLog, 4, kP), DecompError::kCode,
               9, "zero code", 10);
  // final entry not in the last word: the stream continues
  expect_error(tern::decode_row(Format::kRle, hdr(1)(1, 2)(0, 1).words(64, 1), 10, kTer, 2, kP), DecompError::kNoEnd,
               7, "last word is 1", 10);
}

TEST(FormatErrors, Bitmap) {
  FormatParams p;
  p.block_bits = 8;
  // row 10 (L = 4)
  // count 11 > row length 10: the zero padding reads as empty blocks until one leaves no room
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(11, 4).words(), 10, kTer, 2, p), DecompError::kIndex, 12,
               "empty block at index 8", 10);
  // mask bit 10 (block 1, bit 2) past the row
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(1, 4)(0, 8)(0x04, 8)(0, 1).words(), 10, kTer, 2, p),
               DecompError::kIndex, 12, "index 10 >= row length 10", 10);
  // an empty block that leaves no room: block 1 (base 8) empty, +8 >= 10
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(1, 4)(0, 8)(0, 8).words(), 10, kTer, 2, p),
               DecompError::kIndex, 12, "empty block at index 8", 10);
  // mask with more non-zeros than counted
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(1, 4)(0x03, 8)(0, 1)(0, 1).words(), 10, kTer, 2, p),
               DecompError::kField, 4, "more non-zeros", 10);
  // log2 zero payload and reserved payload
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(1, 4)(0x01, 8)(0, 4).words(), 10, kLog, 4, p),
               DecompError::kCode, 12, "zero code", 10);
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(2, 4)(0x03, 8)(1, 4)(8, 4).words(), 10, kLog, 4, p),
               DecompError::kCode, 16, "reserved log2 code 8", 10);
  // truncated: count 5, mask 0x1F, four payloads fill two 8-bit words exactly
  FormatParams w8 = p;
  w8.word_bits = 8;
  expect_error(
      tern::decode_row(Format::kBitmap, Fields{}(5, 4)(0x1F, 8)(0, 1)(0, 1)(0, 1)(0, 1).words(8), 10, kTer, 2, w8),
      DecompError::kTruncated, 16, "payload runs past", 10);
  // missing row end
  expect_error(tern::decode_row(Format::kBitmap, Fields{}(1, 4)(0x01, 8)(0, 1).words(64, 1), 10, kTer, 2, p),
               DecompError::kNoEnd, 4, "last word is 1", 10);
}

TEST(FormatErrors, Csc) {
  // row 40 (L = 6), entries [run 4][code 2]
  // count 41 > row length 40: the zero padding reads as a padding entry with run 0
  expect_error(tern::decode_row(Format::kCsc, Fields{}(41, 6).words(), 40, kTer, 2, kP), DecompError::kField, 6,
               "padding entry with run 0", 40);
  // padding with a short run
  expect_error(tern::decode_row(Format::kCsc, Fields{}(2, 6)(3, 4)(0, 2)(0, 4)(1, 2).words(), 40, kTer, 2, kP),
               DecompError::kField, 6, "padding entry with run 3", 40);
  // row ending with padding
  expect_error(tern::decode_row(Format::kCsc, Fields{}(2, 6)(0, 4)(1, 2)(15, 4)(0, 2).words(), 40, kTer, 2, kP),
               DecompError::kField, 12, "ends with a padding", 40);
  // index past the row: padding at 15, 31, then run 15 -> 47
  expect_error(
      tern::decode_row(Format::kCsc, Fields{}(3, 6)(15, 4)(0, 2)(15, 4)(0, 2)(15, 4)(1, 2).words(), 40, kTer, 2, kP),
      DecompError::kIndex, 18, "index 47 >= row length 40", 40);
  // reserved ternary code
  expect_error(tern::decode_row(Format::kCsc, Fields{}(1, 6)(0, 4)(2, 2).words(), 40, kTer, 2, kP),
               DecompError::kCode, 10, "reserved ternary code 2", 40);
  // truncated: 3 entries counted, 8-bit words hold 1
  FormatParams w8;
  w8.word_bits = 8;
  expect_error(tern::decode_row(Format::kCsc, Fields{}(3, 6)(0, 4)(1, 2).words(8), 40, kTer, 2, w8),
               DecompError::kTruncated, 12, "2 entries missing", 40);
  // missing row end
  expect_error(tern::decode_row(Format::kCsc, Fields{}(1, 6)(0, 4)(1, 2).words(64, 1), 40, kTer, 2, kP),
               DecompError::kNoEnd, 6, "last word is 1", 40);
}

TEST(FormatErrors, RleAligned) {
  const auto f = Format::kRleAligned;
  FormatParams w32;
  w32.word_bits = 32;
  auto hdr = [](int count) { return Fields{}(static_cast<uint64_t>(count), 16); };
  // only ternary and binary
  expect_error(tern::decode_row(f, hdr(1)(1, 8).words(), 10, WeightType::kInt8, 8, kP), DecompError::kConfig, 0,
               "ternary and binary weights only", 10);
  expect_error(tern::decode_row(f, hdr(1)(1, 8).words(), 10, kLog, 4, kP), DecompError::kConfig, 0, "log2", 10);
  // reserved entry 0x80 after one non-zero
  expect_error(tern::decode_row(f, hdr(2)(3, 8)(0x80, 8)(1, 8).words(), 10, kTer, 2, kP), DecompError::kField, 24,
               "reserved entry 0x80", 10);
  // index past the row: gaps 4, 5 -> indices 3, 8; then gap 2 -> 10
  expect_error(tern::decode_row(f, hdr(3)(4, 8)(0x85, 8)(2, 8).words(), 10, kTer, 2, kP), DecompError::kIndex, 32,
               "non-zero at index 10 >= row length 10", 10);
  // count 11 > row length 10: the padding byte after the entries reads as an escape to 126
  expect_error(tern::decode_row(f, hdr(11).words(), 10, kTer, 2, kP), DecompError::kIndex, 16,
               "escape skips to index 126 >= row length 10", 10);
  // boundary: non-zero at 0, escape to 127 = row length - 1 (legal), then a non-zero at 128
  const auto edge = tern::decode_row(f, hdr(2)(1, 8)(0, 8)(1, 8).words(), 128, kTer, 2, kP);
  expect_error(edge, DecompError::kIndex, 32, "non-zero at index 128 >= row length 128", 128);
  EXPECT_EQ(edge.entries.size(), 1u);
  EXPECT_EQ(edge.extra_steps, 1);
  // the same with row length 129 is a legal row: +1 at 0 and at 128
  const auto ok = tern::decode_row(f, hdr(2)(1, 8)(0, 8)(1, 8).words(), 129, kTer, 2, kP);
  ASSERT_TRUE(ok.ok()) << ok.message;
  EXPECT_EQ(ok.entries.back().index, 128u);
  EXPECT_TRUE(ok.entries.back().last);
  // truncated at a word boundary: 3 counted, the header and 2 entries fill one 32-bit word
  expect_error(tern::decode_row(f, hdr(3)(1, 8)(1, 8).words(32), 10, kTer, 2, w32), DecompError::kTruncated, 32,
               "1 non-zeros missing", 10);
  // no words at all
  expect_error(tern::decode_row(f, {}, 10, kTer, 2, kP), DecompError::kTruncated, 0, "row header", 10);
  // final entry not in the last word; empty row's header not in the last word
  expect_error(tern::decode_row(f, hdr(1)(1, 8).words(64, 1), 10, kTer, 2, kP), DecompError::kNoEnd, 16,
               "last word is 1", 10);
  expect_error(tern::decode_row(f, hdr(0).words(64, 1), 10, kTer, 2, kP), DecompError::kNoEnd, 0, "empty row", 10);
  // binary: sign 0 -> +1 (code 1), sign 1 -> -1 (code 0)
  const auto b = tern::decode_row(f, hdr(2)(1, 8)(0x81, 8).words(), 2, WeightType::kBinary, 1, kP);
  ASSERT_TRUE(b.ok()) << b.message;
  EXPECT_EQ(b.entries[0].code, 1u);
  EXPECT_EQ(b.entries[1].code, 0u);
}

}  // namespace
