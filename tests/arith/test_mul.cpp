// Exhaustive checks of the combinational product units (tern_mul) against golden/arith.
#include <gtest/gtest.h>

#include "golden/arith.hpp"
#include "tb/bits.hpp"
#include "tern_vm_arith_configs.hpp"

namespace {

using tern::WeightType;

template <class Cfg>
class MulTest : public ::testing::Test {};
TYPED_TEST_SUITE(MulTest, tern_mul_configs);

TYPED_TEST(MulTest, ExhaustiveMatchesGolden) {
  using Cfg = TypeParam;
  VerilatedContext ctx;
  typename Cfg::Model m(&ctx, "top");
  const auto wt = static_cast<WeightType>(Cfg::WgtType);
  const int cbits = tern::code_bits(wt, Cfg::IntBits);
  const int pbits = tern::prod_bits(wt, Cfg::IntBits, Cfg::ActBits);
  int64_t checked = 0;
  for (uint32_t code = 0; code < (1u << cbits); ++code) {
    for (uint64_t a = 0; a < (uint64_t{1} << Cfg::ActBits); ++a) {
      m.act_i = a;
      m.wgt_i = code;
      m.eval();
      const int64_t act = tern::act_value(a, Cfg::ActBits, Cfg::ActSigned != 0);
      const int64_t want = tern::product(wt, code, act, Cfg::IntBits);
      const int64_t got = tern::tb::sext(m.prod_o, pbits);
      ASSERT_EQ(got, want) << Cfg::kName << " act=" << act << " code=" << code;
      const bool nz = tern::decode_weight(wt, code, Cfg::IntBits).value_or(0) != 0;
      ASSERT_EQ(static_cast<bool>(m.nonzero_o), nz) << Cfg::kName << " code=" << code;
      ++checked;
    }
  }
  EXPECT_EQ(checked, int64_t{1} << (cbits + Cfg::ActBits));
}

}  // namespace
