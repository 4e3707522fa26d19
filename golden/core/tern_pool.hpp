// C++ twin of rtl/core/tern_pool.sv (engine v2 max-pooling unit: bank read sequence, running maximum per lane,
// chunk assembly, output buffer and serializer to the writer): every register and output, one call per clock
// edge; the cycle model's POOL phase, lockstep-checked by tests/core/test_pool.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace tern {

// Inputs of one cycle (the module's input ports). rdata: per lane the 64-bit bank word.
struct PoolIn {
  bool run = false, side = false, is_signed = false;
  uint32_t c = 1, e = 1, eb = 1, f = 1;  // 16 bits
  int r = 1, s = 1;                      // 4 bits
  int stride = 1;                        // 3 bits
  int lpix = 0, lrow = 0;                // 5 bits
  std::vector<uint64_t> rdata;           // Lanes words
  int wr_count = 0;
};

// Outputs of one cycle (every output port).
struct PoolOut {
  bool re = false;
  uint32_t raddr = 0;  // BA bits
  bool ck_valid = false;
  uint32_t ck_y = 0, ck_x = 0, ck_m = 0;  // 16 bits
  uint32_t ck_mask = 0;
  std::array<uint32_t, 8> ck_data{};
  bool done = false;
};

class PoolModel {
 public:
  // Throws std::invalid_argument outside the twin's range (Lanes 1..64, BankBytes a power of two >= 16).
  PoolModel(int lanes, int bank_bytes, int wdepth);
  void reset();  // rst_ni low for a cycle
  PoolOut eval(const PoolIn& in) const;
  void tick(const PoolIn& in);

 private:
  struct Comb;
  Comb comb(const PoolIn& in) const;

  int lanes_, ba_, wdepth_;
  // P0: read sequence
  uint32_t gy_ = 0, gx_ = 0, c_ = 0;
  int r_ = 0, s_ = 0;
  bool left_ = true;
  // P1
  bool p1_v_ = false, p1_first_ = false, p1_close_ = false, p1_last_ = false;
  int p1_b_ = 0, p1_slot_ = 0;
  uint32_t p1_y_ = 0, p1_x_ = 0, p1_m_ = 0;
  std::vector<uint8_t> mx_;
  std::vector<uint64_t> asm_, obuf_;
  uint32_t amask_ = 0, omask_ = 0;
  uint32_t oy_ = 0, ox_ = 0, om_ = 0;
  bool ov_ = false;
  int ol_ = 0;
  // outputs to the writer (registered)
  bool ck_valid_ = false;
  uint32_t ck_y_ = 0, ck_x_ = 0, ck_m_ = 0, ck_mask_ = 0;
  std::array<uint32_t, 8> ck_data_{};
};

}  // namespace tern
