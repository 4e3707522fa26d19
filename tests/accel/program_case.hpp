// Random accelerator programs for the RTL, X-state and gate-level tests: drawn, compiled for a build,
// inputs placed, run on the functional model; the output check against it and the reference, and the
// statistics check against the cycle model.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"

namespace tern::test {

// Random per-layer choices: a stream format the build has and that can carry the layer's weights
// (rle8: ternary and binary only), and the bit-serial datapath with probability 1/`serial_every`
// where the build and the layer allow it.
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
    c.bitserial = hw.bitserial && L.has_weights() && !(L.act_bits == 1 && L.act_signed) && (rng() % serial_every == 0);
    o.layers.push_back(c);
  }
  return o;
}

struct ProgramCase {
  Model model;
  Program prog;
  std::vector<std::vector<uint8_t>> images;  // one per lane
  std::vector<uint64_t> golden_mem;          // memory after the functional model ran the program
};

// Draws models from `spec` until one compiles for `hw` with random choices (`edit` may change them),
// places one random image per lane and runs the functional model.
template <class Edit>
ProgramCase make_case(std::mt19937_64& rng, const HwConfig& hw, const RandomModelSpec& spec, Edit&& edit) {
  ProgramCase c;
  CompileOptions opt;
  for (;;) {
    c.model = random_model(rng, spec);
    opt = random_choices(rng, c.model, hw);
    edit(opt);
    try {
      c.prog = compile(c.model, hw, opt);
      break;
    } catch (const CompileError&) {
    }
  }
  for (int l = 0; l < hw.lanes; ++l) c.images.push_back(random_image(rng, c.model));
  place_inputs(c.prog, c.images);
  c.golden_mem = c.prog.image;
  const ExecResult r = execute(c.golden_mem, c.prog.prog_base, hw, opt.fparams);
  if (!r.ok) throw std::runtime_error("functional model failed: " + r.message);
  return c;
}

inline ProgramCase make_case(std::mt19937_64& rng, const HwConfig& hw, const RandomModelSpec& spec = {}) {
  return make_case(rng, hw, spec, [](CompileOptions&) {});
}

// Every layer's output of every lane in `mem` equals the functional model's and the reference inference's.
inline void check_outputs(const ProgramCase& c, const std::vector<uint64_t>& mem, const std::string& what) {
  for (int l = 0; l < c.prog.hw.lanes; ++l) {
    const auto ref = run_reference(c.model, c.images[static_cast<size_t>(l)]);
    for (size_t i = 0; i < c.prog.layers.size(); ++i) {
      const auto got = read_output(c.prog, mem, i, l);
      ASSERT_EQ(got, read_output(c.prog, c.golden_mem, i, l)) << what << ": layer " << i << " lane " << l;
      ASSERT_EQ(got, ref[i]) << what << ": layer " << i << " lane " << l << " against the reference";
    }
  }
}

// Every layer's statistics record in `mem` equals the cycle model's prediction (exact with an ideal memory).
inline void check_stats(const ProgramCase& c, const std::vector<uint64_t>& mem, const std::string& what) {
  const auto want = predict_cycles(c.golden_mem, c.prog.prog_base, c.prog.hw);
  ASSERT_EQ(want.size(), c.prog.layers.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    const LayerStats got = read_stats(c.prog, mem, i);
    const std::string where = what + " layer " + std::to_string(i);
    EXPECT_EQ(got.cycles, want[i].cycles) << where << " cycles (run phase model " << want[i].run << ")";
    EXPECT_EQ(got.entries, want[i].entries) << where << " entries";
    EXPECT_EQ(got.skipped, want[i].skipped) << where << " skipped";
    EXPECT_EQ(got.stall_fetch, want[i].stall_fetch) << where << " stall_fetch";
    EXPECT_EQ(got.stall_out, want[i].stall_out) << where << " stall_out";
    EXPECT_EQ(got.stall_dec, want[i].stall_dec) << where << " stall_dec";
    EXPECT_EQ(got.bytes_read, want[i].bytes_read) << where << " bytes_read";
    EXPECT_EQ(got.bytes_written, want[i].bytes_written) << where << " bytes_written";
  }
}

}  // namespace tern::test
