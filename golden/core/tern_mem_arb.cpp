// C++ twin of rtl/core/tern_mem_arb.sv.
#include "golden/core/tern_mem_arb.hpp"

namespace tern {

void MemArbModel::reset() {
  rd_pres_ = wr_pres_ = rd_orph_ = wr_orph_ = false;
  rd_out_ = wr_out_ = flush_ = wflush_ = 0;
  rd_hold_addr_ = wr_hold_addr_ = 0;
  wr_hold_data_ = 0;
  wr_hold_strb_ = 0;
}

MemArbOut MemArbModel::eval(const MemArbIn& in) const {
  MemArbOut o;
  const bool rd_raw = !in.quiesce && in.c_rd_valid;
  const bool wr_raw = !in.quiesce && in.c_wr_valid;
  const bool rd_orph = rd_orph_ || (rd_pres_ && !rd_raw);
  const bool wr_orph = wr_orph_ || (wr_pres_ && !wr_raw);
  o.rd_req_valid = rd_orph || rd_raw;
  o.rd_req_addr = rd_orph ? rd_hold_addr_ : in.c_rd_addr;
  o.wr_req_valid = wr_orph || wr_raw;
  o.wr_req_addr = wr_orph ? wr_hold_addr_ : in.c_wr_addr;
  o.wr_req_data = wr_orph ? wr_hold_data_ : in.c_wr_data;
  o.wr_req_strb = (wr_orph ? wr_hold_strb_ : in.c_wr_strb) & 0xff;
  o.rd_rsp_ready = true;
  o.wr_rsp_ready = true;
  const bool rd_fire = o.rd_req_valid && in.rd_req_ready;
  const bool wr_fire = o.wr_req_valid && in.wr_req_ready;
  o.c_rd_fire = rd_fire && !rd_orph;
  o.c_wr_fire = wr_fire && !wr_orph;
  o.rsp_ok = in.rd_rsp_valid && !in.rd_rsp_err && in.active && flush_ == 0;
  o.rd_err = in.rd_rsp_valid && in.rd_rsp_err && in.active && flush_ == 0;
  o.wr_err = in.wr_rsp_valid && in.wr_rsp_err && in.active && wflush_ == 0;
  o.rd_out = rd_out_;
  o.wr_out = wr_out_;
  o.waiting = (rd_pres_ && !in.rd_req_ready) || (wr_pres_ && !in.wr_req_ready) || (rd_out_ != 0 && !in.rd_rsp_valid) ||
              (wr_out_ != 0 && !in.wr_rsp_valid);
  return o;
}

void MemArbModel::tick(const MemArbIn& in) {
  const MemArbOut o = eval(in);
  const bool rd_raw = !in.quiesce && in.c_rd_valid;
  const bool wr_raw = !in.quiesce && in.c_wr_valid;
  const bool rd_orph = rd_orph_ || (rd_pres_ && !rd_raw);
  const bool wr_orph = wr_orph_ || (wr_pres_ && !wr_raw);
  const bool rd_fire = o.rd_req_valid && in.rd_req_ready;
  const bool wr_fire = o.wr_req_valid && in.wr_req_ready;
  const uint32_t rd_next = (rd_out_ + (rd_fire ? 1 : 0) - (in.rd_rsp_valid && rd_out_ != 0 ? 1 : 0)) & 0xffff;
  const uint32_t wr_next = (wr_out_ + (wr_fire ? 1 : 0) - (in.wr_rsp_valid && wr_out_ != 0 ? 1 : 0)) & 0xffff;
  if (in.abort) {
    // outstanding responses, plus a request still being presented (it will be answered too)
    flush_ = (rd_next + (o.rd_req_valid && !in.rd_req_ready ? 1 : 0)) & 0xffff;
    wflush_ = (wr_next + (o.wr_req_valid && !in.wr_req_ready ? 1 : 0)) & 0xffff;
  } else {
    if (in.rd_rsp_valid && flush_ != 0) --flush_;
    if (in.wr_rsp_valid && wflush_ != 0) --wflush_;
  }
  rd_pres_ = o.rd_req_valid && !in.rd_req_ready;
  wr_pres_ = o.wr_req_valid && !in.wr_req_ready;
  rd_orph_ = rd_orph && !in.rd_req_ready;
  wr_orph_ = wr_orph && !in.wr_req_ready;
  rd_out_ = rd_next;
  wr_out_ = wr_next;
  if (!rd_orph) rd_hold_addr_ = o.rd_req_addr;
  if (!wr_orph) {
    wr_hold_addr_ = o.wr_req_addr;
    wr_hold_data_ = o.wr_req_data;
    wr_hold_strb_ = o.wr_req_strb;
  }
}

}  // namespace tern
