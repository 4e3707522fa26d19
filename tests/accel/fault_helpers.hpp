// Fault-injection helpers of the accelerator RTL tests: programs with every phase, a per-request trace
// of a clean run classified by phase, hard reset, and the bit-exact rerun check.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/accel/cycle_model.hpp"
#include "tests/accel/rtl_fixture.hpp"

namespace tern::test {

using SmallDrv = tb::AccelDriver<Vaccel_small>;

// Layer phases as seen on the memory ports (CHECK and SETUP issue no requests: kQuiet).
enum class Phase { kDesc, kSyq, kLoad, kWeights, kOutput, kStats, kQuiet };

inline const char* to_string(Phase p) {
  switch (p) {
    case Phase::kDesc: return "DESC";
    case Phase::kSyq: return "SYQ";
    case Phase::kLoad: return "LOAD";
    case Phase::kWeights: return "weights";
    case Phase::kOutput: return "output";
    case Phase::kStats: return "stats";
    default: return "quiet";
  }
}

struct FaultCase {
  Model model;
  Program prog;
  std::vector<uint64_t> golden;  // memory after a correct run (functional model)
};

// A random program that fits the small build, runs without error in the functional model and has
// at least `min_layers` layers; `need` bits: 1 = an SYQ layer, 2 = a max-pool layer, 4 = a conv layer.
inline FaultCase make_fault_case(uint64_t seed, int min_layers, unsigned need) {
  const HwConfig hw = small_hw();
  std::mt19937_64 rng(seed);
  RandomModelSpec spec = default_spec();
  spec.min_layers = min_layers;
  for (int attempt = 0; attempt < 5000; ++attempt) {
    FaultCase f;
    f.model = random_model(rng, spec);
    const CompileOptions opt = random_choices(rng, f.model, hw);
    try {
      f.prog = compile(f.model, hw, opt);
    } catch (const CompileError&) {
      continue;
    }
    unsigned have = 0;
    for (const CompiledLayer& cl : f.prog.layers) {
      if (cl.desc.syq) have |= 1;
      if (cl.desc.op == Op::kPool) have |= 2;
      if (cl.desc.op == Op::kConv) have |= 4;
    }
    if ((have & need) != need) continue;
    place_input(f.prog, random_image(rng, f.model));
    f.golden = f.prog.image;
    if (!execute(f.golden, f.prog.prog_base, hw).ok) continue;
    return f;
  }
  throw std::runtime_error("make_fault_case: no program with the wanted layers");
}

// The phase and layer a request address belongs to.
inline Phase classify(const Program& p, bool write, uint32_t addr, size_t* layer) {
  const uint64_t a = addr;
  const uint64_t n = p.layers.size();
  if (!write && a >= p.prog_base && a < p.prog_base + 64 * (n + 1)) {
    *layer = static_cast<size_t>((a - p.prog_base) / 64);
    return Phase::kDesc;
  }
  for (size_t i = 0; i < n; ++i) {
    const Descriptor& d = p.layers[i].desc;
    const CompiledLayer& cl = p.layers[i];
    *layer = i;
    auto in = [&](uint64_t base, uint64_t bytes) { return a >= base && a < base + bytes; };
    if (write) {
      if (d.stats_addr != 0 && in(d.stats_addr, 8 * hw::StatsWords)) return Phase::kStats;
      if (d.store_output && in(d.out_addr, static_cast<uint64_t>(cl.out_bytes))) return Phase::kOutput;
    } else {
      if (d.syq && in(d.syq_addr, 8ull * ((d.R * d.S + 7) / 8))) return Phase::kSyq;
      if (d.load_input && in(d.in_addr, static_cast<uint64_t>(d.H) << pitch_of(d.C, d.W).lrow)) return Phase::kLoad;
      if (d.op != Op::kPool && in(d.wgt_addr, 8ull * cl.weight_words)) return Phase::kWeights;
    }
  }
  *layer = 0;
  return Phase::kQuiet;
}

// One accepted request of a run.
struct Access {
  uint64_t cycle;  // simulation cycle of the handshake
  uint64_t nth;    // 1-based index among the accepted reads (or writes) of the run
  bool write;
  uint32_t addr;
  Phase phase;
  size_t layer;
};

// Records every accepted request of the driver's memory ports from now on.
inline void trace_requests(SmallDrv& drv, const Program& p, std::vector<Access>* out) {
  drv.on_cycle([&drv, &p, out](Vaccel_small& m) {
    size_t layer = 0;
    if (m.rd_req_valid_o && m.rd_req_ready_i) {
      const Phase ph = classify(p, false, m.rd_req_addr_o, &layer);
      out->push_back({drv.cycle(), drv.mem().reads() + 1, false, m.rd_req_addr_o, ph, layer});
    }
    if (m.wr_req_valid_o && m.wr_req_ready_i) {
      const Phase ph = classify(p, true, m.wr_req_addr_o, &layer);
      out->push_back({drv.cycle(), drv.mem().writes() + 1, true, m.wr_req_addr_o, ph, layer});
    }
  });
}

// Starts the program without waiting (the same register writes as AccelDriver::run, so a fresh
// driver with the same memory timing reaches the same cycles).
inline void start(SmallDrv& drv, uint32_t prog_base, uint32_t timeout) {
  drv.write32(tb::reg::kTimeout, timeout);
  drv.write32(tb::reg::kProg, prog_base);
  drv.write32(tb::reg::kCtrl, 1);
}

// rst_ni low for `cycles` edges with the host and memory inputs idle; the memory system is reset
// with the accelerator (its queued responses are dropped).
inline void hard_reset(SmallDrv& drv, int cycles) {
  Vaccel_small& m = drv.sim().model();
  m.rd_req_ready_i = 0;
  m.rd_rsp_valid_i = 0;
  m.wr_req_ready_i = 0;
  m.wr_rsp_valid_i = 0;
  m.s_awvalid_i = 0;
  m.s_wvalid_i = 0;
  m.s_arvalid_i = 0;
  drv.sim().reset(cycles);
  drv.mem().clear_pending();
  drv.mem().set_hang(false);
  drv.mem().set_refuse(false);
  drv.mem().fail_read_at(0);
  drv.mem().fail_write_at(0);
}

// Outputs of every layer equal those of the correct run.
inline void expect_outputs(const FaultCase& f, const std::vector<uint64_t>& mem, const std::string& what) {
  for (size_t i = 0; i < f.prog.layers.size(); ++i) {
    ASSERT_EQ(read_output(f.prog, mem, i), read_output(f.prog, f.golden, i)) << what << " layer " << i;
  }
}

// Runs the program again on the memory as the fault left it: must finish without error, every
// output bit-exact; with an ideal memory every layer's statistics record equals the cycle model's.
inline void expect_bit_exact_rerun(SmallDrv& drv, const FaultCase& f, bool ideal, const std::string& what) {
  drv.on_cycle(nullptr);
  const tb::RunResult r = drv.run(f.prog.prog_base, 20000000, 0);
  ASSERT_TRUE(r.finished && !r.error) << what << ": rerun failed, code 0x" << std::hex << int{r.err_code};
  expect_outputs(f, drv.mem().words(), what + " (rerun)");
  if (!ideal) return;
  const auto want = predict_cycles(f.golden, f.prog.prog_base, f.prog.hw);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(to_string(read_stats(f.prog, drv.mem().words(), i)), to_string(want[i])) << what << " (rerun) layer " << i;
  }
}

// Picks up to `per_phase` requests of every (phase, layer): the first, the last and ones between.
inline std::vector<Access> pick_per_phase(const std::vector<Access>& trace, bool write, int per_phase) {
  std::vector<Access> out;
  for (int ph = 0; ph <= static_cast<int>(Phase::kQuiet); ++ph) {
    for (size_t layer = 0; layer < 64; ++layer) {
      std::vector<Access> group;
      for (const Access& a : trace) {
        if (a.write == write && static_cast<int>(a.phase) == ph && a.layer == layer) group.push_back(a);
      }
      if (group.empty()) continue;
      const int k = std::min<int>(per_phase, static_cast<int>(group.size()));
      for (int j = 0; j < k; ++j) {
        const size_t idx = k == 1 ? 0 : (group.size() - 1) * static_cast<size_t>(j) / static_cast<size_t>(k - 1);
        out.push_back(group[idx]);
      }
    }
  }
  return out;
}

}  // namespace tern::test
