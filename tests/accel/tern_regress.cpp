// Seeded RTL regression of the whole accelerator: one random program per seed on the Verilated test builds, every
// layer checked against the functional model and the reference inference (bit-exact) and, with an ideal memory,
// every layer's statistics record against the cycle model (cycle-exact). A shard is a seed range; the launcher
// (scripts/regress, docs/cluster.md) runs shards locally or as a Slurm array job and merges their JSON.
//
// Seed s draws its build (s % 3: Vaccel_small 4x4 Pack 8, Vaccel_c2l8 2x8 Pack 1, Vaccel_xrand 2x4 with a
// random power-up state seeded by s), its program (random model, formats, bit-serial, packing, SYQ, thresholds,
// pooling; one in four restricted to rle8, one in four dense packed ternary/binary on packed builds) and runs:
//   ideal   ideal memory: outputs bit-exact, statistics cycle-exact;
//   latency random-latency memory: outputs bit-exact, ideal cycles a lower bound, entries and bytes equal;
//   reset   (Vaccel_small, every 2nd such seed) a hard reset at a random cycle of the run, then a rerun on the
//           memory as it was left: bit-exact and cycle-exact;
//   readerr (Vaccel_small, the others) a read error response on a random read: error 0x90, soft reset, rerun
//           bit-exact and cycle-exact.
// The shard's JSON holds counts only (no times), so the same seeds give the same file on any launcher.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vaccel_xrand.h"
#include "Vaccel_xrand___024root.h"
#include "tests/accel/fault_helpers.hpp"
#include "tests/accel/rtl_fixture.hpp"
// Both generated configuration headers define the typed-test list `tern_top_configs`: the X-state build's goes
// into its own namespace (its model headers are already included above).
namespace xcfg {
#include "tern_vm_accel_x_configs.hpp"  // NOLINT(bugprone-suspicious-include)
}  // namespace xcfg
using xcfg::Vaccel_xrand_cfg;

namespace {

using namespace tern;
using tern::test::hw_of;
using tern::test::make_case;
using Case = tern::test::ProgramCase;

struct Tally {
  uint64_t programs = 0, layers = 0, runs = 0, cycles = 0;
  std::map<std::string, uint64_t> by_build, by_run, formats, wtypes, ops;
  uint64_t bitserial = 0, packed = 0, syq = 0, thresholds = 0;
  std::vector<nlohmann::json> mismatches;
};

class Check {
 public:
  Check(Tally* t, uint64_t seed, std::string build, std::string run)
      : t_(t), seed_(seed), build_(std::move(build)), run_(std::move(run)) {}
  void fail(const std::string& what) {
    t_->mismatches.push_back({{"seed", seed_}, {"build", build_}, {"run", run_}, {"what", what}});
    failed_ = true;
  }
  bool failed() const { return failed_; }

 private:
  Tally* t_;
  uint64_t seed_;
  std::string build_, run_;
  bool failed_ = false;
};

// Every layer's output equals the functional model's and the reference inference's.
void check_outputs(const Case& c, const std::vector<uint64_t>& mem, Check& ck) {
  const auto ref = run_reference(c.model, c.image);
  for (size_t i = 0; i < c.prog.layers.size(); ++i) {
    const auto got = read_output(c.prog, mem, i);
    if (got != read_output(c.prog, c.golden_mem, i)) ck.fail("layer " + std::to_string(i) + ": output != functional model");
    if (got != ref[i]) ck.fail("layer " + std::to_string(i) + ": output != reference inference");
  }
}

// Every layer's statistics record equals the cycle model's (exact: ideal memory), or is bounded by it.
void check_stats(const Case& c, const std::vector<uint64_t>& mem, bool exact, Check& ck) {
  const auto want = predict_cycles(c.golden_mem, c.prog.prog_base, c.prog.hw, c.opt.fparams);
  for (size_t i = 0; i < want.size(); ++i) {
    const LayerStats got = read_stats(c.prog, mem, i);
    const std::string where = "layer " + std::to_string(i) + ": statistics ";
    if (exact) {
      if (to_string(got) != to_string(want[i])) ck.fail(where + to_string(got) + " != cycle model " + to_string(want[i]));
    } else if (got[hw::StCycles] < want[i][hw::StCycles] || got[hw::StEntries] != want[i][hw::StEntries] ||
               got[hw::StBytesRead] != want[i][hw::StBytesRead] ||
               got[hw::StBytesWritten] != want[i][hw::StBytesWritten]) {
      ck.fail(where + to_string(got) + " not bounded by the ideal-memory cycle model " + to_string(want[i]));
    }
  }
}

tb::MemTiming random_timing(std::mt19937_64& rng) {
  tb::MemTiming mt;
  mt.min_latency = 1;
  mt.max_latency = 1 + static_cast<int>(rng() % 12);
  mt.p_req_ready = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
  mt.p_rsp_valid = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
  return mt;
}

// The seed's program: default random programs, rle8-only, or dense packed ternary/binary.
Case draw_case(std::mt19937_64& rng, const HwConfig& hw) {
  RandomModelSpec spec = tern::test::default_spec();
  const uint32_t tb_types = (1u << static_cast<int>(WeightType::kTernary)) | (1u << static_cast<int>(WeightType::kBinary));
  switch (rng() % 4) {
    case 0:
      spec.weight_types = tb_types;
      return make_case(rng, hw, spec, [](CompileOptions& o) {
        for (auto& ch : o.layers) ch.format = Format::kRleAligned;
      });
    case 1:
      if (hw.pack != 8) break;
      spec.weight_types = tb_types;
      spec.m_mult8 = 1.0;
      spec.max_c = 16;
      return make_case(rng, hw, spec, [](CompileOptions& o) {
        for (auto& ch : o.layers) {
          ch.format = Format::kDense;
          ch.bitserial = false;
          ch.pack = true;
        }
      });
    default:
      break;
  }
  return make_case(rng, hw, spec, [](CompileOptions&) {});
}

void count_case(const Case& c, const std::string& build, Tally& t) {
  ++t.programs;
  ++t.by_build[build];
  t.layers += c.model.layers.size();
  for (size_t i = 0; i < c.model.layers.size(); ++i) {
    const Descriptor& d = c.prog.layers[i].desc;
    ++t.ops[d.op == Op::kConv ? "conv" : d.op == Op::kFc ? "fc" : "maxpool"];
    if (!c.model.layers[i].has_weights()) continue;
    ++t.formats[to_string(static_cast<Format>(d.fmt))];
    ++t.wtypes[to_string(c.model.layers[i].wtype)];
    t.bitserial += d.bitserial;
    t.packed += d.pack;
    t.syq += d.syq;
    t.thresholds += c.model.layers[i].mode != RequantMode::kLinear;
  }
}

// One run of the program on a fresh instance of V: outputs always, statistics exact or bounded.
template <class V>
void run_once(const Case& c, const tb::MemTiming& mt, bool ideal, uint64_t seed, const std::string& build,
              const std::string& name, Tally& t) {
  Check ck(&t, seed, build, name);
  tb::AccelDriver<V> drv(c.prog.image, mt, seed, "regress");
  const tb::RunResult r = drv.run(c.prog.prog_base, 50000000);
  ++t.runs;
  ++t.by_run[name];
  t.cycles += drv.cycle();
  if (!r.finished || r.error) {
    std::ostringstream s;
    s << (r.finished ? "error 0x" : "did not finish") << std::hex << (r.finished ? int{r.err_code} : 0);
    ck.fail(s.str());
    return;
  }
  check_outputs(c, drv.mem().words(), ck);
  check_stats(c, drv.mem().words(), ideal, ck);
}

// A fault in the middle of a run on the small build, then a bit-exact, cycle-exact rerun on the memory as left.
void run_fault(const Case& c, std::mt19937_64& rng, uint64_t seed, bool hard_reset, Tally& t) {
  using Drv = tb::AccelDriver<Vaccel_small>;
  const std::string name = hard_reset ? "reset" : "readerr";
  Check ck(&t, seed, "small", name);
  uint64_t end = 0, reads = 0;
  {
    Drv clean(c.prog.image, tb::MemTiming::ideal(), seed, "regress");
    const tb::RunResult r = clean.run(c.prog.prog_base, 50000000);
    if (!r.finished || r.error) return ck.fail("clean run failed");
    end = clean.cycle();
    reads = clean.mem().reads();
  }
  Drv drv(c.prog.image, tb::MemTiming::ideal(), seed, "regress");
  if (hard_reset) {
    const uint64_t at = 20 + rng() % (end > 20 ? end - 20 : 1);
    tern::test::start(drv, c.prog.prog_base, 0);
    while (drv.cycle() < at) drv.step();
    tern::test::hard_reset(drv, 1 + static_cast<int>(rng() % 3));
  } else {
    const uint64_t nth = 1 + rng() % reads;
    drv.mem().fail_read_at(nth);
    const tb::RunResult r = drv.run(c.prog.prog_base, 50000000, 0);
    if (!r.finished || !r.error || r.err_code != 0x90) {
      return ck.fail("read error on read " + std::to_string(nth) + ": no error 0x90 reported");
    }
    drv.mem().fail_read_at(0);
    drv.write32(tb::reg::kCtrl, 2);
  }
  const tb::RunResult r = drv.run(c.prog.prog_base, 50000000, 0);
  ++t.runs;
  ++t.by_run[name];
  t.cycles += drv.cycle();
  if (!r.finished || r.error) return ck.fail("rerun after the fault failed");
  check_outputs(c, drv.mem().words(), ck);
  check_stats(c, drv.mem().words(), true, ck);
}

void run_seed(uint64_t seed, Tally& t) {
  std::mt19937_64 rng(0x7e4a5eedull ^ (seed * 0x9e3779b97f4a7c15ull));
  const int which = static_cast<int>(seed % 3);
  if (which == 0) {
    const Case c = draw_case(rng, hw_of<Vaccel_small_cfg>());
    count_case(c, "small", t);
    run_once<Vaccel_small>(c, tb::MemTiming::ideal(), true, seed, "small", "ideal", t);
    run_once<Vaccel_small>(c, random_timing(rng), false, seed, "small", "latency", t);
    run_fault(c, rng, seed, (seed / 3) % 2 == 0, t);
  } else if (which == 1) {
    const Case c = draw_case(rng, hw_of<Vaccel_c2l8_cfg>());
    count_case(c, "c2l8", t);
    run_once<Vaccel_c2l8>(c, tb::MemTiming::ideal(), true, seed, "c2l8", "ideal", t);
    run_once<Vaccel_c2l8>(c, random_timing(rng), false, seed, "c2l8", "latency", t);
  } else {
    const Case c = draw_case(rng, hw_of<Vaccel_xrand_cfg>());
    count_case(c, "xrand", t);
    tb::sim_init() = {2, static_cast<int>(seed % 2000000000) + 1};  // random power-up state from the seed
    run_once<Vaccel_xrand>(c, tb::MemTiming::ideal(), true, seed, "xrand", "ideal", t);
    run_once<Vaccel_xrand>(c, random_timing(rng), false, seed, "xrand", "latency", t);
    tb::sim_init() = {};
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Seeded RTL regression: one random program per seed on the Verilated test builds (docs/robustness.md)"};
  std::string seeds, out;
  bool quiet = false;
  app.add_option("--seeds", seeds, "seed range LO:HI (HI excluded)")->required();
  app.add_option("--out", out, "shard result (JSON)")->required();
  app.add_flag("--quiet", quiet, "no progress lines");
  CLI11_PARSE(app, argc, argv);
  uint64_t lo = 0, hi = 0;
  char colon = 0;
  std::istringstream ss(seeds);
  if (!(ss >> lo >> colon >> hi) || colon != ':' || hi <= lo || !ss.eof()) {
    std::fprintf(stderr, "tern_regress: --seeds wants LO:HI with LO < HI, got '%s'\n", seeds.c_str());
    return 2;
  }
  Tally t;
  for (uint64_t s = lo; s < hi; ++s) {
    try {
      run_seed(s, t);
    } catch (const std::exception& e) {
      t.mismatches.push_back({{"seed", s}, {"build", ""}, {"run", "setup"}, {"what", e.what()}});
    }
    if (!quiet) std::fprintf(stderr, "seed %llu: %zu mismatches so far\n", static_cast<unsigned long long>(s), t.mismatches.size());
  }
  const nlohmann::json j = {{"seeds", {lo, hi}},         {"programs", t.programs},     {"layers", t.layers},
                            {"runs", t.runs},            {"rtl_cycles", t.cycles},     {"by_build", t.by_build},
                            {"by_run", t.by_run},        {"formats", t.formats},       {"weight_types", t.wtypes},
                            {"ops", t.ops},              {"bitserial_layers", t.bitserial},
                            {"packed_layers", t.packed}, {"syq_layers", t.syq},        {"threshold_layers", t.thresholds},
                            {"mismatch_count", t.mismatches.size()}, {"mismatches", t.mismatches}};
  const std::string tmp = out + ".tmp";
  std::ofstream(tmp) << j.dump(1) << "\n";
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::fprintf(stderr, "tern_regress: cannot write %s\n", out.c_str());
    return 2;
  }
  std::printf("seeds %llu:%llu: %llu programs, %llu layers, %llu runs, %zu mismatches\n",
              static_cast<unsigned long long>(lo), static_cast<unsigned long long>(hi),
              static_cast<unsigned long long>(t.programs), static_cast<unsigned long long>(t.layers),
              static_cast<unsigned long long>(t.runs), t.mismatches.size());
  return 0;  // mismatches are results (in the JSON); a non-zero exit means the shard itself failed
}
