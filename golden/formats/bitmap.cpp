// Bitmap weight-row stream (NullHop-style zero-value compression): per block of B elements a B-bit mask
// followed by the payloads of its non-zeros; the header counts the non-zeros, trailing empty blocks are omitted.
#include "golden/formats/codecs.hpp"

namespace tern::fmt {

void encode_bitmap(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits,
                   const FormatParams& p) {
  const auto row_len = static_cast<int64_t>(codes.size());
  const auto nz = nonzero_positions(codes, t, code_bits);
  const int pb = payload_bits(Format::kBitmap, t, code_bits);
  const int b = p.block_bits;
  w.put(nz.size(), bit_length(static_cast<uint64_t>(row_len)));
  if (nz.empty()) return;
  const int64_t blocks = nz.back() / b + 1;  // up to the block of the last non-zero
  size_t k = 0;
  for (int64_t blk = 0; blk < blocks; ++blk) {
    uint64_t mask = 0;
    const size_t first = k;
    while (k < nz.size() && nz[k] < (blk + 1) * b) {
      mask |= uint64_t{1} << (nz[k] - blk * b);
      ++k;
    }
    w.put(mask, b);
    for (size_t j = first; j < k; ++j) {
      w.put(payload_of(Format::kBitmap, t, codes[static_cast<size_t>(nz[j])]), pb);
    }
  }
}

void decode_bitmap(DecodeResult& res, const RowCtx& c) {
  const int l = bit_length(static_cast<uint64_t>(c.row_len));
  if (!c.r.has(0, l)) {
    fail(res, DecompError::kTruncated, 0, "row header needs " + std::to_string(l) + " bits");
    return;
  }
  const auto count = static_cast<int64_t>(c.r.get(0, l));
  if (count == 0) {
    if (!ends_in_last_word(c.r, l)) {
      fail(res, DecompError::kNoEnd, 0, "empty row's header is not in the row's last word");
      return;
    }
    res.entries.push_back({0, 0, true, true});
    res.stream_bits = l;
    return;
  }
  const int pb = payload_bits(Format::kBitmap, c.t, c.code_bits);
  const int b = c.p.block_bits;
  int64_t pos = l;
  int64_t next_base = 0;  // base index of the next block to load
  int64_t base = 0;       // base index of the current block
  uint64_t mask = 0;      // its non-zeros not yet emitted
  for (int64_t rem = count; rem > 0;) {
    int64_t payload_at = pos;
    int consumed = pb;
    uint64_t m = mask;
    if (m == 0) {
      if (!c.r.has(pos, b)) {
        fail(res, DecompError::kTruncated, pos, "block mask runs past the row's last word");
        return;
      }
      m = c.r.get(pos, b);
      if (m == 0) {
        if (next_base + b >= c.row_len) {
          fail(res, DecompError::kIndex, pos,
               "empty block at index " + std::to_string(next_base) + " leaves no room for " + std::to_string(rem) +
                   " more non-zeros in a row of " + std::to_string(c.row_len));
          return;
        }
        next_base += b;
        pos += b;
        ++res.extra_steps;
        continue;
      }
      if (!c.r.has(pos, b + pb)) {
        fail(res, DecompError::kTruncated, pos, "block's first payload runs past the row's last word");
        return;
      }
      base = next_base;
      next_base += b;
      payload_at = pos + b;
      consumed = b + pb;
    } else if (!c.r.has(pos, pb)) {
      fail(res, DecompError::kTruncated, pos, "payload runs past the row's last word");
      return;
    }
    int bit = 0;
    while (((m >> bit) & 1u) == 0) ++bit;
    const int64_t index = base + bit;
    const uint64_t m_next = m & (m - 1);
    if (index >= c.row_len) {
      fail(res, DecompError::kIndex, pos,
           "mask bit at index " + std::to_string(index) + " >= row length " + std::to_string(c.row_len));
      return;
    }
    const auto payload = static_cast<uint32_t>(c.r.get(payload_at, pb));
    if (!check_nonzero_code(res, Format::kBitmap, c, payload, payload_at, index)) return;
    const bool final = (rem == 1);
    if (final && m_next != 0) {
      fail(res, DecompError::kField, pos,
           "block mask holds more non-zeros than the header's count " + std::to_string(count));
      return;
    }
    if (final && !ends_in_last_word(c.r, pos + consumed)) {
      fail(res, DecompError::kNoEnd, pos,
           "row ends in word " + std::to_string(c.r.word_of(pos + consumed - 1)) + " but the last word is " +
               std::to_string(c.r.word_count() - 1));
      return;
    }
    res.entries.push_back({static_cast<uint32_t>(index), code_of_payload(Format::kBitmap, c.t, payload), final, false});
    mask = m_next;
    pos += consumed;
    --rem;
  }
  res.stream_bits = pos;
}

}  // namespace tern::fmt
