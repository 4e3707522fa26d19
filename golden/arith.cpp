// Products and dot products of every Tern weight type, exactly as the RTL computes them.
#include "golden/arith.hpp"

#include <stdexcept>

namespace tern {

int64_t act_value(uint64_t raw, int bits, bool is_signed) {
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  raw &= mask;
  if (is_signed && bits < 64 && ((raw >> (bits - 1)) & 1u)) {
    return static_cast<int64_t>(raw) - (int64_t{1} << bits);
  }
  return static_cast<int64_t>(raw);
}

int64_t product(WeightType t, uint32_t wcode, int64_t act, int int_bits) {
  const auto w = decode_weight(t, wcode, int_bits);
  return w ? act * *w : 0;
}

int64_t dot(WeightType t, const std::vector<uint32_t>& wcodes, const std::vector<int64_t>& acts, int int_bits) {
  if (wcodes.size() != acts.size()) throw std::invalid_argument("dot: length mismatch");
  int64_t s = 0;
  for (size_t i = 0; i < acts.size(); ++i) s += product(t, wcodes[i], acts[i], int_bits);
  return s;
}

int32_t xnor_dot(const std::vector<uint8_t>& wbits, const std::vector<uint8_t>& abits) {
  if (wbits.size() != abits.size()) throw std::invalid_argument("xnor_dot: length mismatch");
  int32_t pop = 0;
  for (size_t i = 0; i < wbits.size(); ++i) pop += ((wbits[i] & 1u) == (abits[i] & 1u)) ? 1 : 0;
  return 2 * pop - static_cast<int32_t>(wbits.size());
}

int64_t wrap_signed(int64_t v, int bits) {
  if (bits >= 64) return v;
  const uint64_t m = uint64_t{1} << (bits - 1);
  const uint64_t u = static_cast<uint64_t>(v) & ((uint64_t{1} << bits) - 1);
  return static_cast<int64_t>(u ^ m) - static_cast<int64_t>(m);
}

int64_t act_decode(ActKind k, uint64_t raw, int bits, bool is_signed) {
  switch (k) {
    case ActKind::kInt: return act_value(raw, bits, is_signed);
    case ActKind::kLog2: return decode_weight(WeightType::kLog2, static_cast<uint32_t>(raw & 15u)).value_or(0);
    case ActKind::kBipolar: return (raw & 1u) ? 1 : -1;
  }
  throw std::invalid_argument("act_decode: bad activation kind");
}

bool act_kind_supported(WeightType t, ActKind k, int act_bits) {
  switch (k) {
    case ActKind::kInt: return act_bits >= 1 && act_bits <= 32;
    case ActKind::kLog2: return t == WeightType::kLog2 && act_bits == 4;
    case ActKind::kBipolar: return t == WeightType::kBinary && act_bits == 1;
  }
  return false;
}

int act_prod_bits(WeightType t, int int_bits, int act_bits, ActKind k) {
  switch (k) {
    case ActKind::kInt: return prod_bits(t, int_bits, act_bits);
    case ActKind::kLog2: return 14;
    case ActKind::kBipolar: return 2;
  }
  throw std::invalid_argument("act_prod_bits: bad activation kind");
}

int act_acc_bits(WeightType t, int int_bits, int act_bits, ActKind k, int64_t max_len) {
  return act_prod_bits(t, int_bits, act_bits, k) + clog2c(max_len);
}

}  // namespace tern
