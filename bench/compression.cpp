// Compression of the weight-row formats (docs/compression.md): bits per non-zero, compression ratio
// against dense 2-bit ternary, the RLE gap-width study and zero-stall non-zeros per cycle, on random rows
// and on the layers of trained models (.tnm files given on the command line).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "golden/formats/codecs.hpp"
#include "golden/formats/format.hpp"
#include "golden/net/model.hpp"

namespace {

using tern::Format;
using tern::FormatParams;
using tern::WeightType;

// A random row with exactly round(len * (1 - zeros)) non-zeros at random places, random signs/values.
std::vector<uint32_t> random_row(std::mt19937_64& rng, WeightType t, int cb, int len, double zeros) {
  std::vector<int32_t> vals;
  for (int32_t v : tern::weight_values(t, cb)) {
    if (v != 0) vals.push_back(v);
  }
  std::vector<uint32_t> row(static_cast<size_t>(len), *tern::encode_weight(t, 0, cb));
  const auto nnz = static_cast<int>(std::lround(len * (1.0 - zeros)));
  std::vector<int> idx(static_cast<size_t>(len));
  for (int i = 0; i < len; ++i) idx[static_cast<size_t>(i)] = i;
  std::shuffle(idx.begin(), idx.end(), rng);
  for (int k = 0; k < nnz; ++k) {
    row[static_cast<size_t>(idx[static_cast<size_t>(k)])] = *tern::encode_weight(t, vals[rng() % vals.size()], cb);
  }
  return row;
}

struct Totals {
  int64_t nz = 0, bits = 0, stream_bits = 0, cycles = 0, entries = 0, rows = 0, dense_ternary_bits = 0;
  void add(const Totals& o) {
    nz += o.nz;
    bits += o.bits;
    stream_bits += o.stream_bits;
    cycles += o.cycles;
    entries += o.entries;
    rows += o.rows;
    dense_ternary_bits += o.dense_ternary_bits;
  }
};

int64_t padded(int64_t bits, int w) { return std::max<int64_t>(1, (bits + w - 1) / w) * w; }

Totals measure_row(Format f, const std::vector<uint32_t>& row, WeightType t, int cb, const FormatParams& p) {
  const auto words = tern::encode_row(f, row, t, cb, p);
  const auto r = tern::decode_row(f, words, static_cast<int64_t>(row.size()), t, cb, p);
  if (!r.ok()) {
    std::fprintf(stderr, "internal error: %s\n", r.message.c_str());
    std::exit(1);
  }
  Totals x;
  x.nz = static_cast<int64_t>(tern::fmt::nonzero_positions(row, t, cb).size());
  x.bits = static_cast<int64_t>(words.size()) * p.word_bits;
  x.stream_bits = r.stream_bits;
  x.cycles = tern::zero_stall_cycles(r);
  x.entries = static_cast<int64_t>(r.entries.size());
  x.rows = 1;
  x.dense_ternary_bits = padded(2 * static_cast<int64_t>(row.size()), p.word_bits);
  return x;
}

const double kZeros[] = {0.5, 0.8, 0.9, 0.95, 0.98};
constexpr Format kFormats[] = {Format::kDense, Format::kRle, Format::kBitmap, Format::kCsc, Format::kRleAligned};

// Entropy bound for i.i.d. non-zero positions plus a 1-bit sign: H(d)/d + 1 bits per non-zero.
double entropy_bits(double zeros) {
  const double d = 1.0 - zeros;
  const double h = -(d * std::log2(d) + zeros * std::log2(zeros));
  return h / d + 1.0;
}

void table_random(int len, int rows_per_point) {
  std::printf("\n### Random ternary rows of %d elements (%d rows per point, 64-bit words, rows padded to words)\n\n",
              len, rows_per_point);
  std::printf("Bits per non-zero include the row header and the padding of each row to whole words; the ratio is\n"
              "dense 2-bit ternary bits (also padded) over the format's bits.\n\n");
  std::printf("| zeros | dense 2b: bits/nz | RLE bits/nz | ratio | bitmap (B=16) bits/nz | ratio | CSC (4-bit run) "
              "bits/nz | ratio | rle8 bits/nz | ratio | entropy bound bits/nz |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|\n");
  FormatParams p;
  for (double z : kZeros) {
    std::mt19937_64 rng(static_cast<uint64_t>(z * 1000) + static_cast<uint64_t>(len));
    Totals t[tern::kFormatCount];
    for (int i = 0; i < rows_per_point; ++i) {
      const auto row = random_row(rng, WeightType::kTernary, 2, len, z);
      for (Format f : kFormats) t[static_cast<int>(f)].add(measure_row(f, row, WeightType::kTernary, 2, p));
    }
    auto bpn = [&](Format f) { return double(t[static_cast<int>(f)].bits) / double(t[static_cast<int>(f)].nz); };
    auto ratio = [&](Format f) {
      return double(t[static_cast<int>(f)].dense_ternary_bits) / double(t[static_cast<int>(f)].bits);
    };
    std::printf("| %.0f%% | %.2f | **%.2f** | %.2fx | %.2f | %.2fx | %.2f | %.2fx | %.2f | %.2fx | %.2f |\n", z * 100,
                bpn(Format::kDense), bpn(Format::kRle), ratio(Format::kRle), bpn(Format::kBitmap),
                ratio(Format::kBitmap), bpn(Format::kCsc), ratio(Format::kCsc), bpn(Format::kRleAligned),
                ratio(Format::kRleAligned), entropy_bits(z));
  }
}

void table_rle_gap(int len, int rows_per_point) {
  std::printf("\n### RLE gap field: fixed widths against the per-row choice (random ternary rows of %d elements)\n\n",
              len);
  std::printf("Stream bits per non-zero (header included, word padding excluded) / escapes per non-zero.\n\n");
  std::printf("| zeros |");
  for (int g = 2; g <= 8; ++g) std::printf(" G=%d |", g);
  std::printf(" per row, fewest bits | per row, escapes <= 1/64 (default) |\n|---|");
  for (int g = 2; g <= 8; ++g) std::printf("---|");
  std::printf("---|---|\n");
  for (double z : kZeros) {
    std::mt19937_64 rng(static_cast<uint64_t>(z * 977) + 5);
    std::vector<int64_t> bits(9, 0), esc(9, 0);
    int64_t nz = 0, free_bits = 0, free_esc = 0, def_bits = 0, def_esc = 0;
    for (int i = 0; i < rows_per_point; ++i) {
      const auto row = random_row(rng, WeightType::kTernary, 2, len, z);
      const auto pos = tern::fmt::nonzero_positions(row, WeightType::kTernary, 2);
      nz += static_cast<int64_t>(pos.size());
      const auto costs = tern::fmt::rle_costs(pos, len, 1, 8);
      for (const auto& c : costs) {
        bits[static_cast<size_t>(c.gap_bits)] += c.bits;
        esc[static_cast<size_t>(c.gap_bits)] += c.escapes;
      }
      const auto n = static_cast<int64_t>(pos.size());
      const auto& cf = costs[static_cast<size_t>(tern::fmt::rle_choose_gap(costs, n, -1.0) - 1)];
      const auto& cd = costs[static_cast<size_t>(tern::fmt::rle_choose_gap(costs, n, 1.0 / 64) - 1)];
      free_bits += cf.bits;
      free_esc += cf.escapes;
      def_bits += cd.bits;
      def_esc += cd.escapes;
    }
    std::printf("| %.0f%% |", z * 100);
    for (int g = 2; g <= 8; ++g) {
      std::printf(" %.2f / %.2f |", double(bits[static_cast<size_t>(g)]) / nz, double(esc[static_cast<size_t>(g)]) / nz);
    }
    std::printf(" %.2f / %.3f | %.2f / %.3f |\n", double(free_bits) / nz, double(free_esc) / nz, double(def_bits) / nz,
                double(def_esc) / nz);
  }
}

void table_types(int len, int rows_per_point) {
  std::printf("\n### Other weight types (random rows of %d elements, 90%% zeros): bits per non-zero\n\n", len);
  std::printf("| type | code bits | dense bits/nz | RLE | bitmap | CSC |\n|---|---|---|---|---|---|\n");
  FormatParams p;
  for (WeightType t : {WeightType::kTernary, WeightType::kLog2, WeightType::kAddNet2, WeightType::kAddNet3,
                       WeightType::kAddNet4, WeightType::kInt8}) {
    const int cb = tern::code_bits(t);
    std::mt19937_64 rng(11);
    Totals x[4];
    for (int i = 0; i < rows_per_point; ++i) {
      const auto row = random_row(rng, t, cb, len, 0.9);
      for (Format f : {Format::kDense, Format::kRle, Format::kBitmap, Format::kCsc}) {
        x[static_cast<int>(f)].add(measure_row(f, row, t, cb, p));
      }
    }
    auto bpn = [&](Format f) { return double(x[static_cast<int>(f)].bits) / double(x[static_cast<int>(f)].nz); };
    std::printf("| %s | %d | %.2f | %.2f | %.2f | %.2f |\n", tern::to_string(t).c_str(), cb, bpn(Format::kDense),
                bpn(Format::kRle), bpn(Format::kBitmap), bpn(Format::kCsc));
  }
}

void table_cycles(int len, int rows_per_point) {
  std::printf("\n### Zero-stall non-zeros per cycle (cycle formulas of docs/formats.md, random ternary rows of %d)\n\n",
              len);
  std::printf("| zeros | RLE (default) | RLE (fewest bits) | bitmap B=8 | bitmap B=16 | bitmap B=32 | CSC 3-bit run | "
              "CSC 4-bit run | CSC 5-bit run | rle8 |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (double z : kZeros) {
    std::mt19937_64 rng(static_cast<uint64_t>(z * 313) + 1);
    struct Variant {
      Format f;
      FormatParams p;
    };
    std::vector<Variant> vs;
    FormatParams d;
    vs.push_back({Format::kRle, d});
    FormatParams fb = d;
    fb.rle_escape_budget = -1;
    vs.push_back({Format::kRle, fb});
    for (int b : {8, 16, 32}) {
      FormatParams q = d;
      q.block_bits = b;
      vs.push_back({Format::kBitmap, q});
    }
    for (int r : {3, 4, 5}) {
      FormatParams q = d;
      q.run_bits = r;
      vs.push_back({Format::kCsc, q});
    }
    vs.push_back({Format::kRleAligned, d});
    std::vector<Totals> t(vs.size());
    for (int i = 0; i < rows_per_point; ++i) {
      const auto row = random_row(rng, WeightType::kTernary, 2, len, z);
      for (size_t k = 0; k < vs.size(); ++k) t[k].add(measure_row(vs[k].f, row, WeightType::kTernary, 2, vs[k].p));
    }
    std::printf("| %.0f%% |", z * 100);
    for (const auto& x : t) std::printf(" %.3f |", double(x.nz) / double(x.cycles));
    std::printf("\n");
  }
}

// The thesis's Tables 3.2/3.3 sizes as bits per non-zero (notes 002 §3.2: size x 8e6 / (params x (1 -
// zeros))) next to Tern's RLE on random ternary rows of the same sparsity and the i.i.d. bound.
void table_thesis(int len, int rows_per_point) {
  struct T {
    const char* model;
    double zeros;
    double thesis_bits;
  };
  const T ts[] = {{"MLP-1-1 TNN (4096 wide)", 0.976, 7.6}, {"MLP-32 TNN (1024 wide)", 0.928, 2.7},
                  {"VGG-1 TNN", 0.923, 6.5}, {"VGG-32 TNN", 0.901, 5.5}};
  std::printf("\n### Against the thesis's implied RLE sizes (random ternary rows of %d elements)\n\n", len);
  std::printf("| thesis model | zeros | thesis RLE bits/nz (implied) | i.i.d. bound | Tern RLE (default) | "
              "nz/cycle | Tern RLE (fewest bits) | nz/cycle | Tern rle8 | nz/cycle |\n"
              "|---|---|---|---|---|---|---|---|---|---|\n");
  FormatParams d;
  FormatParams fb;
  fb.rle_escape_budget = -1;
  for (const auto& t : ts) {
    std::mt19937_64 rng(static_cast<uint64_t>(t.zeros * 1e4));
    Totals a, b, c;
    for (int i = 0; i < rows_per_point; ++i) {
      const auto row = random_row(rng, WeightType::kTernary, 2, len, t.zeros);
      a.add(measure_row(Format::kRle, row, WeightType::kTernary, 2, d));
      b.add(measure_row(Format::kRle, row, WeightType::kTernary, 2, fb));
      c.add(measure_row(Format::kRleAligned, row, WeightType::kTernary, 2, d));
    }
    std::printf("| %s | %.1f%% | %.1f | %.2f | %.2f | %.3f | %.2f | %.3f | %.2f | %.3f |\n", t.model, t.zeros * 100,
                t.thesis_bits, entropy_bits(t.zeros), double(a.bits) / double(a.nz), double(a.nz) / double(a.cycles),
                double(b.bits) / double(b.nz), double(b.nz) / double(b.cycles), double(c.bits) / double(c.nz),
                double(c.nz) / double(c.cycles));
  }
}

// Per layer of a trained model: each filter is one row. Columns: bits per non-zero of each format (rows
// padded to 64-bit words), the RLE with the fewest-bits gap rule, the i.i.d. bound (position entropy plus
// payload bits) and zero-stall non-zeros per cycle.
void table_model(const std::string& path) {
  tern::Model m;
  try {
    m = tern::load_model(path);
  } catch (const std::exception& e) {
    std::printf("\n%s: %s\n", path.c_str(), e.what());
    return;
  }
  std::printf("\n### Model `%s` (%s)\n\n", m.name.c_str(), path.c_str());
  std::printf("| layer | type | rows x len | zeros | dense | RLE | RLE fewest bits | bitmap | CSC | rle8 | i.i.d. bound | "
              "RLE vs dense 2b | nz/cycle RLE | RLE fewest bits | bitmap | CSC | rle8 |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  FormatParams p;
  FormatParams fb;
  fb.rle_escape_budget = -1;
  Totals all[6];
  double bound_bits = 0;
  bool all_rle8 = true;  // every weight layer is ternary/binary (rle8 carries no other type)
  for (const auto& l : m.layers) {
    if (!l.has_weights()) continue;
    const int cb = tern::code_bits(l.wtype);
    const auto len = l.row_len();
    const bool r8 = l.wtype == WeightType::kTernary || l.wtype == WeightType::kBinary;
    all_rle8 = all_rle8 && r8;
    Totals x[6];  // dense, RLE, bitmap, CSC, RLE fewest bits, rle8
    for (int mm = 0; mm < l.M; ++mm) {
      std::vector<uint32_t> row(static_cast<size_t>(len));
      for (int64_t k = 0; k < len; ++k) {
        row[static_cast<size_t>(k)] =
            *tern::encode_weight(l.wtype, l.weights[static_cast<size_t>(mm * len + k)], cb);
      }
      for (Format f : {Format::kDense, Format::kRle, Format::kBitmap, Format::kCsc}) {
        x[static_cast<int>(f)].add(measure_row(f, row, l.wtype, cb, p));
      }
      x[4].add(measure_row(Format::kRle, row, l.wtype, cb, fb));
      if (r8) x[5].add(measure_row(Format::kRleAligned, row, l.wtype, cb, p));
    }
    for (int f = 0; f < 6; ++f) all[f].add(x[f]);
    auto bpn = [&](int f) { return double(x[f].bits) / double(x[f].nz); };
    auto rate = [&](int f) { return double(x[f].nz) / double(x[f].cycles); };
    char r8b[16] = "-", r8r[16] = "-";
    if (r8) {
      std::snprintf(r8b, sizeof r8b, "%.2f", bpn(5));
      std::snprintf(r8r, sizeof r8r, "%.3f", rate(5));
    }
    const double d = double(x[0].nz) / double(l.M * len);
    const double h = (d <= 0 || d >= 1) ? 0.0 : -(d * std::log2(d) + (1 - d) * std::log2(1 - d)) / d;
    const double bound = h + tern::payload_bits(Format::kRle, l.wtype, cb);
    bound_bits += bound * double(x[0].nz);
    std::printf("| %s | %s | %d x %lld | %.1f%% | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %.2f | %.2fx | %.3f | %.3f | "
                "%.3f | %.3f | %s |\n",
                l.name.c_str(), tern::to_string(l.wtype).c_str(), l.M, static_cast<long long>(len), (1 - d) * 100,
                bpn(0), bpn(1), bpn(4), bpn(2), bpn(3), r8b, bound,
                double(x[1].dense_ternary_bits) / double(x[1].bits), rate(1), rate(4), rate(2), rate(3), r8r);
  }
  auto bpn = [&](int f) { return double(all[f].bits) / double(all[f].nz); };
  auto rate = [&](int f) { return double(all[f].nz) / double(all[f].cycles); };
  // rle8 in the "all" row: its layers only (marked * unless every weight layer is ternary/binary)
  char r8b[16] = "-", r8r[16] = "-";
  if (all[5].nz > 0) {
    std::snprintf(r8b, sizeof r8b, "%.2f%s", bpn(5), all_rle8 ? "" : "*");
    std::snprintf(r8r, sizeof r8r, "%.3f%s", rate(5), all_rle8 ? "" : "*");
  }
  std::printf("| **all** | | | | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %.2f | | %.3f | %.3f | %.3f | %.3f | %s |\n",
              bpn(0), bpn(1), bpn(4), bpn(2), bpn(3), r8b, bound_bits / double(all[0].nz), rate(1), rate(4), rate(2),
              rate(3), r8r);
}

// Word-aligned RLE design study: fixed-size entries {sign, gap} packed whole into 64-bit words, for entry
// widths of 4, 8 and 16 bits, with a 16-bit count header; and the 8-bit entry with an end marker (one
// entry "the next non-zero is the row's final one", a cycle without output) instead of the count. Bits
// per non-zero (rows padded to 64-bit words) / zero-stall non-zeros per cycle. Only the 8-bit entry with
// the count header (rle8) is built; the others are counted by their rules here.
struct AlignedCost {
  int64_t bits = 0, cycles = 0, nz = 0;
};
AlignedCost aligned_cost(const std::vector<int64_t>& nz, int entry_bits, bool marker) {
  const int64_t gmax = (int64_t{1} << (entry_bits - 1)) - 1;
  int64_t esc = 0, prev = -1;
  for (int64_t i : nz) {
    esc += (i - prev - 1) / gmax;
    prev = i;
  }
  const auto n = static_cast<int64_t>(nz.size());
  AlignedCost c;
  c.nz = n;
  const int64_t stream = marker ? entry_bits * (n + esc + 1 + (n == 0 ? 1 : 0)) : 16 + entry_bits * (n + esc);
  c.bits = padded(stream, 64);
  c.cycles = std::max<int64_t>(1, n) + esc + (marker ? 1 : 0);
  return c;
}

struct AlignedStudy {
  AlignedCost v[4];  // E=4, E=8, E=8 end marker, E=16
  void add(const std::vector<int64_t>& nz) {
    const int eb[4] = {4, 8, 8, 16};
    for (int k = 0; k < 4; ++k) {
      const auto c = aligned_cost(nz, eb[k], k == 2);
      v[k].bits += c.bits;
      v[k].cycles += c.cycles;
      v[k].nz += c.nz;
    }
  }
  void print(const char* label) const {
    std::printf("| %s |", label);
    for (const auto& c : v) std::printf(" %.2f / %.3f |", double(c.bits) / double(c.nz), double(c.nz) / double(c.cycles));
    std::printf("\n");
  }
};

void table_rle8_study(int len, int rows_per_point, const std::vector<std::string>& models) {
  std::printf("\n### Word-aligned RLE: entry width and row framing (bits/nz with rows padded to 64-bit words / "
              "zero-stall non-zeros per cycle)\n\n");
  std::printf("Entries {sign, gap of E-1 bits} (an all-zero gap is an escape of 2^(E-1) - 1 positions), whole "
              "entries per 64-bit word. Count: a 16-bit non-zero count heads the row (rle8 is E = 8 with it). "
              "Marker: no count; one entry announces the row's final non-zero (one more entry and one cycle per "
              "row). Random rows: %d elements, %d rows per point; trained: every ternary/binary layer of the "
              "model, each filter one row.\n\n", len, rows_per_point);
  std::printf("| rows | E = 4, count | E = 8, count (rle8) | E = 8, end marker | E = 16, count |\n"
              "|---|---|---|---|---|\n");
  for (double z : kZeros) {
    std::mt19937_64 rng(static_cast<uint64_t>(z * 733) + 9);
    AlignedStudy st;
    for (int i = 0; i < rows_per_point; ++i) {
      st.add(tern::fmt::nonzero_positions(random_row(rng, WeightType::kTernary, 2, len, z), WeightType::kTernary, 2));
    }
    char label[64];
    std::snprintf(label, sizeof label, "random, %.0f%% zeros", z * 100);
    st.print(label);
  }
  for (const auto& path : models) {
    tern::Model m;
    try {
      m = tern::load_model(path);
    } catch (const std::exception&) {
      continue;
    }
    AlignedStudy st;
    int64_t nz = 0, total = 0;
    for (const auto& l : m.layers) {
      if (!l.has_weights() || (l.wtype != WeightType::kTernary && l.wtype != WeightType::kBinary)) continue;
      const int cb = tern::code_bits(l.wtype);
      const auto len2 = l.row_len();
      for (int mm = 0; mm < l.M; ++mm) {
        std::vector<uint32_t> row(static_cast<size_t>(len2));
        for (int64_t k = 0; k < len2; ++k) {
          row[static_cast<size_t>(k)] =
              *tern::encode_weight(l.wtype, l.weights[static_cast<size_t>(mm * len2 + k)], cb);
        }
        const auto pos = tern::fmt::nonzero_positions(row, l.wtype, cb);
        nz += static_cast<int64_t>(pos.size());
        total += len2;
        st.add(pos);
      }
    }
    if (total == 0) continue;
    char label[128];
    std::snprintf(label, sizeof label, "`%s` t/b layers, %.1f%% zeros", m.name.c_str(),
                  100.0 * (1.0 - double(nz) / double(total)));
    st.print(label);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 64;
  std::vector<std::string> models;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      rows = std::stoi(argv[++i]);
    } else if (a == "--help") {
      std::printf("usage: tern_compression [--rows N] [model.tnm ...]\n");
      return 0;
    } else {
      models.push_back(a);
    }
  }
  std::printf("<!-- generated by build/bench/tern_compression --rows %d", rows);
  for (const auto& m : models) std::printf(" %s", m.c_str());
  std::printf(" -->\n");
  table_random(1024, rows);
  table_random(150, rows * 4);
  table_rle_gap(1024, rows);
  table_types(1024, rows);
  table_cycles(1024, rows);
  table_thesis(1024, rows);
  table_rle8_study(1024, rows, models);
  for (const auto& m : models) table_model(m);
  if (models.empty()) std::printf("\n(no model files given)\n");
  return 0;
}
