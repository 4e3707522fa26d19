// RLE weight-row stream (thesis §3.2.4): per non-zero its index difference (gap field, width chosen per row)
// and its payload; gap 0 is an escape that skips 2^G - 1 positions; the header holds G and the non-zero count.
#include <algorithm>

#include "golden/formats/codecs.hpp"

namespace tern::fmt {

std::vector<RleCost> rle_costs(const std::vector<int64_t>& nz, int64_t row_len, int payload_bits, int max_gap_bits) {
  std::vector<RleCost> out;
  const int hdr = header_bits(Format::kRle, static_cast<int>(row_len));
  for (int g = 1; g <= max_gap_bits; ++g) {
    const int64_t m = (int64_t{1} << g) - 1;
    RleCost c{g, hdr, 0};
    int64_t prev = -1;
    for (int64_t i : nz) {
      const int64_t esc = (i - prev - 1) / m;  // gap i - prev >= 1; escapes while the gap exceeds m
      c.escapes += esc;
      c.bits += esc * g + g + payload_bits;
      prev = i;
    }
    out.push_back(c);
  }
  return out;
}

int rle_choose_gap(const std::vector<RleCost>& costs, int64_t nonzeros, double escape_budget) {
  const RleCost* best = nullptr;
  for (const auto& c : costs) {
    const bool within = escape_budget < 0 || static_cast<double>(c.escapes) <= escape_budget * nonzeros;
    if (within && (!best || c.bits < best->bits)) best = &c;
  }
  if (!best) {
    for (const auto& c : costs) {
      if (!best || c.escapes < best->escapes || (c.escapes == best->escapes && c.bits < best->bits)) best = &c;
    }
  }
  return best->gap_bits;
}

void encode_rle(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits, const FormatParams&,
                int gap_bits) {
  const auto row_len = static_cast<int64_t>(codes.size());
  const auto nz = nonzero_positions(codes, t, code_bits);
  const int pb = payload_bits(Format::kRle, t, code_bits);
  const int64_t m = (int64_t{1} << gap_bits) - 1;
  w.put(static_cast<uint64_t>(gap_bits - 1), 3);
  w.put(nz.size(), bit_length(static_cast<uint64_t>(row_len)));
  int64_t prev = -1;
  for (int64_t i : nz) {
    int64_t gap = i - prev;
    while (gap > m) {
      w.put(0, gap_bits);  // escape: skip m positions
      gap -= m;
    }
    w.put(static_cast<uint64_t>(gap), gap_bits);
    w.put(payload_of(Format::kRle, t, codes[static_cast<size_t>(i)]), pb);
    prev = i;
  }
}

void decode_rle(DecodeResult& res, const RowCtx& c) {
  const int l = bit_length(static_cast<uint64_t>(c.row_len));
  const int hdr = 3 + l;
  if (!c.r.has(0, hdr)) {
    fail(res, DecompError::kTruncated, 0, "row header needs " + std::to_string(hdr) + " bits");
    return;
  }
  const int g = static_cast<int>(c.r.get(0, 3)) + 1;
  const auto count = static_cast<int64_t>(c.r.get(3, l));
  res.gap_bits = g;
  if (g > c.p.gap_bits) {
    fail(res, DecompError::kField, 0,
         "gap width " + std::to_string(g) + " above the decoder's GapBits " + std::to_string(c.p.gap_bits));
    return;
  }
  if (count == 0) {
    if (!ends_in_last_word(c.r, hdr)) {
      fail(res, DecompError::kNoEnd, 0, "empty row's header is not in the row's last word");
      return;
    }
    res.entries.push_back({0, 0, true, true});
    res.stream_bits = hdr;
    return;
  }
  const int pb = payload_bits(Format::kRle, c.t, c.code_bits);
  const int64_t m = (int64_t{1} << g) - 1;
  int64_t pos = hdr;
  int64_t last = -1;  // index of the previous non-zero
  for (int64_t rem = count; rem > 0;) {
    if (!c.r.has(pos, g)) {
      fail(res, DecompError::kTruncated, pos,
           std::to_string(rem) + " non-zeros missing: gap field runs past the row's last word");
      return;
    }
    const auto gap = static_cast<int64_t>(c.r.get(pos, g));
    if (gap == 0) {
      if (last + m >= c.row_len) {
        fail(res, DecompError::kIndex, pos,
             "escape skips to index " + std::to_string(last + m) + " >= row length " + std::to_string(c.row_len));
        return;
      }
      last += m;
      pos += g;
      ++res.extra_steps;
      continue;
    }
    if (!c.r.has(pos, g + pb)) {
      fail(res, DecompError::kTruncated, pos, "non-zero entry runs past the row's last word");
      return;
    }
    const int64_t index = last + gap;
    if (index >= c.row_len) {
      fail(res, DecompError::kIndex, pos,
           "non-zero at index " + std::to_string(index) + " >= row length " + std::to_string(c.row_len));
      return;
    }
    const auto payload = static_cast<uint32_t>(c.r.get(pos + g, pb));
    if (!check_nonzero_code(res, Format::kRle, c, payload, pos + g, index)) return;
    const bool final = (rem == 1);
    if (final && !ends_in_last_word(c.r, pos + g + pb)) {
      fail(res, DecompError::kNoEnd, pos,
           "row ends in word " + std::to_string(c.r.word_of(pos + g + pb - 1)) + " but the last word is " +
               std::to_string(c.r.word_count() - 1));
      return;
    }
    res.entries.push_back({static_cast<uint32_t>(index), code_of_payload(Format::kRle, c.t, payload), final, false});
    last = index;
    pos += g + pb;
    --rem;
  }
  res.stream_bits = pos;
}

}  // namespace tern::fmt
