// tern_mul against golden/arith: exhaustive over every code x every activation for activations up to
// 8 bits, constrained random (plus corners) beyond; every weight type and activation kind.
#include <gtest/gtest.h>

#include <random>

#include "golden/arith.hpp"
#include "tb/bits.hpp"
#include "tern_vm_arith_configs.hpp"

namespace {

using tern::ActKind;
using tern::WeightType;

template <class Cfg>
class MulTest : public ::testing::Test {};
TYPED_TEST_SUITE(MulTest, tern_mul_configs);

TYPED_TEST(MulTest, MatchesGolden) {
  using Cfg = TypeParam;
  VerilatedContext ctx;
  typename Cfg::Model m(&ctx, "top");
  const auto wt = static_cast<WeightType>(Cfg::WgtType);
  const auto kind = static_cast<ActKind>(Cfg::ActKind);
  ASSERT_TRUE(tern::act_kind_supported(wt, kind, Cfg::ActBits));
  const int cbits = tern::code_bits(wt, Cfg::IntBits);
  const int pbits = tern::act_prod_bits(wt, Cfg::IntBits, Cfg::ActBits, kind);
  const bool exhaustive = Cfg::ActBits <= 8;
  const uint64_t amask = (uint64_t{1} << Cfg::ActBits) - 1;
  // Random activations (beyond 8 bits), always with the corners 0, 1, max, min and -1.
  std::vector<uint64_t> raws;
  if (exhaustive) {
    for (uint64_t a = 0; a <= amask; ++a) raws.push_back(a);
  } else {
    raws = {0, 1, amask, amask >> 1, (amask >> 1) + 1, amask - 1};
    std::mt19937_64 rng(Cfg::ActBits * 7 + Cfg::WgtType);
    for (int i = 0; i < 4000; ++i) raws.push_back(rng() & amask);
  }
  int64_t checked = 0;
  for (uint32_t code = 0; code < (1u << cbits); ++code) {
    for (uint64_t a : raws) {
      m.act_i = a;
      m.wgt_i = code;
      m.eval();
      const int64_t act = tern::act_decode(kind, a, Cfg::ActBits, Cfg::ActSigned != 0);
      const int64_t want = tern::product(wt, code, act, Cfg::IntBits);
      const int64_t got = tern::tb::sext(m.prod_o, pbits);
      ASSERT_EQ(got, want) << Cfg::kName << " act=" << act << " (raw " << a << ") code=" << code;
      const bool nz = tern::decode_weight(wt, code, Cfg::IntBits).value_or(0) != 0;
      ASSERT_EQ(static_cast<bool>(m.nonzero_o), nz) << Cfg::kName << " code=" << code;
      ++checked;
    }
  }
  if (exhaustive) EXPECT_EQ(checked, int64_t{1} << (cbits + Cfg::ActBits));
}

// XNOR-popcount: count and 2*count - N against golden xnor_dot, exhaustive for few lanes.
template <class Cfg>
class XnorPopcountTest : public ::testing::Test {};
TYPED_TEST_SUITE(XnorPopcountTest, tern_xnor_popcount_configs);

TYPED_TEST(XnorPopcountTest, MatchesGolden) {
  using Cfg = TypeParam;
  constexpr int kL = static_cast<int>(Cfg::Lanes);
  VerilatedContext ctx;
  typename Cfg::Model m(&ctx, "top");
  const int sbits = 2 + tern::clog2c(kL);
  std::mt19937_64 rng(kL);
  const bool exhaustive = 2 * kL <= 16;
  const uint64_t lmask = kL >= 64 ? ~uint64_t{0} : (uint64_t{1} << kL) - 1;
  const uint64_t n = exhaustive ? (uint64_t{1} << (2 * kL)) : 20000;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t w, a;
    if (exhaustive) {
      w = i & lmask;
      a = (i >> kL) & lmask;
    } else if (i < 4) {  // all agree / all disagree
      w = (i & 1) ? lmask : 0;
      a = (i & 2) ? lmask : 0;
    } else {
      w = rng() & lmask;
      a = rng() & lmask;
    }
    tern::tb::set_bits(m.wgt_i, 0, kL, w);
    tern::tb::set_bits(m.act_i, 0, kL, a);
    m.eval();
    std::vector<uint8_t> wb(kL), ab(kL);
    int agree = 0;
    for (int l = 0; l < kL; ++l) {
      wb[l] = (w >> l) & 1u;
      ab[l] = (a >> l) & 1u;
      agree += wb[l] == ab[l];
    }
    ASSERT_EQ(static_cast<int>(m.count_o), agree) << Cfg::kName << " w=" << w << " a=" << a;
    ASSERT_EQ(tern::tb::sext(m.sum_o, sbits), tern::xnor_dot(wb, ab)) << Cfg::kName << " w=" << w << " a=" << a;
  }
}

}  // namespace
