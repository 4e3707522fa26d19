// Engine v2 compiler + functional model against the reference inference, on random models and builds.
#include <gtest/gtest.h>

#include <random>

#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"
#include "golden/v2/exec.hpp"
#include "golden/v2/program.hpp"

namespace {

using namespace tern;
using namespace tern::v2;

TEST(ProgramV2, DescriptorRoundTrip) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) {
    Descriptor d;
    d.op = static_cast<Op>(rng() % 4);
    d.wtype = rng() % 7;
    d.fmt = rng() % 5;
    d.act_bits = 1 + rng() % 8;
    d.pack = rng() % 2;
    d.out_fc = rng() % 2;
    d.C = rng() % 65536;
    d.M = rng() % 65536;
    d.R = 1 + rng() % 7;
    d.eb = rng() % 65536;
    d.out_e = rng() % 65536;
    d.out_pad = rng() % 8;
    d.stats_addr = static_cast<uint32_t>(rng()) & ~7u;
    const auto w = d.encode();
    const Descriptor e = Descriptor::decode(w);
    EXPECT_EQ(e.encode(), w);
    EXPECT_EQ(e.C, d.C);
    EXPECT_EQ(e.eb, d.eb);
    EXPECT_EQ(e.out_e, d.out_e);
    EXPECT_EQ(e.out_pad, d.out_pad);
    EXPECT_EQ(e.stats_addr, d.stats_addr);
  }
}

HwConfig random_hw(std::mt19937_64& rng) {
  HwConfig hw;
  const int cols[] = {1, 2, 3, 4, 8};
  hw.cols = cols[rng() % 5];
  hw.lanes = 1 << (rng() % 4);
  hw.pack = rng() % 2 ? 8 : 1;
  hw.bank_bytes = 4096;
  hw.cache_words = 256;
  hw.max_conv_row = 512;
  hw.rq_units = 1 + static_cast<int>(rng() % std::min(hw.cols, 8));
  return hw;
}

LayerChoice random_choice(std::mt19937_64& rng, const Layer& L, const HwConfig& hw) {
  LayerChoice c;
  c.auto_format = rng() % 3 == 0;
  const bool r8 = L.wtype == WeightType::kTernary || L.wtype == WeightType::kBinary;
  c.format = static_cast<Format>(rng() % (r8 ? 5 : 4));
  if (r8 && rng() % 2) c.format = Format::kDense;  // packed rows need the dense format
  c.bitserial = hw.bitserial && L.has_weights() && !(L.act_bits == 1 && L.act_signed) && rng() % 3 == 0;
  c.pack = rng() % 4 != 0;
  return c;
}

TEST(ProgramV2, ExecMatchesReferenceOnRandomModels) {
  std::mt19937_64 rng(7);
  int layers_checked = 0, packed = 0, fcs = 0;
  for (int t = 0; t < 200; ++t) {
    const HwConfig hw = random_hw(rng);
    Model m;
    CompileOptions opt;
    Program p;
    for (int tries = 0;; ++tries) {
      ASSERT_LT(tries, 1000);
      RandomModelSpec spec;
      spec.max_c = 16;
      spec.max_m = 16;
      spec.m_mult8 = 0.5;
      m = random_model(rng, spec);
      opt = {};
      for (const Layer& L : m.layers) opt.layers.push_back(random_choice(rng, L, hw));
      opt.balance = rng() % 4 != 0;
      try {
        p = compile(m, hw, opt);
        break;
      } catch (const CompileError&) {
      }
    }
    const auto img = random_image(rng, m);
    place_input(p, img);
    std::vector<uint64_t> mem = p.image;
    const ExecResult r = execute(mem, p.prog_base, hw);
    ASSERT_TRUE(r.ok) << r.message << " build " << hw.describe();
    const auto ref = run_reference(m, img);
    for (size_t i = 0; i < p.layers.size(); ++i) {
      ASSERT_EQ(read_output(p, mem, i), ref[i]) << "model " << t << " layer " << i << " build " << hw.describe();
      ++layers_checked;
      packed += p.layers[i].desc.pack;
      fcs += p.layers[i].desc.op == Op::kFc;
    }
  }
  EXPECT_GT(layers_checked, 300);
  EXPECT_GT(packed, 5);
  EXPECT_GT(fcs, 20);
}

}  // namespace
