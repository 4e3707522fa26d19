// tern_pool (max-pooling unit) against its C++ twin golden/core/tern_pool every cycle (every output) with
// random banks answering a cycle after the read and a writer taking chunks at random; plus the contract: the
// chunks are the window maxima of each lane's band (signed or unsigned bytes), eight channels at most, in
// group / channel-block / lane order, lanes without an output row skipped.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "golden/core/tern_pool.hpp"
#include "tb/bits.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tern_vm_pool_configs.hpp"

namespace {

using tern::PoolIn;
using tern::PoolModel;
using tern::PoolOut;

struct Chunk {
  uint32_t y, x, m, mask;
  std::array<uint32_t, 8> data;
  bool operator==(const Chunk& o) const {
    if (y != o.y || x != o.x || m != o.m || mask != o.mask) return false;
    for (int j = 0; j < 8; ++j)
      if (((mask >> j) & 1u) && data[static_cast<size_t>(j)] != o.data[static_cast<size_t>(j)]) return false;
    return true;
  }
};
std::ostream& operator<<(std::ostream& os, const Chunk& c) {
  return os << "(y " << c.y << " x " << c.x << " m " << c.m << " mask " << c.mask << ")";
}

template <class Cfg>
class PoolHarness {
 public:
  using Model = typename Cfg::Model;
  static constexpr int kLanes = static_cast<int>(Cfg::Lanes);
  static constexpr int kBank = static_cast<int>(Cfg::BankBytes);
  static constexpr int kDepth = static_cast<int>(Cfg::WDepth);

  PoolHarness(const std::string& name, double p_pop, uint64_t seed)
      : name_(name), sim_(name), twin_(kLanes, kBank, kDepth), p_pop_(p_pop), rng_(seed) {
    PoolIn idle;
    idle.rdata.assign(kLanes, 0);
    drive(idle);
    sim_.reset();
  }
  bool failed() const { return failed_; }
  uint64_t cycles() { return sim_.cycle(); }
  int64_t chunks() const { return chunks_; }

  // One random pooling layer that fits the banks; returns false if the drawn shape does not fit.
  bool layer() {
    PoolIn in;
    in.c = 1 + static_cast<uint32_t>(rng_() % 20);
    in.r = 1 + static_cast<int>(rng_() % 3);
    in.s = 1 + static_cast<int>(rng_() % 3);
    in.stride = 1 + static_cast<int>(rng_() % 2);
    in.f = 1 + static_cast<uint32_t>(rng_() % 3);
    in.eb = 1 + static_cast<uint32_t>(rng_() % 3);
    in.e = 1 + static_cast<uint32_t>(rng_() % (static_cast<uint64_t>(kLanes) * in.eb));
    in.side = rng_() % 2;
    in.is_signed = rng_() % 2;
    in.lpix = 0;
    while ((1u << in.lpix) < in.c) ++in.lpix;
    const uint32_t w = (in.f - 1) * static_cast<uint32_t>(in.stride) + static_cast<uint32_t>(in.s);
    in.lrow = in.lpix;
    while ((1u << (in.lrow - in.lpix)) < w) ++in.lrow;
    const uint32_t rows = (in.eb - 1) * static_cast<uint32_t>(in.stride) + static_cast<uint32_t>(in.r);
    if ((rows << in.lrow) > static_cast<uint32_t>(kBank)) return false;
    // banks: lane l, both sides
    std::vector<std::vector<uint8_t>> bank(kLanes, std::vector<uint8_t>(2 * kBank));
    for (auto& b : bank)
      for (auto& v : b) v = static_cast<uint8_t>(rng_());
    const auto want = expected(in, bank);
    std::vector<Chunk> got;
    in.rdata.assign(kLanes, 0);
    std::vector<uint64_t> rd(kLanes, 0);  // the banks' read registers
    int count = 0;                        // the writer's chunk FIFO
    step(in);                             // run_i low: the unit clears
    in.run = true;
    for (int64_t t = 0; t < 100000; ++t) {
      in.rdata = rd;
      in.wr_count = count;
      const PoolOut o = step(in);
      if (failed_) return true;
      if (o.ck_valid) {
        got.push_back({o.ck_y, o.ck_x, o.ck_m, o.ck_mask, o.ck_data});
        ++chunks_;
      }
      const bool pop = count > 0 && unit_(rng_) < p_pop_;
      count += (o.ck_valid ? 1 : 0) - (pop ? 1 : 0);
      EXPECT_LE(count, kDepth) << name_ << ": the writer's FIFO overflows";
      if (o.re)
        for (int l = 0; l < kLanes; ++l) {
          uint64_t v = 0;
          for (int b = 0; b < 8; ++b)
            v |= uint64_t{bank[static_cast<size_t>(l)][8 * o.raddr + static_cast<uint32_t>(b)]} << (8 * b);
          rd[static_cast<size_t>(l)] = v;
        }
      if (o.done && t > 0) break;
    }
    EXPECT_EQ(got, want) << name_;
    if (got != want) failed_ = true;
    return true;
  }

 private:
  // Window maxima of every lane's band, in the serializer's order.
  static std::vector<Chunk> expected(const PoolIn& in, const std::vector<std::vector<uint8_t>>& bank) {
    std::vector<Chunk> out;
    for (uint32_t gy = 0; gy < in.eb; ++gy)
      for (uint32_t gx = 0; gx < in.f; ++gx)
        for (uint32_t m = 0; m < in.c; m += 8)
          for (int l = 0; l < kLanes; ++l) {
            const uint32_t y = static_cast<uint32_t>(l) * in.eb + gy;
            if (y >= in.e) continue;
            Chunk k{y, gx, m, 0, {}};
            for (uint32_t c = m; c < std::min(m + 8, in.c); ++c) {
              int best = -1000;
              for (int r = 0; r < in.r; ++r)
                for (int s = 0; s < in.s; ++s) {
                  const uint32_t byte =
                      ((gy * static_cast<uint32_t>(in.stride) + static_cast<uint32_t>(r)) << in.lrow) |
                      ((gx * static_cast<uint32_t>(in.stride) + static_cast<uint32_t>(s)) << in.lpix) | c;
                  const uint8_t v = bank[static_cast<size_t>(l)][(in.side ? kBank : 0) + byte];
                  const int val = in.is_signed ? static_cast<int8_t>(v) : v;
                  best = std::max(best, val);
                }
              k.mask |= 1u << (c - m);
              k.data[c - m] = static_cast<uint8_t>(best);
            }
            out.push_back(k);
          }
    return out;
  }

  PoolOut step(const PoolIn& in) {
    drive(in);
    sim_.settle();
    const PoolOut w = twin_.eval(in);
    if (!compare(w)) failed_ = true;
    sim_.tick();
    twin_.tick(in);
    return w;
  }

  void drive(const PoolIn& in) {
    auto& m = sim_.model();
    m.run_i = in.run;
    m.side_i = in.side;
    m.signed_i = in.is_signed;
    m.c_i = static_cast<uint16_t>(in.c);
    m.e_i = static_cast<uint16_t>(in.e);
    m.eb_i = static_cast<uint16_t>(in.eb);
    m.f_i = static_cast<uint16_t>(in.f);
    m.r_i = static_cast<uint8_t>(in.r);
    m.s_i = static_cast<uint8_t>(in.s);
    m.stride_i = static_cast<uint8_t>(in.stride);
    m.lpix_i = static_cast<uint8_t>(in.lpix);
    m.lrow_i = static_cast<uint8_t>(in.lrow);
    for (int l = 0; l < kLanes; ++l)
      tern::tb::set_bits(m.rdata_i, static_cast<unsigned>(64 * l), 64, in.rdata[static_cast<size_t>(l)]);
    m.wr_count_i = static_cast<uint8_t>(in.wr_count);
  }

  bool compare(const PoolOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("re_o", m.re_o, w.re);
    chk("raddr_o", m.raddr_o, w.raddr);
    chk("ck_valid_o", m.ck_valid_o, w.ck_valid);
    chk("ck_y_o", m.ck_y_o, w.ck_y);
    chk("ck_x_o", m.ck_x_o, w.ck_x);
    chk("ck_m_o", m.ck_m_o, w.ck_m);
    chk("ck_mask_o", m.ck_mask_o, w.ck_mask);
    for (int j = 0; j < 8; ++j) chk("ck_data_o", m.ck_data_o[j], w.ck_data[static_cast<size_t>(j)]);
    chk("done_o", m.done_o, w.done);
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  PoolModel twin_;
  double p_pop_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  bool failed_ = false;
  int64_t chunks_ = 0;
};

template <class Cfg>
class PoolTest : public ::testing::Test {};
using PoolConfigs = ::testing::Types<Vpool_l4_b256_cfg, Vpool_l1_b64_d2_cfg, Vpool_l3_b512_d4_cfg>;
TYPED_TEST_SUITE(PoolTest, PoolConfigs);

TYPED_TEST(PoolTest, LockstepRandomLayersMatchWindowMaxima) {
  using Cfg = TypeParam;
  uint64_t seed = 1;
  for (double p_pop : {1.0, 0.5, 0.15}) {
    const std::string name = std::string(Cfg::kName) + "_layers_" + std::to_string(seed);
    PoolHarness<Cfg> h(name, p_pop, seed);
    int layers = 0;
    while (layers < 60) {
      if (h.layer()) ++layers;
      ASSERT_FALSE(h.failed()) << name << " layer " << layers;
    }
    EXPECT_GT(h.chunks(), 100) << name;
    std::printf("[cycles] %s %llu, %lld chunks\n", name.c_str(), static_cast<unsigned long long>(h.cycles()),
                static_cast<long long>(h.chunks()));
    ++seed;
  }
}

}  // namespace
