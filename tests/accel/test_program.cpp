// Compiler + functional model + cycle model (golden only) against the reference inference, on random
// models and random builds.
#include <gtest/gtest.h>

#include <random>

#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"

namespace {

using namespace tern;

TEST(Program, DescriptorRoundTrip) {
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
  const int cols[] = {1, 2, 4, 8, 16};
  hw.cols = cols[rng() % 5];
  hw.lanes = 1 << (rng() % 4);
  hw.pack = rng() % 2 ? 8 : 1;
  hw.bank_bytes = 4096;
  hw.cache_words = 256;
  hw.max_conv_row = 512;
  hw.rq_units = std::min(hw.cols, 1 << (rng() % 4));
  hw.rq_serial = rng() % 4 == 0;
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

// A random model (small channel counts, half of them multiples of 8) with random per-layer choices that
// compiles for `hw` (`random_balance`: filter sorting drawn too); false after 1000 models that do not fit.
bool draw_program(std::mt19937_64& rng, const HwConfig& hw, bool random_balance, Model& m, Program& p) {
  for (int tries = 0; tries < 1000; ++tries) {
    RandomModelSpec spec;
    spec.max_c = 16;
    spec.max_m = 16;
    spec.m_mult8 = 0.5;
    m = random_model(rng, spec);
    CompileOptions opt;
    for (const Layer& L : m.layers) opt.layers.push_back(random_choice(rng, L, hw));
    if (random_balance) opt.balance = rng() % 4 != 0;
    try {
      p = compile(m, hw, opt);
      return true;
    } catch (const CompileError&) {
    }
  }
  return false;
}

TEST(Program, ExecMatchesReferenceOnRandomModels) {
  std::mt19937_64 rng(7);
  int layers_checked = 0, packed = 0, fcs = 0;
  for (int t = 0; t < 200; ++t) {
    const HwConfig hw = random_hw(rng);
    Model m;
    Program p;
    ASSERT_TRUE(draw_program(rng, hw, true, m, p));
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
  EXPECT_GT(packed, 2);
  EXPECT_GT(fcs, 20);
}

// The random programs of tests/accel (golden, RTL, X-state, gate level) include linear layers with a
// 1-bit signed output ({-1, 0}), and what reads them: a max-pool or an XNOR layer.
TEST(Program, RandomModelsDrawOneBitSignedLinearOutputs) {
  std::mt19937_64 rng(7);
  int drawn = 0, pooled = 0, xnor = 0;
  for (int t = 0; t < 2000; ++t) {
    const Model m = random_model(rng);
    for (size_t i = 0; i + 1 < m.layers.size(); ++i) {
      const Layer& L = m.layers[i];
      if (L.type == LayerType::kMaxPool || L.mode != RequantMode::kLinear || L.out_bits != 1 || !L.out_signed) continue;
      ++drawn;
      pooled += m.layers[i + 1].type == LayerType::kMaxPool;
      xnor += m.layers[i + 1].act_bits == 1 && m.layers[i + 1].act_signed;
    }
  }
  EXPECT_GE(drawn, 5);
  EXPECT_GE(pooled, 1);
  EXPECT_GE(xnor, 1);
}

// A 1-bit signed linear output, max-pooled, then read by an XNOR layer (-1 as +1, 0 as -1;
// docs/model_format.md): the functional model's outputs, read back, equal the reference in every layer.
TEST(Program, OneBitSignedOutputPooledAndReadByXnor) {
  std::mt19937_64 rng(17);
  Model m;
  m.in_C = 1, m.in_H = m.in_W = 8, m.classes = 6;
  Layer conv;
  conv.name = "conv";
  conv.C = 1, conv.H = conv.W = 8, conv.M = 3, conv.E = conv.F = 4, conv.R = conv.S = 2, conv.stride = 2;
  conv.wtype = WeightType::kTernary;
  for (int k = 0; k < 12; ++k) conv.weights.push_back(rng() % 2 ? 1 : -1);
  conv.out_bits = 1, conv.out_signed = true;  // y = clamp(acc, -1, 0)
  conv.bias.assign(3, 0), conv.mult.assign(3, 1), conv.shift.assign(3, 0);
  Layer pool;
  pool.name = "pool", pool.type = LayerType::kMaxPool;
  pool.C = pool.M = 3, pool.H = pool.W = 4, pool.E = pool.F = 2, pool.R = pool.S = 2, pool.stride = 2;
  Layer fc;
  fc.name = "xnor", fc.type = LayerType::kFc;
  fc.C = 12, fc.H = fc.W = 1, fc.M = 6, fc.E = fc.F = 1;
  fc.wtype = WeightType::kBinary, fc.act_bits = 1, fc.act_signed = true;
  for (int k = 0; k < 72; ++k) fc.weights.push_back(rng() % 2 ? 1 : -1);
  fc.mode = RequantMode::kRaw, fc.out_bits = 32, fc.out_signed = true, fc.bias.assign(6, 0);
  m.layers = {conv, pool, fc};
  validate_model(m);
  EXPECT_EQ(act_operand(fc, -1), 1);
  EXPECT_EQ(act_operand(fc, 0), -1);
  const HwConfig hw;
  int mixed_windows = 0;  // pooling windows holding both -1 and 0 (max 0; an unsigned compare gives -1)
  for (int image = 0; image < 8; ++image) {
    Program p = compile(m, hw);
    const auto img = random_image(rng, m);
    place_input(p, img);
    std::vector<uint64_t> mem = p.image;
    const ExecResult r = execute(mem, p.prog_base, hw, {});
    ASSERT_TRUE(r.ok) << r.message;
    const auto ref = run_reference(m, img);
    for (size_t i = 0; i < m.layers.size(); ++i) {
      ASSERT_EQ(read_output(p, mem, i), ref[i]) << "layer " << i << " image " << image;
    }
    for (size_t w = 0; w < ref[1].size(); ++w) {
      const size_t c = w / 4, y = w / 2 % 2, x = w % 2;
      int minus = 0;
      for (size_t k = 0; k < 4; ++k) minus += ref[0][c * 16 + (2 * y + k / 2) * 4 + 2 * x + k % 2] == -1;
      mixed_windows += minus > 0 && minus < 4;
    }
  }
  EXPECT_GT(mixed_windows, 0);
}

TEST(Program, CompileErrorsNameLayerAndLimit) {
  std::mt19937_64 rng(11);
  RandomModelSpec spec;
  spec.min_layers = 2;
  HwConfig hw;
  hw.bank_bytes = 64;  // far too small for most models
  int failed = 0;
  for (int t = 0; t < 50; ++t) {
    const Model m = random_model(rng, spec);
    try {
      compile(m, hw);
    } catch (const CompileError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("layer "), std::string::npos) << msg;
      EXPECT_NE(msg.find("lane bank"), std::string::npos) << msg;
      EXPECT_NE(msg.find("64 bytes"), std::string::npos) << msg;
      ++failed;
    }
  }
  EXPECT_GT(failed, 25);
}

// rle8 carries ternary and binary codes only: asked for explicitly on another type, the compiler names
// the layer; as the automatic per-model choice it falls back to RLE for such layers.
TEST(Program, Rle8OnlyForTernaryAndBinary) {
  std::mt19937_64 rng(12);
  RandomModelSpec spec;
  spec.weight_types = 1u << static_cast<int>(WeightType::kLog2);
  const Model m = random_model(rng, spec);
  int wl = -1;
  for (size_t i = 0; i < m.layers.size() && wl < 0; ++i) {
    if (m.layers[i].has_weights()) wl = static_cast<int>(i);
  }
  ASSERT_GE(wl, 0);
  const HwConfig hw;
  CompileOptions o;
  o.layers.resize(m.layers.size());
  for (auto& c : o.layers) {
    c.format = Format::kRleAligned;
    c.auto_format = false;
  }
  try {
    compile(m, hw, o);
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("layer " + std::to_string(wl)), std::string::npos) << msg;
    EXPECT_NE(msg.find("rle8"), std::string::npos) << msg;
  }
  for (auto& c : o.layers) c.auto_format = true;
  const Program p = compile(m, hw, o);
  for (size_t i = 0; i < m.layers.size(); ++i) {
    if (m.layers[i].has_weights()) EXPECT_EQ(p.layers[i].desc.fmt, static_cast<int>(Format::kRle)) << i;
  }
}

// The cycle model runs every random program of the golden test without an exception, and its records
// add up: each RUN cycle of each column is in exactly one class, and the layer's cycles are its RUN / POOL, one
// DRAIN cycle and the documented closed form of the fixed phases (found by stepping the sequencer twin), and its
// reads are the descriptor, the SYQ words, the loaded input and RUN's weight reads.
TEST(Program, CycleModelRecordsAddUp) {
  std::mt19937_64 rng(99);
  int layers = 0;
  for (int t = 0; t < 60; ++t) {
    const HwConfig hw = random_hw(rng);
    Model m;
    Program p;
    ASSERT_TRUE(draw_program(rng, hw, false, m, p));
    place_input(p, random_image(rng, m));
    std::vector<uint64_t> mem = p.image;
    ASSERT_TRUE(execute(mem, p.prog_base, hw).ok);
    const auto st = predict_cycles(mem, p.prog_base, hw);
    ASSERT_EQ(st.size(), p.layers.size());
    for (size_t i = 0; i < st.size(); ++i) {
      const auto& s = st[i];
      const Descriptor& d = p.layers[i].desc;
      EXPECT_EQ(s[hw::StCycles], fixed_phase_cycles(d) + s[hw::StRunCycles] + 1) << "layer " << i;
      if (d.op == Op::kPool) {
        const uint64_t syq = d.syq ? 8 * ((uint64_t{d.R} * d.S + 7) / 8) : 0;
        const uint64_t load = d.load_input ? (static_cast<uint64_t>(d.H) << pitch_of(d.C, d.W).lrow) : 0;
        EXPECT_EQ(s[hw::StBytesRead], 64 + syq + load) << "layer " << i;
      }
      if (p.layers[i].desc.op != Op::kPool) {
        const uint64_t classes = s[hw::StStallFetch] + s[hw::StStallOut] + s[hw::StStallDec] + s[hw::StStallBalance];
        EXPECT_LE(classes, s[hw::StRunCycles] * static_cast<uint64_t>(hw.cols)) << "layer " << i;
        EXPECT_GE(s[hw::StEntries], static_cast<uint64_t>(p.layers[i].nnz)) << "layer " << i;
      }
      ++layers;
    }
  }
  EXPECT_GT(layers, 100);
}

}  // namespace
