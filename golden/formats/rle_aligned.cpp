// Word-aligned RLE weight-row stream ("rle8", docs/formats.md "Format 4"): the thesis's layout (§3.4.1), one
// byte per entry {gap 7 bits, sign 1 bit}, bytes packed whole into the memory words (no entry straddles a
// word). A row starts with a 2-byte count header (at most 65535 non-zeros); gap 0 with sign 0 is an escape
// that skips 127 positions; gap 0 with sign 1 is reserved. Ternary and binary weights only.
#include <stdexcept>

#include "golden/formats/codecs.hpp"

namespace tern::fmt {

namespace {
constexpr int kGapMax = (1 << kRle8GapBits) - 1;  // 127

// Payload bit of a non-zero: its sign (1 = -1). Ternary +1 = 01, -1 = 11; binary +1 = 1, -1 = 0.
uint32_t sign_of(WeightType t, uint32_t code) { return t == WeightType::kTernary ? (code == 3 ? 1u : 0u) : (code ? 0u : 1u); }
uint32_t code_of_sign(WeightType t, uint32_t s) { return t == WeightType::kTernary ? (s ? 3u : 1u) : (s ? 0u : 1u); }
}  // namespace

bool rle8_type_ok(WeightType t, int code_bits) {
  return (t == WeightType::kTernary && code_bits == 2) || (t == WeightType::kBinary && code_bits == 1);
}


void encode_rle_aligned(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits,
                        const FormatParams&) {
  if (!rle8_type_ok(t, code_bits)) {
    throw std::invalid_argument("encode_row: rle8 stores ternary and binary weights only, not " + to_string(t));
  }
  const auto nz = nonzero_positions(codes, t, code_bits);
  if (nz.size() > 0xffff) {
    throw std::invalid_argument("encode_row: rle8 rows hold at most 65535 non-zeros, not " +
                                std::to_string(nz.size()));
  }
  w.put(nz.size(), kRle8HeaderBits);
  int64_t prev = -1;
  for (int64_t i : nz) {
    int64_t gap = i - prev;
    while (gap > kGapMax) {
      w.put(0, 8);  // escape: skip 127 positions
      gap -= kGapMax;
    }
    w.put(static_cast<uint64_t>(gap) | (uint64_t{sign_of(t, codes[static_cast<size_t>(i)])} << kRle8GapBits), 8);
    prev = i;
  }
}

void decode_rle_aligned(DecodeResult& res, const RowCtx& c) {
  if (!rle8_type_ok(c.t, c.code_bits)) {
    fail(res, DecompError::kConfig, 0, "rle8 carries ternary and binary weights only, not " + to_string(c.t));
    return;
  }
  const int hdr = kRle8HeaderBits;
  if (!c.r.has(0, hdr)) {
    fail(res, DecompError::kTruncated, 0, "row header needs " + std::to_string(hdr) + " bits");
    return;
  }
  const auto count = static_cast<int64_t>(c.r.get(0, hdr));
  if (count == 0) {
    if (!ends_in_last_word(c.r, hdr)) {
      fail(res, DecompError::kNoEnd, 0, "empty row's header is not in the row's last word");
      return;
    }
    res.entries.push_back({0, 0, true, true});
    res.stream_bits = hdr;
    return;
  }
  int64_t pos = hdr;
  int64_t last = -1;  // index of the previous non-zero (or where the last escape landed)
  for (int64_t rem = count; rem > 0;) {
    if (!c.r.has(pos, 8)) {
      fail(res, DecompError::kTruncated, pos,
           std::to_string(rem) + " non-zeros missing: entry past the row's last word");
      return;
    }
    const auto byte = static_cast<uint32_t>(c.r.get(pos, 8));
    const int64_t gap = byte & kGapMax;
    const uint32_t s = byte >> kRle8GapBits;
    if (gap == 0 && s != 0) {
      fail(res, DecompError::kField, pos, "reserved entry 0x80 (gap 0, sign 1)");
      return;
    }
    const int64_t index = last + (gap == 0 ? kGapMax : gap);
    if (index >= c.row_len) {
      fail(res, DecompError::kIndex, pos,
           (gap == 0 ? "escape skips to index " : "non-zero at index ") + std::to_string(index) +
               " >= row length " + std::to_string(c.row_len));
      return;
    }
    if (gap == 0) {
      last = index;
      pos += 8;
      ++res.extra_steps;
      continue;
    }
    const bool final = (rem == 1);
    if (final && !ends_in_last_word(c.r, pos + 8)) {
      fail(res, DecompError::kNoEnd, pos,
           "row ends in word " + std::to_string(c.r.word_of(pos)) + " but the last word is " +
               std::to_string(c.r.word_count() - 1));
      return;
    }
    res.entries.push_back({static_cast<uint32_t>(index), code_of_sign(c.t, s), final, false});
    last = index;
    pos += 8;
    --rem;
  }
  res.stream_bits = pos;
}

}  // namespace tern::fmt
