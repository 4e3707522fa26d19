// Shared helpers of the accelerator RTL tests: the test build's hardware config (random programs and
// their checks are in program_case.hpp).
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
#include "tests/accel/program_case.hpp"

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

}  // namespace tern::test
