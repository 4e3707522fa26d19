// Layer metrics: MAC counts from the model, bounds from the program, cycles from the statistics.
#include "golden/accel/metrics.hpp"

#include <algorithm>

namespace tern {

LayerMetrics layer_metrics(const Model& m, const Program& p, size_t i, const LayerStats& s) {
  const Layer& L = m.layers.at(p.layers.at(i).model_layer);
  const CompiledLayer& cl = p.layers[i];
  const Descriptor& d = cl.desc;
  LayerMetrics r;
  r.name = L.name;
  r.cycles = s[hw::StCycles];
  r.bytes = s[hw::StBytesRead] + s[hw::StBytesWritten];
  r.memory_bound = (r.bytes + 7) / 8;
  if (L.type == LayerType::kMaxPool) {
    r.type = "maxpool";
    r.slots = p.hw.lanes;
    r.compute_bound = static_cast<uint64_t>((int64_t{L.C} * L.E * L.F * L.R * L.S + r.slots - 1) / r.slots);
  } else {
    r.type = L.type == LayerType::kConv ? "conv" : "fc";
    r.wtype = to_string(L.wtype);
    r.format = to_string(static_cast<Format>(d.fmt));
    r.act_bits = L.act_bits;
    r.bitserial = d.bitserial;
    r.packed = d.pack;
    r.weights = cl.dense_weights;
    r.nnz = cl.model_nnz;
    const int64_t pixels = int64_t{L.E} * L.F;
    r.macs = r.weights * pixels;
    r.macs_nz = r.nnz * pixels;
    const int planes = d.bitserial ? d.act_bits : 1;
    r.slots = int64_t{p.hw.cols} * p.hw.lanes * (d.pack ? 8 : 1);
    r.compute_bound = static_cast<uint64_t>((r.macs_nz * planes + r.slots - 1) / r.slots);
    const uint64_t run = s[hw::StRunCycles];
    if (run) r.balance = 1.0 - static_cast<double>(s[hw::StStallBalance]) / static_cast<double>(run * p.hw.cols);
  }
  r.ideal = std::max(r.compute_bound, r.memory_bound);
  r.utilisation = r.cycles ? static_cast<double>(r.ideal) / static_cast<double>(r.cycles) : 0.0;
  return r;
}

ModelMetrics model_metrics(const Model& m, const Program& p, const std::vector<LayerStats>& st) {
  ModelMetrics mm;
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const LayerMetrics lm = layer_metrics(m, p, i, st.at(i));
    mm.weights += lm.weights;
    mm.nnz += lm.nnz;
    mm.macs += lm.macs;
    mm.macs_nz += lm.macs_nz;
    mm.cycles += lm.cycles;
    mm.ideal += lm.ideal;
    mm.bytes += lm.bytes;
    mm.layers.push_back(lm);
  }
  return mm;
}

}  // namespace tern
