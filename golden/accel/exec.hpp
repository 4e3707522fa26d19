// Functional model of the v2 engine: runs a program from a memory image with the engine's exact semantics
// (descriptor checks, layer chaining, weight blocks in slot order, lanes, requantisation, tensor layouts),
// without timing.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/accel/program.hpp"

namespace tern {

struct ExecResult {
  bool ok = true;
  uint8_t err_code = 0;  // engine error code (docs/registers.md), 0 if ok
  int layer = 0;         // layers completed (or the failing layer's index)
  std::string message;   // what went wrong
};

// The signature a layer leaves for the next one: the layout it wrote into the activation banks.
struct ChainState {
  bool valid = false;  // a previous layer of this run wrote the banks
  bool side = false;   // the side it wrote (= !its in_side)
  bool fc = false;
  uint16_t eb = 0, e = 0, M = 0, E = 0, F = 0;
  uint8_t r = 0, stride = 0, pad = 0;
};

// Descriptor validation exactly as the CHECK phase does it: the error code (class << 4 | detail), or 0.
uint8_t check_descriptor(const Descriptor& d, const std::array<uint64_t, 8>& raw, const HwConfig& hw,
                         const ChainState& chain);
// The chain state after a layer that passed the check.
ChainState chain_after(const Descriptor& d);

// Runs the program at `prog_base` in `mem` (64-bit words from address 0) on a build `hw`; outputs (and
// nothing else) are written back into `mem` (statistics records are the RTL's, not written).
ExecResult execute(std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw, const FormatParams& fp = {});

const char* error_name(uint8_t err_class);

}  // namespace tern
