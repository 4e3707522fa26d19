// Bit-field access on Verilated ports of any width (CData..QData and VlWide) for flat packed vectors.
#pragma once

#include <verilated.h>

#include <cstdint>
#include <type_traits>

namespace tern::tb {

// Reads `width` (<= 64) bits starting at `lsb` from a port.
template <class T>
uint64_t get_bits(const T& port, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) {
    unsigned b = lsb + i;
    uint64_t bit;
    if constexpr (std::is_integral_v<T>) {
      bit = (static_cast<uint64_t>(port) >> b) & 1u;
    } else {
      bit = (port[b / 32] >> (b % 32)) & 1u;
    }
    v |= bit << i;
  }
  return v;
}

// Writes the low `width` (<= 64) bits of `value` at `lsb` into a port.
template <class T>
void set_bits(T& port, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    unsigned b = lsb + i;
    uint64_t bit = (value >> i) & 1u;
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      U mask = static_cast<U>(U{1} << b);
      port = static_cast<T>(bit ? (static_cast<U>(port) | mask) : (static_cast<U>(port) & ~mask));
    } else {
      uint32_t mask = 1u << (b % 32);
      port[b / 32] = bit ? (port[b / 32] | mask) : (port[b / 32] & ~mask);
    }
  }
}

// Sign-extends the low `width` bits of `v`.
inline int64_t sext(uint64_t v, unsigned width) {
  if (width >= 64) return static_cast<int64_t>(v);
  uint64_t m = uint64_t{1} << (width - 1);
  v &= (uint64_t{1} << width) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

}  // namespace tern::tb
