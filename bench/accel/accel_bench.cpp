// Accelerator benchmark (not a test): per-layer utilisation of the benchmark networks in every weight
// mode, sparse speedup vs density, bit-serial scaling, and simulation speed. Cycles come from the cycle
// model, which equals the RTL cycle for cycle (tests/accel); --rtl-check runs the RTL on the small
// workloads and fails if any layer's cycles differ.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "Vtern_default.h"
#include "Vtern_default___024root.h"
#include "golden/accel/cycle_model.hpp"
#include "golden/accel/metrics.hpp"
#include "golden/net/reference.hpp"
#include "tools/driver.hpp"

namespace {

using namespace tern;
using Clock = std::chrono::steady_clock;

struct LayerSpec {
  LayerType type;
  int M = 0, R = 1, stride = 1, pad = 0;  // conv/fc: M outputs; pool: R = kernel
};

// A network with random weights of one type at a given sparsity (values irrelevant for timing;
// the arithmetic is checked bit-exactly in tests/accel).
Model synth_model(const std::string& name, int C, int H, int W, const std::vector<LayerSpec>& specs, WeightType wt,
                  double sparsity, int act_bits, uint64_t seed, bool int8_ends = false) {
  std::mt19937_64 rng(seed);
  Model m;
  m.name = name;
  m.dataset = "synthetic";
  m.in_C = C, m.in_H = H, m.in_W = W, m.in_bits = 8;
  int bits = 8;
  const size_t nw = [&] {
    size_t k = 0;
    for (const auto& s : specs) k += s.type != LayerType::kMaxPool;
    return k;
  }();
  size_t wi = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& s = specs[i];
    Layer L;
    L.name = "L" + std::to_string(i);
    L.type = s.type;
    if (s.type == LayerType::kMaxPool) {
      L.C = L.M = C, L.H = H, L.W = W, L.R = L.S = s.R, L.stride = s.stride;
      L.E = (H - s.R) / s.stride + 1, L.F = (W - s.R) / s.stride + 1;
      m.layers.push_back(L);
      H = L.E, W = L.F;
      continue;
    }
    const bool end = int8_ends && (wi == 0 || wi + 1 == nw);
    ++wi;
    L.wtype = end ? WeightType::kInt8 : wt;
    L.act_bits = bits;
    L.M = s.M;
    if (s.type == LayerType::kFc) {
      L.C = C * H * W, L.H = L.W = 1, L.E = L.F = 1;
    } else {
      L.C = C, L.H = H, L.W = W, L.R = L.S = s.R, L.stride = s.stride, L.pad = s.pad;
      L.E = (H + 2 * s.pad - s.R) / s.stride + 1, L.F = (W + 2 * s.pad - s.R) / s.stride + 1;
    }
    const auto values = weight_values(L.wtype);
    std::vector<int32_t> nz;
    for (int32_t v : values) {
      if (v != 0) nz.push_back(v);
    }
    std::bernoulli_distribution zero(end ? 0.0 : sparsity);
    std::uniform_int_distribution<size_t> pick(0, nz.size() - 1);
    L.weights.resize(static_cast<size_t>(L.M) * L.row_len());
    for (auto& w : L.weights) w = (L.wtype != WeightType::kBinary && zero(rng)) ? 0 : nz[pick(rng)];
    const bool last = i + 1 == specs.size();
    if (last) {
      L.mode = RequantMode::kRaw;
      L.out_bits = 32;
      L.out_signed = true;
      L.bias.assign(L.M, 0);
    } else {
      L.mode = RequantMode::kLinear;
      L.out_bits = act_bits;
      L.bias.assign(L.M, 0);
      L.mult.assign(L.M, 40000);
      L.shift.assign(L.M, 20);
    }
    m.layers.push_back(L);
    C = L.M, H = L.E, W = L.F;
    if (s.type == LayerType::kFc) H = W = 1;
    bits = L.out_bits;
  }
  m.classes = C * H * W;
  validate_model(m, name);
  return m;
}

std::vector<LayerSpec> lenet_specs() {
  return {{LayerType::kConv, 32, 5, 1, 2}, {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kConv, 64, 5, 1, 2},
          {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kFc, 512}, {LayerType::kFc, 10}};
}
std::vector<LayerSpec> mlp_specs() {
  return {{LayerType::kFc, 1024}, {LayerType::kFc, 1024}, {LayerType::kFc, 1024}, {LayerType::kFc, 10}};
}
std::vector<LayerSpec> vgg_specs() {
  return {{LayerType::kConv, 128, 3, 1, 1}, {LayerType::kConv, 128, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kConv, 256, 3, 1, 1}, {LayerType::kConv, 256, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kConv, 512, 3, 1, 1}, {LayerType::kConv, 512, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kFc, 1024},          {LayerType::kFc, 1024},          {LayerType::kFc, 10}};
}

HwConfig big_hw() {  // large enough for the CIFAR VGG shape (cycle model only)
  HwConfig hw;
  hw.act_depth = 131072;
  hw.max_row_len = 8192;
  hw.cache_words = 2048;
  return hw;
}

struct Mode {
  std::string name;
  WeightType wt;
  Format fmt;
  bool bitserial;
  int act_bits;
};

CompileOptions options_for(const Model& m, Format f, bool bitserial, bool auto_format = false) {
  CompileOptions o;
  for (const Layer& L : m.layers) {
    LayerChoice c;
    c.format = f;
    c.auto_format = auto_format;
    c.bitserial = bitserial && L.has_weights();
    o.layers.push_back(c);
  }
  return o;
}

std::vector<LayerStats> cycles_of(const Program& p) {
  std::vector<LayerStats> out;
  for (const LayerCycles& c : predict_cycles(p.image, p.prog_base, p.hw)) {
    LayerStats s;
    s.cycles = c.cycles;
    s.entries = c.entries;
    s.bytes_read = c.bytes_read;
    s.bytes_written = c.bytes_written;
    out.push_back(s);
  }
  return out;
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tern accelerator benchmark: utilisation, sparse speedup, bit-serial scaling, simulation speed"};
  std::string out = "docs/benchmarks.md";
  bool rtl_check = true;
  std::string cnn_model = "models/cnn_fmnist_ternary.tnm";
  app.add_option("--out", out, "markdown report")->capture_default_str();
  app.add_option("--model", cnn_model, "trained CNN for the simulation-speed run")->capture_default_str();
  app.add_flag("!--no-rtl", rtl_check, "skip the RTL runs (cycle equality and simulation speed)");
  CLI11_PARSE(app, argc, argv);

  std::ostringstream md;
  md << "# Accelerator benchmarks\n\nGenerated by `make bench` (`build/bench/accel/tern_bench --out " << out
     << "`). Cycles are those of the cycle model, which equals the RTL cycle for cycle with an ideal memory "
        "(checked per layer in tests/accel on random programs";
  if (rtl_check) md << ", and by this benchmark on the LeNet and MLP workloads, see the last section";
  md << "). Definitions: docs/metrics.md. Default build: 8 lanes (batch 8), 64-bit memory port; the VGG shape "
        "uses a build with larger buffers (ActDepth 131072, MaxRowLen 8192, CacheWords 2048).\n\n";

  const HwConfig hw_default;
  const HwConfig hw_big = big_hw();
  const std::vector<Mode> modes = {
      {"int8 dense", WeightType::kInt8, Format::kDense, false, 8},
      {"ternary RLE", WeightType::kTernary, Format::kRle, false, 8},
      {"ternary bitmap", WeightType::kTernary, Format::kBitmap, false, 8},
      {"ternary CSC", WeightType::kTernary, Format::kCsc, false, 8},
      {"binary dense", WeightType::kBinary, Format::kDense, false, 8},
      {"log2 RLE", WeightType::kLog2, Format::kRle, false, 8},
      {"AddNet-3 RLE", WeightType::kAddNet3, Format::kRle, false, 8},
      {"ternary RLE bit-serial 4b", WeightType::kTernary, Format::kRle, true, 4},
  };
  struct Net {
    std::string name;
    int C, H, W;
    std::vector<LayerSpec> specs;
    double sparsity;
    bool big;
  };
  const std::vector<Net> nets = {
      {"LeNet-style CNN 28x28 (88% zeros)", 1, 28, 28, lenet_specs(), 0.88, false},
      {"MLP 784-1024-1024-1024-10 (92.8% zeros)", 1, 28, 28, mlp_specs(), 0.928, false},
      {"CIFAR VGG 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-1024FC-1024FC-10 (92.3% zeros)", 3, 32, 32, vgg_specs(), 0.923,
       true},
  };

  // ------------------------------------------------------------------ utilisation
  md << "## Utilisation per layer and mode\n\nUtilisation = ideal / measured cycles (ideal = max(compute, "
        "memory bound)). First and last weight layers are int8 dense in every mode (as in the bundled models); "
        "the others use the mode's weight type, format and precision. Target: >= 0.90 on conv and fc layers.\n\n";
  double worst = 1.0;
  std::string worst_where;
  for (const Net& n : nets) {
    md << "### " << n.name << "\n\n| mode |";
    const Model probe = synth_model("probe", n.C, n.H, n.W, n.specs, WeightType::kTernary, n.sparsity, 8, 1, true);
    for (const Layer& L : probe.layers) md << " " << L.name << (L.type == LayerType::kMaxPool ? " (pool)" : "") << " |";
    md << " cycles/batch | min conv/fc util |\n|---|";
    for (size_t i = 0; i < probe.layers.size(); ++i) md << "---|";
    md << "---|---|\n";
    for (const Mode& mo : modes) {
      const Model m = synth_model(n.name, n.C, n.H, n.W, n.specs, mo.wt, n.sparsity, mo.act_bits, 42, true);
      CompileOptions opt = options_for(m, mo.fmt, mo.bitserial);
      for (size_t i = 0; i < m.layers.size(); ++i) {
        if (m.layers[i].has_weights() && m.layers[i].wtype == WeightType::kInt8) {
          opt.layers[i].format = Format::kDense;
          opt.layers[i].bitserial = false;
        }
      }
      const Program p = compile(m, n.big ? hw_big : hw_default, opt);
      const auto st = cycles_of(p);
      uint64_t total = 0;
      double minu = 1.0;
      md << "| " << mo.name << " |";
      for (size_t i = 0; i < p.layers.size(); ++i) {
        const LayerMetrics lm = layer_metrics(m, p, i, st[i]);
        total += lm.cycles;
        md << " " << fmt("%.3f", lm.utilisation) << " |";
        if (lm.type != "maxpool") {
          minu = std::min(minu, lm.utilisation);
          if (lm.utilisation < worst) {
            worst = lm.utilisation;
            worst_where = n.name + " / " + mo.name + " / " + lm.name;
          }
        }
      }
      md << " " << total << " | " << fmt("%.3f", minu) << " |\n";
      std::cerr << "utilisation: " << n.name.substr(0, 20) << " " << mo.name << " done\n";
    }
    md << "\n";
  }
  md << "Lowest conv/fc utilisation over all networks and modes: **" << fmt("%.3f", worst) << "** (" << worst_where
     << ").\n\n";

  // ------------------------------------------------------------------ sparse speedup
  md << "## Sparse speedup vs density\n\nOne conv layer (LeNet conv2: 32x14x14 -> 64, 5x5, pad 2) and one fc "
        "layer (MLP fc2: 1024 -> 1024), ternary weights, 8-bit activations, dense stream vs each sparse stream. "
        "Speedup = dense cycles / sparse cycles; its limit is 1/density. Target: >= 0.9 x 1/density.\n\n"
        "| layer | zeros | 1/density | dense cycles | RLE cycles | RLE speedup | RLE / limit | bitmap speedup | bitmap / "
        "limit | CSC speedup | CSC / limit |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  const std::vector<std::pair<std::string, std::vector<LayerSpec>>> sp_layers = {
      {"conv 32x14x14->64 5x5", {{LayerType::kConv, 64, 5, 1, 2}, {LayerType::kConv, 10, 1, 1, 0}}},
      {"fc 1024->1024", {{LayerType::kFc, 1024}, {LayerType::kFc, 10}}}};
  double worst_sp = 10;
  for (const auto& [lname, specs] : sp_layers) {
    const bool conv = specs[0].type == LayerType::kConv;
    for (double z : {0.0, 0.5, 0.8, 0.9, 0.95}) {
      const int C = conv ? 32 : 1024, H = conv ? 14 : 1, W = conv ? 14 : 1;
      const Model m = synth_model(lname, C, H, W, specs, WeightType::kTernary, z, 8, 7);
      const double density = static_cast<double>(
                                 [&] {
                                   int64_t nz = 0;
                                   for (int32_t w : m.layers[0].weights) nz += w != 0;
                                   return nz;
                                 }()) /
                             static_cast<double>(m.layers[0].weights.size());
      uint64_t cyc[4] = {0, 0, 0, 0};
      for (int f = 0; f < 4; ++f) {
        const Program p = compile(m, hw_default, options_for(m, static_cast<Format>(f), false));
        cyc[f] = cycles_of(p)[0].cycles;
      }
      const double lim = 1.0 / density;
      md << "| " << lname << " | " << fmt("%.0f%%", 100 * z) << " | " << fmt("%.2f", lim) << " | " << cyc[0] << " | "
         << cyc[1];
      for (int f = 1; f < 4; ++f) {
        const double sp = static_cast<double>(cyc[0]) / static_cast<double>(cyc[f]);
        if (f == 1) md << " | " << fmt("%.2f", sp) << " | " << fmt("%.2f", sp / lim);
        else md << " | " << fmt("%.2f", sp) << " | " << fmt("%.2f", sp / lim);
        if (f == 1) worst_sp = std::min(worst_sp, sp / lim);
      }
      md << " |\n";
    }
  }
  md << "\nLowest RLE speedup / limit: **" << fmt("%.3f", worst_sp) << "**.\n\n";

  // ------------------------------------------------------------------ bit-serial scaling
  md << "## Bit-serial scaling\n\nTernary weights (RLE), bit-serial datapath, activations of b bits into the "
        "layer. Ratio = cycles(b) / cycles(8); the ideal is b/8. Target: within 10% of b/8.\n\n"
        "| layer | bits | cycles | ratio | b/8 | ratio / (b/8) |\n|---|---|---|---|---|---|\n";
  double worst_bs = 0;
  for (const auto& [lname, specs] : sp_layers) {
    const bool conv = specs[0].type == LayerType::kConv;
    const int C = conv ? 32 : 1024, H = conv ? 14 : 1, W = conv ? 14 : 1;
    uint64_t c8 = 0;
    for (int b = 8; b >= 1; --b) {
      Model m = synth_model(lname, C, H, W, specs, WeightType::kTernary, 0.88, b, 7);
      m.in_bits = b;
      m.layers[0].act_bits = b;
      validate_model(m, "bitserial");
      const Program p = compile(m, hw_default, options_for(m, Format::kRle, true));
      const uint64_t c = cycles_of(p)[0].cycles;
      if (b == 8) c8 = c;
      const double ratio = static_cast<double>(c) / static_cast<double>(c8);
      worst_bs = std::max(worst_bs, std::abs(ratio / (b / 8.0) - 1.0));
      md << "| " << lname << " | " << b << " | " << c << " | " << fmt("%.3f", ratio) << " | " << fmt("%.3f", b / 8.0)
         << " | " << fmt("%.3f", ratio / (b / 8.0)) << " |\n";
    }
  }
  md << "\nLargest deviation from b/8: **" << fmt("%.1f%%", 100 * worst_bs) << "**.\n\n";

  // ------------------------------------------------------------------ simulation speed
  if (rtl_check) {
    md << "## RTL check and simulation speed\n\nThe Verilated default build (`Vtern_default`) and the golden model "
          "(functional model + cycle model) on one batch of 8 images; every layer's RTL cycles compared with the "
          "cycle model.\n\n| workload | RTL cycles | RTL cycles/s | golden batches/s | reference images/s | layer "
          "cycle mismatches |\n|---|---|---|---|---|---|\n";
    RtlBackend<Vtern_default> rtl;
    GoldenBackend gold;
    int mismatches = 0;
    std::vector<std::pair<std::string, Model>> work;
    try {
      work.emplace_back("trained CNN " + cnn_model, load_model(cnn_model));
    } catch (const std::exception& e) {
      std::cerr << "bench: " << e.what() << " (skipping the trained model)\n";
    }
    work.emplace_back("MLP 784-1024x3-10 ternary",
                      synth_model("mlp", 1, 28, 28, mlp_specs(), WeightType::kTernary, 0.928, 8, 3, true));
    for (auto& [wname, m] : work) {
      Program p = compile(m, hw_default, options_for(m, Format::kRle, false, true));
      std::mt19937_64 rng(5);
      std::vector<std::vector<uint8_t>> imgs;
      for (int l = 0; l < 8; ++l) {
        std::vector<uint8_t> img(static_cast<size_t>(m.in_C) * m.in_H * m.in_W);
        for (auto& px : img) px = static_cast<uint8_t>(rng() % 256);
        imgs.push_back(img);
      }
      place_inputs(p, imgs);
      auto t0 = Clock::now();
      const BatchResult r = rtl.run(p);
      auto t1 = Clock::now();
      const BatchResult g = gold.run(p);
      auto t2 = Clock::now();
      for (int l = 0; l < 8; ++l) run_reference(m, imgs[l]);
      auto t3 = Clock::now();
      if (!r.ok || !g.ok) {
        std::cerr << "bench: run failed: " << r.message << g.message << "\n";
        return 1;
      }
      int mm = 0;
      for (size_t i = 0; i < p.layers.size(); ++i) mm += r.stats[i].cycles != g.stats[i].cycles;
      mismatches += mm;
      const double rs = std::chrono::duration<double>(t1 - t0).count();
      md << "| " << wname << " | " << r.run_cycles << " | " << fmt("%.0f", r.run_cycles / rs) << " | "
         << fmt("%.2f", 1.0 / std::chrono::duration<double>(t2 - t1).count()) << " | "
         << fmt("%.1f", 8.0 / std::chrono::duration<double>(t3 - t2).count()) << " | " << mm << " |\n";
    }
    md << "\nSpeeds are wall-clock on a shared 2-core machine: compare them with each other, not across machines.\n";
    if (mismatches) {
      std::cerr << "bench: RTL and cycle model disagree on " << mismatches << " layers\n";
      std::cout << md.str();
      return 1;
    }
  }
  std::cout << md.str();
  if (!out.empty()) {
    std::ofstream f(out);
    f << md.str();
  }
  return 0;
}
