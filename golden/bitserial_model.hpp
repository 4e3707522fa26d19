// Cycle models of rtl/arith/tern_mac_bitserial.sv and tern_bitserial_feeder.sv: the same registers,
// updated by the same handshake rules (their composition is tern_mac_bitserial_word).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "golden/arith.hpp"

namespace tern {

// Precision actually used for a requested one: 0 or anything above max_bits reads as max_bits.
inline int bitserial_bits(int bits, int max_bits) { return (bits <= 0 || bits > max_bits) ? max_bits : bits; }

// One bit-plane beat as the MAC sees it.
struct BitPlane {
  std::vector<uint8_t> bits;    // bit of each lane's activation
  std::vector<uint32_t> codes;  // the beat's weight codes
  int nbits = 8;                // requested precision
  bool is_signed = false;
  bool last = false;
};

class BitSerialMacModel {
 public:
  BitSerialMacModel(WeightType t, int int_bits, int lanes, int max_bits)
      : type_(t), int_bits_(int_bits), lanes_(lanes), max_bits_(max_bits) {}

  bool ready() const { return !out_valid_ || ready_in_; }
  bool valid() const { return out_valid_; }
  int64_t acc() const { return out_; }
  int plane() const { return plane_; }
  void set_ready_in(bool r) { ready_in_ = r; }

  // One rising edge with the given plane beat (valid may be false).
  void step(bool valid, const BitPlane& p) {
    const bool accept = valid && ready();
    bool out_valid = out_valid_ && !ready_in_;
    if (accept) {
      if (p.bits.size() != static_cast<size_t>(lanes_) || p.codes.size() != static_cast<size_t>(lanes_)) {
        throw std::invalid_argument("BitSerialMacModel: lane count");
      }
      const int nb = bitserial_bits(p.nbits, max_bits_);
      int64_t s = 0;
      bool nonzero = false;
      for (int l = 0; l < lanes_; ++l) {
        const int64_t w = decode_weight(type_, p.codes[l], int_bits_).value_or(0);
        nonzero |= w != 0;
        if (p.bits[l] & 1u) s += w;
      }
      const bool first_plane = plane_ == 0;
      const bool final_plane = plane_ == nb - 1;
      const bool neg = first_plane && p.is_signed;
      const int64_t part_new = (first_plane ? 0 : 2 * part_) + (neg ? -s : s);
      const int64_t elem = nonzero ? part_new : 0;
      const int64_t total = first_ ? elem : acc_ + elem;
      if (!final_plane) {
        ++plane_;
        if (nonzero) part_ = part_new;
      } else {
        plane_ = 0;
        if (p.last) {
          out_ = total;
          out_valid = true;
          first_ = true;
        } else if (nonzero) {
          acc_ = total;
          first_ = false;
          ++acc_updates_;
        }
      }
    }
    out_valid_ = out_valid;
  }
  void reset() {
    plane_ = 0;
    first_ = true;
    out_valid_ = false;
  }
  uint64_t acc_updates() const { return acc_updates_; }

 private:
  WeightType type_;
  int int_bits_;
  int lanes_;
  int max_bits_;
  bool ready_in_ = true;
  int plane_ = 0;
  bool first_ = true;
  bool out_valid_ = false;
  int64_t part_ = 0;
  int64_t acc_ = 0;
  int64_t out_ = 0;
  uint64_t acc_updates_ = 0;
};

// One beat of whole activations as the feeder (and the word MAC) sees it.
struct WordBeat {
  std::vector<uint64_t> raw_acts;  // low `nbits` bits of each lane's activation
  std::vector<uint32_t> codes;
  int nbits = 8;
  bool is_signed = false;
  bool last = false;
};

class BitSerialFeederModel {
 public:
  BitSerialFeederModel(int lanes, int max_bits) : lanes_(lanes), max_bits_(max_bits) {}

  bool ready() const { return !busy_ || (idx_ == 0 && ready_in_); }
  bool valid() const { return busy_; }
  void set_ready_in(bool r) { ready_in_ = r; }
  // The plane on the output (meaningful while valid()).
  BitPlane plane() const {
    BitPlane p;
    for (int l = 0; l < lanes_; ++l) p.bits.push_back(static_cast<uint8_t>((word_.raw_acts[l] >> idx_) & 1u));
    p.codes = word_.codes;
    p.nbits = word_.nbits;
    p.is_signed = word_.is_signed;
    p.last = word_.last;
    return p;
  }

  void step(bool valid, const WordBeat& w) {
    const bool accept = valid && ready();
    if (accept) {
      word_ = w;
      word_.nbits = bitserial_bits(w.nbits, max_bits_);
      word_.raw_acts.resize(static_cast<size_t>(lanes_));
      idx_ = word_.nbits - 1;
      busy_ = true;
    } else if (busy_ && ready_in_) {
      busy_ = idx_ != 0;  // the index is only read while busy
      if (idx_ > 0) --idx_;
    }
  }
  void reset() {
    busy_ = false;
    idx_ = 0;
  }

 private:
  int lanes_;
  int max_bits_;
  bool ready_in_ = true;
  bool busy_ = false;
  int idx_ = 0;
  WordBeat word_;
};

// tern_mac_bitserial_word: the feeder in front of the MAC.
class BitSerialWordMacModel {
 public:
  BitSerialWordMacModel(WeightType t, int int_bits, int lanes, int max_bits)
      : feeder_(lanes, max_bits), mac_(t, int_bits, lanes, max_bits) {}

  void set_ready_in(bool r) {
    mac_.set_ready_in(r);
    feeder_.set_ready_in(mac_.ready());
  }
  bool ready() const { return feeder_.ready(); }
  bool valid() const { return mac_.valid(); }
  int64_t acc() const { return mac_.acc(); }

  void step(bool valid, const WordBeat& w) {
    const bool pl_valid = feeder_.valid();
    mac_.step(pl_valid, pl_valid ? feeder_.plane() : BitPlane{});
    feeder_.step(valid, w);
  }
  void reset() {
    feeder_.reset();
    mac_.reset();
  }

 private:
  BitSerialFeederModel feeder_;
  BitSerialMacModel mac_;
};

}  // namespace tern
