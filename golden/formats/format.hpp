// Weight-row stream formats (dense, RLE, bitmap, CSC, word-aligned RLE): common types and the encode/decode
// entry points.
// Bit-level specification: docs/formats.md. The RTL decompressors are rtl/decomp/tern_decomp_<fmt>.sv.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "golden/weights.hpp"

namespace tern {

// Numbering matches the layer descriptor field `fmt` (docs/architecture.md).
// kRleAligned ("rle8") is the word-aligned RLE of byte entries; it carries ternary and binary weights only.
enum class Format : uint8_t { kDense = 0, kRle = 1, kBitmap = 2, kCsc = 3, kRleAligned = 4 };
inline constexpr int kFormatCount = 5;
std::string to_string(Format f);
std::optional<Format> parse_format(const std::string& name);

// Sticky error codes of the decompressors (err_code_o) and of decode_row(); docs/formats.md lists them.
enum class DecompError : uint8_t {
  kNone = 0,
  kConfig = 1,     // start_i with a bad row length, code width or weight type (rle8: not ternary/binary)
  kStart = 2,      // start_i while a row is being decoded
  kTruncated = 3,  // the row's last word ends before the row does (mid-entry or entries missing)
  kNoEnd = 4,      // the row ends but its last word is not marked last: row end missing in the framing
  kIndex = 5,      // an index, escape, padding entry or bitmap block at or past the row length
  kCode = 6,       // a reserved code for the weight type, or a zero code stored as a non-zero
  kField = 7,      // an illegal format field (gap width, padding entry, surplus mask bits, rle8 entry 0x80)
};
const char* to_string(DecompError e);

// Build-time parameters shared by the encoders, decoders and RTL (the RTL module parameters).
struct FormatParams {
  int word_bits = 64;      // WordBits: memory word width (8, 16, 32 or 64)
  int idx_bits = 16;       // IdxBits: rows up to 2^idx_bits elements
  int max_code_bits = 8;   // MaxCodeBits: widest weight code
  int gap_bits = 8;        // RLE GapBits: widest gap field the decoder accepts (1..8)
  int block_bits = 16;     // bitmap BlockBits: elements per block (power of two, 4..32)
  int run_bits = 4;        // CSC RunBits: relative-index width (EIE uses 4)
  // RLE encoder: the gap width is chosen per row as the one with the fewest bits among those whose
  // escape entries are at most rle_escape_budget * non-zeros (a negative budget means no limit). If none
  // qualifies, the width with the fewest escapes (then fewest bits) is taken.
  double rle_escape_budget = 1.0 / 64;
};

// One decoded entry: a non-zero (or, for the dense format, every element) of the row.
struct Entry {
  uint32_t index = 0;  // element index in the row
  uint32_t code = 0;   // weight code (tern weight encoding, code_bits wide)
  bool last = false;   // final entry of the row
  bool empty = false;  // the row has no non-zero; index and code are meaningless
  bool operator==(const Entry& o) const {
    return last == o.last && empty == o.empty && (empty || (index == o.index && code == o.code));
  }
  bool operator!=(const Entry& o) const { return !(*this == o); }
};

struct DecodeResult {
  std::vector<Entry> entries;  // everything emitted before an error (never an index >= row length)
  DecompError error = DecompError::kNone;
  std::string message;         // what is wrong and where (empty if ok)
  int64_t bit_offset = -1;     // stream bit at which the offending field starts
  int64_t extra_steps = 0;     // cycles without an output: RLE escapes, CSC padding, empty bitmap blocks
  int64_t stream_bits = 0;     // bits of header and entries, before padding to whole words
  int gap_bits = 0;            // RLE: gap field width from the row header
  bool ok() const { return error == DecompError::kNone; }
};

// True if `code_bits` is a legal code width for the type (int8: 1..8; others: their fixed width).
bool code_bits_ok(WeightType t, int code_bits);
// Reserved code of the type (decode_weight() has no value for it).
bool code_reserved(WeightType t, uint32_t code, int code_bits);
// A code whose value is zero (binary has none): not stored by the sparse formats.
bool code_is_zero(WeightType t, uint32_t code, int code_bits);
// Bits a non-zero's code occupies in the stream: ternary non-zeros are stored as their sign (1 bit) in the
// RLE and bitmap formats, ternary and binary non-zeros as their sign in rle8; every other case stores the
// code itself.
int payload_bits(Format f, WeightType t, int code_bits);
// Bits of the row header: RLE 3 + L, bitmap and CSC L, rle8 16, dense 0, where L = bit_length(row_len).
int header_bits(Format f, int row_len);

// Encodes one row of weight codes (row length = codes.size(), 1..2^idx_bits) into whole memory words.
// Throws std::invalid_argument for codes that are reserved or too wide, or bad parameters.
std::vector<uint64_t> encode_row(Format f, const std::vector<uint32_t>& codes, WeightType t, int code_bits,
                                 const FormatParams& p = {});

// Decodes one row from its words (the last vector element is the word marked word_last). Stops at the
// first error, exactly where and how the RTL decompressor stops.
DecodeResult decode_row(Format f, const std::vector<uint64_t>& words, int64_t row_len, WeightType t, int code_bits,
                        const FormatParams& p = {});

// Row codes rebuilt from decoded entries (zero code at every index without an entry).
std::vector<uint32_t> expand_row(const std::vector<Entry>& entries, int64_t row_len, WeightType t, int code_bits);
// The entries a correct decoder must produce for a row of codes.
std::vector<Entry> expected_entries(Format f, const std::vector<uint32_t>& codes, WeightType t, int code_bits);

// Cycles a decompressor spends on a well-formed row with no stalls on either side, from the cycle after
// start_i to the final entry's handshake (= the row period when rows run back to back): max(1, entries)
// plus the extra steps. See docs/formats.md for each format's formula.
int64_t zero_stall_cycles(const DecodeResult& r);

}  // namespace tern
