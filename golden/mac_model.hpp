// Cycle model of rtl/arith/tern_mac.sv: the same registers, updated by the same handshake rules.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/arith.hpp"

namespace tern {

class MacModel {
 public:
  MacModel(WeightType t, int int_bits, int lanes) : type_(t), int_bits_(int_bits), lanes_(lanes) {}

  // Combinational outputs before the clock edge.
  bool ready() const { return !out_valid_ || ready_in_; }
  bool valid() const { return out_valid_; }
  int64_t acc() const { return out_; }

  // Sets the downstream ready for this cycle (call before ready()).
  void set_ready_in(bool r) { ready_in_ = r; }

  // One rising edge with the given input beat (valid may be false).
  void step(bool valid, const std::vector<int64_t>& acts, const std::vector<uint32_t>& wcodes, bool last) {
    const bool accept = valid && ready();
    bool out_valid = out_valid_ && !ready_in_;
    if (accept) {
      const int64_t sum = dot(type_, wcodes, acts, int_bits_);
      const int64_t total = first_ ? sum : acc_ + sum;
      bool nonzero = false;
      for (uint32_t c : wcodes) nonzero |= decode_weight(type_, c, int_bits_).value_or(0) != 0;
      if (last) {
        out_ = total;
        out_valid = true;
        first_ = true;
      } else if (nonzero) {
        acc_ = total;
        first_ = false;
        ++acc_updates_;
      }
    }
    out_valid_ = out_valid;
  }
  void reset() {
    first_ = true;
    out_valid_ = false;
  }
  // Number of cycles the accumulator register was enabled (zero weights must not count).
  uint64_t acc_updates() const { return acc_updates_; }
  int lanes() const { return lanes_; }

 private:
  WeightType type_;
  int int_bits_;
  int lanes_;
  bool ready_in_ = true;
  bool first_ = true;
  bool out_valid_ = false;
  int64_t acc_ = 0;
  int64_t out_ = 0;
  uint64_t acc_updates_ = 0;
};

}  // namespace tern
