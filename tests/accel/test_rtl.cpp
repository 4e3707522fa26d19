// The Verilated accelerator (tern_top) on random programs: every layer's output tensor against the
// functional model and the reference inference, every layer's statistics record against the cycle model;
// with an ideal and with a random-latency memory, on two builds (Vaccel_small: 4x4 packed lanes,
// Vaccel_c2l8: 2x8 one code per lane).
#include <gtest/gtest.h>

#include "tests/accel/rtl_fixture.hpp"

namespace {

using namespace tern;
using tern::test::check_outputs;
using tern::test::check_stats;
using tern::test::hw_of;
using tern::test::make_case;
using tern::test::small_hw;
using Case = tern::test::ProgramCase;

// Ternary/binary weight layers only, every one in the word-aligned RLE (rle8).
Case make_rle8_case(std::mt19937_64& rng, const HwConfig& hw) {
  RandomModelSpec spec = tern::test::default_spec();
  spec.weight_types = (1u << static_cast<int>(WeightType::kTernary)) | (1u << static_cast<int>(WeightType::kBinary));
  return make_case(rng, hw, spec, [](CompileOptions& o) {
    for (auto& ch : o.layers) ch.format = Format::kRleAligned;
  });
}

template <class V>
void run_ideal_and_check(const Case& c, const std::string& name) {
  tb::AccelDriver<V> drv(c.prog.image, tb::MemTiming::ideal(), 1, name);
  const tb::RunResult r = drv.run(c.prog.prog_base, 20000000);
  ASSERT_TRUE(r.finished) << name << " did not finish";
  ASSERT_FALSE(r.error) << name << " error code 0x" << std::hex << int{r.err_code} << " layer " << std::dec << r.err_layer;
  check_outputs(c, drv.mem().words(), name);
  check_stats(c, drv.mem().words(), name);
}

template <class Cfg>
class AccelRtl : public ::testing::Test {};
TYPED_TEST_SUITE(AccelRtl, tern_top_configs);

// Random programs (every weight type, format, packed rows, bit-serial, SYQ, thresholds, pooling, fc)
// on each build: bit-exact and cycle-exact.
TYPED_TEST(AccelRtl, RandomProgramsIdealMemory) {
  using Cfg = TypeParam;
  const HwConfig hw = hw_of<Cfg>();
  std::mt19937_64 rng(2024 + hw.cols);
  int layers = 0, packed = 0, fcs = 0;
  uint32_t formats = 0;
  for (int t = 0; t < 48; ++t) {
    const Case c = make_case(rng, hw);
    for (size_t i = 0; i < c.model.layers.size(); ++i) {
      const Descriptor& d = c.prog.layers[i].desc;
      if (c.model.layers[i].has_weights()) formats |= 1u << d.fmt;
      packed += d.pack;
      fcs += d.op == Op::kFc;
    }
    run_ideal_and_check<typename Cfg::Model>(c, std::string(Cfg::kName) + "_program_" + std::to_string(t));
    ASSERT_FALSE(::testing::Test::HasFailure()) << "program " << t;
    layers += static_cast<int>(c.model.layers.size());
  }
  EXPECT_GT(layers, 40);
  EXPECT_GT(fcs, 5);
  EXPECT_EQ(formats, 0x1fu) << "every stream format (dense, RLE, bitmap, CSC, rle8) in the random programs";
  if (hw.pack == 8) EXPECT_GT(packed, 0);
}

// The identification and configuration registers describe the build (docs/registers.md: ID, VERSION,
// CONFIG0..4 against the Verilated parameters and HwConfig's defaults for the rest); CTRL reads back its
// interrupt enable; a run ending in an error (a read error on the first descriptor word) raises the
// interrupt when enabled, and writing 1 to IRQ clears it.
TYPED_TEST(AccelRtl, IdentificationConfigAndErrorInterrupt) {
  using Cfg = TypeParam;
  const HwConfig want = hw_of<Cfg>();
  std::mt19937_64 rng(77);
  const Case c = make_case(rng, want);
  tb::AccelDriver<typename Cfg::Model> drv(c.prog.image, tb::MemTiming::ideal(), 3, std::string(Cfg::kName) + "_regs");
  EXPECT_EQ(drv.read32(tb::reg::kId), hw::IdValue);
  EXPECT_EQ(drv.read32(tb::reg::kVersion), hw::VersionValue);
  const HwConfig got = tb::read_config(drv);
  EXPECT_EQ(got.describe(), want.describe()) << "CONFIG0..4 decode to the Verilated parameters (every field)";
  drv.write32(tb::reg::kCtrl, 4);
  EXPECT_EQ(drv.read32(tb::reg::kCtrl), 4u) << "interrupt enable reads back";
  drv.mem().fail_read_at(1);
  drv.write32(tb::reg::kProg, c.prog.prog_base);
  drv.write32(tb::reg::kCtrl, 1 | 4);  // start, interrupt enabled
  for (int i = 0; i < 10000 && (drv.read32(tb::reg::kStatus) & 1u); ++i) drv.step();
  EXPECT_EQ(drv.read32(tb::reg::kStatus) & 0x7u, 0x4u) << "error, not busy";
  EXPECT_EQ(drv.read32(tb::reg::kIrq), 1u) << "interrupt pending after the error";
  EXPECT_TRUE(drv.sim().model().irq_o);
  drv.write32(tb::reg::kIrq, 1);
  EXPECT_EQ(drv.read32(tb::reg::kIrq), 0u);
  EXPECT_FALSE(drv.sim().model().irq_o);
}

// Dense ternary/binary layers with channels in multiples of 8, packed (8 codes per lane per cycle):
// bit-exact and cycle-exact, XNOR layers among them.
TEST(AccelRtl, PackedDensePrograms) {
  const HwConfig hw = small_hw();
  ASSERT_EQ(hw.pack, 8);
  std::mt19937_64 rng(88);
  int packed = 0, xnor = 0;
  for (int t = 0; t < 40; ++t) {
    const Case c = make_case(rng, hw, tern::test::packed_dense_spec(), tern::test::force_packed);
    for (size_t i = 0; i < c.prog.layers.size(); ++i) {
      const Descriptor& d = c.prog.layers[i].desc;
      packed += d.pack;
      xnor += d.pack && d.act_bits == 1 && d.act_signed;
    }
    run_ideal_and_check<Vaccel_small>(c, "packed_program_" + std::to_string(t));
    ASSERT_FALSE(::testing::Test::HasFailure()) << "packed program " << t;
  }
  EXPECT_GT(packed, 10);
  EXPECT_GT(xnor, 0);
}

// Random programs with a linear layer whose output is 1-bit signed ({-1, 0}, stored 0xFF / 0x00): the last
// layer, or read by an XNOR layer, in two of them max-pooled first; bit-exact and cycle-exact.
TEST(AccelRtl, OneBitSignedOutputPrograms) {
  const HwConfig hw = small_hw();
  std::mt19937_64 rng(17);
  int run = 0, pooled = 0;
  for (int draws = 0; run < 6 && draws < 20000; ++draws) {
    const Case c = make_case(rng, hw);
    bool found = false, pool_after = false;
    for (size_t i = 0; i < c.model.layers.size(); ++i) {
      const Layer& L = c.model.layers[i];
      if (L.type == LayerType::kMaxPool || L.mode != RequantMode::kLinear || L.out_bits != 1 || !L.out_signed) continue;
      found = true;
      pool_after = pool_after || (i + 1 < c.model.layers.size() && c.model.layers[i + 1].type == LayerType::kMaxPool);
    }
    if (!found || (run >= 4 && !pool_after)) continue;  // the last two with a max-pool after the 1-bit output
    run_ideal_and_check<Vaccel_small>(c, "onebit_program_" + std::to_string(run));
    ASSERT_FALSE(::testing::Test::HasFailure()) << "1-bit signed program " << run;
    ++run;
    pooled += pool_after;
  }
  EXPECT_EQ(run, 6);
  EXPECT_GE(pooled, 2);
}

// Programs whose weight layers all stream rle8: bit-exact and cycle-exact with an ideal memory; bit-exact
// with a random-latency memory.
TEST(AccelRtl, Rle8ProgramsIdealAndSlowMemory) {
  const HwConfig hw = small_hw();
  std::mt19937_64 rng(808);
  int rle8_layers = 0;
  for (int t = 0; t < 12; ++t) {
    const Case c = make_rle8_case(rng, hw);
    for (size_t i = 0; i < c.model.layers.size(); ++i) {
      if (c.model.layers[i].has_weights()) {
        ASSERT_EQ(c.prog.layers[i].desc.fmt, static_cast<int>(Format::kRleAligned));
        ++rle8_layers;
      }
    }
    const std::string name = "rle8_program_" + std::to_string(t);
    // (one Verilated model alive at a time: Verilator 5.006 can deadlock destroying one of two live instances)
    run_ideal_and_check<Vaccel_small>(c, name);
    tb::MemTiming mt;
    mt.min_latency = 1;
    mt.max_latency = 1 + static_cast<int>(rng() % 12);
    mt.p_req_ready = 0.5;
    mt.p_rsp_valid = 0.5;
    tb::AccelDriver<Vaccel_small> slow(c.prog.image, mt, 31 + t, name + "_slow");
    const tb::RunResult rs = slow.run(c.prog.prog_base, 50000000);
    ASSERT_TRUE(rs.finished && !rs.error) << name << " (slow memory) err 0x" << std::hex << int{rs.err_code};
    check_outputs(c, slow.mem().words(), name + " (slow memory)");
    ASSERT_FALSE(::testing::Test::HasFailure()) << name;
  }
  EXPECT_GT(rle8_layers, 15);
}

TEST(AccelRtl, RandomProgramsRandomLatencyMemory) {
  const HwConfig hw = small_hw();
  std::mt19937_64 rng(99);
  for (int t = 0; t < 12; ++t) {
    const Case c = make_case(rng, hw);
    tb::MemTiming mt;
    mt.min_latency = 1;
    mt.max_latency = 1 + static_cast<int>(rng() % 12);
    mt.p_req_ready = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
    mt.p_rsp_valid = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
    tb::AccelDriver<Vaccel_small> drv(c.prog.image, mt, 7 + t, "accel_slow_" + std::to_string(t));
    const tb::RunResult r = drv.run(c.prog.prog_base, 50000000);
    ASSERT_TRUE(r.finished && !r.error) << "program " << t << " err 0x" << std::hex << int{r.err_code};
    check_outputs(c, drv.mem().words(), "slow program " + std::to_string(t));
    // A slower memory can only add cycles: the ideal-memory prediction is a lower bound per layer, and
    // the entries and bytes moved do not change.
    const auto ideal = predict_cycles(c.golden_mem, c.prog.prog_base, hw, c.opt.fparams);
    for (size_t i = 0; i < ideal.size(); ++i) {
      const LayerStats got = read_stats(c.prog, drv.mem().words(), i);
      const std::string where = "slow program " + std::to_string(t) + " layer " + std::to_string(i);
      EXPECT_GE(got[hw::StCycles], ideal[i][hw::StCycles]) << where;
      EXPECT_EQ(got[hw::StEntries], ideal[i][hw::StEntries]) << where;
      EXPECT_EQ(got[hw::StBytesRead], ideal[i][hw::StBytesRead]) << where;
      EXPECT_EQ(got[hw::StBytesWritten], ideal[i][hw::StBytesWritten]) << where;
    }
  }
}

}  // namespace
