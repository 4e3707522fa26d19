// Dense weight-row stream: every code of the row in order (zeros included), code_bits each, no header.
#include "golden/formats/codecs.hpp"

namespace tern::fmt {

void encode_dense(BitWriter& w, const std::vector<uint32_t>& codes, WeightType, int code_bits, const FormatParams&) {
  for (uint32_t c : codes) w.put(c, code_bits);
}

void decode_dense(DecodeResult& res, const RowCtx& c) {
  const int cb = c.code_bits;
  for (int64_t i = 0; i < c.row_len; ++i) {
    const int64_t pos = i * cb;
    if (!c.r.has(pos, cb)) {
      fail(res, DecompError::kTruncated, pos,
           "element " + std::to_string(i) + " of " + std::to_string(c.row_len) + " runs past the row's last word");
      return;
    }
    const auto code = static_cast<uint32_t>(c.r.get(pos, cb));
    if (code_reserved(c.t, code, cb)) {
      fail(res, DecompError::kCode, pos,
           "reserved " + to_string(c.t) + " code " + std::to_string(code) + " at index " + std::to_string(i));
      return;
    }
    const bool last = (i == c.row_len - 1);
    if (last && !ends_in_last_word(c.r, pos + cb)) {
      fail(res, DecompError::kNoEnd, pos,
           "row ends in word " + std::to_string(c.r.word_of(pos + cb - 1)) + " but the last word is " +
               std::to_string(c.r.word_count() - 1));
      return;
    }
    res.entries.push_back({static_cast<uint32_t>(i), code, last, false});
  }
  res.stream_bits = c.row_len * cb;
}

}  // namespace tern::fmt
