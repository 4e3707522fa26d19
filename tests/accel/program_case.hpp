// Random accelerator programs for the RTL, X-state and gate-level tests: models drawn until one compiles for the build with random
// per-layer choices, one random image placed, the functional model run; and the output checks.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"
#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"

namespace tern::test {

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

// The build parameters of a Verilated configuration (tests/accel/CMakeLists.txt PARAMS).
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
  hw.rq_serial = Cfg::RqSerial != 0;
  return hw;
}

struct ProgramCase {
  Model model;
  Program prog;
  CompileOptions opt;
  std::vector<uint8_t> image;
  std::vector<uint64_t> golden_mem;  // memory after the functional model ran the program
};

template <class Edit>
ProgramCase make_case(std::mt19937_64& rng, const HwConfig& hw, RandomModelSpec spec, Edit&& edit) {
  ProgramCase c;
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

inline ProgramCase make_case(std::mt19937_64& rng, const HwConfig& hw, const RandomModelSpec& spec = default_spec()) {
  return make_case(rng, hw, spec, [](CompileOptions&) {});
}

// Dense ternary/binary models with channels in multiples of 8 (packed rows: 8 codes per lane per cycle).
inline RandomModelSpec packed_dense_spec() {
  RandomModelSpec spec = default_spec();
  spec.weight_types = (1u << static_cast<int>(WeightType::kTernary)) | (1u << static_cast<int>(WeightType::kBinary));
  spec.m_mult8 = 1.0;
  spec.max_c = 16;
  spec.min_layers = 3;
  spec.max_layers = 5;
  return spec;
}
// Every layer dense, bit-parallel and packed where the layer allows it.
inline void force_packed(CompileOptions& o) {
  for (auto& ch : o.layers) {
    ch.format = Format::kDense;
    ch.bitserial = false;
    ch.pack = true;
  }
}

// Every layer's output in `mem` equals the functional model's and the reference inference's.
inline void check_outputs(const ProgramCase& c, const std::vector<uint64_t>& mem, const std::string& what) {
  const auto ref = run_reference(c.model, c.image);
  for (size_t i = 0; i < c.prog.layers.size(); ++i) {
    const auto got = read_output(c.prog, mem, i);
    ASSERT_EQ(got, read_output(c.prog, c.golden_mem, i)) << what << ": layer " << i;
    ASSERT_EQ(got, ref[i]) << what << ": layer " << i << " against the reference";
  }
}

// Every layer's statistics record in `mem` equals the cycle model's prediction (exact with an ideal memory).
inline void check_stats(const ProgramCase& c, const std::vector<uint64_t>& mem, const std::string& what) {
  const auto want = predict_cycles(c.golden_mem, c.prog.prog_base, c.prog.hw, c.opt.fparams);
  ASSERT_EQ(want.size(), c.prog.layers.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(to_string(read_stats(c.prog, mem, i)), to_string(want[i])) << what << " layer " << i << " (RTL, then cycle model)";
  }
}

}  // namespace tern::test
