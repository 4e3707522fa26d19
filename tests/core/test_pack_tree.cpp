// tern_pack_tree (the packed 8-term tree of a Pack = 8 lane) against its C++ twin golden/core/tern_pack_tree on
// random and corner inputs, in three builds (ternary and binary, ternary only, binary only); and the contract
// for legal codes: sum_o is the reference dot product (golden/weights decode_weight() x golden/arith act_value()).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "golden/arith.hpp"
#include "golden/core/tern_pack_tree.hpp"
#include "golden/weights.hpp"
#include "tb/bits.hpp"
#include "tern_vm_pack_tree_configs.hpp"

namespace {

using tern::WeightType;

template <class Cfg>
class PackTreeTest : public ::testing::Test {};
using Configs = tern_pack_tree_configs;
TYPED_TEST_SUITE(PackTreeTest, Configs);

template <class M>
int32_t eval(M& m, bool bin, bool xnor, bool sg, uint16_t codes, uint64_t act) {
  m.bin_i = bin;
  m.xnor_i = xnor;
  m.act_signed_i = sg;
  m.codes_i = codes;
  m.act_i = act;
  m.eval();
  return static_cast<int32_t>(tern::tb::sext(m.sum_o, 13));
}

TYPED_TEST(PackTreeTest, EqualsTwin) {
  using Cfg = TypeParam;
  typename Cfg::Model m;
  std::mt19937_64 rng(5 + Cfg::Binary * 2 + Cfg::Ternary);
  // corners: every byte 0x00 / 0x7f / 0x80 / 0xff / 0x01 with every code all-zero / all-ones / alternating
  const uint64_t acts[] = {0, 0x7f7f7f7f7f7f7f7full, 0x8080808080808080ull, ~uint64_t{0}, 0x0101010101010101ull};
  const uint16_t codes[] = {0, 0xffff, 0x5555, 0xaaaa, 0x00ff, 0xff00};
  int checked = 0;
  for (int i = 0; i < 200000 + 5 * 6 * 8; ++i) {
    uint64_t act;
    uint16_t c;
    int mode;
    if (i < 5 * 6 * 8) {
      act = acts[i % 5];
      c = codes[(i / 5) % 6];
      mode = i / 30;
    } else {
      act = rng();
      c = static_cast<uint16_t>(rng());
      mode = static_cast<int>(rng() % 8);
    }
    const bool bin = mode & 1, xnor = (mode >> 1) & 1, sg = (mode >> 2) & 1;
    const int32_t want = tern::pack_tree_sum(Cfg::Ternary != 0, Cfg::Binary != 0, bin, xnor, sg, c, act);
    ASSERT_EQ(eval(m, bin, xnor, sg, c, act), want)
        << Cfg::kName << " act " << std::hex << act << " codes " << c << std::dec << " bin " << bin << " xnor " << xnor
        << " signed " << sg;
    ++checked;
  }
  EXPECT_EQ(checked, 200240);
}

TYPED_TEST(PackTreeTest, LegalCodesGiveTheReferenceDotProduct) {
  using Cfg = TypeParam;
  typename Cfg::Model m;
  std::mt19937_64 rng(17);
  int checked = 0;
  for (const WeightType wt : {WeightType::kTernary, WeightType::kBinary}) {
    const bool bin = wt == WeightType::kBinary;
    if (bin ? !Cfg::Binary : !Cfg::Ternary) continue;
    const auto vals = tern::weight_values(wt, 8);
    for (int i = 0; i < 20000; ++i) {
      const uint64_t act = rng();
      const bool xnor = bin && rng() % 3 == 0, sg = xnor || rng() % 2;
      uint16_t codes = 0;
      int64_t want = 0;
      for (int j = 0; j < 8; ++j) {
        const uint32_t code = tern::encode_weight(wt, vals[rng() % vals.size()], 8).value();
        codes = static_cast<uint16_t>(codes | (code << ((bin ? 1 : 2) * j)));
        const uint32_t byte = static_cast<uint32_t>(act >> (8 * j)) & 0xffu;
        const int64_t a = xnor ? ((byte & 1u) ? 1 : -1) : tern::act_value(byte, 8, sg);
        want += tern::decode_weight(wt, code, 8).value() * a;
      }
      ASSERT_EQ(eval(m, bin, xnor, sg, codes, act), want) << Cfg::kName << " " << tern::to_string(wt);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20000 * ((Cfg::Ternary != 0) + (Cfg::Binary != 0)));
}

TEST(PackTreeTwin, RefusesABuildWithoutTypes) {
  EXPECT_THROW(tern::pack_tree_sum(false, false, false, false, false, 0, 0), std::invalid_argument);
}

}  // namespace
