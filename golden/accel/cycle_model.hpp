// Cycle model of engine v2 with an ideal memory: the control registers of rtl/core (sequencer phases,
// fetcher, column feeders, decompressors, row sequencers, entry pipeline, requantiser pool, pooling
// unit, writer, memory writes) stepped cycle by cycle without the datapath values; predicts every
// layer's statistics record exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/accel/program.hpp"
#include "golden/core/tern_column.hpp"

namespace tern {

// Predicts the statistics record of every layer of the program at `prog_base` in `mem` (a program that
// runs without error on `hw`: use execute() first). Ideal memory: every request accepted at once and
// answered in the next cycle.
std::vector<LayerStats> predict_cycles(const std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw,
                                       const FormatParams& fp = {});

// The column build parameters of a build, and a column's layer-constant inputs for descriptor `d` as tern_core
// drives them (passes: the column's filters; lane windows from the band rows; no SYQ scales, no write ports).
ColumnParams column_params(const HwConfig& hw);
ColumnIn column_inputs(const Descriptor& d, const HwConfig& hw, uint32_t passes);

// Cycles of the fixed phases (docs/architecture.md "Layer sequence and timing").
inline constexpr int kDescCycles = 10;   // 8 requests, the last response, the decision
inline constexpr int kCheckCycles = 24;  // tern_desc_check's 23-cycle schedule and the verdict
// The closed form of a layer's cycles before RUN / POOL with an ideal memory (DESC, CHECK, SYQ, SETUP, LOAD):
// what predict_cycles() finds by stepping the sequencer; the docs' formula, checked by the tests.
uint64_t fixed_phase_cycles(const Descriptor& d);

}  // namespace tern
