// tern_requant_ser (the serial requantiser of RqSerial builds) against its C++ twin
// golden/core/tern_requant_ser every cycle under random inputs (starts at random while idle, random clears, every
// mode and out_bits code, accumulators at the extremes, shifts beyond the product width), and the contract: a job
// started with legal layer constants ends kLatency cycles later with done_o and y_o equal to requantise_q (the
// reference inference's requantisation) and to what tern_requant computes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "golden/core/tern_requant_ser.hpp"
#include "golden/net/reference.hpp"
#include "tb/sim.hpp"
#include "tern_vm_requant_ser_configs.hpp"
#include "tests/core/requant_draw.hpp"

namespace {

using tern::RequantIn;
using tern::RequantSerModel;
using tern::test::draw_acc;
using tern::test::draw_q;

template <class Cfg>
class RequantSerTest : public ::testing::Test {};
using Configs = ::testing::Types<Vrequant_ser_a32_cfg, Vrequant_ser_a24_cfg>;
TYPED_TEST_SUITE(RequantSerTest, Configs);

template <class M>
void drive(M& m, const RequantIn& in, int bits, bool start, bool clear) {
  m.start_i = start;
  m.clear_i = clear;
  m.acc_i = static_cast<uint32_t>(static_cast<uint64_t>(in.acc) & ((uint64_t{1} << bits) - 1));
  m.mode_i = static_cast<uint8_t>(in.mode);
  m.out_bits_i = static_cast<uint8_t>(in.out_bits);
  m.out_signed_i = in.out_signed;
  m.q0_i = static_cast<uint32_t>(in.q0);
  m.q1_i = static_cast<uint32_t>(in.q1);
  m.q2_i = static_cast<uint32_t>(in.q2);
}

TYPED_TEST(RequantSerTest, LockstepWithTwin) {
  using Cfg = TypeParam;
  const int bits = static_cast<int>(Cfg::AccBits);
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_lockstep");
  auto& m = sim.model();
  RequantSerModel twin(bits);
  std::mt19937_64 rng(13 + static_cast<uint64_t>(bits));
  sim.reset();
  twin.reset();
  int jobs = 0, done = 0, clears = 0;
  RequantIn in;
  for (int t = 0; t < 80000; ++t) {
    // out_bits / out_signed change only between jobs (held for the layer); the other inputs every cycle
    if (!twin.busy() && rng() % 8 == 0) {
      in.out_bits = static_cast<int>(rng() % 16);
      in.out_signed = rng() % 2;
    }
    in.acc = draw_acc(rng, bits);
    in.mode = static_cast<int>(rng() % 4);
    in.q0 = draw_q(rng);
    in.q1 = draw_q(rng);
    in.q2 = rng() % 2 ? static_cast<int32_t>(rng() % 64) : draw_q(rng);
    const bool start = !twin.busy() && rng() % 3 == 0;
    const bool clear = rng() % 500 == 0;
    drive(m, in, bits, start, clear);
    sim.settle();
    const std::string where = std::string(Cfg::kName) + " cycle " + std::to_string(t);
    ASSERT_EQ(static_cast<bool>(m.busy_o), twin.busy()) << where;
    ASSERT_EQ(static_cast<bool>(m.done_o), twin.done()) << where;
    ASSERT_EQ(static_cast<int32_t>(m.y_o), twin.y()) << where;
    jobs += start && !clear;
    done += twin.done();
    clears += clear;
    sim.tick();
    twin.tick(false, clear, start, in);
  }
  EXPECT_GT(done, 2000);
  EXPECT_GT(clears, 50);
}

// Jobs with legal layer constants: done_o exactly kLatency cycles after the start, y_o = requantise_q, in every
// mode and precision; the shift range includes the largest legal shifts (0..47).
TYPED_TEST(RequantSerTest, EqualsReferenceRequantisation) {
  using Cfg = TypeParam;
  const int bits = static_cast<int>(Cfg::AccBits);
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_contract");
  auto& m = sim.model();
  std::mt19937_64 rng(7 + static_cast<uint64_t>(bits));
  sim.reset();
  int checked = 0, clamped = 0;
  for (int job = 0; job < 3000; ++job) {
    const tern::test::LegalLayer L = tern::test::draw_legal_layer(rng);
    RequantIn in;
    in.mode = L.mode;
    in.out_bits = L.out_bits;
    in.out_signed = L.out_signed;
    const auto q = tern::test::draw_legal_q(rng, in.mode);
    in.q0 = q[0];
    in.q1 = q[1];
    in.q2 = q[2];
    in.acc = draw_acc(rng, bits);
    const int32_t want = tern::requantise_q(in.mode, in.out_bits, in.out_signed, in.q0, in.q1, in.q2, in.acc);
    drive(m, in, bits, true, false);
    sim.tick();
    RequantIn idle = in;  // the other inputs change while the unit computes; the held ones do not
    int t = 1;
    for (; t <= RequantSerModel::kLatency + 1 && !m.done_o; ++t) {
      idle.acc = draw_acc(rng, bits);
      idle.q0 = draw_q(rng);
      idle.q1 = draw_q(rng);
      idle.q2 = draw_q(rng);
      drive(m, idle, bits, false, false);
      sim.settle();
      if (m.done_o) break;
      sim.tick();
    }
    ASSERT_EQ(t, RequantSerModel::kLatency) << Cfg::kName << " job " << job << ": done_o cycle";
    ASSERT_EQ(static_cast<int32_t>(m.y_o), want)
        << Cfg::kName << " job " << job << " mode " << in.mode << " shift " << in.q2;
    ++checked;
    clamped += tern::test::at_clamp(want, L);
  }
  EXPECT_EQ(checked, 3000);
  EXPECT_GT(clamped, 100);
}

}  // namespace
