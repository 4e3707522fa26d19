// Drives a Verilated tern_top: AXI4-Lite host accesses, the memory model, and whole program runs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "golden/accel/program.hpp"
#include "golden/contract.hpp"
#include "tb/memory.hpp"
#include "tb/sim.hpp"

namespace tern::tb {

// Register offsets: the contract's (golden/contract.hpp, tern_pkg).
namespace reg {
inline constexpr uint32_t kId = hw::RegId, kVersion = hw::RegVersion, kCtrl = hw::RegCtrl, kStatus = hw::RegStatus,
                          kProg = hw::RegProg, kIrq = hw::RegIrq, kTimeout = hw::RegTimeout, kConfig0 = hw::RegConfig0,
                          kConfig1 = hw::RegConfig1, kConfig2 = hw::RegConfig2, kConfig3 = hw::RegConfig3,
                          kConfig4 = hw::RegConfig4, kCtrBase = hw::RegCtrBase;
}

struct RunResult {
  bool finished = false;  // done or error seen (else: cycle limit)
  bool error = false;
  uint8_t err_code = 0;
  uint16_t err_layer = 0;
  uint64_t cycles = 0;    // from start to done/error as seen by the host polling STATUS
  uint64_t busy_cycles = 0;  // testbench count: CTRL.start write to busy low (builds without counters)
};

template <class V>
class AccelDriver {
 public:
  AccelDriver(std::vector<uint64_t> image, MemTiming t = {}, uint64_t seed = 1, const std::string& name = "accel")
      : sim_(name), mem_(std::move(image), t, seed) {
    V& m = sim_.model();
    m.s_awvalid_i = 0;
    m.s_wvalid_i = 0;
    m.s_bready_i = 1;
    m.s_arvalid_i = 0;
    m.s_rready_i = 1;
    m.rd_req_ready_i = 0;
    m.rd_rsp_valid_i = 0;
    m.wr_req_ready_i = 0;
    m.wr_rsp_valid_i = 0;
    sim_.reset(4);
  }

  Sim<V>& sim() { return sim_; }
  Memory& mem() { return mem_; }
  uint64_t cycle() const { return sim_.cycle(); }
  // Called every cycle after settle() (protocol monitors, lockstep probes).
  void on_cycle(std::function<void(V&)> f) { probe_ = std::move(f); }

  // One clock cycle with the memory model attached.
  void step() {
    V& m = sim_.model();
    const auto d = mem_.drive(sim_.cycle());
    m.rd_req_ready_i = d.rd_req_ready;
    m.rd_rsp_valid_i = d.rd_rsp_valid;
    m.rd_rsp_data_i = d.rd_rsp_data;
    m.rd_rsp_err_i = d.rd_rsp_err;
    m.wr_req_ready_i = d.wr_req_ready;
    m.wr_rsp_valid_i = d.wr_rsp_valid;
    m.wr_rsp_err_i = d.wr_rsp_err;
    sim_.settle();
    if (probe_) probe_(m);
    mem_.commit(sim_.cycle(), m.rd_req_valid_o && m.rd_req_ready_i, m.rd_req_addr_o, m.rd_rsp_valid_i && m.rd_rsp_ready_o,
                m.wr_req_valid_o && m.wr_req_ready_i, m.wr_req_addr_o, m.wr_req_data_o,
                m.wr_rsp_valid_i && m.wr_rsp_ready_o, m.wr_req_strb_o);
    sim_.tick();
  }

  void write32(uint32_t addr, uint32_t data, uint8_t strb = 0xf) {
    V& m = sim_.model();
    m.s_awvalid_i = 1;
    m.s_awaddr_i = addr;
    m.s_wvalid_i = 1;
    m.s_wdata_i = data;
    m.s_wstrb_i = strb;
    for (int i = 0; i < 100; ++i) {
      sim_.settle();
      const bool fire = m.s_awready_o;
      step();
      if (fire) break;
    }
    m.s_awvalid_i = 0;
    m.s_wvalid_i = 0;
    for (int i = 0; i < 100 && !m.s_bvalid_o; ++i) step();
    last_bresp_ = m.s_bresp_o;
    step();  // bready is always 1: the response is taken
  }
  uint32_t read32(uint32_t addr) {
    V& m = sim_.model();
    m.s_arvalid_i = 1;
    m.s_araddr_i = addr;
    for (int i = 0; i < 100; ++i) {
      sim_.settle();
      const bool fire = m.s_arready_o;
      step();
      if (fire) break;
    }
    m.s_arvalid_i = 0;
    for (int i = 0; i < 100 && !m.s_rvalid_o; ++i) step();
    const uint32_t v = m.s_rdata_o;
    last_rresp_ = m.s_rresp_o;
    step();
    return v;
  }
  uint64_t read64(uint32_t addr) { return read32(addr) | (static_cast<uint64_t>(read32(addr + 4)) << 32); }
  int last_bresp() const { return last_bresp_; }
  int last_rresp() const { return last_rresp_; }

  // Starts the program and waits for done or error (checking the status register every
  // `poll` cycles), at most `max_cycles`.
  RunResult run(uint32_t prog_base, uint64_t max_cycles = 100000000, uint32_t timeout = 0, int poll = 256) {
    write32(reg::kTimeout, timeout);
    write32(reg::kProg, prog_base);
    const uint64_t t0 = sim_.cycle();
    write32(reg::kCtrl, 1);
    RunResult r;
    V& m = sim_.model();
    while (sim_.cycle() - t0 < max_cycles) {
      for (int i = 0; i < poll; ++i) {
        step();
        if (!m.rootp->tern_top__DOT__busy) break;
      }
      if (!m.rootp->tern_top__DOT__busy) {
        const uint32_t st = read32(reg::kStatus);
        r.finished = (st & 0x6) != 0;
        r.error = (st >> 2) & 1u;
        r.err_code = static_cast<uint8_t>(st >> 8);
        r.err_layer = static_cast<uint16_t>(st >> 16);
        break;
      }
    }
    r.busy_cycles = sim_.cycle() - t0;
    r.cycles = read64(reg::kCtrBase);  // run cycle counter
    return r;
  }

 private:
  Sim<V> sim_;
  Memory mem_;
  std::function<void(V&)> probe_;
  int last_bresp_ = 0, last_rresp_ = 0;
};

// The build parameters as the model's CONFIG registers report them (docs/registers.md CONFIG0..4).
template <class V>
HwConfig read_config(AccelDriver<V>& drv) {
  HwConfig hw;
  const uint32_t c0 = drv.read32(reg::kConfig0), c4 = drv.read32(reg::kConfig4);
  hw.lanes = static_cast<int>(c0 & 0xff);
  hw.mac_types = (c0 >> 8) & 0xff;
  hw.formats = (c0 >> 16) & 0x1f;
  hw.bitserial = (c0 >> 21) & 1u;
  hw.syq = (c0 >> 22) & 1u;
  hw.stats = (c0 >> 23) & 1u;
  hw.acc_bits = static_cast<int>(c0 >> 24);
  hw.bank_bytes = drv.read32(reg::kConfig1);
  hw.max_conv_row = drv.read32(reg::kConfig2);
  hw.cache_words = drv.read32(reg::kConfig3);
  hw.cols = static_cast<int>(c4 & 0xff);
  hw.rq_units = static_cast<int>((c4 >> 8) & 0xff);
  hw.pack = static_cast<int>((c4 >> 16) & 0xff);
  hw.rq_serial = (c4 >> 24) & 1u;
  return hw;
}

}  // namespace tern::tb
