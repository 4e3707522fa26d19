// Cycle model of rtl/core/tern_axi4_adapter.sv.
#include "golden/axi4_adapter_model.hpp"

#include <sstream>
#include <tuple>

namespace tern {

void Axi4AdapterModel::reset() {
  aw_done_ = false;
  w_done_ = false;
}

Axi4AdapterOut Axi4AdapterModel::eval(const Axi4AdapterIn& in) const {
  Axi4AdapterOut o;
  // Read: a direct mapping.
  o.arvalid = in.rd_req_valid;
  o.rd_req_ready = in.arready;
  o.araddr = in.rd_req_addr;
  o.arlen = 0;
  o.arsize = 3;
  o.arburst = 1;
  o.rd_rsp_valid = in.rvalid;
  o.rready = in.rd_rsp_ready;
  o.rd_rsp_data = in.rdata;
  o.rd_rsp_err = (in.rresp & 2) != 0;
  // Write: AW and W each presented until accepted; the request completes when both are.
  o.awvalid = in.wr_req_valid && !aw_done_;
  o.wvalid = in.wr_req_valid && !w_done_;
  const bool aw_fire = o.awvalid && in.awready;
  const bool w_fire = o.wvalid && in.wready;
  o.wr_req_ready = (aw_done_ || aw_fire) && (w_done_ || w_fire);
  o.awaddr = in.wr_req_addr;
  o.awlen = 0;
  o.awsize = 3;
  o.awburst = 1;
  o.wdata = in.wr_req_data;
  o.wstrb = in.wr_req_strb;
  o.wlast = true;
  o.wr_rsp_valid = in.bvalid;
  o.bready = in.wr_rsp_ready;
  o.wr_rsp_err = (in.bresp & 2) != 0;
  return o;
}

void Axi4AdapterModel::tick(const Axi4AdapterIn& in) {
  const Axi4AdapterOut o = eval(in);
  if (in.wr_req_valid && o.wr_req_ready) {
    aw_done_ = false;
    w_done_ = false;
  } else {
    if (o.awvalid && in.awready) aw_done_ = true;
    if (o.wvalid && in.wready) w_done_ = true;
  }
}

namespace {
auto fields(const Axi4AdapterOut& o) {
  return std::make_tuple(o.rd_req_ready, o.rd_rsp_valid, o.rd_rsp_data, o.rd_rsp_err, o.wr_req_ready, o.wr_rsp_valid,
                         o.wr_rsp_err, o.arvalid, o.araddr, o.arlen, o.arsize, o.arburst, o.rready, o.awvalid, o.awaddr,
                         o.awlen, o.awsize, o.awburst, o.wvalid, o.wdata, o.wstrb, o.wlast, o.bready);
}
}  // namespace

bool operator==(const Axi4AdapterOut& a, const Axi4AdapterOut& b) { return fields(a) == fields(b); }

std::string diff(const Axi4AdapterOut& m, const Axi4AdapterOut& r) {
  std::ostringstream s;
  s << std::hex;
  auto f = [&](const char* name, uint64_t a, uint64_t b) {
    if (a != b) s << name << ": model 0x" << a << " rtl 0x" << b << "; ";
  };
  f("rd_req_ready", m.rd_req_ready, r.rd_req_ready);
  f("rd_rsp_valid", m.rd_rsp_valid, r.rd_rsp_valid);
  f("rd_rsp_data", m.rd_rsp_data, r.rd_rsp_data);
  f("rd_rsp_err", m.rd_rsp_err, r.rd_rsp_err);
  f("wr_req_ready", m.wr_req_ready, r.wr_req_ready);
  f("wr_rsp_valid", m.wr_rsp_valid, r.wr_rsp_valid);
  f("wr_rsp_err", m.wr_rsp_err, r.wr_rsp_err);
  f("arvalid", m.arvalid, r.arvalid);
  f("araddr", m.araddr, r.araddr);
  f("arlen", static_cast<uint64_t>(m.arlen), static_cast<uint64_t>(r.arlen));
  f("arsize", static_cast<uint64_t>(m.arsize), static_cast<uint64_t>(r.arsize));
  f("arburst", static_cast<uint64_t>(m.arburst), static_cast<uint64_t>(r.arburst));
  f("rready", m.rready, r.rready);
  f("awvalid", m.awvalid, r.awvalid);
  f("awaddr", m.awaddr, r.awaddr);
  f("awlen", static_cast<uint64_t>(m.awlen), static_cast<uint64_t>(r.awlen));
  f("awsize", static_cast<uint64_t>(m.awsize), static_cast<uint64_t>(r.awsize));
  f("awburst", static_cast<uint64_t>(m.awburst), static_cast<uint64_t>(r.awburst));
  f("wvalid", m.wvalid, r.wvalid);
  f("wdata", m.wdata, r.wdata);
  f("wstrb", static_cast<uint64_t>(m.wstrb), static_cast<uint64_t>(r.wstrb));
  f("wlast", m.wlast, r.wlast);
  f("bready", m.bready, r.bready);
  return s.str();
}

}  // namespace tern
