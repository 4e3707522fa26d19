// tern_rq_pool against its C++ twin golden/core/tern_rq_pool every cycle under a random environment: layers of
// random shape (passes, active columns in the last pass, band rows, columns, output rows), columns finishing
// groups at random times (pending), random accumulators and layer constants, writer credit taken at random;
// and the contract: every (lane, group, chunk) of a layer reaches the writer once, in order, as the channels
// and pixel it names. One build has serial requantisers (RqSerial: one chunk in flight, 24 cycles each).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "golden/core/tern_rq_pool.hpp"
#include "tb/bits.hpp"
#include "tb/sim.hpp"
#include "tern_vm_rq_pool_configs.hpp"

namespace {

using tern::RqPoolIn;
using tern::RqPoolModel;
using tern::RqPoolOut;
using tern::tb::get_bits;
using tern::tb::set_bits;

template <class Cfg>
class RqPoolTest : public ::testing::Test {};
using Configs = ::testing::Types<Vrqp_c4_l2_u2_cfg, Vrqp_c8_l3_u8_cfg, Vrqp_c2_l1_u1_cfg, Vrqp_c4_l3_u2_ser_cfg>;
TYPED_TEST_SUITE(RqPoolTest, Configs);

template <class Cfg, class M>
void drive(M& m, const RqPoolIn& in) {
  constexpr int kCols = static_cast<int>(Cfg::Cols), kAcc = static_cast<int>(Cfg::AccBits);
  m.run_i = in.run;
  m.passes_i = in.passes;
  m.rem_i = in.rem;
  m.gy_n_i = in.gy_n;
  m.gx_n_i = in.gx_n;
  m.e_i = in.e;
  m.mode_i = static_cast<uint8_t>(in.mode);
  m.out_bits_i = static_cast<uint8_t>(in.out_bits);
  m.out_signed_i = in.out_signed;
  m.wr_count_i = static_cast<uint8_t>(in.wr_count);
  for (int c = 0; c < kCols; ++c) {
    set_bits(m.pending_i, 2 * c, 2, static_cast<uint64_t>(in.pending[c]));
    set_bits(m.acc_i, c * kAcc, kAcc, in.acc[c]);
    for (int j = 0; j < 6; ++j) set_bits(m.grp_q_i, c * 192 + 32 * j, 32, static_cast<uint32_t>(in.grp_q[c][j]));
  }
}

template <class Cfg, class M>
RqPoolOut sample(M& m) {
  RqPoolOut o;
  o.lsel = m.lsel_o;
  o.dpar = m.dpar_o;
  o.drained = m.drained_o;
  o.barrier_ok = m.barrier_ok_o;
  o.done = m.done_o;
  o.ck_valid = m.ck_valid_o;
  o.ck_y = m.ck_y_o;
  o.ck_x = m.ck_x_o;
  o.ck_m = m.ck_m_o;
  o.ck_mask = m.ck_mask_o;
  for (int u = 0; u < 8; ++u) o.ck_data[u] = static_cast<uint32_t>(get_bits(m.ck_data_o, 32 * u, 32));
  return o;
}

TYPED_TEST(RqPoolTest, LockstepWithTwinAndEveryChunkOnce) {
  using Cfg = TypeParam;
  constexpr int kCols = static_cast<int>(Cfg::Cols), kLanes = static_cast<int>(Cfg::Lanes);
  constexpr int kUnits = static_cast<int>(Cfg::RqUnits), kDepth = static_cast<int>(Cfg::WDepth);
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_lockstep");
  auto& m = sim.model();
  RqPoolModel twin(kCols, kLanes, kUnits, static_cast<int>(Cfg::AccBits), kDepth, Cfg::RqSerial != 0);
  std::mt19937_64 rng(77 + kCols);
  RqPoolIn in;
  in.pending.assign(kCols, 0);
  in.acc.assign(kCols, 0);
  in.grp_q.assign(kCols, {});
  drive<Cfg>(m, in);
  sim.reset();
  twin.reset();
  int layers = 0, chunks = 0;
  uint64_t cycle = 0;
  for (int layer = 0; layer < 120; ++layer) {
    in.run = true;
    in.passes = static_cast<uint16_t>(1 + rng() % 3);
    in.rem = static_cast<uint16_t>(1 + rng() % kCols);
    in.gy_n = static_cast<uint16_t>(1 + rng() % 3);
    in.gx_n = static_cast<uint16_t>(1 + rng() % 3);
    in.e = static_cast<uint16_t>(1 + rng() % (kLanes * in.gy_n));
    in.mode = static_cast<int>(rng() % 3);
    in.out_bits = 1 + static_cast<int>(rng() % 8);
    in.out_signed = rng() % 2;
    // the chunks the layer must produce, in order: (y, x, first channel, mask)
    std::vector<std::array<int, 4>> want;
    for (int p = 0; p < in.passes; ++p) {
      for (int gy = 0; gy < in.gy_n; ++gy) {
        for (int gx = 0; gx < in.gx_n; ++gx) {
          for (int l = 0; l < kLanes; ++l) {
            const int y = l * in.gy_n + gy;
            if (y >= in.e) continue;
            for (int k = 0; k < kCols / kUnits; ++k) {
              int mask = 0;
              for (int u = 0; u < kUnits; ++u) {
                if (p != in.passes - 1 || k * kUnits + u < in.rem) mask |= 1 << u;
              }
              if (mask) want.push_back({y, gx, p * kCols + k * kUnits, mask});
            }
          }
        }
      }
    }
    size_t got = 0;
    int idle = 0;
    for (int t = 0; t < 4000; ++t, ++cycle) {
      for (int c = 0; c < kCols; ++c) {
        if (rng() % 3 == 0) in.pending[c] = static_cast<int>(rng() % 4);
        in.acc[c] = rng() & ((uint64_t{1} << Cfg::AccBits) - 1);
        for (int j = 0; j < 6; ++j) in.grp_q[c][j] = static_cast<int32_t>(rng() % 4000) - 2000;
      }
      in.wr_count = static_cast<int>(rng() % (kDepth - twin.in_flight() + 1));  // the writer never overfills
      drive<Cfg>(m, in);
      sim.settle();
      const RqPoolOut want_o = twin.eval(in), got_o = sample<Cfg>(m);
      const std::string where = std::string(Cfg::kName) + " layer " + std::to_string(layer) + " cycle " + std::to_string(t);
      ASSERT_EQ(got_o.lsel, want_o.lsel) << where;
      ASSERT_EQ(got_o.dpar, want_o.dpar) << where;
      ASSERT_EQ(got_o.drained, want_o.drained) << where;
      ASSERT_EQ(got_o.barrier_ok, want_o.barrier_ok) << where;
      ASSERT_EQ(got_o.done, want_o.done) << where;
      ASSERT_EQ(got_o.ck_valid, want_o.ck_valid) << where;
      if (cycle >= 3) {
        ASSERT_EQ(got_o.ck_y, want_o.ck_y) << where;
        ASSERT_EQ(got_o.ck_x, want_o.ck_x) << where;
        ASSERT_EQ(got_o.ck_m, want_o.ck_m) << where;
        ASSERT_EQ(got_o.ck_mask, want_o.ck_mask) << where;
        for (int u = 0; u < 8; ++u) ASSERT_EQ(got_o.ck_data[u], want_o.ck_data[u]) << where << " unit " << u;
      }
      if (got_o.ck_valid) {
        ASSERT_LT(got, want.size()) << where << ": more chunks than the layer has";
        const std::array<int, 4> g = {got_o.ck_y, got_o.ck_x, got_o.ck_m, got_o.ck_mask};
        ASSERT_EQ(g, want[got]) << where << " chunk " << got;
        ++got;
      }
      sim.tick();
      twin.tick(in);
      if (got_o.done && ++idle > 2) break;
    }
    ASSERT_EQ(got, want.size()) << Cfg::kName << " layer " << layer << ": chunks missing";
    chunks += static_cast<int>(got);
    in.run = false;  // between layers
    drive<Cfg>(m, in);
    sim.tick();
    twin.tick(in);
    ++cycle;
    ++layers;
  }
  EXPECT_EQ(layers, 120);
  EXPECT_GT(chunks, 500);
}

}  // namespace
