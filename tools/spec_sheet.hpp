// The spec sheet of `tern run` / `tern report` (in the style of Sze et al. Table V): accuracy, RTL agreement,
// cycles, utilisation, clock and images/s, area and Fmax of the build from docs/ppa_summary.json, per-layer table.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "golden/accel/program.hpp"
#include "golden/net/model.hpp"

namespace tern {

// What the RTL runs of `tern run` found (images through the Verilated build).
struct RtlSummary {
  int images = 0, correct = 0, agree_images = 0;
  int layer_mismatches = 0, cycle_mismatches = 0;
  uint64_t rtl_cycles = 0;  // sum over images of the run cycle counter
  double rtl_seconds = 0, golden_seconds = 0;
  std::vector<LayerStats> stats;  // of the first image
  std::string first_error;
};

// The clock of the spec sheet and where it comes from.
struct SheetClock {
  double mhz = 100.0;
  std::string source;
};

struct Sheet {
  std::string text;      // Markdown
  nlohmann::json json;   // the same figures, machine-readable
};

// The clock: `given_mhz` if given on the command line, else this build's measured Fmax (synthesis estimate,
// ROOT/docs/ppa_summary.json when it describes this build), else 100 MHz stated as an assumption.
SheetClock choose_clock(const HwConfig& hw, const std::string& root, bool given, double given_mhz,
                        const std::string& given_source);

// The sheet of model m compiled as p, with per-layer statistics st (cycle model or RTL), golden accuracy
// acc = (correct, images), the RTL summary if the RTL ran.
Sheet spec_sheet(const Model& m, const Program& p, const std::vector<LayerStats>& st, std::pair<int, int> acc,
                 const RtlSummary* rtl, const SheetClock& clock, const std::string& root);

}  // namespace tern
