// C++ twin of rtl/core/tern_fetch.sv (engine v2 weight-block fetcher): the same registers and every output,
// one call per clock edge; the cycle model's fetcher (with an ideal memory), lockstep-checked against the RTL
// by tests/core/test_fetch.cpp.
#pragma once

#include <cstdint>

namespace tern {

// Inputs of one cycle (the module's input ports). Bit masks: release bit 2c + b = column c bank b.
struct FetchIn {
  bool start = false;
  bool abort = false;
  uint32_t base = 0;
  uint32_t num = 0;  // 16 bits
  bool req_ready = false;
  bool rsp_valid = false;
  uint64_t rsp_data = 0;
  uint64_t release = 0;  // 2*Cols bits
};

// Outputs of one cycle (every output port).
struct FetchOut {
  bool req_valid = false;
  uint32_t req_addr = 0;
  uint64_t cwe = 0;  // Cols bits, one-hot
  bool cbank = false;
  uint32_t caddr = 0;  // clog2(CacheWords) bits
  uint64_t cdata = 0;
  uint64_t full = 0;  // 2*Cols bits
  bool busy = false;
  bool err = false;
};

class FetchModel {
 public:
  // Throws std::invalid_argument outside the twin's range (1..32 columns, CacheWords a power of two >= 4).
  FetchModel(int cols, int cache_words);
  void reset();                            // rst_ni low for a cycle
  FetchOut eval(const FetchIn& in) const;  // outputs before the edge
  void tick(const FetchIn& in);            // the rising edge
  bool busy() const { return state_ != kIdle; }
  uint64_t full() const { return full_; }

 private:
  enum State { kIdle, kHead, kRow, kWait };
  struct Next;
  Next next(const FetchIn& in) const;

  int cols_, cache_words_, col_bits_;
  State state_ = kIdle;
  uint32_t addr_ = 0;
  uint32_t slot_ = 0, num_ = 0;  // 16 bits
  int col_ = 0;
  bool bank_ = false;
  int issued_ = 0;                                // 2 bits
  uint32_t rows_req_ = 0, rsp_cnt_ = 0, rw_ = 0;  // 16 bits
  uint64_t full_ = 0;
};

}  // namespace tern
