// Fuzz target: the Verilated decompressors (every configuration of tests/decomp, rle8 included) on rows built from the
// fuzz input (valid rows, corrupted rows, raw words), with random word and ready stalls, rows back to back
// or after idle gaps, clear after errors. Every cycle the RTL must equal DecompModel; every row's entries
// and error code must equal decode_row(); no assertion may fail; no hang.
#include <memory>
#include <random>
#include <stdexcept>
#include <type_traits>

#include "golden/decomp_model.hpp"
#include "golden/formats/format.hpp"
#include "tb/sim.hpp"
#include "tern_vm_decomp_configs.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace tern;

namespace {

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

struct Row {
  std::vector<uint64_t> words;
  uint32_t row_len = 1;
  WeightType t = WeightType::kTernary;
  int cb = 2;
  bool b2b = false;  // start in the previous row's final handshake
};

template <class Cfg>
void run(fuzz::Bytes& b, Format fmt) {
  FormatParams p;
  p.word_bits = static_cast<int>(Cfg::WordBits);
  p.max_code_bits = static_cast<int>(Cfg::MaxCodeBits);
  p.idx_bits = static_cast<int>(Cfg::IdxBits);
  if constexpr (HasGap<Cfg>::value) p.gap_bits = static_cast<int>(Cfg::GapBits);
  if constexpr (HasBlock<Cfg>::value) p.block_bits = static_cast<int>(Cfg::BlockBits);
  if constexpr (HasRun<Cfg>::value) p.run_bits = static_cast<int>(Cfg::RunBits);
  const uint64_t wmask = p.word_bits == 64 ? ~0ull : (1ull << p.word_bits) - 1;
  // Rows
  std::vector<Row> rows(1 + b.below(3));
  for (Row& r : rows) {
    r.t = static_cast<WeightType>(b.below(7));
    if (fmt == Format::kRleAligned && (b.u8() & 3) != 0) {  // rle8 carries ternary/binary: mostly those
      r.t = (b.u8() & 1) ? WeightType::kTernary : WeightType::kBinary;
    }
    r.cb = code_bits(r.t);
    if (r.t == WeightType::kInt8) r.cb = 1 + static_cast<int>(b.below(static_cast<uint32_t>(p.max_code_bits)));
    if (r.cb > p.max_code_bits) r.t = WeightType::kTernary, r.cb = 2;
    r.row_len = 1 + b.below(std::min<uint32_t>(600, 1u << p.idx_bits));
    r.b2b = b.u8() & 1;
    const int mode = b.below(4);
    if (mode == 0) {
      const uint32_t n = 1 + b.below(12);
      for (uint32_t i = 0; i < n; ++i) r.words.push_back(b.u64() & wmask);
    } else {
      std::vector<uint32_t> codes(r.row_len, 0);
      const uint32_t nz = b.below(r.row_len + 1);
      for (uint32_t i = 0; i < nz; ++i) {
        uint32_t c = b.u8() & ((1u << r.cb) - 1);
        if (code_reserved(r.t, c, r.cb)) c = 0;
        codes[b.below(r.row_len)] = c;
      }
      if (r.t == WeightType::kBinary) {
        for (auto& c : codes) c &= 1;
      }
      try {
        r.words = encode_row(fmt, codes, r.t, r.cb, p);
      } catch (const std::invalid_argument&) {
        r.words = {0};
      }
      if (mode == 2) {
        const uint32_t bit = b.u32() % (static_cast<uint32_t>(r.words.size()) * static_cast<uint32_t>(p.word_bits));
        r.words[bit / p.word_bits] ^= 1ull << (bit % p.word_bits);
      } else if (mode == 3 && r.words.size() > 1) {
        r.words.pop_back();  // truncated
      }
    }
  }
  const uint8_t p_word = b.u8(), p_ready = b.u8();  // stall rates (at most 1/2)
  std::mt19937 stall_rng(b.u32());
  auto coin = [&](uint8_t pr) { return (stall_rng() & 0xff) >= pr / 2u; };

  tb::Sim<typename Cfg::Model> sim("fuzz_decomp");
  auto& m = sim.model();
  DecompModel model(fmt, p);
  m.start_i = 0;
  m.clear_i = 0;
  m.word_valid_i = 0;
  m.ready_i = 0;
  sim.reset();
  model.reset();

  size_t cur = 0;        // row being decoded (or about to start)
  bool running = false;  // `cur` started
  size_t wi = 0;         // words of `cur` taken
  bool hold = false;     // a word was offered and not taken
  int err_wait = -1;
  std::vector<Entry> got;
  auto finish_row = [&](int err) {
    const Row& r = rows[cur];
    const DecodeResult want = decode_row(fmt, r.words, r.row_len, r.t, r.cb, p);
    fuzz::check(static_cast<int>(want.error) == err, "row " + std::to_string(cur) + ": RTL error " +
                                                         std::to_string(err) + ", decode_row " +
                                                         std::to_string(int(want.error)) + " " + want.message);
    fuzz::check(got == want.entries, "row " + std::to_string(cur) + ": RTL entries != decode_row entries");
    got.clear();
    ++cur;
    running = false;
    wi = 0;
    hold = false;
  };
  const uint64_t limit = 2000 + 40ull * 700 * rows.size();
  for (uint64_t cyc = 0; cur < rows.size(); ++cyc) {
    fuzz::check(cyc < limit, "decompressor hangs: row " + std::to_string(cur) + " running " + std::to_string(running) +
                                 " words taken " + std::to_string(wi) + "/" + std::to_string(rows[cur].words.size()) +
                                 " busy " + std::to_string(int{m.busy_o}) + " err " + std::to_string(int{m.err_o}) +
                                 " err_wait " + std::to_string(err_wait));
    DecompIn in;
    in.ready = coin(p_ready);
    in.clear = err_wait == 0;
    auto offer = [&](size_t row, size_t w, bool go) {
      in.word_valid = false;
      const Row& r = rows[row];
      if (w < r.words.size() && (hold || go)) {
        in.word_valid = true;
        in.word = r.words[w];
        in.word_last = w + 1 == r.words.size();
      }
    };
    auto drive = [&] {
      m.start_i = in.start;
      m.row_len_i = in.row_len;
      m.code_bits_i = static_cast<uint8_t>(in.code_bits);
      m.wtype_i = static_cast<uint8_t>(in.wtype);
      m.word_valid_i = in.word_valid;
      m.word_i = in.word;
      m.word_last_i = in.word_last;
      m.ready_i = in.ready;
      m.clear_i = in.clear;
      sim.settle();
    };
    const bool wgo = coin(p_word);
    if (running) offer(cur, wi, wgo);
    drive();
    const bool fin_now = m.valid_o && m.last_o && in.ready && running;
    const bool idle = !running && !m.busy_o && !m.err_o && err_wait < 0;
    size_t start_row = rows.size();
    if (idle && cur < rows.size()) start_row = cur;
    if (fin_now && cur + 1 < rows.size() && rows[cur + 1].b2b && !m.err_o) start_row = cur + 1;
    if (start_row < rows.size()) {
      const Row& r = rows[start_row];
      in.start = true;
      in.row_len = r.row_len;
      in.code_bits = r.cb;
      in.wtype = static_cast<int>(r.t);
      hold = false;
      offer(start_row, 0, wgo);
      drive();
    }
    const DecompOut want = model.eval(in);
    const std::string at = " at cycle " + std::to_string(cyc);
    fuzz::check(m.word_ready_o == want.word_ready, "word_ready_o RTL != DecompModel" + at);
    fuzz::check(m.valid_o == want.valid, "valid_o RTL != DecompModel" + at);
    fuzz::check(m.busy_o == want.busy, "busy_o RTL != DecompModel" + at);
    fuzz::check(m.err_o == want.err && m.err_code_o == want.err_code, "err RTL != DecompModel" + at);
    if (m.valid_o) {
      fuzz::check(m.last_o == want.last && m.empty_o == want.empty, "last/empty RTL != DecompModel" + at);
      if (!want.empty) {
        fuzz::check(m.code_o == want.code && m.index_o == want.index, "code/index RTL != DecompModel" + at);
      }
    }
    const bool took = in.word_valid && m.word_ready_o;
    if (m.valid_o && in.ready && running) {
      got.push_back({static_cast<uint32_t>(m.index_o), static_cast<uint32_t>(m.code_o), static_cast<bool>(m.last_o),
                     static_cast<bool>(m.empty_o)});
    }
    if (fin_now) finish_row(0);
    if (start_row < rows.size()) {
      cur = start_row;
      running = true;
      wi = 0;
    }
    if (took) ++wi;
    hold = in.word_valid && !took;
    sim.tick();
    model.tick(in);
    if (err_wait > 0) --err_wait;
    if (in.clear) err_wait = -1;
    if (m.err_o && err_wait < 0 && !in.clear) {
      if (running)
        finish_row(m.err_code_o);
      else if (start_row < rows.size() || cur < rows.size())
        finish_row(m.err_code_o);  // configuration error at start
      err_wait = 2;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes b(data, size);
  try {
    switch (b.below(10)) {
      case 0: run<Vdense_w64_cfg>(b, Format::kDense); break;
      case 1: run<Vdense_w16_c4_cfg>(b, Format::kDense); break;
      case 2: run<Vrle_w64_cfg>(b, Format::kRle); break;
      case 3: run<Vrle_w32_c2_g6_cfg>(b, Format::kRle); break;
      case 4: run<Vbitmap_w64_b16_cfg>(b, Format::kBitmap); break;
      case 5: run<Vbitmap_w32_c4_b8_cfg>(b, Format::kBitmap); break;
      case 6: run<Vcsc_w64_cfg>(b, Format::kCsc); break;
      case 7: run<Vcsc_w32_c4_r3_cfg>(b, Format::kCsc); break;
      case 8: run<Vrle8_w64_cfg>(b, Format::kRleAligned); break;
      default: run<Vrle8_w32_c2_cfg>(b, Format::kRleAligned); break;
    }
  } catch (const tb::AssertionFailure& e) {
    fuzz::fail(e.what());
  }
  return 0;
}
