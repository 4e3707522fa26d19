// Shared helpers of the accelerator RTL tests: the test builds' hardware configurations (random programs
// and their checks are in program_case.hpp).
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tb/accel_driver.hpp"
#include "tern_vm_accel_configs.hpp"
#include "tests/accel/program_case.hpp"

namespace tern::test {

// The small build most RTL tests use.
inline HwConfig small_hw() { return hw_of<Vaccel_small_cfg>(); }

}  // namespace tern::test
