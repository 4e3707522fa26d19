// The spec sheet of a model on a build (tools/spec_sheet.hpp).
#include "tools/spec_sheet.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "golden/accel/metrics.hpp"

namespace tern {
namespace {

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

// docs/ppa_summary.json (`make synth`, written by scripts/ppa_summary.py) if it describes this build's
// parameters; otherwise nullopt and `why` says what is missing.
std::optional<nlohmann::json> ppa_summary(const HwConfig& hw, const std::string& root, std::string& why) {
  const std::string path = root + "/docs/ppa_summary.json";
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
                      num("RqUnits") == hw.rq_units && std::max<int64_t>(num("RqSerial"), 0) == int64_t{hw.rq_serial};
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
std::string area_rows(const HwConfig& hw, const std::string& root) {
  std::string why;
  const auto j = ppa_summary(hw, root, why);
  if (!j) return "| area | not available: " + why + " |\n";
  try {
    const auto& x = j->at("xilinx7");
    const auto& a = j->at("asic_osu018");
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "| area, Xilinx 7 (Yosys synthesis estimate, %s) | %d LUT, %d FF, %d RAMB36, %d DSP48E1 |\n"
        "| area, OSU 0.18 um (Yosys + abc) | %.3f mm^2 logic + %.2f Mbit memories (SRAM macros, not counted) |\n"
        "| Fmax, OSU 0.18 um (OpenSTA, no wire load) | %.1f MHz |\n",
        j->value("xilinx7_flow", std::string("synth_xilinx")).c_str(), x.at("lut").get<int>(), x.at("ff").get<int>(), x.at("bram36").get<int>(), x.at("dsp").get<int>(),
        a.at("logic_area_mm2").get<double>(), j->at("memory_bits").get<double>() / 1e6, a.at("fmax_mhz").get<double>());
    return buf;
  } catch (const nlohmann::json::exception& e) {
    return std::string("| area | not available: docs/ppa_summary.json unreadable (") + e.what() + ") |\n";
  }
}

// Energy per inference of this model from docs/energy.json (`make -C synth energy`: gate-level switching activity
// of the OSU 0.18 um netlist of the energy build, annotated into OpenSTA; docs/energy.md), averaged over the images
// simulated, with its basis (that build, its clock, whether it is this build). One row; `j` gets the figures.
std::string energy_rows(const Model& m, const HwConfig& hw, const std::string& root, nlohmann::json& j) {
  const std::string path = root + "/docs/energy.json";
  std::ifstream f(path);
  if (!f) return "| energy per inference | not available: " + path + " missing (make -C synth energy) |\n";
  try {
    const nlohmann::json e = nlohmann::json::parse(f).at("models");
    double total = 0, logic = 0, memory = 0;
    int n = 0;
    std::set<int64_t> images;
    for (const auto& r : e.at("runs")) {
      if (r.at("model").get<std::string>() != m.name) continue;
      total += r.at("total_j").get<double>();
      logic += r.at("logic_j").get<double>();
      memory += r.at("memory_j").get<double>();
      images.insert(r.at("image").get<int64_t>());
      ++n;
    }
    const std::string build = e.at("build").get<std::string>();
    if (n == 0)
      return "| energy per inference | not measured for " + m.name + " (docs/energy.md lists the models run) |\n";
    // is the energy build this one? (its parameters as `Name=Value` pairs; the others are the RTL defaults)
    std::istringstream ps(build);
    std::string kv;
    bool same = true;
    const HwConfig def;
    HwConfig eb = def;
    while (ps >> kv) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos) continue;
      const std::string k = kv.substr(0, eq);
      const int64_t v = std::stoll(kv.substr(eq + 1));
      if (k == "Cols")
        eb.cols = static_cast<int>(v);
      else if (k == "Lanes")
        eb.lanes = static_cast<int>(v);
      else if (k == "Pack")
        eb.pack = static_cast<int>(v);
      else if (k == "BankBytes")
        eb.bank_bytes = v;
      else if (k == "CacheWords")
        eb.cache_words = v;
      else if (k == "MaxConvRow")
        eb.max_conv_row = v;
      else if (k == "RqUnits")
        eb.rq_units = static_cast<int>(v);
      else
        same = false;  // a parameter this comparison does not know
    }
    same = same && eb.describe() == hw.describe();
    const double mhz = 1e3 / e.at("period_ns").get<double>();
    char buf[640];
    std::snprintf(buf, sizeof buf,
                  "| energy per inference (OSU 0.18 um, simulated switching activity; docs/energy.md) | %.0f uJ "
                  "(logic %.0f uJ incl. clock, memories %.0f uJ), mean of %d simulation%s of %zu test image%s at %.0f "
                  "MHz on %s%s |\n",
                  1e6 * total / n, 1e6 * logic / n, 1e6 * memory / n, n, n == 1 ? "" : "s", images.size(),
                  images.size() == 1 ? "" : "s", mhz, same ? "this build" : "the energy build (",
                  same ? "" : (build + "), not this build").c_str());
    j["energy_uj_per_image"] = 1e6 * total / n;
    j["energy_basis"] = {{"build", build},
                         {"this_build", same},
                         {"runs", n},
                         {"images", images.size()},
                         {"clock_mhz", mhz},
                         {"logic_uj", 1e6 * logic / n},
                         {"memory_uj", 1e6 * memory / n}};
    return buf;
  } catch (const std::exception& ex) {
    return "| energy per inference | not available: " + path + " unreadable (" + ex.what() + ") |\n";
  }
}

}  // namespace

SheetClock choose_clock(const HwConfig& hw, const std::string& root, bool given, double given_mhz,
                        const std::string& given_source) {
  if (given) return {given_mhz, given_source.empty() ? "stated with --clock-mhz (not measured)" : given_source};
  std::string why;
  const auto j = ppa_summary(hw, root, why);
  try {
    if (j) {
      return {j->at("asic_osu018").at("fmax_mhz").get<double>(),
              "measured Fmax of this build, OSU 0.18 um synthesis estimate (OpenSTA, no place and route; "
              "docs/ppa_summary.json)"};
    }
  } catch (const nlohmann::json::exception& e) {
    why = std::string("docs/ppa_summary.json unreadable (") + e.what() + ")";
  }
  return {100.0, "stated, not measured: " + why};
}

// Spec sheet in the style of Sze et al. Table V.
Sheet spec_sheet(const Model& m, const Program& p, const std::vector<LayerStats>& st, std::pair<int, int> acc,
                 const RtlSummary* rtl, const SheetClock& o, const std::string& root) {
  Sheet sh;
  std::ostringstream os;
  const ModelMetrics mm = model_metrics(m, p, st);
  const int64_t weights = mm.weights, nnz = mm.nnz, macs = mm.macs, macs_nz = mm.macs_nz;
  const uint64_t cycles = mm.cycles, bytes = mm.bytes;
  uint64_t stream_words = 0;
  for (const CompiledLayer& cl : p.layers) stream_words += static_cast<uint64_t>(cl.weight_words);
  const double cyc_img = static_cast<double>(cycles);
  const double ips = o.mhz * 1e6 / cyc_img;
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
  std::snprintf(buf, sizeof buf, "| overall utilisation (sum ideal / sum cycles) | %.3f |\n",
                static_cast<double>(mm.ideal) / static_cast<double>(std::max<uint64_t>(1, cycles)));
  os << buf;
  std::snprintf(buf, sizeof buf,
                "| off-chip bytes per inference | %.0f (read + written, incl. every layer's output) |\n",
                static_cast<double>(bytes));
  os << buf;
  std::snprintf(buf, sizeof buf, "| clock | %.1f MHz, %s |\n", o.mhz, o.source.c_str());
  os << buf;
  std::snprintf(buf, sizeof buf, "| sustained throughput | %.0f images/s at batch 1 |\n", ips);
  os << buf;
  os << area_rows(p.hw, root);
  nlohmann::json energy;
  os << energy_rows(m, p.hw, root, energy);
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
             {"clock_mhz", o.mhz},
             {"images_per_s", ips}};
  if (!energy.empty()) sh.json["energy"] = energy;
  nlohmann::json layers = nlohmann::json::array();
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const LayerMetrics& lm = mm.layers[i];
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

}  // namespace tern
