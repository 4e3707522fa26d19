// Verilator testbench of a hardened pipeline (scripts/harden/harden.py): streams the images of a golden dump
// (tools/tern_golden_dump) through the pipeline and checks
//   1. images back to back, output always ready: every stage's output stream bit-exact with the golden
//      model's layer output, and the cycle of every stage's first input beat and last output beat of every
//      image equal to the generator's cycle model (cycles_expected.txt);
//   2. random input gaps and random output stalls (seeded): every stage's output stream bit-exact again.
// Compiled per design with -include harden_tb.h (generated). Exit status 0 = pass.
//
//   tb GOLDEN.bin CYCLES_EXPECTED.txt [--seed S]   (run in the design directory: the ROMs are read from there)
#include <verilated.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

template <typename T>
uint64_t port_bits(const T& v, int lo, int w) {
  static_assert(std::is_integral<T>::value, "integral port");
  const uint64_t x = static_cast<uint64_t>(v) >> lo;
  return w >= 64 ? x : x & ((uint64_t{1} << w) - 1);
}
template <std::size_t N>
uint64_t port_bits(const VlWide<N>& v, int lo, int w) {
  uint64_t r = 0;
  for (int b = 0; b < w; ++b) {
    const int i = lo + b;
    r |= static_cast<uint64_t>((v[static_cast<size_t>(i / 32)] >> (i % 32)) & 1u) << b;
  }
  return r;
}
template <typename T>
void set_port_bits(T& v, int lo, int w, uint64_t x) {
  static_assert(std::is_integral<T>::value, "integral port");
  const uint64_t m = (w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1) << lo;
  v = static_cast<T>((static_cast<uint64_t>(v) & ~m) | ((x << lo) & m));
}
template <std::size_t N>
void set_port_bits(VlWide<N>& v, int lo, int w, uint64_t x) {
  for (int b = 0; b < w; ++b) {
    const int i = lo + b;
    auto& word = v[static_cast<size_t>(i / 32)];
    word = (word & ~(1u << (i % 32))) | (static_cast<uint32_t>((x >> b) & 1u) << (i % 32));
  }
}

#include "harden_tb.h"

namespace {

struct Golden {
  uint32_t n = 0, layers = 0, in_elems = 0;
  std::vector<uint32_t> out_elems;
  std::vector<std::vector<uint8_t>> images;
  std::vector<std::vector<std::vector<int32_t>>> outs;  // [image][layer][elem]
};

Golden read_golden(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  Golden g;
  char magic[4];
  f.read(magic, 4);
  if (!f || std::string(magic, 4) != "THGD") throw std::runtime_error("bad golden dump " + path);
  auto u32 = [&]() {
    uint32_t v;
    f.read(reinterpret_cast<char*>(&v), 4);
    return v;
  };
  g.n = u32();
  g.layers = u32();
  g.in_elems = u32();
  for (uint32_t i = 0; i < g.layers; ++i) g.out_elems.push_back(u32());
  for (uint32_t k = 0; k < g.n; ++k) {
    u32();  // label
    std::vector<uint8_t> img(g.in_elems);
    f.read(reinterpret_cast<char*>(img.data()), g.in_elems);
    g.images.push_back(img);
    std::vector<std::vector<int32_t>> o;
    for (uint32_t i = 0; i < g.layers; ++i) {
      std::vector<int32_t> v(g.out_elems[i]);
      f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(4 * v.size()));
      o.push_back(v);
    }
    g.outs.push_back(o);
  }
  if (!f) throw std::runtime_error("truncated golden dump " + path);
  return g;
}

struct Result {
  long mismatches = 0;
  std::vector<std::vector<long>> first_in, last_out;  // [stage][image]
  long cycles = 0;
};

int32_t sext(uint64_t v, int w, bool sg) {
  if (w >= 32) return static_cast<int32_t>(static_cast<uint32_t>(v));
  if (sg && ((v >> (w - 1)) & 1)) return static_cast<int32_t>(v | (~uint64_t{0} << w));
  return static_cast<int32_t>(v);
}

Result run(const Golden& g, bool random_timing, uint64_t seed) {
  Result res;
  res.first_in.assign(kStages, std::vector<long>(g.n, -1));
  res.last_out.assign(kStages, std::vector<long>(g.n, -1));
  std::mt19937_64 rng(seed);
  auto* top = new HardenTop;
  top->clk_i = 0;
  top->rst_ni = 0;
  top->in_valid_i = 0;
  top->out_ready_i = 1;
  top->eval();
  for (int i = 0; i < 3; ++i) {
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    top->eval();
  }
  top->rst_ni = 1;
  const int pixels = static_cast<int>(g.in_elems) / kInC;
  std::vector<long> in_beats(kStages, 0), out_beats(kStages, 0);
  long src = 0;  // next input pixel (over all images)
  const long src_total = static_cast<long>(g.n) * pixels;
  const long out_total = static_cast<long>(g.n) * kStage[kStages - 1].E * kStage[kStages - 1].F;
  long t = 0;
  const long limit = 50000000;
  while (out_beats[kStages - 1] < out_total && t < limit) {
    const bool gap = random_timing && (rng() % 4 == 0);
    const bool stall = random_timing && (rng() % 3 == 0);
    top->in_valid_i = src < src_total && !gap;
    if (src < src_total) {
      const auto& img = g.images[static_cast<size_t>(src / pixels)];
      const int px = static_cast<int>(src % pixels);
      for (int c = 0; c < kInC; ++c) {  // image is [C][H][W]; the beat carries all C channels of a pixel
        set_port_bits(top->in_data_i, 8 * c, 8, img[static_cast<size_t>(c) * pixels + px]);
      }
    }
    top->out_ready_i = !stall;
    top->eval();
    if (top->in_valid_i && top->in_ready_o) ++src;
    for (int i = 0; i < kStages; ++i) {
      const StageInfo& S = kStage[i];
      // stage i's input fires with stage i-1's output (or the pipeline input)
      const bool in_fire = i == 0 ? (top->in_valid_i && top->in_ready_o) : ((top->tap_fire_o >> (i - 1)) & 1);
      if (in_fire) {
        const long per = i == 0 ? pixels : static_cast<long>(kStage[i - 1].E) * kStage[i - 1].F;
        const long img = in_beats[i] / per;
        if (in_beats[i] % per == 0 && img < g.n) res.first_in[i][static_cast<size_t>(img)] = t;
        ++in_beats[i];
      }
      if ((top->tap_fire_o >> i) & 1) {
        const long per = static_cast<long>(S.E) * S.F;
        const long img = out_beats[i] / per, b = out_beats[i] % per;
        const auto& want = g.outs[static_cast<size_t>(img)][static_cast<size_t>(i)];
        for (int m = 0; m < S.M; ++m) {
          const int32_t got = sext(tap_bits(top, i, m * S.ow, S.ow), S.ow, S.osg);
          const int32_t exp = want[static_cast<size_t>(m) * per + static_cast<size_t>(b)];
          if (got != exp) {
            if (res.mismatches < 10) {
              std::fprintf(stderr, "MISMATCH stage %d (%s) image %ld pixel %ld channel %d: rtl %d golden %d\n", i,
                           S.name, img, b, m, got, exp);
            }
            ++res.mismatches;
          }
        }
        ++out_beats[i];
        if (out_beats[i] % per == 0) res.last_out[i][static_cast<size_t>(img)] = t;
      }
    }
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    ++t;
  }
  res.cycles = t;
  if (t >= limit) {
    std::fprintf(stderr, "TIMEOUT after %ld cycles\n", t);
    ++res.mismatches;
  }
  top->final();
  delete top;
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: tb GOLDEN.bin CYCLES_EXPECTED.txt [--seed S]\n");
    return 2;
  }
  uint64_t seed = 1;
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  try {
    const Golden g = read_golden(argv[1]);
    if (g.layers != kStages) throw std::runtime_error("golden dump has another number of layers");
    int fails = 0;
    // 1. back to back: data and cycles
    const Result a = run(g, false, seed);
    std::ifstream ce(argv[2]);
    int n_img = 0, n_st = 0;
    ce >> n_img >> n_st;
    if (n_st != kStages) throw std::runtime_error("cycles_expected.txt: stage count");
    long cyc_diff = 0;
    for (int i = 0; i < kStages; ++i) {
      for (int pass = 0; pass < 2; ++pass) {
        for (int k = 0; k < n_img; ++k) {
          long want = 0;
          ce >> want;
          if (k >= static_cast<int>(g.n)) continue;
          const long got = (pass == 0 ? a.first_in : a.last_out)[static_cast<size_t>(i)][static_cast<size_t>(k)];
          if (got != want) {
            if (cyc_diff < 10) {
              std::fprintf(stderr, "CYCLE stage %d (%s) image %d %s: rtl %ld model %ld\n", i, kStage[i].name, k,
                           pass == 0 ? "first input beat" : "last output beat", got, want);
            }
            ++cyc_diff;
          }
        }
      }
    }
    if (!ce) throw std::runtime_error("cycles_expected.txt: truncated");
    const long lat = a.last_out[kStages - 1][0] - a.first_in[0][0] + 1;
    const long ii = g.n >= 2 ? a.last_out[kStages - 1][g.n - 1] - a.last_out[kStages - 1][g.n - 2] : -1;
    std::printf("back to back: %u images, %ld cycles, latency %ld, II %ld (last two images), %ld mismatches, "
                "%ld cycle differences from the model\n",
                g.n, a.cycles, lat, ii, a.mismatches, cyc_diff);
    if (a.mismatches || cyc_diff) ++fails;
    // 2. random gaps and stalls: data only
    const Result b = run(g, true, seed);
    std::printf("random gaps/stalls (seed %llu): %ld cycles, %ld mismatches\n", static_cast<unsigned long long>(seed),
                b.cycles, b.mismatches);
    if (b.mismatches) ++fails;
    std::printf(fails ? "FAIL\n" : "PASS\n");
    return fails ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tb_harden: %s\n", e.what());
    return 2;
  }
}
