// Randomised initial state: tern_top built with --x-assign unique --x-initial unique and run with
// Verilator's random reset (randReset 2) under several seeds must give the same outputs and the same
// cycle counts as the golden and cycle models, whatever its registers and memories power up with.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/random_model.hpp"
#include "tb/accel_driver.hpp"
#include "tern_vm_accel_x_configs.hpp"
#include "tests/accel/program_case.hpp"

namespace {

using namespace tern;
using Drv = tb::AccelDriver<Vaccel_xrand>;

constexpr int kSeeds[] = {1, 2, 3, 977};

HwConfig x_hw() { return tern::test::hw_of<Vaccel_xrand_cfg>(); }

using tern::test::random_choices;

struct Case {
  Program prog;
  std::vector<uint64_t> golden;
};

std::vector<Case> programs(int n) {
  const HwConfig hw = x_hw();
  std::mt19937_64 rng(4242);
  std::vector<Case> out;
  while (static_cast<int>(out.size()) < n) {
    Case c;
    const Model m = random_model(rng, tern::test::default_spec());
    try {
      c.prog = compile(m, hw, random_choices(rng, m, hw));
    } catch (const CompileError&) {
      continue;
    }
    place_input(c.prog, random_image(rng, m));
    c.golden = c.prog.image;
    if (!execute(c.golden, c.prog.prog_base, hw).ok) continue;
    out.push_back(std::move(c));
  }
  return out;
}

// Restores the default (zero) initial state when a test ends.
struct XInit {
  explicit XInit(int seed) { tb::sim_init() = {2, seed}; }
  ~XInit() { tb::sim_init() = {}; }
};

// The build really starts from random values: before reset, register-driven outputs differ between
// seeds (and from the all-zero start).
TEST(AccelXInit, InitialStateIsRandomised) {
  std::set<uint64_t> seen;
  for (int seed : kSeeds) {
    XInit x(seed);
    tb::Sim<Vaccel_xrand> sim("xinit_probe");
    sim.settle();
    Vaccel_xrand& m = sim.model();
    seen.insert(uint64_t{m.s_rdata_o} ^ (uint64_t{m.wr_req_addr_o} << 32) ^ m.wr_req_data_o);
  }
  EXPECT_EQ(seen.size(), std::size(kSeeds)) << "power-up state did not change with the seed";
  EXPECT_EQ(seen.count(0), 0u);
}

TEST(AccelXInit, SameOutputsAndCyclesUnderEverySeed) {
  const HwConfig hw = x_hw();
  int runs = 0;
  for (const Case& c : programs(4)) {
    const auto want = predict_cycles(c.golden, c.prog.prog_base, hw);
    for (int seed : kSeeds) {
      XInit x(seed);
      for (int slow = 0; slow < 2; ++slow) {
        tb::MemTiming mt;
        if (slow) {
          mt.max_latency = 5;
          mt.p_req_ready = 0.6;
          mt.p_rsp_valid = 0.7;
        }
        const std::string what = "seed " + std::to_string(seed) + (slow ? " slow" : " ideal") + " memory";
        Drv drv(c.prog.image, mt, static_cast<uint64_t>(seed), "xinit");
        const tb::RunResult r = drv.run(c.prog.prog_base, 20000000);
        ASSERT_TRUE(r.finished && !r.error) << what << " code 0x" << std::hex << int{r.err_code};
        for (size_t i = 0; i < c.prog.layers.size(); ++i) {
          ASSERT_EQ(read_output(c.prog, drv.mem().words(), i), read_output(c.prog, c.golden, i)) << what << " layer " << i;
          if (!slow) {
            EXPECT_EQ(to_string(read_stats(c.prog, drv.mem().words(), i)), to_string(want[i])) << what << " layer " << i;
          }
        }
        ++runs;
      }
    }
  }
  std::printf("X-initial runs: %d (4 programs x %zu seeds x 2 memories)\n", runs, std::size(kSeeds));
}

}  // namespace
