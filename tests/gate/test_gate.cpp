// Gate-level check: the Yosys-synthesised netlist of tern_top, Verilated, runs random programs with the
// same bit-exact outputs as the functional model and the reference inference, and with every layer's
// statistics record equal to the cycle model's (ideal memory); also with a random-latency memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gate_cfg.hpp"
#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"
#include "tb/accel_driver.hpp"
#include "tests/accel/program_case.hpp"

namespace {

using namespace tern;
using Dut = tern::gate::Model;  // the Verilated gate-level tern_top

// The build parameters as the gate-level model's CONFIG registers report them (docs/registers.md).
HwConfig gate_hw() {
  static const HwConfig hw = [] {
    tb::AccelDriver<Dut> drv(std::vector<uint64_t>(8, 0), tb::MemTiming::ideal(), 1, std::string(gate::kName) + "_cfg");
    return tb::read_config(drv);
  }();
  return hw;
}

int env_int(const char* name, int dflt) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : dflt;
}

using Case = tern::test::ProgramCase;
using tern::test::check_outputs;
using tern::test::check_stats;

// A random program that fits the (small) gate-level build, with random formats and bit-serial layers.
Case make_case(std::mt19937_64& rng, const HwConfig& hw) {
  RandomModelSpec spec = tern::test::default_spec();
  spec.max_layers = 3;
  spec.max_hw = 6;
  spec.max_c = 2;
  spec.max_m = 4;
  spec.allow_syq = hw.syq;
  return tern::test::make_case(rng, hw, spec);
}

// (Only one model exists at a time: Verilator 5.006 deadlocks destroying a second live model whose
// public scopes have the same names.)
TEST(GateLevel, ConfigRegisters) {
  const HwConfig hw = gate_hw();  // the build parameters given to synthesis (tests/gate/CMakeLists.txt)
  {
    tb::AccelDriver<Dut> drv({0}, tb::MemTiming::ideal(), 1, std::string(gate::kName) + "_config");
    EXPECT_EQ(drv.read32(tb::reg::kId), 0x5445524Eu);
  }
  EXPECT_EQ(hw.cols, gate::kCols);
  EXPECT_EQ(hw.lanes, gate::kLanes);
  EXPECT_EQ(hw.pack, gate::kPack);
  EXPECT_EQ(hw.bank_bytes, gate::kBankBytes);
  EXPECT_EQ(hw.max_conv_row, gate::kMaxConvRow);
  EXPECT_EQ(hw.cache_words, gate::kCacheWords);
  EXPECT_EQ(hw.rq_units, gate::kRqUnits);
}

TEST(GateLevel, RandomProgramsIdealMemory) {
  const HwConfig hw = gate_hw();
  std::mt19937_64 rng(606);
  const int n = env_int("TERN_GATE_PROGRAMS", 200);
  int layers = 0;
  uint32_t wtypes = 0, formats = 0, serial = 0, pools = 0, syq = 0;  // coverage of the random programs
  for (int t = 0; t < n; ++t) {
    const Case c = make_case(rng, hw);
    const std::string what = std::string(gate::kName) + " program " + std::to_string(t);
    tb::AccelDriver<Dut> drv(c.prog.image, tb::MemTiming::ideal(), 1,
                             std::string(gate::kName) + "_ideal_" + std::to_string(t));
    const tb::RunResult r = drv.run(c.prog.prog_base, 5000000);
    ASSERT_TRUE(r.finished) << what << " did not finish";
    ASSERT_FALSE(r.error) << what << " error code 0x" << std::hex << int{r.err_code};
    check_outputs(c, drv.mem().words(), what);
    check_stats(c, drv.mem().words(), what);
    ASSERT_FALSE(::testing::Test::HasFailure()) << what;
    layers += static_cast<int>(c.prog.layers.size());
    for (const CompiledLayer& L : c.prog.layers) {
      if (L.desc.op == Op::kPool) {
        ++pools;
        continue;
      }
      wtypes |= 1u << L.desc.wtype;
      formats |= 1u << L.desc.fmt;
      serial += L.desc.bitserial;
      syq += L.desc.syq;
    }
  }
  RecordProperty("layers", layers);
  std::printf("%s: %d programs, %d layers (%u bit-serial, %u max-pool, %u SYQ), weight types 0x%02x, formats 0x%x\n",
              gate::kName, n, layers, serial, pools, syq, wtypes, formats);
  EXPECT_GE(layers, n);
  if (n >= 100) {  // the default run covers every weight type and format of the build, and bit-serial
    EXPECT_EQ(wtypes, hw.mac_types);
    EXPECT_EQ(formats, hw.formats);
    EXPECT_GT(serial, 0u);
    EXPECT_GT(pools, 0u);
  }
}

TEST(GateLevel, RandomProgramsRandomLatencyMemory) {
  const HwConfig hw = gate_hw();
  std::mt19937_64 rng(707);
  const int n = env_int("TERN_GATE_SLOW_PROGRAMS", 40);
  for (int t = 0; t < n; ++t) {
    const Case c = make_case(rng, hw);
    tb::MemTiming mt;
    mt.min_latency = 1;
    mt.max_latency = 1 + static_cast<int>(rng() % 12);
    mt.p_req_ready = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
    mt.p_rsp_valid = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
    tb::AccelDriver<Dut> drv(c.prog.image, mt, 11 + t, std::string(gate::kName) + "_slow_" + std::to_string(t));
    const tb::RunResult r = drv.run(c.prog.prog_base, 20000000);
    ASSERT_TRUE(r.finished && !r.error) << "program " << t << " err 0x" << std::hex << int{r.err_code};
    check_outputs(c, drv.mem().words(), std::string(gate::kName) + " slow program " + std::to_string(t));
  }
}

}  // namespace
