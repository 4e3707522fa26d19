// Cycles of a benchmark network on one accelerator build, from the cycle model (equal to the RTL cycle for
// cycle with an ideal memory, tests/accel): per layer and per image, with MACs and non-zero weights, as JSON
// for the design-space sweep (synth/sweep.py). Synthetic weights (random values of one type at a given
// sparsity: the LeNet-style CNN, the thesis MLP, or one dense conv layer 64->64 3x3 on 16x16) or a trained
// model file (optionally with its ternary/binary layers converted to int8 weights of the same values, for
// an int8-only build). The build is given by its parameters (--cols, --lanes, --pack, --mac-types, ...).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "golden/accel/cycle_model.hpp"
#include "golden/accel/metrics.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/model.hpp"

namespace tern {
namespace {

struct LayerSpec {
  LayerType type;
  int M = 0, R = 1, stride = 1, pad = 0;  // conv/fc: M outputs; pool: R = kernel
};

// LeNet-style CNN on 28x28x1 (the benchmark network of bench/accel): conv5x5-32, pool2, conv5x5-64, pool2,
// fc512, fc10.
std::vector<LayerSpec> lenet_specs() {
  return {{LayerType::kConv, 32, 5, 1, 2}, {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kConv, 64, 5, 1, 2},
          {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kFc, 512}, {LayerType::kFc, 10}};
}
// One conv layer 64 -> 64, 3x3, pad 1 on 16x16 (the dense-throughput benchmark layer L0), then pool2, pool2, fc10.
std::vector<LayerSpec> conv3_specs() {
  return {{LayerType::kConv, 64, 3, 1, 1}, {LayerType::kMaxPool, 0, 2, 2, 0}, {LayerType::kMaxPool, 0, 2, 2, 0},
          {LayerType::kFc, 10}};
}
// The thesis's MLP shape (Table 3.2): 784-1024-1024-1024-10.
std::vector<LayerSpec> mlp_specs() {
  return {{LayerType::kFc, 1024}, {LayerType::kFc, 1024}, {LayerType::kFc, 1024}, {LayerType::kFc, 10}};
}

// Random weights of type `wt` with zeros at probability `sparsity` (binary has none); hidden activations of
// `act_bits` bits (the 8-bit input image feeds the first layer); raw int32 outputs of the last layer.
Model synth_model(int C, int H, int W, const std::vector<LayerSpec>& specs, WeightType wt, double sparsity,
                  int act_bits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Model m;
  m.name = "synthetic";
  m.dataset = "synthetic";
  m.in_C = C, m.in_H = H, m.in_W = W, m.in_bits = 8;
  int bits = 8;
  for (size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& s = specs[i];
    Layer L;
    L.name = "L" + std::to_string(i);
    L.type = s.type;
    if (s.type == LayerType::kMaxPool) {
      L.C = L.M = C, L.H = H, L.W = W, L.R = L.S = s.R, L.stride = s.stride;
      L.E = (H - s.R) / s.stride + 1, L.F = (W - s.R) / s.stride + 1;
      L.act_bits = bits;
      m.layers.push_back(L);
      H = L.E, W = L.F;
      continue;
    }
    L.wtype = wt;
    L.act_bits = bits;
    L.M = s.M;
    if (s.type == LayerType::kFc) {
      L.C = C * H * W, L.H = L.W = 1, L.E = L.F = 1;
    } else {
      L.C = C, L.H = H, L.W = W, L.R = L.S = s.R, L.stride = s.stride, L.pad = s.pad;
      L.E = (H + 2 * s.pad - s.R) / s.stride + 1, L.F = (W + 2 * s.pad - s.R) / s.stride + 1;
    }
    std::vector<int32_t> nz;
    for (int32_t v : weight_values(wt)) {
      if (v != 0) nz.push_back(v);
    }
    std::bernoulli_distribution zero(sparsity);
    std::uniform_int_distribution<size_t> pick(0, nz.size() - 1);
    L.weights.resize(static_cast<size_t>(L.M) * L.row_len());
    for (auto& w : L.weights) w = (wt != WeightType::kBinary && zero(rng)) ? 0 : nz[pick(rng)];
    if (i + 1 == specs.size()) {
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
  validate_model(m, "ppa_cycles");
  return m;
}

WeightType parse_wtype(const std::string& s) {
  static const std::map<std::string, WeightType> k = {
      {"int8", WeightType::kInt8},       {"ternary", WeightType::kTernary}, {"binary", WeightType::kBinary},
      {"log2", WeightType::kLog2},       {"addnet2", WeightType::kAddNet2}, {"addnet3", WeightType::kAddNet3},
      {"addnet4", WeightType::kAddNet4}};
  const auto it = k.find(s);
  if (it == k.end()) throw std::runtime_error("unknown weight type " + s);
  return it->second;
}

Format format_arg(const std::string& s) {
  const auto f = parse_format(s);  // golden/formats/format.hpp
  if (!f) throw std::runtime_error("unknown format " + s);
  return *f;
}

std::string q(const std::string& s) { return "\"" + s + "\""; }

}  // namespace
}  // namespace tern

int main(int argc, char** argv) {
  using namespace tern;
  CLI::App app{"Cycles of a benchmark network on one Tern build (cycle model), as JSON"};
  std::string net = "lenet", wtype = "ternary", format = "auto", model_path;
  int act_bits = 8;
  double sparsity = 0.9;
  bool bitserial = false, as_int8 = false, add_missing = false, no_pack = false;
  int hw_bitserial = 0, hw_syq = 0, hw_stats = 1;
  uint64_t seed = 42;
  HwConfig hw;
  int mac_types = -1;
  app.add_option("--net", net, "lenet | mlp | conv3 (conv 64->64 3x3 on 16x16, then pool2, pool2, fc10)")->capture_default_str();
  app.add_option("--model", model_path, "trained .tnm model instead of a synthetic network");
  app.add_option("--wtype", wtype, "int8 ternary binary log2 addnet2 addnet3 addnet4")->capture_default_str();
  app.add_option("--format", format,
                 "auto (synthetic: dense if no zeros, else rle; model: the compiler's choice) | dense | rle | "
                 "bitmap | csc")
      ->capture_default_str();
  app.add_option("--cols", hw.cols)->capture_default_str();
  app.add_option("--lanes", hw.lanes)->capture_default_str();
  app.add_option("--pack", hw.pack, "1 or 8")->capture_default_str();
  app.add_flag("--no-pack", no_pack, "never use packed rows (even where the build and layer allow them)");
  app.add_option("--rq-units", hw.rq_units)->capture_default_str();
  app.add_option("--rq-serial", hw.rq_serial, "serial requantisers (0/1)")->capture_default_str();
  app.add_option("--formats", hw.formats, "build's format mask")->capture_default_str();
  app.add_option("--acc-bits", hw.acc_bits)->capture_default_str();
  app.add_option("--hw-bitserial", hw_bitserial, "the build has the bit-serial datapath (0/1)")->capture_default_str();
  app.add_option("--syq", hw_syq, "the build has SYQ (0/1)")->capture_default_str();
  app.add_option("--stats", hw_stats, "the build has the statistics record (0/1)")->capture_default_str();
  app.add_option("--act-bits", act_bits, "hidden activation bits (1..8)")->capture_default_str();
  app.add_option("--sparsity", sparsity, "probability of a zero weight")->capture_default_str();
  app.add_flag("--bitserial", bitserial, "run every weight layer on the bit-serial datapath");
  app.add_option("--seed", seed)->capture_default_str();
  app.add_option("--bank-bytes", hw.bank_bytes)->capture_default_str();
  app.add_option("--max-conv-row", hw.max_conv_row)->capture_default_str();
  app.add_option("--cache-words", hw.cache_words)->capture_default_str();
  app.add_option("--mac-types", mac_types, "build mask (default: the model's types, none if bit-serial)");
  app.add_flag("--as-int8", as_int8,
               "model: convert every non-int8 weight layer to int8 weights of the same values (same format)");
  app.add_flag("--add-missing-types", add_missing,
               "compile weight types the --mac-types build lacks as if it had them (reported as types_added)");
  CLI11_PARSE(app, argc, argv);

  try {
    Model m;
    if (!model_path.empty()) {
      m = load_model(model_path);
    } else {
      const WeightType wt = parse_wtype(wtype);
      m = net == "mlp"     ? synth_model(1, 28, 28, mlp_specs(), wt, sparsity, act_bits, seed)
          : net == "conv3" ? synth_model(64, 16, 16, conv3_specs(), wt, sparsity, act_bits, seed)
                           : synth_model(1, 28, 28, lenet_specs(), wt, sparsity, act_bits, seed);
    }
    std::vector<bool> converted(m.layers.size(), false);
    if (as_int8) {
      for (size_t i = 0; i < m.layers.size(); ++i) {
        Layer& L = m.layers[i];
        if (!L.has_weights() || L.wtype == WeightType::kInt8) continue;
        for (int32_t w : L.weights) {
          if (w < -128 || w > 127) throw std::runtime_error(L.name + ": weight out of the int8 range");
        }
        L.wtype = WeightType::kInt8;
        converted[i] = true;
      }
      validate_model(m, "ppa_cycles");
    }
    hw.bitserial = hw_bitserial != 0;
    hw.syq = hw_syq != 0;
    hw.stats = hw_stats != 0;
    uint32_t types = 0;
    for (const Layer& L : m.layers) {
      if (L.has_weights()) types |= 1u << static_cast<int>(L.wtype);
    }
    hw.mac_types = mac_types >= 0 ? static_cast<uint32_t>(mac_types) : (bitserial ? 0u : types);
    uint32_t added = 0;
    if (add_missing && !bitserial) {
      added = types & ~hw.mac_types;
      hw.mac_types |= added;
    }
    CompileOptions opt;
    for (size_t i = 0; i < m.layers.size(); ++i) {
      const Layer& L = m.layers[i];
      LayerChoice c;
      bool zeros = false;
      for (int32_t w : L.weights) zeros |= w == 0;
      if (format != "auto") {
        c.auto_format = false;
        c.format = format_arg(format);
      } else if (model_path.empty() || converted[i]) {
        // synthetic weights, or a converted layer: the format its sparsity calls for (a converted ternary
        // layer keeps the RLE stream the ternary build would use)
        c.auto_format = false;
        c.format = zeros ? Format::kRle : Format::kDense;
      }
      c.bitserial = bitserial && L.has_weights();
      c.pack = !no_pack;
      opt.layers.push_back(c);
    }
    const Program p = compile(m, hw, opt);
    const auto cyc = predict_cycles(p.image, p.prog_base, hw);
    std::ostringstream js;
    const ModelMetrics mm = model_metrics(m, p, cyc);
    js << "{\"layers\": [";
    for (size_t i = 0; i < p.layers.size(); ++i) {
      const LayerMetrics& lm = mm.layers[i];
      js << (i ? ", " : "") << "{\"name\": " << q(lm.name) << ", \"type\": " << q(lm.type) << ", \"wtype\": "
         << q(lm.wtype) << ", \"format\": " << q(lm.format) << ", \"packed\": "
         << (p.layers[i].desc.pack ? "true" : "false") << ", \"act_bits\": " << lm.act_bits
         << ", \"bitserial\": " << (lm.bitserial ? "true" : "false") << ", \"cycles\": " << lm.cycles
         << ", \"macs\": " << lm.macs << ", \"macs_nz\": " << lm.macs_nz << ", \"weights\": " << lm.weights
         << ", \"nnz\": " << lm.nnz << ", \"ideal\": " << lm.ideal << ", \"utilisation\": " << lm.utilisation
         << "}";
    }
    js << "], \"model\": " << q(m.name) << ", \"hw\": " << q(hw.describe()) << ", \"cols\": " << hw.cols
       << ", \"lanes\": " << hw.lanes << ", \"pack\": " << hw.pack << ", \"types_added\": " << added
       << ", \"batch\": 1, \"cycles_per_image\": " << mm.cycles << ", \"macs_per_image\": " << mm.macs
       << ", \"macs_nz_per_image\": " << mm.macs_nz << ", \"weights\": " << mm.weights << ", \"nnz\": " << mm.nnz
       << "}\n";
    std::cout << js.str();
  } catch (const std::exception& e) {
    std::cerr << "tern_ppa_cycles: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
