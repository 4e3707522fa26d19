// Cycle model of rtl/core/tern_axi4_adapter.sv (Tern single-beat memory ports -> AXI4 master): its two registers and every output; lockstep-checked against the RTL.
#pragma once

#include <cstdint>
#include <string>

namespace tern {

// Inputs of one cycle (the module's input ports).
struct Axi4AdapterIn {
  // Tern memory ports
  bool rd_req_valid = false;
  uint32_t rd_req_addr = 0;
  bool rd_rsp_ready = false;
  bool wr_req_valid = false;
  uint32_t wr_req_addr = 0;
  uint64_t wr_req_data = 0;
  int wr_req_strb = 0xff;
  bool wr_rsp_ready = false;
  // AXI4 slave
  bool arready = false;
  bool rvalid = false;
  uint64_t rdata = 0;
  int rresp = 0;  // 2 bits
  bool rlast = false;
  bool awready = false;
  bool wready = false;
  bool bvalid = false;
  int bresp = 0;  // 2 bits
};

// Outputs of one cycle (every output port, whether or not its valid is set).
struct Axi4AdapterOut {
  // Tern memory ports
  bool rd_req_ready = false;
  bool rd_rsp_valid = false;
  uint64_t rd_rsp_data = 0;
  bool rd_rsp_err = false;
  bool wr_req_ready = false;
  bool wr_rsp_valid = false;
  bool wr_rsp_err = false;
  // AXI4 master
  bool arvalid = false;
  uint32_t araddr = 0;
  int arlen = 0, arsize = 0, arburst = 0;
  bool rready = false;
  bool awvalid = false;
  uint32_t awaddr = 0;
  int awlen = 0, awsize = 0, awburst = 0;
  bool wvalid = false;
  uint64_t wdata = 0;
  int wstrb = 0;
  bool wlast = false;
  bool bready = false;

};
bool operator==(const Axi4AdapterOut& a, const Axi4AdapterOut& b);
inline bool operator!=(const Axi4AdapterOut& a, const Axi4AdapterOut& b) { return !(a == b); }

// "field: model X rtl Y" for every field that differs (empty if none).
std::string diff(const Axi4AdapterOut& model, const Axi4AdapterOut& rtl);

class Axi4AdapterModel {
 public:
  void reset();                                         // rst_ni low for a cycle
  Axi4AdapterOut eval(const Axi4AdapterIn& in) const;  // outputs before the edge
  void tick(const Axi4AdapterIn& in);                   // the rising edge
  bool aw_done() const { return aw_done_; }             // aw_done_q: this write's AW accepted, W not yet
  bool w_done() const { return w_done_; }               // w_done_q: this write's W accepted, AW not yet

 private:
  bool aw_done_ = false, w_done_ = false;
};

}  // namespace tern
