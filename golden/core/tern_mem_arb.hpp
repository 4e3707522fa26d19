// C++ twin of rtl/core/tern_mem_arb.sv (engine v2 memory port: orphaned requests, outstanding counters, flush
// counts after an abort): every register and output, one call per clock edge; the cycle model's count of
// outstanding writes, lockstep-checked by tests/core/test_mem_arb.cpp.
#pragma once

#include <cstdint>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct MemArbIn {
  bool quiesce = false, active = false, abort = false;
  // clients
  bool c_rd_valid = false;
  uint32_t c_rd_addr = 0;
  bool c_wr_valid = false;
  uint32_t c_wr_addr = 0;
  uint64_t c_wr_data = 0;
  int c_wr_strb = 0;  // 8 bits
  // memory
  bool rd_req_ready = false, rd_rsp_valid = false, rd_rsp_err = false;
  bool wr_req_ready = false, wr_rsp_valid = false, wr_rsp_err = false;
};

// Outputs of one cycle (every output port).
struct MemArbOut {
  bool c_rd_fire = false, rsp_ok = false, c_wr_fire = false;
  uint32_t rd_out = 0, wr_out = 0;  // 16 bits
  bool rd_err = false, wr_err = false, waiting = false;
  bool rd_req_valid = false;
  uint32_t rd_req_addr = 0;
  bool rd_rsp_ready = false;
  bool wr_req_valid = false;
  uint32_t wr_req_addr = 0;
  uint64_t wr_req_data = 0;
  int wr_req_strb = 0;
  bool wr_rsp_ready = false;
};

class MemArbModel {
 public:
  MemArbModel() { reset(); }
  void reset();  // rst_ni low for a cycle
  MemArbOut eval(const MemArbIn& in) const;
  void tick(const MemArbIn& in);
  uint32_t wr_out() const { return wr_out_; }
  uint32_t rd_out() const { return rd_out_; }

 private:
  bool rd_pres_ = false, wr_pres_ = false, rd_orph_ = false, wr_orph_ = false;
  uint32_t rd_hold_addr_ = 0, wr_hold_addr_ = 0;
  uint64_t wr_hold_data_ = 0;
  int wr_hold_strb_ = 0;
  uint32_t rd_out_ = 0, wr_out_ = 0, flush_ = 0, wflush_ = 0;  // 16 bits
};

}  // namespace tern
