// tern_requant against its C++ twin golden/core/tern_requant every cycle under random inputs (every mode, every
// out_bits code, accumulators at the extremes, shifts beyond the product width), and the contract: with legal
// layer constants held, the result three cycles after an accumulator equals requantise_q (the reference
// inference's requantisation).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <string>

#include "golden/core/tern_requant.hpp"
#include "golden/net/reference.hpp"
#include "tb/sim.hpp"
#include "tests/core/requant_draw.hpp"
#include "tern_vm_requant_configs.hpp"

namespace {

using tern::test::draw_acc;
using tern::test::draw_q;
using tern::RequantIn;
using tern::RequantModel;

template <class Cfg>
class RequantTest : public ::testing::Test {};
using Configs = ::testing::Types<Vrequant_a32_cfg, Vrequant_a20_cfg>;
TYPED_TEST_SUITE(RequantTest, Configs);

TYPED_TEST(RequantTest, LockstepWithTwin) {
  using Cfg = TypeParam;
  const int bits = static_cast<int>(Cfg::AccBits);
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_lockstep");
  auto& m = sim.model();
  RequantModel twin(bits);
  std::mt19937_64 rng(11 + static_cast<uint64_t>(bits));
  int checked = 0;
  for (int t = 0; t < 60000; ++t) {
    RequantIn in;
    in.acc = draw_acc(rng, bits);
    in.mode = static_cast<int>(rng() % 4);
    in.out_bits = static_cast<int>(rng() % 16);
    in.out_signed = rng() % 2;
    in.q0 = draw_q(rng);
    in.q1 = draw_q(rng);
    in.q2 = rng() % 2 ? static_cast<int32_t>(rng() % 64) : draw_q(rng);
    m.acc_i = static_cast<uint32_t>(static_cast<uint64_t>(in.acc) & ((uint64_t{1} << bits) - 1));
    m.mode_i = static_cast<uint8_t>(in.mode);
    m.out_bits_i = static_cast<uint8_t>(in.out_bits);
    m.out_signed_i = in.out_signed;
    m.q0_i = static_cast<uint32_t>(in.q0);
    m.q1_i = static_cast<uint32_t>(in.q1);
    m.q2_i = static_cast<uint32_t>(in.q2);
    sim.settle();
    if (t >= 3) {  // the pipeline holds defined values from the fourth cycle on
      ASSERT_EQ(static_cast<int32_t>(m.y_o), twin.y()) << Cfg::kName << " cycle " << t;
      ++checked;
    }
    sim.tick();
    twin.tick(in);
  }
  EXPECT_GT(checked, 59000);
}

// Legal layer constants held for a stretch (a layer), accumulators streaming: y three cycles later equals
// requantise_q, in every mode and precision.
TYPED_TEST(RequantTest, EqualsReferenceRequantisation) {
  using Cfg = TypeParam;
  const int bits = static_cast<int>(Cfg::AccBits);
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_contract");
  auto& m = sim.model();
  std::mt19937_64 rng(5 + static_cast<uint64_t>(bits));
  int checked = 0, clamped = 0;
  for (int layer = 0; layer < 300; ++layer) {
    const tern::test::LegalLayer L = tern::test::draw_legal_layer(rng);
    const int mode = L.mode, out_bits = L.out_bits;
    const bool out_signed = L.out_signed;
    std::deque<int32_t> want;
    for (int t = 0; t < 40; ++t) {
      const auto [q0, q1, q2] = tern::test::draw_legal_q(rng, mode);
      const int64_t acc = draw_acc(rng, bits);
      m.acc_i = static_cast<uint32_t>(static_cast<uint64_t>(acc) & ((uint64_t{1} << bits) - 1));
      m.mode_i = static_cast<uint8_t>(mode);
      m.out_bits_i = static_cast<uint8_t>(out_bits);
      m.out_signed_i = out_signed;
      m.q0_i = static_cast<uint32_t>(q0);
      m.q1_i = static_cast<uint32_t>(q1);
      m.q2_i = static_cast<uint32_t>(q2);
      sim.settle();
      if (want.size() == 3) {
        ASSERT_EQ(static_cast<int32_t>(m.y_o), want.front()) << Cfg::kName << " layer " << layer << " mode " << mode;
        want.pop_front();
        ++checked;
      }
      const int32_t y = tern::requantise_q(mode, out_bits, out_signed, q0, q1, q2, acc);
      clamped += tern::test::at_clamp(y, L);
      want.push_back(y);
      sim.tick();
    }
  }
  EXPECT_GT(checked, 11000);
  EXPECT_GT(clamped, 100);
}

}  // namespace
