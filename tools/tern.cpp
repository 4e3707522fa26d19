// tern: the command-line front end — compile a model for the accelerator, run it on a data set through the
// golden model and the RTL (accuracy, agreement, cycles, utilisation), and print its spec sheet.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

// The Verilated build behind the RTL backend: Vtern_default (the RTL defaults), or another build when
// compiled with TERN_VM=<class> (tools/CMakeLists.txt: tern_ice40 runs the iCE40 build of docs/ppa.md).
#ifndef TERN_VM
#define TERN_VM Vtern_default
#endif
#define TERN_STR2(x) #x
#define TERN_STR(x) TERN_STR2(x)
#define TERN_CAT2(a, b) a##b
#define TERN_CAT(a, b) TERN_CAT2(a, b)
#include TERN_STR(TERN_VM.h)
#include TERN_STR(TERN_CAT(TERN_VM, ___024root.h))
#include "golden/accel/metrics.hpp"
#include "golden/net/dataset.hpp"
#include "golden/net/reference.hpp"
#include "tools/driver.hpp"
#include "tools/parallel.hpp"

namespace {

using namespace tern;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string model;
  std::string data;  // default: the model's data set
  std::string format = "rle";
  bool format_given = false;  // --format on the command line (else the default)
  std::string bitserial;      // comma list of layer indices or "all"
  int golden_images = 10000;
  int rtl_images = 64;
  double clock_mhz = 100.0;
  bool clock_given = false;  // --clock-mhz on the command line (else the measured Fmax: choose_clock)
  std::string clock_source;  // printed next to the clock
  std::string json;
  bool quiet = false;
};

std::string repo_root() {
  const char* r = std::getenv("TERN_ROOT");
  if (r) return r;
  return ".";
}

// The per-layer choices of --format and --bitserial; `notes` gets one line per layer where a bit-serial
// request cannot be applied, and why (format fallbacks are the compiler's: CompiledLayer::format_note).
CompileOptions compile_options(const Model& m, const Options& o, std::vector<std::string>& notes) {
  CompileOptions c;
  const auto f = parse_format(o.format);
  if (!f) throw std::invalid_argument("--format: '" + o.format + "' is not dense, rle, bitmap, csc or rle8");
  std::vector<bool> bs(m.layers.size(), false);
  const bool all = o.bitserial == "all";
  if (all) {
    std::fill(bs.begin(), bs.end(), true);
  } else if (!o.bitserial.empty()) {
    std::stringstream ss(o.bitserial);
    std::string tok;
    while (std::getline(ss, tok, ',')) {
      size_t pos = 0;
      int i = -1;
      try {
        i = std::stoi(tok, &pos);
      } catch (const std::exception&) {
        pos = 0;
      }
      if (pos != tok.size() || i < 0 || i >= static_cast<int>(m.layers.size())) {
        throw std::invalid_argument("--bitserial: '" + tok + "' is not a layer index 0.." +
                                    std::to_string(m.layers.size() - 1));
      }
      bs[static_cast<size_t>(i)] = true;
    }
  }
  for (size_t i = 0; i < m.layers.size(); ++i) {
    LayerChoice ch;
    ch.format = *f;
    ch.auto_format = true;
    const Layer& L = m.layers[i];
    const bool xnor = L.act_bits == 1 && L.act_signed;
    ch.bitserial = bs[i] && L.has_weights() && !xnor;
    c.layers.push_back(ch);
    const std::string layer = "layer " + std::to_string(i) + " '" + L.name + "': --bitserial not applied: ";
    if (bs[i] && !L.has_weights() && !all) notes.push_back(layer + "a maxpool layer has no MACs");
    if (bs[i] && L.has_weights() && xnor) {
      notes.push_back(layer + "its 1-bit signed (+-1) activations run bit-parallel on the XNOR datapath");
    }
  }
  return c;
}

void progress(const char* what, int done, int total, bool quiet) {
  if (quiet) return;
  const int width = 30;
  const int fill = total ? done * width / total : width;
  std::fprintf(stderr, "\r%-8s [%s%s] %d/%d", what, std::string(static_cast<size_t>(fill), '#').c_str(),
               std::string(static_cast<size_t>(width - fill), '.').c_str(), done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

// Golden accuracy over the first n images, two threads (an exception in either is rethrown here).
std::pair<int, int> golden_accuracy(const Model& m, const Dataset& ds, int n, bool quiet) {
  n = std::min<int>(n, static_cast<int>(ds.images.size()));
  std::atomic<int> correct{0};
  parallel_for(
      n, 2,
      [&](int i) {
        const auto outs = run_reference(m, ds.images[static_cast<size_t>(i)]);
        if (argmax(outs.back()) == ds.labels[static_cast<size_t>(i)]) ++correct;
      },
      [&](int done) { progress("golden", done, n, quiet); });
  progress("golden", n, n, quiet);
  return {correct.load(), n};
}

std::string shape_str(int c, int h, int w) {
  return "[" + std::to_string(c) + "," + std::to_string(h) + "," + std::to_string(w) + "]";
}

// The model must take the data set's images as they are; checked before any work starts.
void check_input_shape(const Model& m, const Dataset& ds) {
  if (m.in_C != 1 || m.in_H != ds.rows || m.in_W != ds.cols) {
    throw DataError("the model's input shape " + shape_str(m.in_C, m.in_H, m.in_W) + " does not match the " + ds.name +
                    " images " + shape_str(1, ds.rows, ds.cols));
  }
}

struct RtlSummary {
  int images = 0, correct = 0, agree_images = 0;
  int layer_mismatches = 0, cycle_mismatches = 0;
  uint64_t rtl_cycles = 0;  // sum over images of the run cycle counter
  double rtl_seconds = 0, golden_seconds = 0;
  std::vector<LayerStats> stats;  // of the first image
  std::string first_error;
};

// The first n test images through the RTL and the golden model, one image per run (batch 1): every
// layer of every image against the functional model and the reference, every layer's statistics
// record against the cycle model.
RtlSummary run_rtl(RtlBackend<TERN_VM>& rtl, const Model& m, const Program& base, const Dataset& ds, int n,
                   bool quiet) {
  RtlSummary s;
  GoldenBackend gold;
  n = std::min<int>(n, static_cast<int>(ds.images.size()));
  for (int k = 0; k < n; ++k) {
    Program p = base;
    const auto& img = ds.images[static_cast<size_t>(k)];
    place_input(p, img);
    auto t0 = Clock::now();
    const RunOutcome r = rtl.run(p);
    auto t1 = Clock::now();
    const RunOutcome g = gold.run(p);
    auto t2 = Clock::now();
    s.rtl_seconds += std::chrono::duration<double>(t1 - t0).count();
    s.golden_seconds += std::chrono::duration<double>(t2 - t1).count();
    ++s.images;
    if (!r.ok || !g.ok) {
      if (s.first_error.empty()) s.first_error = !r.ok ? r.message : g.message;
      continue;
    }
    s.rtl_cycles += r.run_cycles;
    // A build without the statistics record (Stats = 0) writes none: its per-layer figures come from the
    // cycle model, and the RTL's own cycle count is the run counter (rtl_cycles).
    if (k == 0) s.stats = p.hw.stats ? r.stats : g.stats;
    for (size_t i = 0; i < p.layers.size() && p.hw.stats; ++i) {
      if (r.stats[i] != g.stats[i]) ++s.cycle_mismatches;
    }
    bool agree = true;
    const auto ref = run_reference(m, img);
    for (size_t i = 0; i < p.layers.size(); ++i) {
      const auto got = read_output(p, r.mem, i);
      if (got != read_output(p, g.mem, i) || got != ref[i]) {
        agree = false;
        ++s.layer_mismatches;
      }
    }
    s.agree_images += agree;
    if (argmax(read_output(p, r.mem, p.layers.size() - 1)) == ds.labels[static_cast<size_t>(k)]) ++s.correct;
    progress("rtl", s.images, n, quiet);
  }
  return s;
}

void print_layer_table(std::ostream& os, const Model& m, const Program& p, const std::vector<LayerStats>& st) {
  os << "| layer | type | weights | format | act bits | non-zero weights | nz MACs | cycles | ideal | utilisation "
        "| load balance |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  char buf[512];
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const LayerMetrics lm = layer_metrics(m, p, i, st[i]);
    if (lm.type == "maxpool") {
      std::snprintf(buf, sizeof buf, "| %s | maxpool | - | - | - | - | - | %lu | %lu | %.3f | - |\n", lm.name.c_str(),
                    static_cast<unsigned long>(lm.cycles), static_cast<unsigned long>(lm.ideal), lm.utilisation);
    } else {
      std::snprintf(
          buf, sizeof buf, "| %s | %s | %s | %s%s | %d%s | %ld / %ld (%.1f%%) | %ld | %lu | %lu | %.3f | %.3f |\n",
          lm.name.c_str(), lm.type.c_str(), lm.wtype.c_str(), lm.format.c_str(), lm.packed ? " (packed)" : "",
          lm.act_bits, lm.bitserial ? " (bit-serial)" : "", static_cast<long>(lm.nnz), static_cast<long>(lm.weights),
          100.0 * static_cast<double>(lm.nnz) / static_cast<double>(std::max<int64_t>(1, lm.weights)),
          static_cast<long>(lm.macs_nz), static_cast<unsigned long>(lm.cycles), static_cast<unsigned long>(lm.ideal),
          lm.utilisation, lm.balance);
    }
    os << buf;
  }
}

struct Sheet {
  std::string text;
  nlohmann::json json;
};

// docs/ppa_summary.json (`make synth`, written by scripts/ppa_summary.py) if it describes this build's
// parameters; otherwise nullopt and `why` says what is missing.
std::optional<nlohmann::json> ppa_summary(const HwConfig& hw, std::string& why) {
  const std::string path = repo_root() + "/docs/ppa_summary.json";
  std::ifstream f(path);
  if (!f) {
    why = path + " missing (make synth)";
    return std::nullopt;
  }
  try {
    nlohmann::json j = nlohmann::json::parse(f);
    const auto& pr = j.at("params");
    auto num = [&](const char* k) { return pr.contains(k) ? pr.at(k).get<int64_t>() : int64_t{-1}; };
    const bool same = num("Cols") == hw.cols && num("Lanes") == hw.lanes && num("Pack") == hw.pack &&
                      num("BankBytes") == hw.bank_bytes && num("MaxConvRow") == hw.max_conv_row &&
                      num("CacheWords") == hw.cache_words && num("AccBits") == hw.acc_bits &&
                      num("MacTypes") == int64_t{hw.mac_types} && num("Formats") == int64_t{hw.formats} &&
                      num("BitSerial") == int64_t{hw.bitserial} && num("Syq") == int64_t{hw.syq} &&
                      num("RqUnits") == hw.rq_units;
    if (!same) {
      why = path + " describes another build";
      return std::nullopt;
    }
    return j;
  } catch (const nlohmann::json::exception& e) {
    why = path + " unreadable (" + e.what() + ")";
    return std::nullopt;
  }
}

// Area and timing rows of the spec sheet, or one row saying why they are not available.
std::string area_rows(const HwConfig& hw) {
  std::string why;
  const auto j = ppa_summary(hw, why);
  if (!j) return "| area | not available: " + why + " |\n";
  try {
    const auto& x = j->at("xilinx7");
    const auto& a = j->at("asic_osu018");
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "| area, Xilinx 7 (Yosys synthesis estimate) | %d LUT, %d FF, %d RAMB36, %d DSP48E1 |\n"
        "| area, OSU 0.18 um (Yosys + abc) | %.3f mm^2 logic + %.2f Mbit memories (SRAM macros, not counted) |\n"
        "| Fmax, OSU 0.18 um (OpenSTA, no wire load) | %.1f MHz |\n",
        x.at("lut").get<int>(), x.at("ff").get<int>(), x.at("bram36").get<int>(), x.at("dsp").get<int>(),
        a.at("logic_area_mm2").get<double>(), j->at("memory_bits").get<double>() / 1e6, a.at("fmax_mhz").get<double>());
    return buf;
  } catch (const nlohmann::json::exception& e) {
    return std::string("| area | not available: docs/ppa_summary.json unreadable (") + e.what() + ") |\n";
  }
}

// The clock of the spec sheet: --clock-mhz if given, else this build's measured Fmax (synthesis estimate,
// docs/ppa_summary.json), else 100 MHz stated as an assumption.
void choose_clock(const HwConfig& hw, Options& o) {
  if (o.clock_given) {
    if (o.clock_source.empty()) o.clock_source = "stated with --clock-mhz (not measured)";
    return;
  }
  std::string why;
  const auto j = ppa_summary(hw, why);
  try {
    if (j) {
      o.clock_mhz = j->at("asic_osu018").at("fmax_mhz").get<double>();
      o.clock_source =
          "measured Fmax of this build, OSU 0.18 um synthesis estimate (OpenSTA, no place and route; "
          "docs/ppa_summary.json)";
      return;
    }
  } catch (const nlohmann::json::exception& e) {
    why = std::string("docs/ppa_summary.json unreadable (") + e.what() + ")";
  }
  o.clock_mhz = 100.0;
  o.clock_source = "stated, not measured: " + why;
}

// Spec sheet in the style of Sze et al. Table V.
Sheet spec_sheet(const Model& m, const Program& p, const std::vector<LayerStats>& st, std::pair<int, int> acc,
                 const RtlSummary* rtl, const Options& o) {
  Sheet sh;
  std::ostringstream os;
  int64_t weights = 0, nnz = 0, macs = 0, macs_nz = 0;
  uint64_t cycles = 0, bytes = 0, stream_words = 0;
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const LayerMetrics lm = layer_metrics(m, p, i, st[i]);
    weights += lm.weights;
    nnz += lm.nnz;
    macs += lm.macs;
    macs_nz += lm.macs_nz;
    cycles += lm.cycles;
    bytes += lm.bytes;
    stream_words += static_cast<uint64_t>(p.layers[i].weight_words);
  }
  const double cyc_img = static_cast<double>(cycles);
  const double ips = o.clock_mhz * 1e6 / cyc_img;
  char buf[256];
  os << "## Spec sheet: " << m.name << " (" << m.dataset << ")\n\n";
  os << "| metric | value |\n|---|---|\n";
  std::snprintf(buf, sizeof buf, "| top-1 accuracy (golden model) | %.2f%% on %d test images |\n",
                100.0 * acc.first / std::max(1, acc.second), acc.second);
  os << buf;
  if (rtl) {
    std::snprintf(buf, sizeof buf, "| RTL vs golden agreement | %d / %d images bit-exact in every layer |\n",
                  rtl->agree_images, rtl->images);
    os << buf;
    std::snprintf(buf, sizeof buf, "| RTL accuracy | %.2f%% on %d images |\n",
                  100.0 * rtl->correct / std::max(1, rtl->images), rtl->images);
    os << buf;
    if (p.hw.stats) {
      std::snprintf(buf, sizeof buf, "| RTL statistics vs cycle model | %d mismatching layer records of %zu |\n",
                    rtl->cycle_mismatches, static_cast<size_t>(rtl->images) * p.layers.size());
    } else {
      std::snprintf(buf, sizeof buf,
                    "| RTL statistics vs cycle model | no statistics record in this build (Stats = 0): per-layer "
                    "cycles below are the cycle model's |\n");
    }
    os << buf;
    std::snprintf(buf, sizeof buf, "| RTL cycles per image (%s, start to done) | %.0f |\n",
                  p.hw.stats ? "run counter" : "no counters in this build: the testbench's count of busy cycles",
                  static_cast<double>(rtl->rtl_cycles) / std::max(1, rtl->images));
    os << buf;
  }
  std::snprintf(buf, sizeof buf, "| build | %d columns x %d lanes = %d MACs (x8 on packed rows), batch 1 |\n",
                p.hw.cols, p.hw.lanes, p.hw.macs());
  os << buf;
  std::snprintf(buf, sizeof buf, "| weights / non-zero weights | %ld / %ld (%.1f%% zeros) |\n",
                static_cast<long>(weights), static_cast<long>(nnz),
                100.0 * (1.0 - static_cast<double>(nnz) / std::max<int64_t>(1, weights)));
  os << buf;
  std::snprintf(buf, sizeof buf, "| weight stream size | %lu bytes (%.2f bits per non-zero, incl. block headers) |\n",
                static_cast<unsigned long>(8 * stream_words), 64.0 * stream_words / std::max<int64_t>(1, nnz));
  os << buf;
  std::snprintf(buf, sizeof buf, "| MACs / non-zero MACs per image | %ld / %ld |\n", static_cast<long>(macs),
                static_cast<long>(macs_nz));
  os << buf;
  std::string bits;
  for (const Layer& L : m.layers) {
    if (!L.has_weights()) continue;
    bits += (bits.empty() ? "" : ", ") + to_string(L.wtype) + "/" + std::to_string(L.act_bits) + "b";
  }
  os << "| weight type / activation bits per layer | " << bits << " |\n";
  std::snprintf(buf, sizeof buf, "| cycles per image (batch 1) | %lu |\n", static_cast<unsigned long>(cycles));
  os << buf;
  std::snprintf(buf, sizeof buf, "| overall utilisation (sum ideal / sum cycles) | %.3f |\n", [&] {
    uint64_t ideal = 0;
    for (size_t i = 0; i < p.layers.size(); ++i) ideal += layer_metrics(m, p, i, st[i]).ideal;
    return static_cast<double>(ideal) / static_cast<double>(std::max<uint64_t>(1, cycles));
  }());
  os << buf;
  std::snprintf(buf, sizeof buf,
                "| off-chip bytes per inference | %.0f (read + written, incl. every layer's output) |\n",
                static_cast<double>(bytes));
  os << buf;
  std::snprintf(buf, sizeof buf, "| clock | %.1f MHz, %s |\n", o.clock_mhz, o.clock_source.c_str());
  os << buf;
  std::snprintf(buf, sizeof buf, "| sustained throughput | %.0f images/s at batch 1 |\n", ips);
  os << buf;
  os << area_rows(p.hw);
  os << "\nPer layer (one image):\n\n";
  print_layer_table(os, m, p, st);
  sh.text = os.str();
  sh.json = {{"model", m.name},
             {"dataset", m.dataset},
             {"golden_correct", acc.first},
             {"golden_images", acc.second},
             {"batch", 1},
             {"cols", p.hw.cols},
             {"lanes", p.hw.lanes},
             {"weights", weights},
             {"nnz", nnz},
             {"macs", macs},
             {"macs_nz", macs_nz},
             {"cycles_per_image", cycles},
             {"bytes_per_image", bytes},
             {"clock_mhz", o.clock_mhz},
             {"images_per_s", ips}};
  nlohmann::json layers = nlohmann::json::array();
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const LayerMetrics lm = layer_metrics(m, p, i, st[i]);
    layers.push_back({{"name", lm.name},
                      {"type", lm.type},
                      {"cycles", lm.cycles},
                      {"ideal", lm.ideal},
                      {"compute_bound", lm.compute_bound},
                      {"memory_bound", lm.memory_bound},
                      {"utilisation", lm.utilisation},
                      {"balance", lm.balance},
                      {"nnz", lm.nnz},
                      {"weights", lm.weights}});
  }
  sh.json["layers"] = layers;
  if (rtl) {
    sh.json["rtl"] = {{"images", rtl->images},
                      {"agree", rtl->agree_images},
                      {"run_cycles_per_image", static_cast<double>(rtl->rtl_cycles) / std::max(1, rtl->images)},
                      {"stats_record", p.hw.stats},
                      {"correct", rtl->correct},
                      {"cycle_mismatches", rtl->cycle_mismatches}};
  }
  return sh;
}

// Compiles with the command-line choices; says on stderr, per layer, which asked-for choice was not applied.
Program compile_for(const Model& m, const HwConfig& hw, const Options& o) {
  std::vector<std::string> notes;
  Program p = compile(m, hw, compile_options(m, o, notes));
  for (size_t i = 0; i < p.layers.size() && o.format_given; ++i) {
    const CompiledLayer& cl = p.layers[i];
    if (cl.format_note.empty()) continue;
    notes.push_back("layer " + std::to_string(i) + " '" + m.layers[i].name + "': --format " + o.format +
                    " not applied (" + to_string(static_cast<Format>(cl.desc.fmt)) + " used): " + cl.format_note);
  }
  for (const std::string& n : notes) std::cerr << "tern: note: " << n << "\n";
  return p;
}

int cmd_info(const Options& o) {
  const Model m = load_model(o.model);
  std::cout << "model " << m.name << " (" << m.dataset << "), input " << m.in_C << "x" << m.in_H << "x" << m.in_W
            << ", " << m.classes << " classes\n";
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& L = m.layers[i];
    std::cout << "  " << i << " " << L.name << ": ";
    if (L.type == LayerType::kMaxPool) {
      std::cout << "maxpool " << L.R << "x" << L.S << "/" << L.stride;
    } else {
      int64_t nz = 0;
      for (int32_t w : L.weights) nz += w != 0;
      std::cout << (L.type == LayerType::kConv ? "conv " : "fc ") << L.C << "x" << L.H << "x" << L.W << " -> " << L.M
                << "x" << L.E << "x" << L.F << ", " << to_string(L.wtype) << ", " << L.act_bits << "-bit in, " << nz
                << "/" << L.weights.size() << " non-zero";
    }
    std::cout << "\n";
  }
  return 0;
}

int cmd_compile(const Options& o) {
  const Model m = load_model(o.model);
  const Program p = compile_for(m, HwConfig{}, o);
  std::cout << "| layer | format | stream words | non-zeros | bits/nz |\n|---|---|---|---|---|\n";
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const CompiledLayer& cl = p.layers[i];
    if (cl.desc.op == Op::kPool) continue;
    std::printf("| %s | %s | %ld | %ld | %.2f |\n", m.layers[i].name.c_str(),
                to_string(static_cast<Format>(cl.desc.fmt)).c_str(), static_cast<long>(cl.weight_words),
                static_cast<long>(cl.model_nnz), 64.0 * cl.weight_words / std::max<int64_t>(1, cl.model_nnz));
  }
  std::cout << "program image: " << p.image_bytes() << " bytes\n";
  return 0;
}

// Per-image class and last-layer outputs of the golden model, one line per image: "index class v0 v1 ...".
int cmd_predict(const Options& o, int images) {
  const Model m = load_model(o.model);
  const std::string dsname = o.data.empty() ? m.dataset : o.data;
  const Dataset ds = load_dataset(dsname, repo_root(), "test");
  check_input_shape(m, ds);
  const int n = std::min<int>(images, static_cast<int>(ds.images.size()));
  std::vector<std::vector<int32_t>> out(static_cast<size_t>(n));
  parallel_for(
      n, 2, [&](int i) { out[static_cast<size_t>(i)] = run_reference(m, ds.images[static_cast<size_t>(i)]).back(); },
      [&](int done) { progress("golden", done, n, o.quiet); });
  progress("golden", n, n, o.quiet);
  std::cout << "# image class outputs (" << m.name << ", " << dsname << " test images, golden model)\n";
  for (int i = 0; i < n; ++i) {
    const auto& y = out[static_cast<size_t>(i)];
    std::cout << i << " " << argmax(y);
    for (int32_t v : y) std::cout << " " << v;
    std::cout << "\n";
  }
  return 0;
}

// `tern import` / `tern export`: the ONNX side is Python (scripts/import/tern_onnx.py, python3-onnx).
int cmd_onnx(const std::string& sub, const std::vector<std::string>& args) {
  const char* root = std::getenv("TERN_ROOT");
  const std::string script = std::string(root ? root : TERN_SOURCE_DIR) + "/scripts/import/tern_onnx.py";
  const char* py = std::getenv("TERN_PYTHON");
  const std::string python = py ? py : "/usr/bin/python3";
  std::vector<std::string> argv_s = {python, script, sub};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(python.c_str(), argv.data());
  std::cerr << "tern " << sub << ": cannot run " << python << " " << script << ": " << std::strerror(errno)
            << " (install python3-onnx: scripts/setup onnx)\n";
  return 2;
}

int cmd_run(Options o, bool report_only) {
  const Model m = load_model(o.model);
  const std::string dsname = o.data.empty() ? m.dataset : o.data;
  const Dataset ds = load_dataset(dsname, repo_root(), "test");
  check_input_shape(m, ds);
  RtlBackend<TERN_VM> probe;
  const HwConfig hw = probe.config();  // the build's limits, from its CONFIG registers
  choose_clock(hw, o);
  const Program p = compile_for(m, hw, o);
  const auto acc = golden_accuracy(m, ds, o.golden_images, o.quiet);
  RtlSummary rtl;
  std::vector<LayerStats> stats;
  if (!report_only && o.rtl_images > 0) {
    rtl = run_rtl(probe, m, p, ds, o.rtl_images, o.quiet);
    if (!rtl.first_error.empty()) {
      std::cerr << "tern: RTL run failed: " << rtl.first_error << "\n";
      return 3;
    }
    stats = rtl.stats;
  } else {
    Program q = p;
    place_input(q, ds.images.front());
    GoldenBackend g;
    const RunOutcome r = g.run(q);
    if (!r.ok) {
      std::cerr << "tern: golden run failed: " << r.message << "\n";
      return 3;
    }
    stats = r.stats;
  }
  const Sheet sh = spec_sheet(m, p, stats, acc, (!report_only && o.rtl_images > 0) ? &rtl : nullptr, o);
  std::cout << sh.text;
  if (!report_only && o.rtl_images > 0) {
    std::printf(
        "\nSimulation speed: RTL %.0f cycles/s (Verilator, %d images); golden functional+cycle model %.1f images/s\n",
        static_cast<double>(rtl.rtl_cycles) / std::max(1e-9, rtl.rtl_seconds), rtl.images,
        rtl.images / std::max(1e-9, rtl.golden_seconds));
  }
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << sh.json.dump(1) << "\n";
  }
  if (!report_only && o.rtl_images > 0 && (rtl.agree_images != rtl.images || rtl.cycle_mismatches != 0)) {
    std::cerr << "tern: RTL and golden model disagree\n";
    return 4;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tern: compile and run quantised CNNs on the Tern accelerator (RTL and golden model)"};
  app.require_subcommand(1);
  Options o;
  std::vector<CLI::Option*> format_opts;
  std::vector<CLI::Option*> clock_opts;
  auto add_common = [&](CLI::App* c) {
    c->add_option("model", o.model, "Tern model file (.tnm)")->required()->check(CLI::ExistingFile);
    format_opts.push_back(c->add_option("--format", o.format,
                                        "weight stream format of ternary, log2 and AddNet layers: dense, rle, "
                                        "bitmap, csc, rle8 (ternary and binary layers; rle on the others); int8 "
                                        "layers and binary ones are dense otherwise (a note names each layer "
                                        "the choice does not reach)")
                              ->capture_default_str());
    c->add_option("--bitserial", o.bitserial,
                  "layers to run bit-serial: comma-separated indices, or 'all' (conv/fc layers; "
                  "XNOR layers stay bit-parallel, with a note)");
  };
  auto* info = app.add_subcommand("info", "describe a model file");
  info->add_option("model", o.model, "Tern model file (.tnm)")->required()->check(CLI::ExistingFile);
  auto* comp = app.add_subcommand("compile", "compile a model for the default build; print stream sizes");
  add_common(comp);
  auto* run = app.add_subcommand("run", "run test images through the golden model and the RTL; print the spec sheet");
  add_common(run);
  auto* rep = app.add_subcommand("report", "spec sheet from the golden and cycle models (no RTL run)");
  add_common(rep);
  for (auto* c : {run, rep}) {
    c->add_option("--data", o.data, "data set: fashion-mnist or mnist (default: the model's)");
    c->add_option("--golden-images", o.golden_images, "test images for the golden accuracy")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    clock_opts.push_back(
        c->add_option("--clock-mhz", o.clock_mhz, "clock for images/s (default: the build's measured Fmax)")
            ->check(CLI::Range(0.001, 100000.0))
            ->check([](const std::string& v) {  // CLI::Range lets NaN through
              const double x = std::strtod(v.c_str(), nullptr);
              return x >= 0.001 && x <= 100000.0 ? std::string() : "'" + v + "' is not a number in 0.001..100000";
            })
            ->capture_default_str());
    c->add_option("--clock-source", o.clock_source, "where the clock figure comes from (printed)");
    c->add_option("--json", o.json, "also write the spec sheet as JSON");
    c->add_flag("--quiet", o.quiet, "no progress bars");
  }
  run->add_option("--rtl-images", o.rtl_images, "test images through the RTL (one run per image, batch 1)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  auto* pred = app.add_subcommand("predict", "golden model: class and last-layer outputs of each test image");
  pred->add_option("model", o.model, "Tern model file (.tnm)")->required()->check(CLI::ExistingFile);
  pred->add_option("--data", o.data, "data set: fashion-mnist or mnist (default: the model's)");
  int predict_images = 10000;
  pred->add_option("--images", predict_images, "first N test images")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  pred->add_flag("--quiet", o.quiet, "no progress bar");
  auto* imp = app.add_subcommand("import",
                                 "ONNX/QONNX model -> .tnm: tern import MODEL.onnx -o MODEL.tnm "
                                 "[--data mnist|fashion-mnist] [--input-scale S] (docs/import.md)");
  auto* exp = app.add_subcommand("export", "Tern model -> QONNX: tern export MODEL.tnm -o MODEL.onnx (docs/import.md)");
  for (auto* c : {imp, exp}) {
    c->prefix_command();
    c->set_help_flag();  // --help goes to the Python tool
  }
  CLI11_PARSE(app, argc, argv);
  if (*imp || *exp) {
    return cmd_onnx(*imp ? "import" : "export", (*imp ? imp : exp)->remaining());
  }
  for (const CLI::Option* f : format_opts) o.format_given = o.format_given || f->count() > 0;
  for (const CLI::Option* f : clock_opts) o.clock_given = o.clock_given || f->count() > 0;
  try {
    if (*info) return cmd_info(o);
    if (*comp) return cmd_compile(o);
    if (*run) return cmd_run(o, false);
    if (*rep) return cmd_run(o, true);
    if (*pred) return cmd_predict(o, predict_images);
  } catch (const ModelError& e) {
    std::cerr << "tern: bad model file: " << e.what() << "\n";
    return 2;
  } catch (const CompileError& e) {
    std::cerr << "tern: cannot compile: " << e.what() << "\n";
    return 2;
  } catch (const DataError& e) {
    std::cerr << "tern: data: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "tern: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
