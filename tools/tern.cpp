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
#include "tools/spec_sheet.hpp"

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

// RtlSummary: tools/spec_sheet.hpp

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

// The subcommands whose tools are Python (run from this tree, or TERN_ROOT): `tern import` / `tern export`
// (scripts/import/tern_onnx.py, python3-onnx) and `tern harden` (scripts/harden/harden.py, docs/harden.md).
// `pre` are the script's leading arguments (its own subcommand), `args` the user's.
int cmd_python(const std::string& sub, const std::string& script_rel, const std::vector<std::string>& pre,
               const std::vector<std::string>& args, const char* hint) {
  const char* root = std::getenv("TERN_ROOT");
  const std::string script = std::string(root ? root : TERN_SOURCE_DIR) + "/" + script_rel;
  const char* py = std::getenv("TERN_PYTHON");
  const std::string python = py ? py : "/usr/bin/python3";
  std::vector<std::string> argv_s = {python, script};
  argv_s.insert(argv_s.end(), pre.begin(), pre.end());
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(python.c_str(), argv.data());
  std::cerr << "tern " << sub << ": cannot run " << python << " " << script << ": " << std::strerror(errno) << hint
            << "\n";
  return 2;
}

int cmd_run(Options o, bool report_only) {
  const Model m = load_model(o.model);
  const std::string dsname = o.data.empty() ? m.dataset : o.data;
  const Dataset ds = load_dataset(dsname, repo_root(), "test");
  check_input_shape(m, ds);
  RtlBackend<TERN_VM> probe;
  const HwConfig hw = probe.config();  // the build's limits, from its CONFIG registers
  {
    const SheetClock ck = choose_clock(hw, repo_root(), o.clock_given, o.clock_mhz, o.clock_source);
    o.clock_mhz = ck.mhz;
    o.clock_source = ck.source;
  }
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
  const Sheet sh = spec_sheet(m, p, stats, acc, (!report_only && o.rtl_images > 0) ? &rtl : nullptr,
                                {o.clock_mhz, o.clock_source}, repo_root());
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
  auto* hard = app.add_subcommand("harden",
                                  "model -> constant-weight streaming pipeline (SystemVerilog): tern harden "
                                  "MODEL.tnm -o DIR [--fold L=PE,SIMD ...] [--target-fps N --clock-mhz F] "
                                  "(docs/harden.md)");
  for (auto* c : {imp, exp, hard}) {
    c->prefix_command();
    c->set_help_flag();  // --help goes to the Python tool
  }
  CLI11_PARSE(app, argc, argv);
  if (*imp || *exp) {
    const std::string sub = *imp ? "import" : "export";
    return cmd_python(sub, "scripts/import/tern_onnx.py", {sub}, (*imp ? imp : exp)->remaining(),
                      " (install python3-onnx: scripts/setup onnx)");
  }
  if (*hard) return cmd_python("harden", "scripts/harden/harden.py", {}, hard->remaining(), "");
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
