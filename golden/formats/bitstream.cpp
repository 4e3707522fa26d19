// Bit-level packing of weight-row streams into memory words (LSB first), shared by every format.
#include "golden/formats/bitstream.hpp"

#include <stdexcept>

namespace tern {

BitWriter::BitWriter(int word_bits) : word_bits_(word_bits) {
  if (word_bits < 8 || word_bits > 64 || (word_bits & (word_bits - 1)) != 0) {
    throw std::invalid_argument("BitWriter: word_bits must be 8, 16, 32 or 64");
  }
}

void BitWriter::put(uint64_t value, int bits) {
  if (bits < 0 || bits > 64) throw std::invalid_argument("BitWriter::put: bits must be 0..64");
  value &= low_mask(bits);
  for (int i = 0; i < bits; ++i, ++bits_) {
    const auto w = static_cast<size_t>(bits_ / word_bits_);
    if (w == words_.size()) words_.push_back(0);
    words_[w] |= ((value >> i) & 1u) << (bits_ % word_bits_);
  }
}

std::vector<uint64_t> BitWriter::words() const {
  if (words_.empty()) return {0};
  return words_;
}

BitReader::BitReader(const std::vector<uint64_t>& words, int word_bits) : words_(words), word_bits_(word_bits) {}

uint64_t BitReader::get(int64_t pos, int bits) const {
  uint64_t v = 0;
  for (int i = 0; i < bits; ++i) {
    const int64_t b = pos + i;
    const uint64_t bit = (words_[static_cast<size_t>(b / word_bits_)] >> (b % word_bits_)) & 1u;
    v |= bit << i;
  }
  return v;
}

int bit_length(uint64_t v) {
  int n = 0;
  while (v != 0) {
    ++n;
    v >>= 1;
  }
  return n;
}

}  // namespace tern
