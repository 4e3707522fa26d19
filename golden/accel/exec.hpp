// Functional model of the accelerator: runs a program from a memory image with the engine's exact
// semantics (descriptors, weight blocks, lanes, requantisation, tensor layout), without timing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/accel/program.hpp"

namespace tern {

struct ExecResult {
  bool ok = true;
  uint8_t err_code = 0;   // engine error code (docs/registers.md), 0 if ok
  int layer = 0;          // layers completed (or the failing layer's index)
  std::string message;    // what went wrong
};

// Runs the program at `prog_base` in `mem` (64-bit words from address 0) on a build `hw`; outputs
// and nothing else are written back into `mem` (statistics records are the RTL's, not written).
ExecResult execute(std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw, const FormatParams& fp = {});

// Engine error codes: class in bits 7:4.
enum class EngineError : uint8_t {
  kNone = 0x0,
  kOp = 0x1,
  kMode = 0x2,
  kShape = 0x3,
  kSize = 0x4,
  kAlign = 0x5,
  kReserved = 0x6,
  kStream = 0x7,
  kBlock = 0x8,
  kMemRead = 0x9,
  kMemWrite = 0xa,
  kTimeout = 0xb,
};
const char* to_string(EngineError e);

// Descriptor validation exactly as the CHECK phase does it: the error class, or kNone.
EngineError check_descriptor(const Descriptor& d, const std::array<uint64_t, 8>& raw, const HwConfig& hw);

}  // namespace tern
