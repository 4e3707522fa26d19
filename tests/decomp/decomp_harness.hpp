// Drives a Verilated decompressor and its C++ twin (golden/decomp_model, golden/decomp/tern_decomp_dense8)
// in lockstep: rows started back to back or after idle gaps, words and ready under random stalls, every
// output compared every cycle. The test includes the configurations header of its Verilated library.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "golden/decomp/tern_decomp_dense8.hpp"
#include "golden/decomp_model.hpp"
#include "golden/formats/format.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"

namespace tern::test {

// Format and FormatParams of a Verilated configuration (its module parameters).
template <class C, class = void>
struct HasGap : std::false_type {};
template <class C>
struct HasGap<C, std::void_t<decltype(C::GapBits)>> : std::true_type {};
template <class C, class = void>
struct HasBlock : std::false_type {};
template <class C>
struct HasBlock<C, std::void_t<decltype(C::BlockBits)>> : std::true_type {};
template <class C, class = void>
struct HasRun : std::false_type {};
template <class C>
struct HasRun<C, std::void_t<decltype(C::RunBits)>> : std::true_type {};

// Port differences between the decompressors (member detection on the Verilated model).
template <class M, class = void>
struct HasCodesO : std::false_type {};
template <class M>
struct HasCodesO<M, std::void_t<decltype(std::declval<M&>().codes_o)>> : std::true_type {};
template <class M, class = void>
struct HasCodeBitsI : std::false_type {};
template <class M>
struct HasCodeBitsI<M, std::void_t<decltype(std::declval<M&>().code_bits_i)>> : std::true_type {};
template <class M, class = void>
struct HasEmptyO : std::false_type {};
template <class M>
struct HasEmptyO<M, std::void_t<decltype(std::declval<M&>().empty_o)>> : std::true_type {};
template <class M>
bool empty_out(M& m) {
  if constexpr (HasEmptyO<M>::value) {
    return m.empty_o;
  } else {
    return false;
  }
}

// True if `name` starts with `prefix` (compile time).
constexpr bool starts_with(const char* name, const char* prefix) {
  return *prefix == '\0' || (*name == *prefix && starts_with(name + 1, prefix + 1));
}

// The word-aligned RLE has no format-specific parameter: its configurations are named Vrle8_*.
template <class Cfg>
constexpr Format format_of() {
  if constexpr (starts_with(Cfg::kName, "Vrle8")) return Format::kRleAligned;
  if constexpr (HasGap<Cfg>::value) return Format::kRle;
  if constexpr (HasBlock<Cfg>::value) return Format::kBitmap;
  if constexpr (HasRun<Cfg>::value) return Format::kCsc;
  return Format::kDense;
}

// Packed dense reader (tern_decomp_dense8): configurations named Vdense8_*, twin Dense8Model, ports
// codes_o (eight codes) instead of code_o, no code_bits_i and no empty_o.
template <class Cfg>
constexpr bool is_dense8() {
  return starts_with(Cfg::kName, "Vdense8");
}
template <class Cfg>
using TwinOf = std::conditional_t<is_dense8<Cfg>(), Dense8Model, DecompModel>;

template <class Cfg>
FormatParams params_of() {
  FormatParams p;
  p.word_bits = static_cast<int>(Cfg::WordBits);
  p.max_code_bits = static_cast<int>(Cfg::MaxCodeBits);
  p.idx_bits = static_cast<int>(Cfg::IdxBits);
  if constexpr (HasGap<Cfg>::value) p.gap_bits = static_cast<int>(Cfg::GapBits);
  if constexpr (HasBlock<Cfg>::value) p.block_bits = static_cast<int>(Cfg::BlockBits);
  if constexpr (HasRun<Cfg>::value) p.run_bits = static_cast<int>(Cfg::RunBits);
  return p;
}

template <class Cfg>
TwinOf<Cfg> make_twin() {
  if constexpr (is_dense8<Cfg>()) {
    return Dense8Model(static_cast<int>(Cfg::IdxBits));
  } else {
    return DecompModel(format_of<Cfg>(), params_of<Cfg>());
  }
}

// The code output of a Verilated decompressor (codes_o of the packed reader).
template <class M>
uint64_t code_out(M& m) {
  if constexpr (HasCodesO<M>::value) {
    return m.codes_o;
  } else {
    return m.code_o;
  }
}

// One row as the engine presents it.
struct Row {
  std::vector<uint64_t> words;  // word_last on the final one
  uint32_t row_len = 1;
  int code_bits = 2;
  int wtype = 1;
  int idle_before = 0;          // idle cycles between the previous row's end and this start (0: back to back)
};

// What one row produced.
struct RowResult {
  std::vector<Entry> entries;
  int err_code = 0;
  int64_t cycles = 0;  // from the cycle after start_i to the final handshake (0 if it did not finish)
  bool started = false;
};

struct RunStats {
  int64_t cycles = 0;
  int64_t outputs = 0;
  int64_t mismatches = 0;
};

template <class Cfg>
class Harness {
 public:
  using Model = typename Cfg::Model;

  Harness(const std::string& name, double p_word, double p_ready, uint64_t seed)
      : name_(name), sim_(name), model_(make_twin<Cfg>()), word_go_(p_word, seed * 2 + 1),
        ready_go_(p_ready, seed * 2 + 2) {
    idle_inputs();
    sim_.reset();
    model_.reset();
  }

  // Runs rows in order; a row that ends in an error is followed by idle cycles and clear_i.
  std::vector<RowResult> run(const std::vector<Row>& rows, RunStats* stats = nullptr) {
    std::vector<RowResult> res(rows.size());
    size_t next = 0;        // next row to start
    int64_t active = -1;    // row whose outputs are being produced
    int64_t feeding = -1;   // row whose words are being offered
    std::deque<uint64_t> words;
    size_t word_i = 0;      // words of `feeding` taken so far
    bool word_hold = false;
    int idle = 0;
    int64_t start_cycle = 0;
    int err_wait = -1;      // cycles left before clear_i after an error
    uint64_t guard = 0;
    const uint64_t limit = 200000 + 200 * total_words(rows);
    while ((next < rows.size() || active >= 0 || err_wait >= 0) && guard++ < limit) {
      DecompIn in;
      in.ready = ready_go_.next();
      in.clear = (err_wait == 0);
      // Words of the row being fed (held until taken).
      auto offer = [&](DecompIn& x, const Row* r, size_t wi, bool go) {
        x.word_valid = false;
        if (r && wi < r->words.size() && (word_hold || go)) {
          x.word_valid = true;
          x.word = r->words[wi];
          x.word_last = (wi + 1 == r->words.size());
        }
      };
      const bool wgo = word_go_.next();
      const Row* fr = feeding >= 0 ? &rows[static_cast<size_t>(feeding)] : nullptr;
      offer(in, fr, word_i, wgo);
      drive(in);
      sim_.settle();
      // Start the next row when idle (after its idle gap) or in the final handshake cycle.
      const bool fin_now = sim_->valid_o && sim_->last_o && in.ready;
      bool do_start = false;
      if (next < rows.size() && err_wait < 0 && !sim_->err_o) {
        const Row& nr = rows[next];
        if (!sim_->busy_o && active < 0) {
          do_start = (idle >= nr.idle_before);
        } else if (fin_now && nr.idle_before == 0) {
          do_start = true;
        }
      }
      if (do_start) {
        const Row& nr = rows[next];
        in.start = true;
        in.row_len = nr.row_len;
        in.code_bits = nr.code_bits;
        in.wtype = nr.wtype;
        word_hold = false;
        offer(in, &nr, 0, wgo);
        drive(in);
        sim_.settle();
      }
      const DecompOut want = model_.eval(in);
      if (!compare(want, in)) {
        if (stats) ++stats->mismatches;
        return res;
      }
      // Handshakes of this cycle.
      if (sim_->valid_o && in.ready && active >= 0) {
        auto& rr = res[static_cast<size_t>(active)];
        rr.entries.push_back({static_cast<uint32_t>(sim_->index_o), static_cast<uint32_t>(code_out(sim_.model())),
                              static_cast<bool>(sim_->last_o), empty_out(sim_.model())});
        if (stats) ++stats->outputs;
        if (sim_->last_o) {
          rr.cycles = static_cast<int64_t>(sim_.cycle()) - start_cycle;
          active = -1;
          feeding = -1;
          idle = 0;
        }
      }
      const bool took_word = in.word_valid && sim_->word_ready_o;
      if (do_start) {
        res[next].started = true;
        if (sim_->word_ready_o || !in.word_valid) {
          // accepted (a bad configuration leaves the unit idle with an error; handled below)
        }
        active = static_cast<int64_t>(next);
        feeding = static_cast<int64_t>(next);
        word_i = 0;
        start_cycle = static_cast<int64_t>(sim_.cycle());
        ++next;
      }
      if (took_word) {
        ++word_i;
        word_hold = false;
      } else {
        word_hold = in.word_valid;
      }
      if (in.clear) {
        err_wait = -1;
        feeding = -1;
        word_hold = false;
        idle = 0;
      }
      sim_.tick();
      model_.tick(in);
      if (stats) ++stats->cycles;
      if (err_wait > 0) --err_wait;
      if (sim_->err_o && err_wait < 0 && !in.clear) {
        if (active >= 0) {
          res[static_cast<size_t>(active)].err_code = sim_->err_code_o;
          active = -1;
        } else if (next > 0) {
          res[next - 1].err_code = sim_->err_code_o;
        }
        err_wait = 3;  // a few cycles with the error standing (words still offered), then clear_i
      }
      if (!sim_->busy_o && active < 0) ++idle;
    }
    EXPECT_LT(guard, limit) << name_ << ": no progress (hang)";
    return res;
  }

  // One manually driven cycle: drive `in`, compare RTL and model outputs, clock both. Returns the RTL's
  // outputs before the edge.
  DecompOut step(const DecompIn& in) {
    drive(in);
    sim_.settle();
    const DecompOut want = model_.eval(in);
    compare(want, in);
    auto& m = sim_.model();
    DecompOut got;
    got.word_ready = m.word_ready_o;
    got.valid = m.valid_o;
    got.code = static_cast<uint32_t>(code_out(m));
    got.index = m.index_o;
    got.last = m.last_o;
    got.empty = empty_out(m);
    got.busy = m.busy_o;
    got.err = m.err_o;
    got.err_code = m.err_code_o;
    sim_.tick();
    model_.tick(in);
    return got;
  }

  tb::Sim<Model>& sim() { return sim_; }

 private:
  static uint64_t total_words(const std::vector<Row>& rows) {
    uint64_t n = 0;
    for (const auto& r : rows) n += r.words.size() + r.row_len;
    return n;
  }

  void idle_inputs() {
    DecompIn in;
    drive(in);
  }

  void drive(const DecompIn& in) {
    auto& m = sim_.model();
    m.start_i = in.start;
    m.row_len_i = static_cast<std::remove_reference_t<decltype(m.row_len_i)>>(in.row_len);
    if constexpr (HasCodeBitsI<Model>::value) {
      m.code_bits_i = static_cast<std::remove_reference_t<decltype(m.code_bits_i)>>(in.code_bits);
    }
    m.wtype_i = static_cast<std::remove_reference_t<decltype(m.wtype_i)>>(in.wtype);
    m.word_valid_i = in.word_valid;
    m.word_i = static_cast<std::remove_reference_t<decltype(m.word_i)>>(in.word);
    m.word_last_i = in.word_last;
    m.ready_i = in.ready;
    m.clear_i = in.clear;
  }

  bool compare(const DecompOut& w, const DecompIn&) {
    auto& m = sim_.model();
    const uint64_t cyc = sim_.cycle();
    bool ok = true;
    auto chk = [&](const char* what, uint64_t got, uint64_t want) {
      if (got != want) {
        ADD_FAILURE() << name_ << ": " << what << " RTL " << got << " model " << want << " at cycle " << cyc
                      << (sim_.wave_file().empty() ? " (TERN_WAVES=1 dumps an FST)" : " waves: " + sim_.wave_file());
        ok = false;
      }
    };
    chk("word_ready_o", m.word_ready_o, w.word_ready);
    chk("valid_o", m.valid_o, w.valid);
    chk("busy_o", m.busy_o, w.busy);
    chk("err_o", m.err_o, w.err);
    chk("err_code_o", m.err_code_o, static_cast<uint64_t>(w.err_code));
    // the packed reader's codes/index/last come straight from registers: compared every cycle
    if (is_dense8<Cfg>() || (m.valid_o && w.valid)) {
      chk("last_o", m.last_o, w.last);
      chk("empty_o", empty_out(m), w.empty);
      if (!w.empty) {
        chk("code_o", code_out(m), w.code);
        chk("index_o", m.index_o, w.index);
      }
    }
    return ok;
  }

  std::string name_;
  tb::Sim<Model> sim_;
  TwinOf<Cfg> model_;
  tb::Stall word_go_, ready_go_;
};

// Weight types whose codes fit a build's MaxCodeBits and that the format carries (rle8: ternary and
// binary only), with the code width used for them.
inline std::vector<std::pair<WeightType, int>> types_for(int max_code_bits, Format f = Format::kDense) {
  std::vector<std::pair<WeightType, int>> out;
  for (WeightType t : {WeightType::kInt8, WeightType::kTernary, WeightType::kBinary, WeightType::kLog2,
                       WeightType::kAddNet2, WeightType::kAddNet3, WeightType::kAddNet4}) {
    const int cb = t == WeightType::kInt8 ? std::min(8, max_code_bits) : code_bits(t);
    if (f == Format::kRleAligned && t != WeightType::kTernary && t != WeightType::kBinary) continue;
    if (cb <= max_code_bits) out.emplace_back(t, cb);
  }
  return out;
}

}  // namespace tern::test
