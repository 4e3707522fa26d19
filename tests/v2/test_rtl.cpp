// The Verilated engine v2 (tern_top_v2) on random programs: every layer's output tensor against the
// functional model and the reference inference.
#include <gtest/gtest.h>

#include "golden/v2/cycle_model.hpp"
#include "tb/accel_driver.hpp"
#include "tern_vm_v2_configs.hpp"
#include "tests/v2/v2_case.hpp"

namespace {

using namespace tern;
using namespace tern::test::v2;

template <class Cfg>
HwConfig hw_of() {
  HwConfig hw;
  hw.cols = static_cast<int>(Cfg::Cols);
  hw.lanes = static_cast<int>(Cfg::Lanes);
  hw.pack = static_cast<int>(Cfg::Pack);
  hw.bank_bytes = Cfg::BankBytes;
  hw.cache_words = Cfg::CacheWords;
  hw.max_conv_row = Cfg::MaxConvRow;
  hw.rq_units = static_cast<int>(Cfg::RqUnits);
  return hw;
}

template <class Cfg>
class V2Rtl : public ::testing::Test {};
TYPED_TEST_SUITE(V2Rtl, tern_top_v2_configs);

TYPED_TEST(V2Rtl, RandomProgramsIdealMemory) {
  using Cfg = TypeParam;
  const HwConfig hw = hw_of<Cfg>();
  std::mt19937_64 rng(2024 + hw.cols);
  int layers = 0;
  for (int t = 0; t < 20; ++t) {
    const Case c = make_case(rng, hw);
    tb::AccelDriver<typename Cfg::Model> drv(c.prog.image, tb::MemTiming::ideal(), 1,
                                            std::string(Cfg::kName) + "_ideal_" + std::to_string(t));
    const tb::RunResult r = drv.run(c.prog.prog_base, 20000000);
    ASSERT_TRUE(r.finished) << "program " << t << " did not finish";
    ASSERT_FALSE(r.error) << "program " << t << " error code 0x" << std::hex << int{r.err_code} << " layer " << std::dec
                          << r.err_layer;
    check_outputs(c, drv.mem().words(), "program " + std::to_string(t));
    // every layer's statistics record against the cycle model (ideal memory: exact)
    const auto want = predict_cycles(c.golden_mem, c.prog.prog_base, hw, c.opt.fparams);
    ASSERT_EQ(want.size(), c.prog.layers.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(to_string(read_stats(c.prog, drv.mem().words(), i)), to_string(want[i]))
          << "program " << t << " layer " << i << " (RTL, then cycle model)";
    }
    ASSERT_FALSE(::testing::Test::HasFailure()) << "program " << t;
    layers += static_cast<int>(c.model.layers.size());
  }
  EXPECT_GT(layers, 30);
}

}  // namespace
