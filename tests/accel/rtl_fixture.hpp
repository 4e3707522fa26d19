// Shared helpers of the accelerator RTL tests: the test build's hardware config and a program runner.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"
#include "tb/accel_driver.hpp"
#include "tern_vm_accel_configs.hpp"

namespace tern::test {

// Must match the PARAMS of Vaccel_small in tests/accel/CMakeLists.txt.
inline HwConfig small_hw() {
  HwConfig hw;
  hw.lanes = static_cast<int>(Vaccel_small_cfg::Lanes);
  hw.act_depth = Vaccel_small_cfg::ActDepth;
  hw.max_row_len = Vaccel_small_cfg::MaxRowLen;
  hw.cache_words = Vaccel_small_cfg::CacheWords;
  return hw;
}

inline CompileOptions random_choices(std::mt19937_64& rng, const Model& m, const HwConfig& hw) {
  CompileOptions o;
  for (const Layer& L : m.layers) {
    LayerChoice c;
    c.auto_format = false;
    const bool r8 = L.wtype == WeightType::kTernary || L.wtype == WeightType::kBinary;  // rle8 carries these
    c.format = static_cast<Format>(rng() % (r8 ? 5 : 4));
    c.bitserial = hw.bitserial && L.has_weights() && !(L.act_bits == 1 && L.act_signed) && (rng() % 3 == 0);
    o.layers.push_back(c);
  }
  return o;
}

}  // namespace tern::test
