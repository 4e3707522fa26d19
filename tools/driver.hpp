// One API to run compiled programs (one image each) on either backend: the golden model (functional model
// + cycle model) or the Verilated RTL (tern_top with a memory model).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "golden/accel/cycle_model.hpp"
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "tb/accel_driver.hpp"

namespace tern {

struct RunOutcome {
  bool ok = true;
  uint8_t err_code = 0;
  int err_layer = 0;
  std::string message;
  std::vector<uint64_t> mem;       // memory after the run
  std::vector<LayerStats> stats;   // per layer
  uint64_t run_cycles = 0;         // whole program (RTL: cycle counter; golden: sum of layers)
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Runs the program (inputs already placed in p.image).
  virtual RunOutcome run(const Program& p) = 0;
};

class GoldenBackend : public Backend {
 public:
  explicit GoldenBackend(FormatParams fp = {}) : fp_(fp) {}
  std::string name() const override { return "golden"; }
  RunOutcome run(const Program& p) override {
    RunOutcome r;
    r.mem = p.image;
    const ExecResult e = execute(r.mem, p.prog_base, p.hw, fp_);
    r.ok = e.ok;
    r.err_code = e.err_code;
    r.err_layer = e.layer;
    r.message = e.message;
    if (!r.ok) return r;
    r.stats = predict_cycles(r.mem, p.prog_base, p.hw, fp_);
    for (const LayerStats& s : r.stats) r.run_cycles += s[hw::StCycles];
    return r;
  }

 private:
  FormatParams fp_;
};

template <class V>
class RtlBackend : public Backend {
 public:
  explicit RtlBackend(tb::MemTiming t = {}) : timing_(t) {}
  std::string name() const override { return "rtl"; }
  RunOutcome run(const Program& p) override {
    if (!drv_) drv_ = std::make_unique<tb::AccelDriver<V>>(p.image, timing_, 1, "tern_rtl");
    drv_->mem().words() = p.image;
    const tb::RunResult rr = drv_->run(p.prog_base, uint64_t{1} << 40, 0, 4096);
    RunOutcome r;
    r.ok = rr.finished && !rr.error;
    r.err_code = rr.err_code;
    r.err_layer = rr.err_layer;
    // a build without the statistics counters (Stats = 0) reads 0: the testbench's count instead
    r.run_cycles = rr.cycles != 0 ? rr.cycles : rr.busy_cycles;
    if (!rr.finished) r.message = "the RTL did not finish";
    if (rr.error) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "the RTL stopped with error code 0x%02x in layer %d", rr.err_code, rr.err_layer);
      r.message = buf;
    }
    r.mem = drv_->mem().words();
    if (r.ok) {
      for (size_t i = 0; i < p.layers.size(); ++i) r.stats.push_back(read_stats(p, r.mem, i));
    }
    return r;
  }
  // Hardware build parameters as the CONFIG registers report them.
  HwConfig config() {
    if (!drv_) drv_ = std::make_unique<tb::AccelDriver<V>>(std::vector<uint64_t>(8, 0), timing_, 1, "tern_rtl");
    return tb::read_config(*drv_);
  }

 private:
  tb::MemTiming timing_;
  std::unique_ptr<tb::AccelDriver<V>> drv_;
};

}  // namespace tern
