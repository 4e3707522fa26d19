// Faults and resets on the accelerator, phase by phase (complements test_rtl_errors.cpp): hard reset
// (rst_ni) in every phase of a layer, memory read and write error responses in every phase
// (descriptor, SYQ, input load, weight blocks, outputs, statistics record), a memory that stops in
// every phase (timeout), soft reset with output writes backed up, register accesses while busy, and
// the memory/host environment rules the assertions check. Each case must end in its documented
// status without a hang, and the next run must be bit-exact (cycle-exact with an ideal memory).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/accel/fault_helpers.hpp"

namespace {

using namespace tern;
using namespace tern::test;

// Memory timings the phase-by-phase faults run under.
struct Timing {
  const char* name;
  tb::MemTiming t;
  bool ideal;
};
std::vector<Timing> timings() {
  tb::MemTiming slow;
  slow.min_latency = 1;
  slow.max_latency = 6;
  slow.p_req_ready = 0.6;
  slow.p_rsp_valid = 0.7;
  return {{"ideal", tb::MemTiming::ideal(), true}, {"slow", slow, false}};
}

// The two programs: SYQ + conv (+ input load, weights, outputs, stats), and one with a max-pool.
const std::vector<FaultCase>& cases() {
  static const std::vector<FaultCase> c = {make_fault_case(7, 3, 1 | 4), make_fault_case(8, 3, 2 | 4)};
  return c;
}

std::vector<Access> clean_trace(const FaultCase& f, const Timing& tm, uint64_t* end_cycle) {
  SmallDrv drv(f.prog.image, tm.t, 21, "fault_trace");
  std::vector<Access> trace;
  trace_requests(drv, f.prog, &trace);
  start(drv, f.prog.prog_base, 0);
  for (int i = 0; i < 20000000 && drv.sim().model().rootp->tern_top__DOT__busy; ++i) drv.step();
  *end_cycle = drv.cycle();
  drv.on_cycle(nullptr);
  const uint32_t st = drv.read32(tb::reg::kStatus);
  EXPECT_EQ(st & 0x7u, 0x2u) << "clean run";
  return trace;
}

std::string where(const Access& a) {
  return std::string(a.write ? "write" : "read") + " #" + std::to_string(a.nth) + " (" + to_string(a.phase) +
         " of layer " + std::to_string(a.layer) + ", cycle " + std::to_string(a.cycle) + ")";
}

// Phases covered by a set of accesses, for the coverage checks at the end of each test.
std::set<Phase> phases_of(const std::vector<Access>& v) {
  std::set<Phase> s;
  for (const Access& a : v) s.insert(a.phase);
  return s;
}

TEST(AccelFaults, HardResetInEveryPhaseThenBitExactRerun) {
  int resets = 0;
  std::set<Phase> hit;
  for (const FaultCase& f : cases()) {
    for (const Timing& tm : timings()) {
      uint64_t end = 0;
      const std::vector<Access> trace = clean_trace(f, tm, &end);
      // Reset just before a request of every phase and layer is accepted, in the quiet CHECK/SETUP
      // cycles after each layer's last descriptor word, and at random cycles.
      std::vector<std::pair<uint64_t, std::string>> points;
      for (bool wr : {false, true}) {
        for (const Access& a : pick_per_phase(trace, wr, 2)) {
          points.emplace_back(a.cycle, "before " + where(a));
          hit.insert(a.phase);
        }
      }
      for (const Access& a : trace) {
        if (a.phase == Phase::kDesc && (a.addr - f.prog.prog_base) % 64 == 56) {
          points.emplace_back(a.cycle + 4, "CHECK/SETUP of layer " + std::to_string(a.layer));
          hit.insert(Phase::kQuiet);
        }
      }
      std::mt19937_64 rng(5);
      const uint64_t t0 = trace.empty() ? 0 : trace.front().cycle;
      for (int k = 0; k < 4; ++k) points.emplace_back(t0 + rng() % (end - t0), "random cycle");
      for (size_t k = 0; k < points.size(); ++k) {
        const std::string what = std::string(tm.name) + " memory, reset " + points[k].second;
        SmallDrv drv(f.prog.image, tm.t, 21, "fault_hard_reset");
        start(drv, f.prog.prog_base, 0);
        while (drv.cycle() < points[k].first) drv.step();
        hard_reset(drv, 1 + static_cast<int>(k % 3));
        // Every register back to its reset value, nothing presented on the memory ports.
        drv.sim().settle();
        EXPECT_FALSE(drv.sim().model().rd_req_valid_o) << what;
        EXPECT_FALSE(drv.sim().model().wr_req_valid_o) << what;
        EXPECT_EQ(drv.read32(tb::reg::kStatus), 0u) << what;
        EXPECT_EQ(drv.read32(tb::reg::kProg), 0u) << what;
        EXPECT_EQ(drv.read32(tb::reg::kTimeout), 0u) << what;
        EXPECT_EQ(drv.read32(tb::reg::kIrq), 0u) << what;
        expect_bit_exact_rerun(drv, f, tm.ideal, what);
        ASSERT_FALSE(::testing::Test::HasFailure()) << what;
        ++resets;
      }
    }
  }
  EXPECT_EQ(hit.size(), 7u) << "phases hit";
  EXPECT_GE(resets, 60);
  std::printf("hard resets: %d\n", resets);
}

// A read error response in every phase: code 0x90 in the layer of the read, then soft reset and a
// bit-exact rerun on the memory as the aborted run left it.
TEST(AccelFaults, ReadErrorInEveryPhase) {
  int n = 0;
  std::set<Phase> hit;
  for (const FaultCase& f : cases()) {
    for (const Timing& tm : timings()) {
      uint64_t end = 0;
      const std::vector<Access> trace = clean_trace(f, tm, &end);
      for (const Access& a : pick_per_phase(trace, false, 2)) {
        const std::string what = std::string(tm.name) + " memory, error on " + where(a);
        SmallDrv drv(f.prog.image, tm.t, 21, "fault_read_err");
        drv.mem().fail_read_at(a.nth);
        const tb::RunResult r = drv.run(f.prog.prog_base, 5000000, 0);
        ASSERT_TRUE(r.finished && r.error) << what;
        EXPECT_EQ(r.err_code, 0x90) << what;
        EXPECT_EQ(r.err_layer, a.layer) << what;
        drv.mem().fail_read_at(0);
        drv.write32(tb::reg::kCtrl, 2);
        expect_bit_exact_rerun(drv, f, tm.ideal, what);
        ASSERT_FALSE(::testing::Test::HasFailure()) << what;
        hit.insert(a.phase);
        ++n;
      }
    }
  }
  EXPECT_TRUE(hit.count(Phase::kDesc) && hit.count(Phase::kSyq) && hit.count(Phase::kLoad) &&
              hit.count(Phase::kWeights));
  std::printf("read error cases: %d\n", n);
}

// A write error response on outputs and on the statistics record: code 0xA0 in that layer.
TEST(AccelFaults, WriteErrorInOutputsAndStatistics) {
  int n = 0;
  std::set<Phase> hit;
  for (const FaultCase& f : cases()) {
    for (const Timing& tm : timings()) {
      uint64_t end = 0;
      const std::vector<Access> trace = clean_trace(f, tm, &end);
      for (const Access& a : pick_per_phase(trace, true, 3)) {
        const std::string what = std::string(tm.name) + " memory, error on " + where(a);
        SmallDrv drv(f.prog.image, tm.t, 21, "fault_write_err");
        drv.mem().fail_write_at(a.nth);
        const tb::RunResult r = drv.run(f.prog.prog_base, 5000000, 0);
        ASSERT_TRUE(r.finished && r.error) << what;
        EXPECT_EQ(r.err_code, 0xa0) << what;
        EXPECT_EQ(r.err_layer, a.layer) << what;
        drv.mem().fail_write_at(0);
        drv.write32(tb::reg::kCtrl, 2);
        expect_bit_exact_rerun(drv, f, tm.ideal, what);
        ASSERT_FALSE(::testing::Test::HasFailure()) << what;
        hit.insert(a.phase);
        ++n;
      }
    }
  }
  EXPECT_TRUE(hit.count(Phase::kOutput) && hit.count(Phase::kStats));
  std::printf("write error cases: %d\n", n);
}

// The memory stops in every phase, either answering nothing or refusing every request: the engine
// reports 0xB0 within the documented timeout (plus the drain allowance), the memory wakes up and
// answers the old requests, a soft reset drops them, and the rerun is bit-exact.
TEST(AccelFaults, StalledMemoryInEveryPhaseTimesOut) {
  constexpr uint32_t kTimeout = 64;
  int n = 0;
  std::set<Phase> hit;
  for (const FaultCase& f : cases()) {
    const Timing tm = timings()[1];
    uint64_t end = 0;
    const std::vector<Access> trace = clean_trace(f, tm, &end);
    std::vector<Access> picks = pick_per_phase(trace, false, 1);
    for (const Access& a : pick_per_phase(trace, true, 1)) picks.push_back(a);
    for (size_t k = 0; k < picks.size(); ++k) {
      const Access& a = picks[k];
      const bool refuse = k % 2 == 1;
      const std::string what = std::string(refuse ? "requests refused" : "responses stop") + " at " + where(a);
      SmallDrv drv(f.prog.image, tm.t, 21, "fault_stall");
      start(drv, f.prog.prog_base, kTimeout);
      while (drv.cycle() < a.cycle) drv.step();
      if (refuse) drv.mem().set_refuse(true);
      else drv.mem().set_hang(true);
      // A timeout for the stall, then at most another one for the drain of the outstanding requests.
      uint64_t waited = 0;
      while (drv.sim().model().rootp->tern_top__DOT__busy && waited < 4 * kTimeout + 64) {
        drv.step();
        ++waited;
      }
      const uint32_t st = drv.read32(tb::reg::kStatus);
      ASSERT_EQ(st & 1u, 0u) << what << ": still busy after " << waited << " cycles";
      EXPECT_EQ((st >> 2) & 1u, 1u) << what << ": no error";
      EXPECT_EQ((st >> 8) & 0xffu, 0xb0u) << what;
      EXPECT_EQ(st >> 16, a.layer) << what << ": error layer";
      drv.mem().set_hang(false);
      drv.mem().set_refuse(false);
      drv.write32(tb::reg::kCtrl, 2);
      expect_bit_exact_rerun(drv, f, false, what);
      ASSERT_FALSE(::testing::Test::HasFailure()) << what;
      hit.insert(a.phase);
      ++n;
    }
  }
  EXPECT_GE(hit.size(), 6u);
  std::printf("stall cases: %d\n", n);
}

// Soft reset while output writes are backed up (the memory accepts few requests): after the reset
// the engine presents no new write (a refused one stays presented until accepted, by design), and the
// rerun is bit-exact.
TEST(AccelFaults, SoftResetWithWritesBackedUp) {
  int n = 0;
  for (const FaultCase& f : cases()) {
    tb::MemTiming tm;
    tm.max_latency = 3;
    tm.p_req_ready = 0.15;
    uint64_t end = 0;
    const std::vector<Access> trace = clean_trace(f, {"backed-up", tm, false}, &end);
    for (const Access& a : pick_per_phase(trace, true, 4)) {
      const std::string what = "soft reset before " + where(a);
      SmallDrv drv(f.prog.image, tm, 21, "fault_soft_backed");
      start(drv, f.prog.prog_base, 0);
      while (drv.cycle() < a.cycle) drv.step();
      // CTRL.soft_reset, watching the write port from the reset on.
      bool prev_valid = true, stray = false, after = false;
      uint64_t accepted_after = 0;
      drv.on_cycle([&](Vaccel_small& m) {
        if (after && m.wr_req_valid_o && !prev_valid) stray = true;
        if (after && m.wr_req_valid_o && m.wr_req_ready_i) ++accepted_after;
        prev_valid = m.wr_req_valid_o;
      });
      drv.write32(tb::reg::kCtrl, 2);
      after = true;
      for (int i = 0; i < 50; ++i) drv.step();
      EXPECT_FALSE(stray) << what << ": a new write request after the soft reset";
      EXPECT_LE(accepted_after, 1u) << what << ": writes accepted after the soft reset";
      EXPECT_EQ(drv.read32(tb::reg::kStatus) & 0x7u, 0u) << what;
      expect_bit_exact_rerun(drv, f, false, what);
      ASSERT_FALSE(::testing::Test::HasFailure()) << what;
      ++n;
    }
  }
  std::printf("soft resets with writes backed up: %d\n", n);
}

// Registers while busy: start and configuration writes rejected, read-only and unmapped offsets
// answer SLVERR without effect, counters readable, interrupt enable and clear work, start+reset in
// one write aborts; the run is unaffected and cycle-exact.
TEST(AccelFaults, RegisterAccessWhileBusy) {
  const FaultCase& f = cases()[0];
  SmallDrv drv(f.prog.image, tb::MemTiming::ideal(), 17, "fault_regs_busy");
  drv.write32(tb::reg::kCtrl, 4);  // interrupt enable
  start(drv, f.prog.prog_base, 0);
  ASSERT_EQ(drv.read32(tb::reg::kStatus) & 1u, 1u);
  for (uint32_t ro : {tb::reg::kId, tb::reg::kVersion, tb::reg::kStatus, tb::reg::kConfig0, tb::reg::kConfig1,
                      tb::reg::kCtrBase, tb::reg::kCtrBase + 4, 0x7fcu}) {
    drv.write32(ro, 0xffffffffu);
    EXPECT_EQ(drv.last_bresp(), 2) << "offset 0x" << std::hex << ro;
  }
  EXPECT_EQ(drv.read32(tb::reg::kId), 0x5445524eu);
  EXPECT_EQ(drv.read32(0x7fc), 0u);
  EXPECT_EQ(drv.last_rresp(), 2);
  drv.write32(tb::reg::kProg, 0x1230);
  EXPECT_EQ(drv.last_bresp(), 0);  // accepted on the bus, ignored: rejected flag
  drv.write32(tb::reg::kTimeout, 9, 0x1);
  drv.write32(tb::reg::kCtrl, 1 | 4);
  EXPECT_EQ(drv.read32(tb::reg::kProg), f.prog.prog_base);
  EXPECT_EQ(drv.read32(tb::reg::kTimeout), 0u);
  EXPECT_EQ(drv.read32(tb::reg::kStatus) & 0x9u, 0x9u) << "busy and rejected";
  uint64_t last_cycles = 0;
  for (int i = 0; i < 200000 && (drv.read32(tb::reg::kStatus) & 1u); ++i) {
    const uint64_t c = drv.read64(tb::reg::kCtrBase);
    EXPECT_GE(c, last_cycles);
    last_cycles = c;
    for (int k = 0; k < 37; ++k) drv.step();
  }
  const uint32_t st = drv.read32(tb::reg::kStatus);
  EXPECT_EQ(st & 0x7u, 0x2u) << "done without error";
  EXPECT_EQ(drv.read32(tb::reg::kIrq), 1u) << "interrupt pending";
  EXPECT_TRUE(drv.sim().model().irq_o);
  drv.write32(tb::reg::kIrq, 1);
  EXPECT_EQ(drv.read32(tb::reg::kIrq), 0u);
  EXPECT_FALSE(drv.sim().model().irq_o);
  expect_outputs(f, drv.mem().words(), "register accesses while busy");
  // Start and soft reset in one write while busy: the reset wins, nothing starts.
  drv.write32(tb::reg::kProg, f.prog.prog_base);
  drv.write32(tb::reg::kCtrl, 1);
  for (int i = 0; i < 300; ++i) drv.step();
  drv.write32(tb::reg::kCtrl, 3);
  for (int i = 0; i < 20; ++i) drv.step();
  EXPECT_EQ(drv.read32(tb::reg::kStatus) & 0xfu, 0u) << "idle, status cleared";
  expect_bit_exact_rerun(drv, f, true, "after start+reset");
}

// The environment rules the assertions check fail the test with the assertion's name: a memory
// response nobody asked for (e.g. a memory not reset with the accelerator), and an AXI4-Lite master
// that withdraws an address before it is accepted.
TEST(AccelFaults, EnvironmentViolationsTripNamedAssertions) {
  auto expect_assert = [](auto&& body, const std::string& name) {
    try {
      body();
    } catch (const tb::AssertionFailure& e) {
      bool found = false;
      for (const std::string& n : e.names()) found = found || n.find(name) != std::string::npos;
      EXPECT_TRUE(found) << e.what();
      return;
    }
    ADD_FAILURE() << "assertion " << name << " did not fire";
  };
  const FaultCase& f = cases()[0];
  expect_assert(
      [&] {
        SmallDrv drv(f.prog.image, tb::MemTiming::ideal(), 3, "env_rsp");
        Vaccel_small& m = drv.sim().model();
        m.rd_rsp_valid_i = 1;
        drv.sim().settle();
        drv.sim().tick();
      },
      "i_arb.a_rd_rsp_expected");
  expect_assert(
      [&] {
        tb::MemTiming slow;
        slow.min_latency = slow.max_latency = 20;
        SmallDrv drv(f.prog.image, slow, 3, "env_reset");
        start(drv, f.prog.prog_base, 0);
        for (int i = 0; i < 5; ++i) drv.step();
        Vaccel_small& m = drv.sim().model();
        m.rd_req_ready_i = 0;
        drv.sim().reset(2);  // the memory keeps its queued responses: they arrive after the reset
        for (int i = 0; i < 40; ++i) drv.step();
      },
      "i_arb.a_rd_rsp_expected");
  expect_assert(
      [&] {
        SmallDrv drv(f.prog.image, tb::MemTiming::ideal(), 3, "env_axi");
        Vaccel_small& m = drv.sim().model();
        m.s_awvalid_i = 1;  // address without data: not accepted
        m.s_awaddr_i = tb::reg::kProg;
        drv.step();
        m.s_awvalid_i = 0;  // withdrawn before the handshake
        drv.step();
      },
      "i_regs.a_aw_hold");
}

}  // namespace
