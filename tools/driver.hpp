// One API to run compiled programs on either backend: the golden model (functional model + cycle
// model) or the Verilated RTL (tern_top with a memory model).
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

struct BatchResult {
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
  virtual BatchResult run(const Program& p) = 0;
};

class GoldenBackend : public Backend {
 public:
  explicit GoldenBackend(FormatParams fp = {}) : fp_(fp) {}
  std::string name() const override { return "golden"; }
  BatchResult run(const Program& p) override {
    BatchResult r;
    r.mem = p.image;
    const ExecResult e = execute(r.mem, p.prog_base, p.hw, fp_);
    r.ok = e.ok;
    r.err_code = e.err_code;
    r.err_layer = e.layer;
    r.message = e.message;
    if (!r.ok) return r;
    for (const LayerCycles& c : predict_cycles(r.mem, p.prog_base, p.hw, fp_)) {
      LayerStats s;
      s.cycles = c.cycles;
      s.entries = c.entries;
      s.skipped = c.skipped;
      s.stall_fetch = c.stall_fetch;
      s.stall_out = c.stall_out;
      s.stall_dec = c.stall_dec;
      s.bytes_read = c.bytes_read;
      s.bytes_written = c.bytes_written;
      r.stats.push_back(s);
      r.run_cycles += c.cycles;
    }
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
  BatchResult run(const Program& p) override {
    if (!drv_) drv_ = std::make_unique<tb::AccelDriver<V>>(p.image, timing_, 1, "tern_rtl");
    drv_->mem().words() = p.image;
    const tb::RunResult rr = drv_->run(p.prog_base, uint64_t{1} << 40, 0, 4096);
    BatchResult r;
    r.ok = rr.finished && !rr.error;
    r.err_code = rr.err_code;
    r.err_layer = rr.err_layer;
    r.run_cycles = rr.cycles;
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
    HwConfig hw;
    const uint32_t c0 = drv_->read32(tb::reg::kConfig0);
    hw.lanes = static_cast<int>(c0 & 0xff);
    hw.mac_types = (c0 >> 8) & 0xff;
    hw.formats = ((c0 >> 16) & 0xf) | (((c0 >> 22) & 1u) << 4);  // Formats[4] (rle8) at bit 22
    hw.bitserial = (c0 >> 20) & 1u;
    hw.syq = (c0 >> 21) & 1u;
    hw.acc_bits = static_cast<int>(c0 >> 24);
    hw.act_depth = drv_->read32(tb::reg::kConfig1);
    hw.max_row_len = drv_->read32(tb::reg::kConfig2);
    hw.cache_words = drv_->read32(tb::reg::kConfig3);
    return hw;
  }

 private:
  tb::MemTiming timing_;
  std::unique_ptr<tb::AccelDriver<V>> drv_;
};

}  // namespace tern
