// C++ twin of rtl/core/tern_writer.sv (engine v2 writer: chunk FIFO, register stage with the bank and memory
// addresses, store FIFO): every register, including the FIFOs' storage, and every output, one call per clock
// edge; the cycle model's writer (with an ideal memory), lockstep-checked by tests/core/test_writer.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace tern {

// One output chunk: up to 8 channels of output pixel (y, x) from channel m (mask bit j: channel m + j).
struct WriterChunk {
  uint32_t y = 0, x = 0, m = 0;    // 16 bits each
  uint32_t mask = 0;               // 8 bits
  std::array<uint32_t, 8> data{};  // channel j (bytes: the low 8 bits)
};

constexpr int kWriterMaxLanes = 32;

// Inputs of one cycle (the module's input ports). lo/hi: one signed 18-bit value per lane.
struct WriterIn {
  bool clr = false;
  // layout of the tensor being written
  bool fc = false, banks = false, store = false, raw = false, side = false;
  int lpix = 0, lrow = 0;  // 5 bits
  std::array<int32_t, kWriterMaxLanes> lo{}, hi{};
  uint32_t act = 0;  // Lanes bits
  uint32_t out_addr = 0;
  // chunks, LOAD words, the memory's store ready
  bool ck_valid = false;
  WriterChunk ck;
  bool ld_valid = false;
  uint32_t ld_index = 0;
  uint64_t ld_data = 0;
  bool st_ready = false;
};

// Outputs of one cycle (every output port).
struct WriterOut {
  int ck_count = 0;
  uint32_t bwe = 0;                                // Lanes bits
  std::array<uint32_t, kWriterMaxLanes> bwaddr{};  // per lane, BA bits
  uint64_t bwdata = 0;
  int bwbe = 0;
  bool st_valid = false;
  uint32_t st_addr = 0;
  uint64_t st_data = 0;
  int st_strb = 0;
  bool idle = false;
};

class WriterModel {
 public:
  static constexpr int kStDepth = 4;  // store FIFO
  // Throws std::invalid_argument for parameters the RTL or the twin do not take (Lanes 1..32, BankBytes a
  // power of two >= 16, Depth a power of two >= 2).
  WriterModel(int lanes, int bank_bytes, int depth);
  void reset();  // rst_ni low for a cycle
  WriterOut eval(const WriterIn& in) const;
  void tick(const WriterIn& in);
  // register state the cycle model reads
  int ck_count() const { return ck_count_; }
  bool idle() const { return ck_count_ == 0 && !w_v_ && st_count_ == 0; }
  int lanes() const { return lanes_; }

 private:
  struct Comb;
  Comb comb(const WriterIn& in) const;

  int lanes_, ba_, depth_;
  // chunk FIFO (tern_fifo: storage, pointers, count)
  std::vector<WriterChunk> ck_mem_;
  int ck_wptr_ = 0, ck_rptr_ = 0, ck_count_ = 0;
  int sub_ = 0;  // raw: memory word of the chunk
  // register stage
  bool w_v_ = false, w_mem_ = false;
  uint32_t w_we_ = 0;
  std::array<uint32_t, kWriterMaxLanes> w_addr_{};
  uint64_t w_data_ = 0;
  int w_be_ = 0;
  uint32_t w_maddr_ = 0;
  // store FIFO
  struct StWord {
    uint32_t addr = 0;
    uint64_t data = 0;
    int strb = 0;
  };
  std::array<StWord, kStDepth> st_mem_{};
  int st_wptr_ = 0, st_rptr_ = 0, st_count_ = 0;
};

}  // namespace tern
