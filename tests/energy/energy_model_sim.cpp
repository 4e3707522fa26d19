// tern_energy_model_sim: one test image of a bundled model (models/*.tnm) on the Verilated gate-level
// netlist of the energy models build (tests/energy/CMakeLists.txt: Cols=2 Lanes=2 with buffers that fit
// every bundled model), counting switching activity INSIDE the simulator: the VCD that Verilator writes is
// never stored, a VerilatedVcdFile subclass parses it as it is written and counts, per net bit and per
// layer, the toggles between consecutive sampled cycles (synth/energy_models.py turns them into energy).
//
// Sampling: whole inferences are 0.5-0.7 M cycles; every layer is sampled in --windows windows of --window
// cycles spread evenly over the layer (at offsets k * cycles / windows, cycles from the functional model's
// cycle model, whose statistics records the RTL's match), or every cycle with --window 0. A toggle is counted only
// between two consecutive sampled cycles (the first sample of a window only sets the values), so a layer's
// transition energy per cycle = its counted toggles / its counted cycle pairs, extrapolated to the layer's
// cycles, which are counted exactly (every busy cycle is attributed to a layer: a layer ends with the write
// of the last word of its statistics record, seen at the memory write port). The SRAM macros' reads and
// writes are counted at the macro models' re_i / we_i in the sampled cycles (per layer, extrapolated the same
// way). Every run's outputs are checked bit-exact against the functional model and the reference network,
// and its per-layer statistics records against the cycle model's.
//
//   tern_energy_model_sim --model M.tnm --out PREFIX [--image K] [--window W] [--windows N] [--data NAME]
// writes PREFIX.hdr (the VCD header: net names and codes), PREFIX.bin (uint32 toggles, layer-major, one per
// net bit in header order), PREFIX.json (layers, cycles, samples, SRAM accesses, MACs, checks).
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "gate_cfg.hpp"
#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/dataset.hpp"
#include "golden/net/model.hpp"
#include "golden/net/reference.hpp"
#include "tb/accel_driver.hpp"

using namespace tern;
using Dut = tern::gate::Model;

namespace {

[[noreturn]] void usage(const std::string& msg) {
  std::cerr << "tern_energy_model_sim: " << msg << "\n"
            << "usage: tern_energy_model_sim --model M.tnm --out PREFIX [--image K] [--window W] [--windows N]"
               " [--data fashion-mnist|mnist]\n";
  std::exit(2);
}

// Parses the VCD text as Verilator writes it and counts toggles per net bit into the current layer's
// array. Net bits are numbered in order of the codes' first appearance in the header (aliases share them),
// each vector msb first -- synth/energy_models.py numbers the header the same way.
class CountingVcd : public VerilatedVcdFile {
 public:
  bool open(const std::string&) override { return true; }
  void close() override {}
  ssize_t write(const char* p, ssize_t len) override {
    for (ssize_t i = 0; i < len; ++i) {
      const char c = p[i];
      if (c == '\n') {
        line_done();
        line_.clear();
      } else {
        line_.push_back(c);
      }
    }
    return len;
  }

  std::string header;            // the VCD header, up to $enddefinitions
  size_t nflat = 0;              // net bits
  int layer = 0;                 // layer the next toggles go to
  bool count = false;            // count toggles of the next sample (false: first sample of a window)
  std::vector<std::vector<uint32_t>> toggles;   // [layer][bit]
  std::vector<uint8_t> value;
  // SRAM macro models: the scope's re_i / we_i bits
  struct Port {
    std::string scope;
    long re = -1, we = -1;
  };
  std::vector<Port> macros;

  void ensure_layers(size_t n) {
    while (toggles.size() < n) toggles.emplace_back(nflat, 0);
  }

 private:
  std::string line_;
  bool in_header_ = true;
  std::vector<std::string> scope_;
  std::vector<long> code_off_, code_w_;   // per decoded code: first flat bit, width
  std::map<std::string, size_t> macro_idx_;

  // inverse of VerilatedVcd::writeCode (bijective base 94, least significant character first)
  static size_t decode(const char* s, size_t n) {
    size_t q = 0;
    for (size_t i = n; i-- > 1;) q = q * 94 + static_cast<size_t>(s[i] - '!') + 1;
    return q * 94 + static_cast<size_t>(s[0] - '!');
  }
  void set_bit(size_t x, uint8_t v) {
    if (value[x] != v) {
      value[x] = v;
      if (count) ++toggles[static_cast<size_t>(layer)][x];
    }
  }
  void line_done() {
    if (in_header_) {
      header += line_;
      header += '\n';
      parse_header_line();
      return;
    }
    if (line_.empty()) return;
    const char c = line_[0];
    if (c == '0' || c == '1' || c == 'x' || c == 'z' || c == 'X' || c == 'Z') {
      const size_t code = decode(line_.data() + 1, line_.size() - 1);
      if (code < code_off_.size() && code_off_[code] >= 0) set_bit(static_cast<size_t>(code_off_[code]), c == '1');
    } else if (c == 'b') {
      const size_t sp = line_.find(' ');
      if (sp == std::string::npos) return;
      const size_t code = decode(line_.data() + sp + 1, line_.size() - sp - 1);
      if (code >= code_off_.size() || code_off_[code] < 0) return;
      const long w = code_w_[code], off = code_off_[code];
      const long nb = static_cast<long>(sp) - 1;   // bits written (msb first, may omit leading zeros)
      for (long k = 0; k < w; ++k) {
        const long j = k - (w - nb);   // index into the written bits
        const uint8_t v = j >= 0 ? line_[static_cast<size_t>(1 + j)] == '1' : 0;
        set_bit(static_cast<size_t>(off + k), v);
      }
    }
  }
  void parse_header_line() {
    // $scope module NAME $end | $upscope $end | $var wire W CODE NAME [RANGE] $end | $enddefinitions $end
    std::vector<std::string> t;
    size_t i = 0;
    while (i < line_.size()) {
      while (i < line_.size() && line_[i] == ' ') ++i;
      size_t j = i;
      while (j < line_.size() && line_[j] != ' ') ++j;
      if (j > i) t.push_back(line_.substr(i, j - i));
      i = j;
    }
    if (t.empty()) return;
    if (t[0] == "$scope" && t.size() >= 3) {
      scope_.push_back(t[2]);
    } else if (t[0] == "$upscope") {
      if (!scope_.empty()) scope_.pop_back();
    } else if (t[0] == "$var" && t.size() >= 5) {
      const long w = std::stol(t[2]);
      const size_t code = decode(t[3].data(), t[3].size());
      if (code >= code_off_.size()) code_off_.resize(code + 1, -1), code_w_.resize(code + 1, 0);
      if (code_off_[code] < 0) {
        code_off_[code] = static_cast<long>(nflat);
        code_w_[code] = w;
        nflat += static_cast<size_t>(w);
      }
      if ((t[4] == "re_i" || t[4] == "we_i") && w == 1) {
        std::string s;
        for (const auto& x : scope_) s += (s.empty() ? "" : "/") + x;
        auto it = macro_idx_.find(s);
        if (it == macro_idx_.end()) it = macro_idx_.emplace(s, macros.size()).first, macros.push_back({s});
        (t[4] == "re_i" ? macros[it->second].re : macros[it->second].we) = code_off_[code];
      }
    } else if (t[0] == "$enddefinitions") {
      in_header_ = false;
      value.assign(nflat, 0);
    }
  }
};

Format parse_fmt(const std::string& s) {
  const auto f = parse_format(s);
  if (!f) usage("unknown format '" + s + "'");
  return *f;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> a = {{"model", ""}, {"out", ""},    {"image", "0"},
                                          {"window", "2000"}, {"windows", "4"}, {"data", ""}, {"format", "rle"}};
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0 || i + 1 >= argc) usage("bad argument '" + k + "'");
    k = k.substr(2);
    if (!a.count(k)) usage("unknown option --" + k);
    a[k] = argv[++i];
  }
  if (a["model"].empty() || a["out"].empty()) usage("--model and --out are required");
  const long window = std::stol(a["window"]);
  const long nwin = std::stol(a["windows"]);
  const size_t image_k = std::stoul(a["image"]);
  if (window < 0 || nwin < 1) usage("--window >= 0 (0: every cycle), --windows >= 1");

  const Model model = load_model(a["model"]);
  const char* root = std::getenv("TERN_ROOT");
  const std::string dsname = a["data"].empty() ? model.dataset : a["data"];
  const Dataset ds = load_dataset(dsname, root ? root : ".", "test");
  if (image_k >= ds.images.size()) usage("--image beyond the test set");
  const std::vector<uint8_t>& img = ds.images[image_k];

  HwConfig hw;
  {
    tb::AccelDriver<Dut> drv(std::vector<uint64_t>(8, 0), tb::MemTiming::ideal(), 1, "energy_cfg");
    hw = tb::read_config(drv);
  }
  // the compiler's automatic choices, as `tern run` (rle requested; dense where it is smaller or required)
  CompileOptions opt;
  const Format fmt = parse_fmt(a["format"]);
  for (size_t i = 0; i < model.layers.size(); ++i) {
    LayerChoice ch;
    ch.format = fmt;
    ch.auto_format = true;
    opt.layers.push_back(ch);
  }
  Program prog = compile(model, hw, opt);
  place_input(prog, img);
  const size_t nl = prog.layers.size();

  // functional model first: expected per-layer cycles (statistics record word 0) for the window schedule
  std::vector<uint64_t> gold = prog.image;
  const ExecResult er = execute(gold, prog.prog_base, hw, opt.fparams);
  if (!er.ok) {
    std::cerr << "tern_energy_model_sim: functional model failed: " << er.message << "\n";
    return 1;
  }
  // the cycle model's statistics records (what `tern run` checks the RTL's records against)
  const std::vector<LayerStats> predicted = predict_cycles(gold, prog.prog_base, hw, opt.fparams);
  std::vector<uint64_t> expect(nl);
  std::vector<uint32_t> stats_last(nl);   // address of the last word of each layer's statistics record
  for (size_t i = 0; i < nl; ++i) {
    expect[i] = predicted.at(i)[hw::StCycles];
    stats_last[i] = prog.layers[i].desc.stats_addr + 8 * (hw::StatsWords - 1);
  }

  CountingVcd file;
  tb::AccelDriver<Dut> drv(prog.image, tb::MemTiming::ideal(), 1, "energy_model_run");
  Dut& m = drv.sim().model();
  m.contextp()->traceEverOn(true);
  VerilatedVcdC vcd(&file);
  m.trace(&vcd, 99);
  vcd.open("counting");
  vcd.flush();   // Verilator buffers its output: flushed after every dump, so the parser sees each sample
                 // with its layer (the header first)
  file.ensure_layers(nl + 1);

  // per layer (nl = after the last layer's record: the end descriptor)
  std::vector<uint64_t> cycles(nl + 1, 0), samples(nl + 1, 0), pairs(nl + 1, 0);
  std::vector<std::vector<uint64_t>> reads(nl + 1, std::vector<uint64_t>(file.macros.size(), 0)),
      writes(nl + 1, std::vector<uint64_t>(file.macros.size(), 0));
  size_t layer = 0;
  uint64_t in_layer = 0, tsample = 0, busy_seen = 0;
  bool prev_sampled = false;
  auto in_window = [&](size_t L, uint64_t c) {
    if (window == 0) return true;
    const uint64_t C = L < nl ? expect[L] : 0;
    if (L >= nl || C <= static_cast<uint64_t>(window) * static_cast<uint64_t>(nwin)) return true;
    for (long k = 0; k < nwin; ++k) {
      const uint64_t s = C * static_cast<uint64_t>(k) / static_cast<uint64_t>(nwin);
      if (c >= s && c < s + static_cast<uint64_t>(window)) return true;
    }
    return false;
  };
  const auto t0 = std::chrono::steady_clock::now();
  drv.on_cycle([&](Dut& d) {
    if (!d.rootp->tern_top__DOT__busy) {
      prev_sampled = false;
      return;
    }
    const bool s = in_window(layer, in_layer);
    if (s) {
      file.layer = static_cast<int>(layer);
      file.count = prev_sampled;
      vcd.dump(tsample * 10);
      vcd.flush();
      ++tsample;
      ++samples[layer];
      if (prev_sampled) ++pairs[layer];
      for (size_t k = 0; k < file.macros.size(); ++k) {
        if (file.macros[k].re >= 0) reads[layer][k] += file.value[static_cast<size_t>(file.macros[k].re)];
        if (file.macros[k].we >= 0) writes[layer][k] += file.value[static_cast<size_t>(file.macros[k].we)];
      }
    }
    prev_sampled = s;
    ++cycles[layer];
    if (++busy_seen % 50000 == 0) {
      std::cerr << "cycle " << busy_seen << " layer " << layer << " sampled " << tsample << " in_layer " << in_layer << " "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    }
    ++in_layer;
    // the last word of this layer's statistics record written: the next cycle belongs to the next layer
    if (layer < nl && d.wr_req_valid_o && d.wr_req_ready_i && d.wr_req_addr_o == stats_last[layer]) {
      ++layer;
      in_layer = 0;
      prev_sampled = false;   // a new layer starts a new window
    }
  });
  const tb::RunResult r = drv.run(prog.prog_base, 50000000);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  vcd.close();
  if (!r.finished || r.error) {
    std::cerr << "tern_energy_model_sim: the program did not finish (error code 0x" << std::hex << int{r.err_code}
              << ")\n";
    return 1;
  }
  // bit-exact against the functional model and the reference network; statistics records equal
  const auto ref = run_reference(model, img);
  bool exact = true, stats_equal = true;
  for (size_t i = 0; i < nl; ++i) {
    const auto got = read_output(prog, drv.mem().words(), i);
    if (got != read_output(prog, gold, i) || got != ref[prog.layers[i].model_layer]) {
      std::cerr << "tern_energy_model_sim: layer " << i << " output differs from the functional model\n";
      exact = false;
    }
    if (read_stats(prog, drv.mem().words(), i) != predicted.at(i)) stats_equal = false;
  }
  if (!exact) return 1;
  if (layer != nl) {
    std::cerr << "tern_energy_model_sim: saw " << layer << " statistics records of " << nl << " layers\n";
    return 1;
  }
  const std::string pre = a["out"];
  {
    std::ofstream h(pre + ".hdr");
    h << file.header;
    std::ofstream b(pre + ".bin", std::ios::binary);
    for (size_t L = 0; L <= nl; ++L) {
      b.write(reinterpret_cast<const char*>(file.toggles[L].data()),
              static_cast<std::streamsize>(file.toggles[L].size() * sizeof(uint32_t)));
    }
  }
  int cls = 0;
  {
    const auto& y = ref.back();
    for (size_t i = 1; i < y.size(); ++i)
      if (y[i] > y[static_cast<size_t>(cls)]) cls = static_cast<int>(i);
  }
  std::ofstream js(pre + ".json");
  js << "{\"model\": \"" << model.name << "\", \"dataset\": \"" << dsname << "\", \"image\": " << image_k
     << ", \"label\": " << ds.labels[image_k] << ", \"class\": " << cls << ", \"window\": " << window
     << ", \"windows\": " << nwin << ", \"nflat\": " << file.nflat << ", \"busy_cycles\": " << r.busy_cycles
     << ", \"bit_exact\": true, \"stats_equal\": " << (stats_equal ? "true" : "false")
     << ", \"sim_seconds\": " << secs << ", \"macros\": [";
  for (size_t k = 0; k < file.macros.size(); ++k) js << (k ? ", " : "") << "\"" << file.macros[k].scope << "\"";
  js << "], \"layers\": [";
  for (size_t L = 0; L <= nl; ++L) {
    js << (L ? ", " : "") << "{";
    if (L < nl) {
      const CompiledLayer& cl = prog.layers[L];
      const Layer& ml = model.layers[cl.model_layer];
      const int64_t pix = int64_t{ml.E} * ml.F;
      const LayerStats st = read_stats(prog, drv.mem().words(), L);
      js << "\"name\": \"" << ml.name << "\", \"op\": " << int(cl.desc.op) << ", \"wtype\": \""
         << (ml.has_weights() ? to_string(ml.wtype) : "") << "\", \"format\": \"" << to_string(static_cast<Format>(cl.desc.fmt))
         << "\", \"pack\": " << (cl.desc.pack ? "true" : "false") << ", \"act_bits\": " << ml.act_bits
         << ", \"macs\": " << (ml.has_weights() ? cl.dense_weights * pix : 0)
         << ", \"nz_macs\": " << (ml.has_weights() ? cl.model_nnz * pix : 0) << ", \"stats\": [";
      for (unsigned w = 0; w < hw::StatsWords; ++w) js << (w ? ", " : "") << st[w];
      js << "], ";
    } else {
      js << "\"name\": \"end\", ";
    }
    js << "\"cycles\": " << cycles[L] << ", \"samples\": " << samples[L] << ", \"pairs\": " << pairs[L]
       << ", \"reads\": [";
    for (size_t k = 0; k < file.macros.size(); ++k) js << (k ? ", " : "") << reads[L][k];
    js << "], \"writes\": [";
    for (size_t k = 0; k < file.macros.size(); ++k) js << (k ? ", " : "") << writes[L][k];
    js << "]}";
  }
  js << "]}\n";
  std::cout << "tern_energy_model_sim: " << model.name << " image " << image_k << ": " << r.busy_cycles
            << " busy cycles, " << tsample << " sampled, " << secs << " s, bit-exact"
            << (stats_equal ? ", statistics records equal" : ", STATISTICS RECORDS DIFFER") << "\n";
  return 0;
}
