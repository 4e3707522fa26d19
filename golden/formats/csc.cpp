// Relative-index (EIE-style CSC) weight-row stream: per entry a RunBits zero-run and the full code; runs
// longer than 2^RunBits - 1 insert zero-code padding entries; the header counts entries (padding included).
#include "golden/formats/codecs.hpp"

namespace tern::fmt {

void encode_csc(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits, const FormatParams& p) {
  const auto row_len = static_cast<int64_t>(codes.size());
  const auto nz = nonzero_positions(codes, t, code_bits);
  const int64_t rmax = (int64_t{1} << p.run_bits) - 1;
  struct E {
    int64_t run;
    uint32_t code;
  };
  std::vector<E> entries;
  int64_t prev = -1;
  for (int64_t i : nz) {
    int64_t run = i - prev - 1;
    while (run > rmax) {
      entries.push_back({rmax, 0});  // padding: a zero at position prev + rmax + 1
      run -= rmax + 1;
    }
    entries.push_back({run, codes[static_cast<size_t>(i)]});
    prev = i;
  }
  w.put(entries.size(), bit_length(static_cast<uint64_t>(row_len)));
  for (const auto& e : entries) {
    w.put(static_cast<uint64_t>(e.run), p.run_bits);
    w.put(e.code, code_bits);
  }
}

void decode_csc(DecodeResult& res, const RowCtx& c) {
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
  const int rb = c.p.run_bits;
  const int cb = c.code_bits;
  const int64_t rmax = (int64_t{1} << rb) - 1;
  int64_t pos = l;
  int64_t last = -1;
  for (int64_t rem = count; rem > 0; --rem) {
    if (!c.r.has(pos, rb + cb)) {
      fail(res, DecompError::kTruncated, pos,
           std::to_string(rem) + " entries missing: entry runs past the row's last word");
      return;
    }
    const auto run = static_cast<int64_t>(c.r.get(pos, rb));
    const auto code = static_cast<uint32_t>(c.r.get(pos + rb, cb));
    const int64_t index = last + run + 1;
    if (index >= c.row_len) {
      fail(res, DecompError::kIndex, pos,
           "entry at index " + std::to_string(index) + " >= row length " + std::to_string(c.row_len));
      return;
    }
    const bool final = (rem == 1);
    if (code_is_zero(c.t, code, cb)) {
      if (run != rmax) {
        fail(res, DecompError::kField, pos,
             "padding entry with run " + std::to_string(run) + " (must be " + std::to_string(rmax) + ")");
        return;
      }
      if (final) {
        fail(res, DecompError::kField, pos, "row ends with a padding entry");
        return;
      }
      last = index;
      pos += rb + cb;
      ++res.extra_steps;
      continue;
    }
    if (code_reserved(c.t, code, cb)) {
      fail(res, DecompError::kCode, pos + rb,
           "reserved " + to_string(c.t) + " code " + std::to_string(code) + " at index " + std::to_string(index));
      return;
    }
    if (final && !ends_in_last_word(c.r, pos + rb + cb)) {
      fail(res, DecompError::kNoEnd, pos,
           "row ends in word " + std::to_string(c.r.word_of(pos + rb + cb - 1)) + " but the last word is " +
               std::to_string(c.r.word_count() - 1));
      return;
    }
    res.entries.push_back({static_cast<uint32_t>(index), code, final, false});
    last = index;
    pos += rb + cb;
  }
  res.stream_bits = pos;
}

}  // namespace tern::fmt
