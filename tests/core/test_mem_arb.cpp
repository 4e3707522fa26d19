// tern_mem_arb against its C++ twin golden/core/tern_mem_arb every cycle (every output) with clients that
// drop refused requests (orphans), quiesce periods, aborts with responses in flight, error responses and a
// memory with random refusals and latencies; plus the contract: each request reaches memory once and in order,
// only the client's own accepted requests fire back, and a response counts for the running phase
// (rsp_ok_o / *_err_o) only if its request was issued after the last abort.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <string>

#include "golden/core/tern_mem_arb.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tern_vm_mem_arb_configs.hpp"

namespace {

using tern::MemArbIn;
using tern::MemArbModel;
using tern::MemArbOut;

struct Knobs {
  double p_new = 0.6;       // a client starts a request
  double p_drop = 0.05;     // a client stops driving a refused request
  double p_ready = 0.6;     // memory accepts a presented request
  int max_latency = 4;      // response 1..max_latency cycles after acceptance
  double p_rsp = 0.8;       // a due response is delivered
  double p_err = 0.05;      // a response is an error
  double p_quiesce = 0.01;  // a quiesce period starts (ends with an abort)
};

// One side (read or write) of the test: the client, the memory queue and the epoch bookkeeping.
struct Side {
  bool valid = false;
  uint32_t addr = 0;
  uint64_t data = 0;
  int strb = 0;
  struct Pending {
    uint64_t due;
    uint32_t addr;
    int epoch;
    bool err;
  };
  std::deque<Pending> q;  // accepted, not yet answered
  std::deque<uint32_t> client_fired, mem_accepted;
  bool stale = false;  // the request presented at an abort: still owed to the aborted run once accepted
  int64_t ok = 0, dropped = 0, orphans = 0;
};

class MemArbHarness {
 public:
  MemArbHarness(const std::string& name, const Knobs& k, uint64_t seed) : name_(name), sim_(name), k_(k), rng_(seed) {
    drive(MemArbIn{});
    sim_.reset();
  }
  bool failed() const { return failed_; }

  void run(int64_t cycles) {
    for (int64_t t = 0; t < cycles && !failed_; ++t) step();
    EXPECT_GT(rd_.ok, 0) << name_;
    EXPECT_GT(wr_.ok, 0) << name_;
  }
  const Side& rd() const { return rd_; }
  const Side& wr() const { return wr_; }

 private:
  bool coin(double p) { return unit_(rng_) < p; }

  void client(Side& s, bool write) {
    if (!s.valid && !quiesce_ && coin(k_.p_new)) {
      s.valid = true;
      s.addr = static_cast<uint32_t>(8 * (rng_() % 100000));
      s.data = rng_();
      s.strb = static_cast<int>(rng_() % 256);
    } else if (s.valid && coin(k_.p_drop)) {
      s.valid = false;  // error / soft reset: the client stops driving a refused request
      ++s.orphans;
    }
    (void)write;
  }

  void step() {
    // phase control: a quiesce period (error or abort) ends with abort_i; clients stop driving
    const bool abort = quiesce_ && quiesce_left_ == 0;
    if (!quiesce_ && coin(k_.p_quiesce)) {
      quiesce_ = true;
      quiesce_left_ = static_cast<int>(rng_() % 6);
    } else if (quiesce_ && quiesce_left_ > 0) {
      --quiesce_left_;
    }
    client(rd_, false);
    client(wr_, true);
    MemArbIn in;
    in.quiesce = quiesce_;
    in.abort = abort;
    in.active = !quiesce_ && active_;
    in.c_rd_valid = rd_.valid;
    in.c_rd_addr = rd_.addr;
    in.c_wr_valid = wr_.valid;
    in.c_wr_addr = wr_.addr;
    in.c_wr_data = wr_.data;
    in.c_wr_strb = wr_.strb;
    in.rd_req_ready = coin(k_.p_ready);
    in.wr_req_ready = coin(k_.p_ready);
    const bool rd_due = !rd_.q.empty() && rd_.q.front().due <= sim_.cycle() && coin(k_.p_rsp);
    const bool wr_due = !wr_.q.empty() && wr_.q.front().due <= sim_.cycle() && coin(k_.p_rsp);
    in.rd_rsp_valid = rd_due;
    in.rd_rsp_err = rd_due && rd_.q.front().err;
    in.wr_rsp_valid = wr_due;
    in.wr_rsp_err = wr_due && wr_.q.front().err;
    drive(in);
    sim_.settle();
    const MemArbOut w = twin_.eval(in);
    if (!compare(w)) {
      failed_ = true;
      return;
    }
    auto& m = sim_.model();
    // contract: responses count for the phase only if issued after the last abort (and active, no error)
    auto respond = [&](Side& s, bool due, const bool* ok_o, bool err_o, const char* what) {
      if (!due) return;
      const auto p = s.q.front();
      s.q.pop_front();
      const bool mine = p.epoch == epoch_ && in.active;
      if (ok_o)
        EXPECT_EQ(*ok_o, mine && !p.err) << name_ << ": " << what << " ok at cycle " << sim_.cycle() << " epoch "
                                         << p.epoch << "/" << epoch_ << " active " << in.active << " err " << p.err
                                         << " left " << s.q.size();
      EXPECT_EQ(err_o, mine && p.err) << name_ << ": " << what << " err at cycle " << sim_.cycle();
      if (mine && !p.err) ++s.ok;
      if (p.epoch != epoch_) ++s.dropped;
    };
    const bool rsp_ok = m.rsp_ok_o;
    respond(rd_, rd_due, &rsp_ok, m.rd_err_o, "read");
    respond(wr_, wr_due, nullptr, m.wr_err_o, "write");  // writes have no ok output: only errors count
    // requests: memory accepts, the client learns of its own
    auto accept = [&](Side& s, bool req_valid, bool ready, uint32_t addr, bool c_fire) {
      if (req_valid && ready) {
        s.q.push_back({sim_.cycle() + 1 + rng_() % static_cast<uint64_t>(k_.max_latency), addr, s.stale ? -1 : epoch_,
                       coin(k_.p_err)});
        s.stale = false;
        s.mem_accepted.push_back(addr);
      }
      if (c_fire) {
        EXPECT_TRUE(s.valid && addr == s.addr) << name_ << ": fire for a request the client does not drive";
        s.client_fired.push_back(addr);
        s.valid = false;
      }
    };
    accept(rd_, m.rd_req_valid_o, in.rd_req_ready, m.rd_req_addr_o, m.c_rd_fire_o);
    accept(wr_, m.wr_req_valid_o, in.wr_req_ready, m.wr_req_addr_o, m.c_wr_fire_o);
    const bool rd_presented = m.rd_req_valid_o && !in.rd_req_ready;
    const bool wr_presented = m.wr_req_valid_o && !in.wr_req_ready;
    sim_.tick();
    twin_.tick(in);
    if (abort) {
      rd_.stale = rd_presented;
      wr_.stale = wr_presented;
      ++epoch_;  // everything accepted or presented so far belongs to the aborted run
      quiesce_ = false;
      rd_.valid = wr_.valid = false;
      active_ = coin(0.9);
    }
  }

  void drive(const MemArbIn& in) {
    auto& m = sim_.model();
    m.quiesce_i = in.quiesce;
    m.active_i = in.active;
    m.abort_i = in.abort;
    m.c_rd_valid_i = in.c_rd_valid;
    m.c_rd_addr_i = in.c_rd_addr;
    m.c_wr_valid_i = in.c_wr_valid;
    m.c_wr_addr_i = in.c_wr_addr;
    m.c_wr_data_i = in.c_wr_data;
    m.c_wr_strb_i = static_cast<uint8_t>(in.c_wr_strb);
    m.rd_req_ready_i = in.rd_req_ready;
    m.rd_rsp_valid_i = in.rd_rsp_valid;
    m.rd_rsp_err_i = in.rd_rsp_err;
    m.wr_req_ready_i = in.wr_req_ready;
    m.wr_rsp_valid_i = in.wr_rsp_valid;
    m.wr_rsp_err_i = in.wr_rsp_err;
  }

  bool compare(const MemArbOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("c_rd_fire_o", m.c_rd_fire_o, w.c_rd_fire);
    chk("rsp_ok_o", m.rsp_ok_o, w.rsp_ok);
    chk("c_wr_fire_o", m.c_wr_fire_o, w.c_wr_fire);
    chk("rd_out_o", m.rd_out_o, w.rd_out);
    chk("wr_out_o", m.wr_out_o, w.wr_out);
    chk("rd_err_o", m.rd_err_o, w.rd_err);
    chk("wr_err_o", m.wr_err_o, w.wr_err);
    chk("waiting_o", m.waiting_o, w.waiting);
    chk("rd_req_valid_o", m.rd_req_valid_o, w.rd_req_valid);
    chk("rd_req_addr_o", m.rd_req_addr_o, w.rd_req_addr);
    chk("rd_rsp_ready_o", m.rd_rsp_ready_o, w.rd_rsp_ready);
    chk("wr_req_valid_o", m.wr_req_valid_o, w.wr_req_valid);
    chk("wr_req_addr_o", m.wr_req_addr_o, w.wr_req_addr);
    chk("wr_req_data_o", m.wr_req_data_o, w.wr_req_data);
    chk("wr_req_strb_o", m.wr_req_strb_o, static_cast<uint64_t>(w.wr_req_strb));
    chk("wr_rsp_ready_o", m.wr_rsp_ready_o, w.wr_rsp_ready);
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Vmem_arb> sim_;
  MemArbModel twin_;
  Knobs k_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  Side rd_, wr_;
  bool quiesce_ = false, active_ = true, failed_ = false;
  int quiesce_left_ = 0, epoch_ = 0;
};

TEST(MemArb, LockstepRandomTraffic) {
  const Knobs knobs[] = {
      {}, {0.9, 0.0, 1.0, 1, 1.0, 0.0, 0.0}, {0.9, 0.2, 0.3, 8, 0.5, 0.1, 0.02}, {0.3, 0.1, 0.8, 2, 0.9, 0.3, 0.05}};
  uint64_t seed = 1;
  for (const Knobs& k : knobs) {
    const std::string name = "mem_arb_" + std::to_string(seed);
    MemArbHarness h(name, k, seed);
    h.run(40000);
    ASSERT_FALSE(h.failed()) << name;
    // every request the memory accepted was presented once, in order; the client's own are a subsequence
    for (const Side* s : {&h.rd(), &h.wr()}) {
      size_t j = 0;
      for (uint32_t a : s->client_fired) {
        while (j < s->mem_accepted.size() && s->mem_accepted[j] != a) ++j;
        ASSERT_LT(j, s->mem_accepted.size()) << name << ": a client fire the memory never saw";
        ++j;
      }
    }
    std::printf("[traffic] %s: reads ok %lld dropped %lld orphans %lld, writes ok %lld dropped %lld orphans %lld\n",
                name.c_str(), static_cast<long long>(h.rd().ok), static_cast<long long>(h.rd().dropped),
                static_cast<long long>(h.rd().orphans), static_cast<long long>(h.wr().ok),
                static_cast<long long>(h.wr().dropped), static_cast<long long>(h.wr().orphans));
    ++seed;
  }
}

}  // namespace
