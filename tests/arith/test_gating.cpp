// Ternary gating: a zero weight must not clock the accumulator register of tern_mac.
#include <gtest/gtest.h>

#include <random>

#include "tb/sim.hpp"
#include "tern_vm_arith_configs.hpp"

namespace {

TEST(MacGating, ZeroTernaryWeightsLeaveAccumulatorUntouched) {
  tern::tb::Sim<Vmac_ternary_l1> sim("mac_gating");
  sim->ready_i = 1;
  sim->valid_i = 0;
  sim.reset();
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> act(0, 255);
  int zero_beats = 0;
  int nonzero_beats = 0;
  for (int i = 0; i < 2000; ++i) {
    const int kind = static_cast<int>(rng() % 3);  // 0: weight 0, 1: +1, 2: -1
    const uint32_t code = kind == 0 ? 0u : (kind == 1 ? 1u : 3u);
    sim->valid_i = 1;
    sim->act_i = static_cast<uint8_t>(act(rng));
    sim->wgt_i = code;
    sim->last_i = (i % 50 == 49);
    sim.settle();
    ASSERT_TRUE(sim->ready_o);
    const auto before = sim->rootp->tern_mac__DOT__acc_q;
    sim.tick();
    const auto after = sim->rootp->tern_mac__DOT__acc_q;
    if (code == 0 || (i % 50 == 49)) {
      ASSERT_EQ(before, after) << "accumulator changed on a zero/last beat at cycle " << sim.cycle();
      ++zero_beats;
    } else {
      ++nonzero_beats;
    }
  }
  EXPECT_GT(zero_beats, 600);
  EXPECT_GT(nonzero_beats, 1000);
}

}  // namespace
