// Per-format encoders and decoders behind encode_row()/decode_row() (golden/formats/format.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/formats/bitstream.hpp"
#include "golden/formats/format.hpp"

namespace tern::fmt {

// What every decoder needs about the row being decoded.
struct RowCtx {
  const BitReader& r;
  int64_t row_len;
  WeightType t;
  int code_bits;
  const FormatParams& p;
};

// Records the first error of a decode (kind, message, stream bit).
void fail(DecodeResult& res, DecompError e, int64_t bit, const std::string& what);
// True if a field ending at stream bit `end` (exclusive) lies in the row's last word.
bool ends_in_last_word(const BitReader& r, int64_t end);
// Positions of the non-zero elements of a row (all elements for binary).
std::vector<int64_t> nonzero_positions(const std::vector<uint32_t>& codes, WeightType t, int code_bits);
// Stored payload of a non-zero code (its sign bit for ternary in RLE/bitmap) and the code it decodes to.
uint32_t payload_of(Format f, WeightType t, uint32_t code);
uint32_t code_of_payload(Format f, WeightType t, uint32_t payload);
// Shared payload check of RLE and bitmap non-zeros: reserved or zero code -> kCode. Returns false on error.
bool check_nonzero_code(DecodeResult& res, Format f, const RowCtx& c, uint32_t code, int64_t bit, int64_t index);

void encode_dense(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits, const FormatParams& p);
void decode_dense(DecodeResult& res, const RowCtx& c);

// RLE: per-row gap width choice. bits() and escapes() of one candidate gap width.
struct RleCost {
  int gap_bits = 0;
  int64_t bits = 0;     // header + entries
  int64_t escapes = 0;  // escape entries (cycles without an output)
};
std::vector<RleCost> rle_costs(const std::vector<int64_t>& nz, int64_t row_len, int payload_bits, int max_gap_bits);
int rle_choose_gap(const std::vector<RleCost>& costs, int64_t nonzeros, double escape_budget);
void encode_rle(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits, const FormatParams& p,
                int gap_bits);
void decode_rle(DecodeResult& res, const RowCtx& c);

void encode_bitmap(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits,
                   const FormatParams& p);
void decode_bitmap(DecodeResult& res, const RowCtx& c);

void encode_csc(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits, const FormatParams& p);
void decode_csc(DecodeResult& res, const RowCtx& c);

// Word-aligned RLE (rle8): byte entries {gap 7 bits, sign 1 bit} after a 16-bit count header.
inline constexpr int kRle8GapBits = 7;
inline constexpr int kRle8HeaderBits = 16;
// Ternary (2-bit codes) and binary (1-bit codes) are the only types rle8 carries.
bool rle8_type_ok(WeightType t, int code_bits);
// Throws std::invalid_argument for weight types other than ternary and binary.
void encode_rle_aligned(BitWriter& w, const std::vector<uint32_t>& codes, WeightType t, int code_bits,
                        const FormatParams& p);
void decode_rle_aligned(DecodeResult& res, const RowCtx& c);

}  // namespace tern::fmt
