// Bit-level packing of weight-row streams into memory words (LSB first), shared by every format.
#pragma once

#include <cstdint>
#include <vector>

namespace tern {

// Appends fields LSB first: stream bit k lives in word k / word_bits at bit k % word_bits.
class BitWriter {
 public:
  explicit BitWriter(int word_bits = 64);
  // Appends the low `bits` (0..64) bits of `value`.
  void put(uint64_t value, int bits);
  int64_t bits() const { return bits_; }
  // The stream padded with zero bits to whole words (at least one word).
  std::vector<uint64_t> words() const;

 private:
  int word_bits_;
  int64_t bits_ = 0;
  std::vector<uint64_t> words_;
};

// Reads fields of a word vector; bits past the last word are out of range.
class BitReader {
 public:
  BitReader(const std::vector<uint64_t>& words, int word_bits);
  int64_t size() const { return static_cast<int64_t>(words_.size()) * word_bits_; }
  bool has(int64_t pos, int bits) const { return pos >= 0 && bits >= 0 && pos + bits <= size(); }
  // The `bits` (0..64) bits at stream position `pos`; the caller checks has() first.
  uint64_t get(int64_t pos, int bits) const;
  // Index of the word holding stream bit `pos`.
  int64_t word_of(int64_t pos) const { return pos / word_bits_; }
  int64_t word_count() const { return static_cast<int64_t>(words_.size()); }

 private:
  const std::vector<uint64_t>& words_;
  int word_bits_;
};

// Mask of the low `bits` (0..64) bits.
inline uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }
// Number of bits needed to write `v` (0 for 0).
int bit_length(uint64_t v);

}  // namespace tern
