// Cycle model of the layer engine with an ideal memory: the control registers of rtl/core (fetcher,
// feeder, decompressor, context, pipeline, output FIFO and writer), stepped cycle by cycle without the
// datapath; predicts every layer's cycle count and statistics exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/accel/program.hpp"

namespace tern {

// The statistics record of one layer as the engine writes it (docs/registers.md).
struct LayerCycles {
  uint64_t cycles = 0;       // first descriptor request .. end of DRAIN
  uint64_t entries = 0;      // decompressor entries issued to the lanes (non-zeros, or all codes if dense)
  uint64_t skipped = 0;      // zero weights never issued (row length - entries, per replay)
  uint64_t stall_fetch = 0;  // RUN cycles waiting for a weight block
  uint64_t stall_out = 0;    // RUN cycles an entry waited for output-FIFO credit
  uint64_t stall_dec = 0;    // other RUN cycles without an entry (decompressor latency, row starts, drain)
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  // phase lengths (cycles)
  uint64_t desc = 0, check = 0, setup = 0, load = 0, run = 0, drain = 0;
};

// Predicts the statistics of every layer of the program at `prog_base` in `mem` (which must be a
// well-formed program for `hw`: use execute() first to check). Ideal memory: every request is
// accepted at once and answered in the next cycle.
std::vector<LayerCycles> predict_cycles(const std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw,
                                        const FormatParams& fp = {});

}  // namespace tern
