// Random programs for the engine v2 tests: models drawn until one compiles for the build with random
// per-layer choices, one random image placed, the functional model run; and the output checks.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"
#include "golden/v2/exec.hpp"
#include "golden/v2/program.hpp"

namespace tern::test::v2 {

using namespace tern::v2;

// A stream format the build has and that can carry the layer's weights (rle8: ternary and binary only;
// packed rows: dense ternary/binary), and the bit-serial datapath with probability 1/serial_every.
inline CompileOptions random_choices(std::mt19937_64& rng, const Model& m, const HwConfig& hw, int serial_every = 3) {
  CompileOptions o;
  for (const Layer& L : m.layers) {
    LayerChoice c;
    c.auto_format = false;
    const bool r8 = L.wtype == WeightType::kTernary || L.wtype == WeightType::kBinary;
    std::vector<Format> fmts;
    for (int f = 0; f < kFormatCount; ++f) {
      if (((hw.formats >> f) & 1u) && (r8 || static_cast<Format>(f) != Format::kRleAligned)) {
        fmts.push_back(static_cast<Format>(f));
      }
    }
    if (!fmts.empty()) c.format = fmts[rng() % fmts.size()];
    if (r8 && hw.pack == 8 && (hw.formats & 1u) && rng() % 2) c.format = Format::kDense;
    c.bitserial = hw.bitserial && L.has_weights() && !(L.act_bits == 1 && L.act_signed) && (rng() % serial_every == 0);
    c.pack = rng() % 4 != 0;
    o.layers.push_back(c);
  }
  o.balance = rng() % 4 != 0;
  return o;
}

struct Case {
  Model model;
  Program prog;
  CompileOptions opt;
  std::vector<uint8_t> image;
  std::vector<uint64_t> golden_mem;  // memory after the functional model ran the program
};

template <class Edit>
Case make_case(std::mt19937_64& rng, const HwConfig& hw, RandomModelSpec spec, Edit&& edit) {
  Case c;
  for (int tries = 0;; ++tries) {
    if (tries > 5000) throw std::runtime_error("no random model compiles for " + hw.describe());
    c.model = random_model(rng, spec);
    c.opt = random_choices(rng, c.model, hw);
    edit(c.opt);
    try {
      c.prog = compile(c.model, hw, c.opt);
      break;
    } catch (const CompileError&) {
    }
  }
  c.image = random_image(rng, c.model);
  place_input(c.prog, c.image);
  c.golden_mem = c.prog.image;
  const ExecResult r = execute(c.golden_mem, c.prog.prog_base, hw, c.opt.fparams);
  if (!r.ok) throw std::runtime_error("functional model failed: " + r.message);
  return c;
}

inline RandomModelSpec default_spec() {
  RandomModelSpec spec;
  spec.max_c = 12;
  spec.max_m = 16;
  spec.m_mult8 = 0.4;
  return spec;
}

inline Case make_case(std::mt19937_64& rng, const HwConfig& hw) {
  return make_case(rng, hw, default_spec(), [](CompileOptions&) {});
}

// Every layer's output in `mem` equals the functional model's, and the last layer equals the reference.
inline void check_outputs(const Case& c, const std::vector<uint64_t>& mem, const std::string& what) {
  for (size_t i = 0; i < c.prog.layers.size(); ++i) {
    ASSERT_EQ(read_output(c.prog, mem, i), read_output(c.prog, c.golden_mem, i)) << what << ": layer " << i;
  }
  const auto ref = run_reference(c.model, c.image);
  ASSERT_EQ(read_output(c.prog, mem, c.prog.layers.size() - 1), ref.back()) << what;
}

}  // namespace tern::test::v2
