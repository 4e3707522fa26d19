// Harness for tern_axi4_adapter: a Tern-side master issuing random reads and writes (requests held until
// accepted, responses taken under random stalls, every response checked in order against a shadow memory),
// a C++ AXI4 slave memory (random AR/AW/W/B/R readiness and latency, AW and W accepted in either order,
// SLVERR/DECERR by address) that checks the AXI4 master rules, and the lockstep loop against
// golden/axi4_adapter_model.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Vaxi4_adapter.h"
#include "golden/axi4_adapter_model.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"

namespace tern::test {

// `old` with the bytes of `data` whose strobe bit is set.
inline uint64_t merge(uint64_t old, uint64_t data, int strb) {
  uint64_t m = 0;
  for (int b = 0; b < 8; ++b)
    if ((strb >> b) & 1) m |= uint64_t{0xff} << (8 * b);
  return (old & ~m) | (data & m);
}

// Address map of the slave: 64 words of memory, then a SLVERR window and a DECERR window.
constexpr uint32_t kMemBase = 0x8000'0000u;
constexpr uint32_t kMemWords = 64;
constexpr uint32_t kSlvErrBase = 0x4000'0000u;  // 16 words answering SLVERR
constexpr uint32_t kDecErrBase = 0xc000'0000u;  // 16 words answering DECERR (nothing mapped)
enum Resp { kOkay = 0, kExOkay = 1, kSlvErr = 2, kDecErr = 3 };

inline int resp_of(uint32_t addr) {
  if (addr >= kMemBase && addr < kMemBase + 8 * kMemWords && addr % 8 == 0) return kOkay;
  if (addr >= kSlvErrBase && addr < kSlvErrBase + 8 * 16) return kSlvErr;
  return kDecErr;
}

inline void apply(Vaxi4_adapter& m, const Axi4AdapterIn& in) {
  m.rd_req_valid_i = in.rd_req_valid;
  m.rd_req_addr_i = in.rd_req_addr;
  m.rd_rsp_ready_i = in.rd_rsp_ready;
  m.wr_req_valid_i = in.wr_req_valid;
  m.wr_req_addr_i = in.wr_req_addr;
  m.wr_req_data_i = in.wr_req_data;
  m.wr_req_strb_i = static_cast<uint8_t>(in.wr_req_strb);
  m.wr_rsp_ready_i = in.wr_rsp_ready;
  m.m_axi_arready_i = in.arready;
  m.m_axi_rvalid_i = in.rvalid;
  m.m_axi_rdata_i = in.rdata;
  m.m_axi_rresp_i = static_cast<uint8_t>(in.rresp);
  m.m_axi_rlast_i = in.rlast;
  m.m_axi_awready_i = in.awready;
  m.m_axi_wready_i = in.wready;
  m.m_axi_bvalid_i = in.bvalid;
  m.m_axi_bresp_i = static_cast<uint8_t>(in.bresp);
}

inline Axi4AdapterOut sample(const Vaxi4_adapter& m) {
  Axi4AdapterOut o;
  o.rd_req_ready = m.rd_req_ready_o;
  o.rd_rsp_valid = m.rd_rsp_valid_o;
  o.rd_rsp_data = m.rd_rsp_data_o;
  o.rd_rsp_err = m.rd_rsp_err_o;
  o.wr_req_ready = m.wr_req_ready_o;
  o.wr_rsp_valid = m.wr_rsp_valid_o;
  o.wr_rsp_err = m.wr_rsp_err_o;
  o.arvalid = m.m_axi_arvalid_o;
  o.araddr = m.m_axi_araddr_o;
  o.arlen = m.m_axi_arlen_o;
  o.arsize = m.m_axi_arsize_o;
  o.arburst = m.m_axi_arburst_o;
  o.rready = m.m_axi_rready_o;
  o.awvalid = m.m_axi_awvalid_o;
  o.awaddr = m.m_axi_awaddr_o;
  o.awlen = m.m_axi_awlen_o;
  o.awsize = m.m_axi_awsize_o;
  o.awburst = m.m_axi_awburst_o;
  o.wvalid = m.m_axi_wvalid_o;
  o.wdata = m.m_axi_wdata_o;
  o.wstrb = m.m_axi_wstrb_o;
  o.wlast = m.m_axi_wlast_o;
  o.bready = m.m_axi_bready_o;
  return o;
}

struct RunCfg {
  uint64_t seed = 1;
  int reads = 200, writes = 200;
  // Tern side: probability a new request is presented in a cycle, a response taken.
  double p_rd_issue = 1, p_wr_issue = 1, p_rsp_ready = 1;
  double p_err_addr = 0;  // probability a request goes to the SLVERR/DECERR windows
  // AXI slave: readiness per channel, probability a due response is presented, latency range.
  double p_arready = 1, p_awready = 1, p_wready = 1, p_rvalid = 1, p_bvalid = 1;
  int min_lat = 1, max_lat = 1;
  bool order_modes = false;  // per write: AW strictly first, W strictly first, or free
  bool exokay_reads = false; // answer OKAY reads with EXOKAY (bit 0 alone is not an error)
  uint64_t max_cycles = 200000;
};

// Tern-side master (the accelerator's behaviour on its memory ports).
class TernMaster {
 public:
  TernMaster(const RunCfg& c, const std::vector<uint64_t>& init)
      : c_(c), rng_(c.seed * 7919 + 3), shadow_(init), rd_left_(c.reads), wr_left_(c.writes) {}

  void drive(Axi4AdapterIn& in) {
    if (!rd_cur_ && rd_left_ > 0 && coin(c_.p_rd_issue)) pick_read();
    if (!wr_cur_ && wr_left_ > 0 && coin(c_.p_wr_issue)) pick_write();
    in.rd_req_valid = rd_cur_;
    in.rd_req_addr = rd_cur_ ? rd_addr_ : static_cast<uint32_t>(rng_());  // garbage while idle
    in.wr_req_valid = wr_cur_;
    in.wr_req_addr = wr_cur_ ? wr_addr_ : static_cast<uint32_t>(rng_());
    in.wr_req_data = wr_cur_ ? wr_data_ : rng_();
    in.wr_req_strb = wr_cur_ ? wr_strb_ : static_cast<int>(rng_() & 0xff);
    in.rd_rsp_ready = coin(c_.p_rsp_ready);
    in.wr_rsp_ready = coin(c_.p_rsp_ready);
  }
  // Handshakes of this cycle; returns a description of the first wrong response ("" if none).
  std::string observe(const Axi4AdapterIn& in, const Axi4AdapterOut& o) {
    std::ostringstream err;
    if (in.rd_req_valid && o.rd_req_ready) {
      rd_cur_ = false;
      const int r = resp_of(rd_addr_);
      rd_q_.push_back({rd_addr_, r == kOkay ? shadow_[(rd_addr_ - kMemBase) / 8] : 0, r});
      ++reads_issued_;
    }
    if (in.wr_req_valid && o.wr_req_ready) {
      wr_cur_ = false;
      wr_q_.push_back({wr_addr_, wr_data_, resp_of(wr_addr_), wr_strb_});
      issued_writes_.push_back({wr_addr_, wr_data_});
    }
    if (o.rd_rsp_valid && in.rd_rsp_ready) {
      if (rd_q_.empty()) {
        err << "read response with no read outstanding";
      } else {
        const Pending p = rd_q_.front();
        rd_q_.pop_front();
        const bool want_err = p.resp >= kSlvErr;
        if (o.rd_rsp_err != want_err || (!want_err && o.rd_rsp_data != p.data)) {
          err << "read #" << reads_done_ << " of 0x" << std::hex << p.addr << ": got data 0x" << o.rd_rsp_data
              << " err " << o.rd_rsp_err << ", want data 0x" << p.data << " err " << want_err;
        }
        --rd_inflight_[p.addr];
        ++reads_done_;
        if (want_err) ++read_errs_;
      }
    }
    if (o.wr_rsp_valid && in.wr_rsp_ready) {
      if (wr_q_.empty()) {
        err << "write response with no write outstanding";
      } else {
        const Pending p = wr_q_.front();
        wr_q_.pop_front();
        const bool want_err = p.resp >= kSlvErr;
        if (o.wr_rsp_err != want_err) {
          err << "write #" << writes_done_ << " to 0x" << std::hex << p.addr << ": got err " << o.wr_rsp_err
              << ", want " << want_err;
        }
        if (!want_err) shadow_[(p.addr - kMemBase) / 8] = merge(shadow_[(p.addr - kMemBase) / 8], p.data, p.strb);
        else ++write_errs_;
        --wr_inflight_[p.addr];
        ++writes_done_;
      }
    }
    return err.str();
  }
  bool done() const { return rd_left_ == 0 && wr_left_ == 0 && !rd_cur_ && !wr_cur_ && rd_q_.empty() && wr_q_.empty(); }
  const std::vector<uint64_t>& shadow() const { return shadow_; }
  const std::vector<std::pair<uint32_t, uint64_t>>& issued_writes() const { return issued_writes_; }
  uint64_t reads_done() const { return reads_done_; }
  uint64_t writes_done() const { return writes_done_; }
  uint64_t read_errs() const { return read_errs_; }
  uint64_t write_errs() const { return write_errs_; }

 private:
  struct Pending {
    uint32_t addr;
    uint64_t data;
    int resp;
    int strb = 0xff;
  };
  bool coin(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint32_t err_addr() {
    return (rng_() % 2 ? kSlvErrBase : kDecErrBase) + 8 * static_cast<uint32_t>(rng_() % 16) +
           (rng_() % 8 == 0 ? 4u : 0u);
  }
  // Reads never target a word with a write in flight, writes never one with a read in flight, so every
  // read has one right answer; several writes to one word may be in flight (they land in order).
  void pick_read() {
    if (coin(c_.p_err_addr)) {
      rd_addr_ = err_addr();
    } else {
      const uint32_t a = kMemBase + 8 * static_cast<uint32_t>(rng_() % kMemWords);
      if (wr_inflight_[a] > 0) return;
      rd_addr_ = a;
    }
    rd_cur_ = true;
    --rd_left_;
    // In flight from presentation to response (the read's answer is fixed at presentation).
    ++rd_inflight_[rd_addr_];
  }
  void pick_write() {
    if (coin(c_.p_err_addr)) {
      wr_addr_ = err_addr();
    } else {
      const uint32_t a = kMemBase + 8 * static_cast<uint32_t>(rng_() % kMemWords);
      if (rd_inflight_[a] > 0) return;
      wr_addr_ = a;
    }
    wr_data_ = (static_cast<uint64_t>(c_.writes - wr_left_) << 40) ^ (rng_() & 0xff'ffff'ffffull);
    wr_strb_ = coin(0.7) ? 0xff : static_cast<int>(1 + rng_() % 255);  // byte enables (the engine's outputs)
    wr_cur_ = true;
    --wr_left_;
    ++wr_inflight_[wr_addr_];
  }

  RunCfg c_;
  std::mt19937_64 rng_;
  std::vector<uint64_t> shadow_;
  int rd_left_, wr_left_;
  bool rd_cur_ = false, wr_cur_ = false;
  uint32_t rd_addr_ = 0, wr_addr_ = 0;
  uint64_t wr_data_ = 0;
  int wr_strb_ = 0xff;
  std::deque<Pending> rd_q_, wr_q_;
  std::map<uint32_t, int> rd_inflight_, wr_inflight_;
  std::vector<std::pair<uint32_t, uint64_t>> issued_writes_;
  uint64_t reads_done_ = 0, writes_done_ = 0, reads_issued_ = 0, read_errs_ = 0, write_errs_ = 0;
};

// AXI4 slave memory (ID 0 only, so responses in order) and checker of the master's AXI4 rules.
class AxiSlave {
 public:
  AxiSlave(const RunCfg& c, std::vector<uint64_t> init) : c_(c), rng_(c.seed * 104729 + 11), mem_(std::move(init)) {}

  void drive(uint64_t now, Axi4AdapterIn& in) {
    if (c_.order_modes && aw_q_.empty() && w_q_.empty() && !mode_fixed_) {
      mode_ = static_cast<int>(rng_() % 3);
      mode_fixed_ = true;
    }
    const bool w_ahead = w_q_.size() > aw_q_.size(), aw_ahead = aw_q_.size() > w_q_.size();
    in.arready = coin(c_.p_arready);
    in.awready = coin(c_.p_awready) && (mode_ != 1 || w_ahead);  // mode 1: W strictly first
    in.wready = coin(c_.p_wready) && (mode_ != 2 || aw_ahead);   // mode 2: AW strictly first
    // R and B: once presented, held (with their payload) until taken.
    if (!r_shown_ && !r_q_.empty() && r_q_.front().due <= now && coin(c_.p_rvalid)) r_shown_ = true;
    if (!b_shown_ && !b_q_.empty() && b_q_.front().due <= now && coin(c_.p_bvalid)) b_shown_ = true;
    in.rvalid = r_shown_;
    in.rdata = r_shown_ ? r_q_.front().data : rng_();
    in.rresp = r_shown_ ? r_q_.front().resp : static_cast<int>(rng_() % 4);
    in.rlast = r_shown_ ? true : (rng_() & 1) != 0;
    in.bvalid = b_shown_;
    in.bresp = b_shown_ ? b_q_.front().resp : static_cast<int>(rng_() % 4);
  }

  // Handshakes of this cycle; returns a description of the first AXI4 rule the master broke ("" if none).
  std::string observe(uint64_t now, const Axi4AdapterIn& in, const Axi4AdapterOut& o) {
    std::ostringstream e;
    e << std::hex;
    // Payload and burst rules while valid.
    if (o.arvalid && (o.arlen != 0 || o.arsize != 3 || o.arburst != 1))
      e << "AR burst: len " << o.arlen << " size " << o.arsize << " burst " << o.arburst << "; ";
    if (o.awvalid && (o.awlen != 0 || o.awsize != 3 || o.awburst != 1))
      e << "AW burst: len " << o.awlen << " size " << o.awsize << " burst " << o.awburst << "; ";
    if (o.wvalid && !o.wlast) e << "W: wlast " << o.wlast << "; ";
    // Valid held, payload stable, until ready.
    if (ar_wait_ && (!o.arvalid || o.araddr != ar_prev_)) e << "AR withdrawn or changed while refused; ";
    if (aw_wait_ && (!o.awvalid || o.awaddr != aw_prev_)) e << "AW withdrawn or changed while refused; ";
    if (w_wait_ && (!o.wvalid || o.wdata != w_prev_)) e << "W withdrawn or changed while refused; ";
    ar_wait_ = o.arvalid && !in.arready;
    aw_wait_ = o.awvalid && !in.awready;
    w_wait_ = o.wvalid && !in.wready;
    ar_prev_ = o.araddr;
    aw_prev_ = o.awaddr;
    w_prev_ = o.wdata;
    // Handshakes.
    if (in.rvalid && o.rready) {
      r_q_.pop_front();
      r_shown_ = false;
    }
    if (in.bvalid && o.bready) {
      b_q_.pop_front();
      b_shown_ = false;
    }
    if (o.arvalid && in.arready) {
      int r = resp_of(o.araddr);
      if (r == kOkay && c_.exokay_reads) r = kExOkay;
      const uint64_t data = r < kSlvErr ? mem_[(o.araddr - kMemBase) / 8] : rng_();
      r_q_.push_back({now + latency(), data, r});
      ++ars_;
    }
    const bool aw_fire = o.awvalid && in.awready, w_fire = o.wvalid && in.wready;
    if (aw_fire && w_fire && aw_q_.empty() && w_q_.empty()) ++same_cycle_;
    else if (aw_fire && aw_q_.size() >= w_q_.size()) ++aw_first_;
    else if (w_fire && w_q_.size() >= aw_q_.size()) ++w_first_;
    if (aw_fire) aw_q_.push_back(o.awaddr);
    if (w_fire) w_q_.push_back({o.wdata, o.wstrb});
    while (!aw_q_.empty() && !w_q_.empty()) {  // the k-th AW goes with the k-th W
      const uint32_t a = aw_q_.front();
      const uint64_t d = w_q_.front().first;
      const int strb = w_q_.front().second;
      aw_q_.pop_front();
      w_q_.pop_front();
      const int r = resp_of(a);
      if (r == kOkay) mem_[(a - kMemBase) / 8] = merge(mem_[(a - kMemBase) / 8], d, strb);
      landed_.push_back({a, d});
      b_q_.push_back({now + latency(), 0, r});
      mode_fixed_ = false;
    }
    return e.str();
  }
  const std::vector<uint64_t>& mem() const { return mem_; }
  // Every write the slave received (AW + W), in order.
  const std::vector<std::pair<uint32_t, uint64_t>>& landed() const { return landed_; }
  bool idle() const { return r_q_.empty() && b_q_.empty() && aw_q_.empty() && w_q_.empty(); }
  uint64_t aw_first() const { return aw_first_; }
  uint64_t w_first() const { return w_first_; }
  uint64_t same_cycle() const { return same_cycle_; }

 private:
  struct Rsp {
    uint64_t due, data;
    int resp;
  };
  bool coin(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint64_t latency() { return static_cast<uint64_t>(std::uniform_int_distribution<int>(c_.min_lat, c_.max_lat)(rng_)); }
  RunCfg c_;
  std::mt19937_64 rng_;
  std::vector<uint64_t> mem_;
  std::deque<Rsp> r_q_, b_q_;
  std::deque<uint32_t> aw_q_;
  std::deque<std::pair<uint64_t, int>> w_q_;
  bool r_shown_ = false, b_shown_ = false;
  int mode_ = 0;
  bool mode_fixed_ = false;
  bool ar_wait_ = false, aw_wait_ = false, w_wait_ = false;
  uint32_t ar_prev_ = 0, aw_prev_ = 0;
  uint64_t w_prev_ = 0;
  std::vector<std::pair<uint32_t, uint64_t>> landed_;
  uint64_t ars_ = 0, aw_first_ = 0, w_first_ = 0, same_cycle_ = 0;
};

struct RunResult {
  std::string mismatch;   // first cycle where RTL != model ("" if none)
  std::string protocol;   // first AXI4 rule broken by the master
  std::string response;   // first wrong response on the Tern side
  bool finished = false;  // every request answered within max_cycles
  uint64_t cycles = 0;
  uint64_t reads = 0, writes = 0, read_errs = 0, write_errs = 0;
  uint64_t aw_first = 0, w_first = 0, same_cycle = 0;
  uint64_t aw_done_cycles = 0, w_done_cycles = 0;  // cycles the model held a half-accepted write
  std::vector<uint64_t> mem, shadow;
  std::vector<std::pair<uint32_t, uint64_t>> issued, landed;
};

// One run: RTL and model in lockstep every cycle, until every request is answered.
inline RunResult run(const std::string& name, const RunCfg& c) {
  std::vector<uint64_t> init(kMemWords);
  std::mt19937_64 irng(c.seed);
  for (auto& w : init) w = irng();
  tb::Sim<Vaxi4_adapter> sim(name);
  Axi4AdapterModel model;
  TernMaster master(c, init);
  AxiSlave slave(c, init);
  RunResult res;
  apply(sim.model(), Axi4AdapterIn{});
  sim.reset();
  model.reset();
  for (uint64_t cyc = 0; cyc < c.max_cycles; ++cyc) {
    if (master.done() && slave.idle()) {
      res.finished = true;
      res.cycles = cyc;
      break;
    }
    Axi4AdapterIn in;
    master.drive(in);
    slave.drive(cyc, in);
    apply(sim.model(), in);
    sim.settle();
    const Axi4AdapterOut rtl = sample(sim.model());
    const Axi4AdapterOut want = model.eval(in);
    if (rtl != want && res.mismatch.empty()) {
      std::ostringstream s;
      s << "cycle " << cyc << " (aw_done " << model.aw_done() << ", w_done " << model.w_done() << "): " << diff(want, rtl);
      res.mismatch = s.str();
      return res;
    }
    if (model.aw_done()) ++res.aw_done_cycles;
    if (model.w_done()) ++res.w_done_cycles;
    const std::string p = slave.observe(cyc, in, rtl);
    if (!p.empty() && res.protocol.empty()) res.protocol = "cycle " + std::to_string(cyc) + ": " + p;
    const std::string r = master.observe(in, rtl);
    if (!r.empty() && res.response.empty()) res.response = "cycle " + std::to_string(cyc) + ": " + r;
    model.tick(in);
    sim.tick();
  }
  res.reads = master.reads_done();
  res.writes = master.writes_done();
  res.read_errs = master.read_errs();
  res.write_errs = master.write_errs();
  res.aw_first = slave.aw_first();
  res.w_first = slave.w_first();
  res.same_cycle = slave.same_cycle();
  res.mem = slave.mem();
  res.shadow = master.shadow();
  res.issued = master.issued_writes();
  res.landed = slave.landed();
  return res;
}

}  // namespace tern::test
