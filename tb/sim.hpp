// Clocked driver for a Verilated model: reset, cycle stepping, optional FST waveform (TERN_WAVES=1 with
// models built with tracing: cmake -DTERN_TRACE=ON, or `make test TRACE=1`).
#pragma once

#include <verilated.h>
#ifdef TERN_TRACE
#include <verilated_fst_c.h>
#endif
#ifdef TERN_COVERAGE
#include <verilated_cov.h>
#include <unistd.h>
#endif

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "tb/sva/sva_report.hpp"

namespace tern::tb {

// Name of the running GoogleTest-free test, used for waveform files; set by the caller.
inline std::string wave_path(const std::string& name) {
  const char* build = std::getenv("TERN_BUILD");
  std::filesystem::path dir = build ? std::filesystem::path(build) / "waves" : std::filesystem::path("waves");
  std::filesystem::create_directories(dir);
  std::string file = name;
  for (char& c : file) {
    if (c == '/' || c == ' ') c = '_';
  }
  return (dir / (file + ".fst")).string();
}

inline bool waves_requested() {
  const char* w = std::getenv("TERN_WAVES");
  return w != nullptr && std::string(w) != "0";
}

// Initial state of the next Sims constructed (X tests): Verilator's randReset mode (0 zeros, 1 ones,
// 2 random; random initial values need a model built with --x-initial unique) and random seed
// (0 = Verilator's default).
struct SimInit {
  int rand_reset = 0;
  int seed = 0;
};
inline SimInit& sim_init() {
  static SimInit s;
  return s;
}

#ifdef TERN_COVERAGE
// Coverage file of the next simulation to finish: BUILD/coverage/<pid>_<n>.dat, n counted over every
// model type of the process (a counter per Sim<Model> would reuse names and overwrite earlier files).
inline std::string next_coverage_file() {
  static std::atomic<int> serial{0};  // simulations may finish on several threads
  const char* build = std::getenv("TERN_BUILD");
  std::filesystem::path dir = std::filesystem::path(build ? build : ".") / "coverage";
  std::filesystem::create_directories(dir);
  return (dir / (std::to_string(::getpid()) + "_" + std::to_string(serial++) + ".dat")).string();
}
#endif

// A Verilated model with an rst_ni port (blocks without one, e.g. pure pipelines, have no reset).
template <class M, class = void>
struct HasReset : std::false_type {};
template <class M>
struct HasReset<M, std::void_t<decltype(std::declval<M&>().rst_ni)>> : std::true_type {};

// Model must have a clk_i port; rst_ni, if it has one, is held high except in reset().
// Protocol each cycle: the test sets inputs, calls settle() and samples outputs (values before the
// edge), then calls tick() for the rising edge.
template <class Model>
class Sim {
 public:
  explicit Sim(const std::string& name = "sim") : ctx_(std::make_unique<VerilatedContext>()), name_(name) {
    ctx_->randReset(sim_init().rand_reset);
    if (sim_init().seed != 0) ctx_->randSeed(sim_init().seed);
#ifdef TERN_TRACE
    if (waves_requested()) ctx_->traceEverOn(true);
#endif
    model_ = std::make_unique<Model>(ctx_.get(), "top");
#ifdef TERN_TRACE
    if (waves_requested()) {
      trace_ = std::make_unique<VerilatedFstC>();
      model_->trace(trace_.get(), 99);
      path_ = wave_path(name);
      trace_->open(path_.c_str());
    }
#endif
    model_->clk_i = 0;
    if constexpr (HasReset<Model>::value) model_->rst_ni = 1;
    model_->eval();
  }
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;
  ~Sim() {
#ifdef TERN_TRACE
    if (trace_) trace_->close();
#endif
    model_->final();
#ifdef TERN_COVERAGE
    // One coverage file per simulation; scripts/coverage_report.py merges them.
    const std::string file = next_coverage_file();
    ctx_->coveragep()->write(file.c_str());
#endif
  }

  Model* operator->() { return model_.get(); }
  Model& model() { return *model_; }

  // Active-low reset for `cycles` rising edges; inputs should be idle.
  void reset(int cycles = 2) {
    static_assert(HasReset<Model>::value, "reset(): the model has no rst_ni port");
    model_->rst_ni = 0;
    for (int i = 0; i < cycles; ++i) tick();
    model_->rst_ni = 1;
    settle();
  }
  // Propagates combinational logic after input changes (clock low).
  void settle() { model_->eval(); }
  // One full clock cycle: rising edge, then falling edge. Throws AssertionFailure (naming the
  // assertion) if an RTL assertion failed at this edge.
  void tick() {
    model_->clk_i = 0;
    model_->eval();
    dump();
    model_->clk_i = 1;
    model_->eval();
    ++cycle_;
    dump();
    model_->clk_i = 0;
    model_->eval();
    sva_check(name_, cycle_);
  }
  uint64_t cycle() const { return cycle_; }
  const std::string& wave_file() const { return path_; }

 private:
  void dump() {
#ifdef TERN_TRACE
    if (trace_) trace_->dump(static_cast<uint64_t>(ctx_->time()));
#endif
    ctx_->timeInc(5);
  }
  std::unique_ptr<VerilatedContext> ctx_;
  std::string name_;
  std::unique_ptr<Model> model_;
#ifdef TERN_TRACE
  std::unique_ptr<VerilatedFstC> trace_;
#endif
  std::string path_;
  uint64_t cycle_ = 0;
};

}  // namespace tern::tb
