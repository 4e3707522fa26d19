// Metrics of a compiled layer (docs/metrics.md): MACs, ideal cycles (compute and memory bounds),
// utilisation, load balance, off-chip bytes — computed from the program and a layer's statistics record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/accel/program.hpp"
#include "golden/net/model.hpp"

namespace tern {

struct LayerMetrics {
  std::string name, type, wtype, format;
  int act_bits = 0;
  bool bitserial = false, packed = false;
  int64_t weights = 0, nnz = 0;    // dense weights and non-zero weights
  int64_t macs = 0, macs_nz = 0;   // per image: dense MACs, MACs with a non-zero weight
  int64_t slots = 0;               // MACs the array can do per cycle: Cols x Lanes (x 8 packed)
  uint64_t cycles = 0;             // measured (one image)
  uint64_t compute_bound = 0;      // nz MACs x planes / slots (max-pool: window reads / lanes)
  uint64_t memory_bound = 0;       // bytes moved / 8 bytes per cycle
  uint64_t ideal = 0;              // max of the two
  double utilisation = 0;          // ideal / cycles
  double balance = 1;              // 1 - column-cycles waiting for slower columns / (Cols x RUN cycles)
  uint64_t bytes = 0;              // off-chip bytes moved by the layer
};

LayerMetrics layer_metrics(const Model& m, const Program& p, size_t i, const LayerStats& s);

// Every layer's metrics and their sums over the program (one image); st: one record per layer.
struct ModelMetrics {
  std::vector<LayerMetrics> layers;
  int64_t weights = 0, nnz = 0, macs = 0, macs_nz = 0;
  uint64_t cycles = 0, ideal = 0, bytes = 0;
};
ModelMetrics model_metrics(const Model& m, const Program& p, const std::vector<LayerStats>& st);

}  // namespace tern
