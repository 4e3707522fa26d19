// tern_energy_sim: runs one synthetic model on the Verilated gate-level netlist of the energy build
// (OSU 0.18 um cells, memories as SRAM macros with simulation models; tests/energy/CMakeLists.txt) and
// writes a VCD with one sample per cycle of every net while the engine is busy (the activity window);
// synth/energy.py turns the VCD into toggle counts and energy. The outputs are checked bit-exact against
// the functional model (a wrong simulation gives no energy figure).
//
//   tern_energy_sim --vcd OUT.vcd --json OUT.json [--wtype ternary] [--sparsity 0.9] [--act-bits 8]
//                   [--bitserial 0|1] [--format dense|rle|bitmap|csc|rle8] [--shape conv|fc|two]
//                   [--seed N] [--idle N] [--hw 3..8]
// --idle N: no program; N cycles with the clock running and the engine idle, all of them sampled.
// --shape two: a two-layer model, layer 0 int8 writing --act-bits activations (1-bit signed for
// --wtype binary --act-bits 1: the XNOR-popcount layer), layer 1 the measured one; the VCD marks each
// cycle's layer through i_core.i_seq.layer_q (synth/energy.py splits the energy by layer).
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "gate_cfg.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/accel/workloads.hpp"
#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"
#include "golden/weights.hpp"
#include "tb/accel_driver.hpp"

using namespace tern;
using Dut = tern::gate::Model;

namespace {

[[noreturn]] void usage(const std::string& msg) {
  std::cerr << "tern_energy_sim: " << msg << "\n"
            << "usage: tern_energy_sim --vcd OUT.vcd --json OUT.json [--wtype T] [--sparsity S] [--act-bits B]\n"
            << "       [--bitserial 0|1] [--format dense|rle|bitmap|csc|rle8] [--shape conv|fc|two] [--seed N] [--idle N] [--hw 3..8]\n";
  std::exit(2);
}

Format format_arg(const std::string& s) {
  static const std::map<std::string, Format> m = {{"dense", Format::kDense}, {"rle", Format::kRle},
                                                  {"bitmap", Format::kBitmap}, {"csc", Format::kCsc},
                                                  {"rle8", Format::kRleAligned}};
  auto it = m.find(s);
  if (it == m.end()) usage("unknown --format '" + s + "'");
  return it->second;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> a = {{"wtype", "ternary"}, {"sparsity", "0"}, {"act-bits", "8"},
                                          {"bitserial", "0"},   {"format", "dense"}, {"shape", "conv"},
                                          {"seed", "1"},        {"idle", "-1"},        {"hw", "8"}};
  std::string vcd_path, json_path;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0 || i + 1 >= argc) usage("bad argument '" + k + "'");
    k = k.substr(2);
    const std::string v = argv[++i];
    if (k == "vcd") vcd_path = v;
    else if (k == "json") json_path = v;
    else if (a.count(k)) a[k] = v;
    else usage("unknown option --" + k);
  }
  if (vcd_path.empty() || json_path.empty()) usage("--vcd and --json are required");
  const auto wt = parse_weight_type(a["wtype"]);
  if (!wt) usage("unknown --wtype '" + a["wtype"] + "'");
  const double sparsity = std::stod(a["sparsity"]);
  const int act_bits = std::stoi(a["act-bits"]);
  const bool bitserial = std::stoi(a["bitserial"]) != 0;
  const Format fmt = format_arg(a["format"]);
  const std::string shape = a["shape"];
  const uint64_t seed = std::stoull(a["seed"]);
  const long idle = std::stol(a["idle"]);
  const int hwdim = std::stoi(a["hw"]);
  if (hwdim < 3 || hwdim > 8) usage("--hw (input height and width) must be 3..8");
  if (sparsity < 0 || sparsity >= 1) usage("--sparsity must be in [0, 1)");
  if (act_bits < 1 || act_bits > 8) usage("--act-bits must be 1..8");

  // The build as its CONFIG registers report it.
  HwConfig hw;
  {
    tb::AccelDriver<Dut> drv(std::vector<uint64_t>(8, 0), tb::MemTiming::ideal(), 1, "energy_cfg");
    hw = tb::read_config(drv);
  }

  Model model;
  Program prog;
  CompileOptions opt;
  std::vector<uint8_t> image;
  if (idle < 0) {
    // A layer that fits the small build (BankBytes 256, CacheWords 16, MaxConvRow 64): conv 4xHxH -> 4, 3x3
    // pad 1 (H = --hw), or fc H*H -> 8; two: an int8 conv to --act-bits activations, then the measured conv.
    std::vector<LayerSpec> specs;
    if (shape == "conv") specs = {{LayerType::kConv, 4, 3, 1, 1}};
    else if (shape == "fc") specs = {{LayerType::kFc, 8}};
    else if (shape == "two") specs = {{LayerType::kConv, 4, 3, 1, 1}, {LayerType::kConv, 4, 3, 1, 1}};
    else usage("unknown --shape '" + shape + "'");
    const int C = shape == "fc" ? 1 : 4;
    if (shape != "two") {
      if (act_bits != 8) usage("--act-bits applies to --shape two (the first layer reads the 8-bit image)");
      model = synth_model("energy", C, hwdim, hwdim, specs, *wt, sparsity, 8, seed, false);
    } else {
      // layer 0: int8, dense, writes act_bits-bit activations (1-bit signed by threshold for XNOR);
      // layer 1: the measured layer of --wtype at --sparsity reading them.
      const bool xnor = *wt == WeightType::kBinary && act_bits == 1;
      const int b0 = xnor ? 8 : act_bits;
      model = synth_model("energy", C, hwdim, hwdim, specs, WeightType::kInt8, 0.0, b0, seed, false);
      const Model m1 = synth_model("energy", C, hwdim, hwdim, specs, *wt, sparsity, b0, seed + 7, false);
      Layer& l0 = model.layers[0];
      // about half of the outputs clamp at zero, the rest spread over the output range (typical |sum| of
      // 36 int8 x 8-bit products ~ 56,000)
      l0.mult.assign(static_cast<size_t>(l0.M), std::max(1, 2400 >> (8 - b0)));
      model.layers[1] = m1.layers[1];
      if (xnor) {
        l0.mode = RequantMode::kThreshold;
        l0.out_bits = 1;
        l0.out_signed = true;
        l0.thresholds.assign(static_cast<size_t>(l0.M), 0);
        model.layers[1].act_bits = 1;
        model.layers[1].act_signed = true;
      }
    }
    for (Layer& L : model.layers) {
      LayerChoice c;
      c.auto_format = false;
      c.format = fmt;
      c.bitserial = bitserial && L.has_weights();
      opt.layers.push_back(c);
    }
    if (shape == "two") opt.layers[0].format = Format::kDense, opt.layers[0].bitserial = false;
    validate_model(model, "energy model");
    prog = compile(model, hw, opt);
    std::mt19937_64 rng(seed + 1);
    image = random_image(rng, model);
    place_input(prog, image);
  } else {
    prog.image.assign(8, 0);
  }

  tb::AccelDriver<Dut> drv(prog.image, tb::MemTiming::ideal(), 1, "energy_run");
  Dut& m = drv.sim().model();
  m.contextp()->traceEverOn(true);
  VerilatedVcdC vcd;
  m.trace(&vcd, 99);
  vcd.open(vcd_path.c_str());
  uint64_t samples = 0;
  bool sampling = idle >= 0;
  drv.on_cycle([&](Dut& d) {
    if (sampling || d.rootp->tern_top__DOT__busy) {
      vcd.dump(static_cast<uint64_t>(samples) * 10);
      ++samples;
    }
  });
  std::ofstream js(json_path);
  if (idle >= 0) {
    for (long i = 0; i < idle; ++i) drv.step();
    vcd.close();
    js << "{\"samples\": " << samples << ", \"idle\": true}\n";
    return 0;
  }
  const tb::RunResult r = drv.run(prog.prog_base, 20000000);
  vcd.close();
  if (!r.finished || r.error) {
    std::cerr << "tern_energy_sim: the program did not finish (error code 0x" << std::hex << int{r.err_code} << ")\n";
    return 1;
  }
  // bit-exact against the functional model
  std::vector<uint64_t> gold = prog.image;
  const ExecResult er = execute(gold, prog.prog_base, hw, opt.fparams);
  if (!er.ok) {
    std::cerr << "tern_energy_sim: functional model failed: " << er.message << "\n";
    return 1;
  }
  for (size_t i = 0; i < prog.layers.size(); ++i) {
    if (read_output(prog, drv.mem().words(), i) != read_output(prog, gold, i)) {
      std::cerr << "tern_energy_sim: layer " << i << " output differs from the functional model\n";
      return 1;
    }
  }
  js << "{\"samples\": " << samples << ", \"busy_cycles\": " << r.busy_cycles << ", \"run_cycles\": " << r.cycles
     << ", \"bit_exact\": true, \"layers\": [";
  for (size_t i = 0; i < prog.layers.size(); ++i) {
    const CompiledLayer& L = prog.layers[i];
    const Layer& ml = model.layers[L.model_layer];
    const LayerStats st = read_stats(prog, drv.mem().words(), i);
    const int64_t pix = int64_t{ml.E} * ml.F;
    js << (i ? ", " : "") << "{\"name\": \"" << ml.name << "\", \"wtype\": \"" << to_string(ml.wtype)
       << "\", \"format\": " << int{L.desc.fmt} << ", \"bitserial\": " << (L.desc.bitserial ? "true" : "false")
       << ", \"pack\": " << (L.desc.pack ? "true" : "false") << ", \"act_bits\": " << ml.act_bits
       << ", \"act_signed\": " << (ml.act_signed ? "true" : "false")
       << ", \"macs\": " << L.dense_weights * pix << ", \"nz_macs\": " << L.model_nnz * pix
       << ", \"stats\": \"" << to_string(st) << "\"}";
  }
  js << "]}\n";
  return 0;
}
