// tern_writer against its C++ twin golden/core/tern_writer every cycle (every output, bank bus and store
// FIFO included) under random store stalls, chunk arrivals, LOAD words and flushes; plus the contract end to
// end: what reaches memory and the lane banks is the layout of docs/architecture.md (byte (y << lrow) |
// (x << lpix) | c, lane l holding rows lo_l..hi_l from its bank's start, raw elements 4 bytes each).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "golden/core/tern_writer.hpp"
#include "tb/bits.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_writer_configs.hpp"

namespace {

using tern::WriterChunk;
using tern::WriterIn;
using tern::WriterModel;
using tern::WriterOut;

// One phase between two flushes: the layout, then LOAD words or chunks.
struct Phase {
  WriterIn cfg;                                      // layout fields only
  int rows = 1;                                      // tensor rows (y)
  std::vector<std::pair<uint32_t, uint64_t>> loads;  // LOAD: (byte index, word)
  std::vector<WriterChunk> chunks;
  double p_push = 1.0;      // a chunk (or LOAD word) is offered this cycle
  double p_st_ready = 1.0;  // the memory takes a store word
  int clr_at = -1;          // flush this many cycles into the phase (-1: none; the phase is then cut short)
};

template <class Cfg>
class WriterHarness {
 public:
  using Model = typename Cfg::Model;
  static constexpr int kLanes = static_cast<int>(Cfg::Lanes);
  static constexpr int kBankBytes = static_cast<int>(Cfg::BankBytes);
  static constexpr int kDepth = static_cast<int>(Cfg::Depth);

  WriterHarness(const std::string& name, uint64_t seed)
      : name_(name), sim_(name), twin_(kLanes, kBankBytes, kDepth), rng_(seed) {
    drive(WriterIn{});
    sim_.reset();
  }
  bool failed() const { return failed_; }
  uint64_t cycles() { return sim_.cycle(); }

  // Runs a phase to the writer's idle, then one cycle of clr_i. Compares memory and banks with the layout
  // unless the phase was flushed early.
  void run(const Phase& ph) {
    tern::tb::Stall push_go(ph.p_push, rng_()), st_go(ph.p_st_ready, rng_());
    std::map<uint32_t, uint8_t> mem, want_mem;
    std::map<std::pair<int, uint32_t>, uint8_t> bank, want_bank;  // (lane, side * BankBytes + byte)
    size_t next_ck = 0, next_ld = 0;
    for (int64_t t = 0;; ++t) {
      if (t > 100000) {
        ADD_FAILURE() << name_ << ": no progress";
        failed_ = true;
        return;
      }
      WriterIn in = ph.cfg;
      in.st_ready = st_go.next();
      const bool cut = ph.clr_at >= 0 && t == ph.clr_at;
      const bool done = next_ck == ph.chunks.size() && next_ld == ph.loads.size() && sim_->idle_o;
      in.clr = cut || done;
      const bool go = push_go.next() && !in.clr;
      if (go && next_ck < ph.chunks.size() && sim_->ck_count_o < kDepth) {
        in.ck_valid = true;
        in.ck = ph.chunks[next_ck++];
        expect_chunk(ph.cfg, in.ck, want_mem, want_bank);
      } else if (go && next_ld < ph.loads.size()) {
        in.ld_valid = true;
        in.ld_index = ph.loads[next_ld].first;
        in.ld_data = ph.loads[next_ld++].second;
        expect_load(ph.cfg, in.ld_index, in.ld_data, want_bank);
      } else {
        in.ck = junk();  // what is on the chunk bus without ck_valid_i does not matter
      }
      drive(in);
      sim_.settle();
      if (!compare(twin_.eval(in))) {
        failed_ = true;
        return;
      }
      auto& m = sim_.model();
      if (m.st_valid_o && in.st_ready) {
        for (int b = 0; b < 8; ++b)
          if ((m.st_strb_o >> b) & 1u)
            mem[m.st_addr_o + static_cast<uint32_t>(b)] = static_cast<uint8_t>(m.st_data_o >> (8 * b));
      }
      for (int l = 0; l < kLanes; ++l) {
        if (!tern::tb::get_bits(m.bwe_o, static_cast<unsigned>(l), 1)) continue;
        const uint32_t a = static_cast<uint32_t>(tern::tb::get_bits(m.bwaddr_o, static_cast<unsigned>(l * ba()), ba()));
        for (int b = 0; b < 8; ++b)
          if ((m.bwbe_o >> b) & 1u)
            bank[{l, a * 8 + static_cast<uint32_t>(b)}] = static_cast<uint8_t>(m.bwdata_o >> (8 * b));
      }
      sim_.tick();
      twin_.tick(in);
      if (in.clr) break;
    }
    if (ph.clr_at >= 0) return;
    EXPECT_EQ(mem, want_mem) << name_ << ": memory";
    EXPECT_EQ(bank, want_bank) << name_ << ": banks";
  }

 private:
  static int ba() {
    int n = 0;
    while ((1 << n) < kBankBytes / 8) ++n;
    return n + 1;
  }
  static uint32_t index_of(const WriterIn& c, const WriterChunk& k) {
    return (k.y << c.lpix << (c.lrow - c.lpix)) | (k.x << c.lpix) | k.m;
  }
  // Lanes that hold row y and the byte of (y, byte index i) in their bank, side included.
  template <class F>
  static void lanes_of(const WriterIn& c, uint32_t y, uint32_t i, F f) {
    for (int l = 0; l < kLanes; ++l) {
      if (!((c.act >> l) & 1u)) continue;
      const bool in_band = c.fc ? l == 0 : static_cast<int32_t>(y) >= c.lo[l] && static_cast<int32_t>(y) <= c.hi[l];
      if (!in_band) continue;
      const uint32_t off = c.fc ? i : ((y - static_cast<uint32_t>(c.lo[l])) << c.lrow) | (i & ((1u << c.lrow) - 1));
      f(l, (c.side ? kBankBytes : 0) + off);
    }
  }
  static void expect_chunk(const WriterIn& c, const WriterChunk& k, std::map<uint32_t, uint8_t>& mem,
                           std::map<std::pair<int, uint32_t>, uint8_t>& bank) {
    const uint32_t idx = index_of(c, k);
    for (int j = 0; j < 8; ++j) {
      if (!((k.mask >> j) & 1u)) continue;
      const uint32_t d = k.data[static_cast<size_t>(j)];
      if (c.store && c.raw)
        for (int b = 0; b < 4; ++b)
          mem[c.out_addr + 4 * (idx + j) + static_cast<uint32_t>(b)] = static_cast<uint8_t>(d >> (8 * b));
      if (c.store && !c.raw) mem[c.out_addr + idx + static_cast<uint32_t>(j)] = static_cast<uint8_t>(d);
      if (c.banks && !c.raw)
        lanes_of(c, k.y, idx + j, [&](int l, uint32_t a) { bank[{l, a}] = static_cast<uint8_t>(d); });
    }
  }
  static void expect_load(const WriterIn& c, uint32_t i, uint64_t w,
                          std::map<std::pair<int, uint32_t>, uint8_t>& bank) {
    for (int b = 0; b < 8; ++b)
      lanes_of(c, i >> c.lrow, i + static_cast<uint32_t>(b), [&](int l, uint32_t a) {
        bank[{l, a}] = static_cast<uint8_t>(w >> (8 * b));
      });
  }
  WriterChunk junk() {
    WriterChunk k;
    k.y = static_cast<uint32_t>(rng_() & 0xffff);
    k.x = static_cast<uint32_t>(rng_() & 0xffff);
    k.m = static_cast<uint32_t>(rng_() & 0xffff);
    k.mask = static_cast<uint32_t>(rng_() & 0xff);
    for (auto& d : k.data) d = static_cast<uint32_t>(rng_());
    return k;
  }

  void drive(const WriterIn& in) {
    auto& m = sim_.model();
    m.clr_i = in.clr;
    m.fc_i = in.fc;
    m.banks_i = in.banks;
    m.store_i = in.store;
    m.raw_i = in.raw;
    m.side_i = in.side;
    m.lpix_i = static_cast<uint8_t>(in.lpix);
    m.lrow_i = static_cast<uint8_t>(in.lrow);
    for (int l = 0; l < kLanes; ++l) {
      tern::tb::set_bits(m.lo_i, static_cast<unsigned>(18 * l), 18,
                         static_cast<uint64_t>(static_cast<int64_t>(in.lo[l])));
      tern::tb::set_bits(m.hi_i, static_cast<unsigned>(18 * l), 18,
                         static_cast<uint64_t>(static_cast<int64_t>(in.hi[l])));
    }
    m.act_i = in.act;
    m.out_addr_i = in.out_addr;
    m.ck_valid_i = in.ck_valid;
    m.ck_y_i = static_cast<uint16_t>(in.ck.y);
    m.ck_x_i = static_cast<uint16_t>(in.ck.x);
    m.ck_m_i = static_cast<uint16_t>(in.ck.m);
    m.ck_mask_i = static_cast<uint8_t>(in.ck.mask);
    for (int j = 0; j < 8; ++j) m.ck_data_i[j] = in.ck.data[static_cast<size_t>(j)];
    m.ld_valid_i = in.ld_valid;
    m.ld_index_i = in.ld_index;
    m.ld_data_i = in.ld_data;
    m.st_ready_i = in.st_ready;
  }

  bool compare(const WriterOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("ck_count_o", m.ck_count_o, static_cast<uint64_t>(w.ck_count));
    chk("bwe_o", m.bwe_o, w.bwe);
    for (int l = 0; l < kLanes; ++l)
      chk("bwaddr_o lane " + std::to_string(l), tern::tb::get_bits(m.bwaddr_o, static_cast<unsigned>(l * ba()), ba()),
          w.bwaddr[static_cast<size_t>(l)]);
    chk("bwdata_o", m.bwdata_o, w.bwdata);
    chk("bwbe_o", m.bwbe_o, static_cast<uint64_t>(w.bwbe));
    chk("st_valid_o", m.st_valid_o, w.st_valid);
    chk("st_addr_o", m.st_addr_o, w.st_addr);
    chk("st_data_o", m.st_data_o, w.st_data);
    chk("st_strb_o", m.st_strb_o, static_cast<uint64_t>(w.st_strb));
    chk("idle_o", m.idle_o, w.idle);
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  WriterModel twin_;
  std::mt19937_64 rng_;
  bool failed_ = false;
};

// A random phase that fits the build: LOAD words (banks only) or chunks (banks and/or memory, bytes or raw).
template <class Cfg>
Phase random_phase(std::mt19937_64& rng, bool load) {
  constexpr int kLanes = static_cast<int>(Cfg::Lanes);
  constexpr int kBankBytes = static_cast<int>(Cfg::BankBytes);
  Phase ph;
  WriterIn& c = ph.cfg;
  c.lpix = 3 + static_cast<int>(rng() % 2);  // 8 or 16 channels a pixel
  const int xbits = static_cast<int>(rng() % 3);
  c.lrow = c.lpix + xbits;
  int bank_rows = kBankBytes >> c.lrow;
  while (bank_rows == 0) {
    --c.lpix;
    c.lrow = c.lpix;
    bank_rows = kBankBytes >> c.lrow;
  }
  c.fc = rng() % 4 == 0;
  ph.rows = 1 + static_cast<int>(rng() % static_cast<uint64_t>(c.fc ? bank_rows : 6));
  c.side = rng() % 2;
  c.act = static_cast<uint32_t>(rng()) & ((1u << kLanes) - 1);
  for (int l = 0; l < kLanes; ++l) {
    c.lo[static_cast<size_t>(l)] = static_cast<int32_t>(rng() % static_cast<uint64_t>(ph.rows + 2)) - 2;
    c.hi[static_cast<size_t>(l)] =
        c.lo[static_cast<size_t>(l)] + static_cast<int32_t>(rng() % static_cast<uint64_t>(std::min(bank_rows, 4)));
  }
  c.out_addr = static_cast<uint32_t>(8 * (rng() % 1024));
  ph.p_push = rng() % 2 ? 1.0 : 0.5;
  ph.p_st_ready = rng() % 3 == 0 ? 1.0 : 0.2 + 0.6 * static_cast<double>(rng() % 100) / 100.0;
  const uint32_t pix_ch = 1u << c.lpix;
  if (load) {
    c.banks = true;
    const int words = static_cast<int>((static_cast<uint32_t>(ph.rows) << c.lrow) / 8);
    for (int i = 0; i < 3 * words; ++i)
      ph.loads.emplace_back(8u * static_cast<uint32_t>(rng() % static_cast<uint64_t>(words)), rng());
    return ph;
  }
  c.store = rng() % 4 != 0;
  c.raw = c.store && rng() % 3 == 0;
  c.banks = !c.raw && (!c.store || rng() % 2);
  const int n = 1 + static_cast<int>(rng() % 60);
  for (int i = 0; i < n; ++i) {
    WriterChunk k;
    k.y = static_cast<uint32_t>(rng() % static_cast<uint64_t>(ph.rows));
    k.x = static_cast<uint32_t>(rng() % (1u << xbits));
    const uint32_t off = static_cast<uint32_t>(rng() % 8);  // first channel within its 8-byte word
    k.m = static_cast<uint32_t>(rng() % (pix_ch / 8 == 0 ? 1 : pix_ch / 8)) * 8 + off;
    // channels m + j within the pixel and the word (bytes) / 4 memory words (raw)
    const uint32_t top = std::min<uint32_t>(pix_ch - 1 - std::min(k.m, pix_ch - 1), c.raw ? 7 - (k.m & 1) : 7 - off);
    k.mask = static_cast<uint32_t>(rng()) & ((2u << top) - 1);
    if (k.mask == 0) k.mask = 1;
    if (k.m >= pix_ch) {
      k.m = 0;
      k.mask = 1;
    }
    for (auto& d : k.data) d = static_cast<uint32_t>(rng());
    ph.chunks.push_back(k);
  }
  return ph;
}

template <class Cfg>
class WriterTest : public ::testing::Test {};
using WriterConfigs = ::testing::Types<Vwriter_l4_b256_d8_cfg, Vwriter_l1_b64_d2_cfg, Vwriter_l3_b512_d4_cfg>;
TYPED_TEST_SUITE(WriterTest, WriterConfigs);

// LOAD phases and chunk phases in random layouts under random store stalls: lockstep every cycle, and the
// memory and bank images of each phase are its layout.
TYPED_TEST(WriterTest, LockstepPhasesMatchLayout) {
  using Cfg = TypeParam;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const std::string name = std::string(Cfg::kName) + "_phases_" + std::to_string(seed);
    WriterHarness<Cfg> h(name, seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 60; ++i) {
      h.run(random_phase<Cfg>(rng, i % 4 == 0));
      ASSERT_FALSE(h.failed()) << name << " phase " << i;
    }
    std::printf("[cycles] %s %llu\n", name.c_str(), static_cast<unsigned long long>(h.cycles()));
  }
}

// Flushes (clr_i) in the middle of phases with chunks queued, words in the register stage and the store FIFO
// full: both sides empty the same way, and the next phase is clean.
TYPED_TEST(WriterTest, LockstepFlushMidPhase) {
  using Cfg = TypeParam;
  const std::string name = std::string(Cfg::kName) + "_flush";
  WriterHarness<Cfg> h(name, 77);
  std::mt19937_64 rng(77);
  for (int i = 0; i < 120; ++i) {
    Phase ph = random_phase<Cfg>(rng, i % 5 == 0);
    if (i % 2 == 0) {
      ph.clr_at = static_cast<int>(rng() % 20);
      ph.p_st_ready = 0.2;
    }
    h.run(ph);
    ASSERT_FALSE(h.failed()) << name << " phase " << i;
  }
}

// Byte chunks stored with the memory always ready: one chunk a cycle, the store FIFO never refuses.
TYPED_TEST(WriterTest, FullRateWithReadyMemory) {
  using Cfg = TypeParam;
  WriterHarness<Cfg> h(std::string(Cfg::kName) + "_rate", 5);
  std::mt19937_64 rng(5);
  Phase ph = random_phase<Cfg>(rng, false);
  ph.cfg.store = true;
  ph.cfg.raw = false;
  ph.p_push = 1.0;
  ph.p_st_ready = 1.0;
  const uint64_t c0 = h.cycles();
  h.run(ph);
  ASSERT_FALSE(h.failed());
  // n chunks: pushed in n cycles, popped one a cycle from the cycle after the first push, stored two cycles
  // after the pop, plus the clr_i cycle
  EXPECT_EQ(h.cycles() - c0, ph.chunks.size() + 4) << "chunks " << ph.chunks.size();
}

}  // namespace
