// Weight-row stream formats: parameter and code checks, encode_row/decode_row dispatch, shared helpers.
#include "golden/formats/format.hpp"

#include <sstream>
#include <stdexcept>

#include "golden/formats/codecs.hpp"

namespace tern {

namespace {
const char* const kFormatNames[kFormatCount] = {"dense", "rle", "bitmap", "csc", "rle8"};

void check_params(const FormatParams& p) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("FormatParams: " + what); };
  if (p.word_bits != 8 && p.word_bits != 16 && p.word_bits != 32 && p.word_bits != 64) bad("word_bits 8/16/32/64");
  if (p.idx_bits < 1 || p.idx_bits > 24) bad("idx_bits 1..24");
  if (p.max_code_bits < 1 || p.max_code_bits > 8) bad("max_code_bits 1..8");
  if (p.gap_bits < 1 || p.gap_bits > 8) bad("gap_bits 1..8");
  if (p.block_bits < 4 || p.block_bits > 32 || (p.block_bits & (p.block_bits - 1)) != 0) bad("block_bits 4..32, 2^k");
  if (p.run_bits < 1 || p.run_bits > 8) bad("run_bits 1..8");
}
}  // namespace

std::string to_string(Format f) {
  const auto i = static_cast<int>(f);
  return (i >= 0 && i < kFormatCount) ? kFormatNames[i] : "unknown";
}

std::optional<Format> parse_format(const std::string& name) {
  for (int i = 0; i < kFormatCount; ++i) {
    if (name == kFormatNames[i]) return static_cast<Format>(i);
  }
  return std::nullopt;
}

const char* to_string(DecompError e) {
  switch (e) {
    case DecompError::kNone: return "none";
    case DecompError::kConfig: return "config";
    case DecompError::kStart: return "start-while-busy";
    case DecompError::kTruncated: return "truncated";
    case DecompError::kNoEnd: return "missing-row-end";
    case DecompError::kIndex: return "index-past-row";
    case DecompError::kCode: return "bad-code";
    case DecompError::kField: return "bad-field";
  }
  return "unknown";
}

bool code_bits_ok(WeightType t, int code_bits) {
  if (t == WeightType::kInt8) return code_bits >= 1 && code_bits <= 8;
  return code_bits == tern::code_bits(t);
}

bool code_reserved(WeightType t, uint32_t code, int code_bits) {
  if (code_bits < 32 && code >= (uint32_t{1} << code_bits)) return true;
  return !decode_weight(t, code, code_bits).has_value();
}

bool code_is_zero(WeightType t, uint32_t code, int code_bits) {
  const auto v = decode_weight(t, code, code_bits);
  return v.has_value() && *v == 0;
}

int payload_bits(Format f, WeightType t, int code_bits) {
  if ((f == Format::kRle || f == Format::kBitmap) && t == WeightType::kTernary) return 1;
  if (f == Format::kRleAligned) return 1;  // the sign of a ternary or binary non-zero
  return code_bits;
}

int header_bits(Format f, int row_len) {
  const int l = bit_length(static_cast<uint64_t>(row_len));
  switch (f) {
    case Format::kDense: return 0;
    case Format::kRle: return 3 + l;
    case Format::kBitmap:
    case Format::kCsc: return l;
    case Format::kRleAligned: return fmt::kRle8HeaderBits;
  }
  return 0;
}

std::vector<uint64_t> encode_row(Format f, const std::vector<uint32_t>& codes, WeightType t, int code_bits,
                                 const FormatParams& p) {
  check_params(p);
  const auto n = static_cast<int64_t>(codes.size());
  if (n < 1 || n > (int64_t{1} << p.idx_bits)) {
    throw std::invalid_argument("encode_row: row length " + std::to_string(n) + " outside 1..2^" +
                                std::to_string(p.idx_bits));
  }
  if (!code_bits_ok(t, code_bits) || code_bits > p.max_code_bits) {
    throw std::invalid_argument("encode_row: code width " + std::to_string(code_bits) + " illegal for " +
                                to_string(t) + " (max_code_bits " + std::to_string(p.max_code_bits) + ")");
  }
  for (int64_t i = 0; i < n; ++i) {
    if (code_reserved(t, codes[static_cast<size_t>(i)], code_bits)) {
      throw std::invalid_argument("encode_row: element " + std::to_string(i) + " has reserved/too-wide code " +
                                  std::to_string(codes[static_cast<size_t>(i)]) + " for " + to_string(t));
    }
  }
  BitWriter w(p.word_bits);
  switch (f) {
    case Format::kDense: fmt::encode_dense(w, codes, t, code_bits, p); break;
    case Format::kRle: {
      const auto nz = fmt::nonzero_positions(codes, t, code_bits);
      const auto costs = fmt::rle_costs(nz, n, payload_bits(f, t, code_bits), p.gap_bits);
      fmt::encode_rle(w, codes, t, code_bits, p, fmt::rle_choose_gap(costs, static_cast<int64_t>(nz.size()),
                                                                     p.rle_escape_budget));
      break;
    }
    case Format::kBitmap: fmt::encode_bitmap(w, codes, t, code_bits, p); break;
    case Format::kCsc: fmt::encode_csc(w, codes, t, code_bits, p); break;
    case Format::kRleAligned: fmt::encode_rle_aligned(w, codes, t, code_bits, p); break;
  }
  return w.words();
}

DecodeResult decode_row(Format f, const std::vector<uint64_t>& words, int64_t row_len, WeightType t, int code_bits,
                        const FormatParams& p) {
  check_params(p);
  DecodeResult res;
  if (row_len < 1 || row_len > (int64_t{1} << p.idx_bits)) {
    fmt::fail(res, DecompError::kConfig, 0,
              "row length " + std::to_string(row_len) + " outside 1..2^" + std::to_string(p.idx_bits));
    return res;
  }
  const int wt = static_cast<int>(t);
  if (wt < 0 || wt >= kWeightTypeCount || !code_bits_ok(t, code_bits) || code_bits > p.max_code_bits) {
    fmt::fail(res, DecompError::kConfig, 0,
              "code width " + std::to_string(code_bits) + " illegal for weight type " + std::to_string(wt));
    return res;
  }
  BitReader r(words, p.word_bits);
  const fmt::RowCtx c{r, row_len, t, code_bits, p};
  switch (f) {
    case Format::kDense: fmt::decode_dense(res, c); break;
    case Format::kRle: fmt::decode_rle(res, c); break;
    case Format::kBitmap: fmt::decode_bitmap(res, c); break;
    case Format::kCsc: fmt::decode_csc(res, c); break;
    case Format::kRleAligned: fmt::decode_rle_aligned(res, c); break;
  }
  return res;
}

std::vector<uint32_t> expand_row(const std::vector<Entry>& entries, int64_t row_len, WeightType, int) {
  std::vector<uint32_t> codes(static_cast<size_t>(row_len), 0);
  for (const auto& e : entries) {
    if (!e.empty && e.index < codes.size()) codes[e.index] = e.code;
  }
  return codes;
}

std::vector<Entry> expected_entries(Format f, const std::vector<uint32_t>& codes, WeightType t, int code_bits) {
  std::vector<Entry> out;
  if (f == Format::kDense) {
    for (size_t i = 0; i < codes.size(); ++i) out.push_back({static_cast<uint32_t>(i), codes[i], false, false});
  } else {
    for (int64_t i : fmt::nonzero_positions(codes, t, code_bits)) {
      out.push_back({static_cast<uint32_t>(i), codes[static_cast<size_t>(i)], false, false});
    }
  }
  if (out.empty()) out.push_back({0, 0, false, true});
  out.back().last = true;
  return out;
}

int64_t zero_stall_cycles(const DecodeResult& r) {
  return static_cast<int64_t>(r.entries.size()) + r.extra_steps;
}

namespace fmt {

void fail(DecodeResult& res, DecompError e, int64_t bit, const std::string& what) {
  res.error = e;
  res.bit_offset = bit;
  std::ostringstream os;
  os << to_string(e) << ": " << what << " (stream bit " << bit << ")";
  res.message = os.str();
}

bool ends_in_last_word(const BitReader& r, int64_t end) { return r.word_of(end - 1) == r.word_count() - 1; }

std::vector<int64_t> nonzero_positions(const std::vector<uint32_t>& codes, WeightType t, int code_bits) {
  std::vector<int64_t> nz;
  for (size_t i = 0; i < codes.size(); ++i) {
    if (!code_is_zero(t, codes[i], code_bits)) nz.push_back(static_cast<int64_t>(i));
  }
  return nz;
}

uint32_t payload_of(Format f, WeightType t, uint32_t code) {
  if (payload_bits(f, t, 2) == 1 && t == WeightType::kTernary) return code == 3 ? 1u : 0u;
  return code;
}

uint32_t code_of_payload(Format f, WeightType t, uint32_t payload) {
  if (payload_bits(f, t, 2) == 1 && t == WeightType::kTernary) return payload ? 3u : 1u;
  return payload;
}

bool check_nonzero_code(DecodeResult& res, Format f, const RowCtx& c, uint32_t code, int64_t bit, int64_t index) {
  if (payload_bits(f, c.t, c.code_bits) == 1 && c.t == WeightType::kTernary) return true;  // any sign is legal
  if (code_reserved(c.t, code, c.code_bits)) {
    fail(res, DecompError::kCode, bit,
         "reserved " + to_string(c.t) + " code " + std::to_string(code) + " at index " + std::to_string(index));
    return false;
  }
  if (code_is_zero(c.t, code, c.code_bits)) {
    fail(res, DecompError::kCode, bit,
         "zero code stored as a non-zero at index " + std::to_string(index));
    return false;
  }
  return true;
}

}  // namespace fmt
}  // namespace tern
