// tern_desc_check alone against the golden descriptor check (golden/accel/exec check_descriptor): descriptors of
// compiled random programs with their real chain states, then the same with random bit flips in any word and
// random chain signatures. For each: done_o exactly CheckCycles cycles after start_i, then err_o equal to the
// golden error code; for accepted descriptors the derived pitches, passes, active columns of the last pass,
// bit planes and conv row length equal the golden layout (pitch_of) and shapes.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/random_model.hpp"
#include "tb/bits.hpp"
#include "tb/sim.hpp"
#include "tern_vm_desc_check_configs.hpp"
#include "tests/accel/program_case.hpp"

namespace {

using namespace tern;
using tern::tb::get_bits;
using tern::tb::set_bits;

template <class Cfg>
class DescCheckTest : public ::testing::Test {};
using Configs = ::testing::Types<Vdchk_full_cfg, Vdchk_lean_cfg>;
TYPED_TEST_SUITE(DescCheckTest, Configs);

template <class Cfg>
HwConfig hw_of_cfg() {
  HwConfig hw;
  hw.cols = static_cast<int>(Cfg::Cols);
  hw.lanes = static_cast<int>(Cfg::Lanes);
  hw.pack = static_cast<int>(Cfg::Pack);
  hw.bank_bytes = Cfg::BankBytes;
  hw.cache_words = 128;
  hw.max_conv_row = Cfg::MaxConvRow;
  hw.mac_types = static_cast<uint32_t>(Cfg::MacTypes);
  hw.formats = static_cast<uint32_t>(Cfg::Formats);
  hw.bitserial = Cfg::BitSerial != 0;
  hw.syq = Cfg::Syq != 0;
  hw.rq_units = 2;
  return hw;
}

// {eb, e, r, stride, pad, M, E, F} (16, 16, 4, 3, 3, 16, 16, 16 bits), eb in the top bits.
template <class M>
void drive_chain(M& m, const ChainState& c) {
  m.ch_valid_i = c.valid;
  m.ch_side_i = c.side;
  m.ch_fc_i = c.fc;
  set_bits(m.ch_sig_i, 0, 16, c.F);
  set_bits(m.ch_sig_i, 16, 16, c.E);
  set_bits(m.ch_sig_i, 32, 16, c.M);
  set_bits(m.ch_sig_i, 48, 3, c.pad);
  set_bits(m.ch_sig_i, 51, 3, c.stride);
  set_bits(m.ch_sig_i, 54, 4, c.r);
  set_bits(m.ch_sig_i, 58, 16, c.e);
  set_bits(m.ch_sig_i, 74, 16, c.eb);
}

TYPED_TEST(DescCheckTest, EqualsGoldenCheckAndLayout) {
  using Cfg = TypeParam;
  const HwConfig hw = hw_of_cfg<Cfg>();
  HwConfig full = hw;  // programs compiled for every feature: the lean build must refuse some
  full.mac_types = 0x7f;
  full.formats = 0x1f;
  full.bitserial = full.syq = true;
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_check");
  auto& m = sim.model();
  sim.reset();
  std::mt19937_64 rng(123 + hw.cols);
  int checked = 0, accepted = 0, refused = 0;
  std::array<int, 16> classes{};
  // Every fifth program tiny (inputs up to 3x3 with 1-2 channels, 1-2 filters): row pitches at their
  // floor of 8 entries.
  RandomModelSpec tiny = test::default_spec();
  tiny.max_hw = 3;
  tiny.max_c = 2;
  tiny.max_m = 2;
  tiny.m_mult8 = 0.0;
  int tiny_rows = 0;
  for (int prog = 0; prog < 150; ++prog) {
    test::ProgramCase c;
    try {
      c = test::make_case(rng, full, prog % 5 == 4 ? tiny : test::default_spec());
    } catch (const std::exception&) {
      continue;
    }
    ChainState chain;
    for (size_t i = 0; i < c.prog.layers.size(); ++i) {
      std::array<uint64_t, 8> raw{};
      for (int j = 0; j < 8; ++j) raw[j] = c.prog.image[c.prog.prog_base / 8 + 8 * i + static_cast<size_t>(j)];
      const Descriptor d0 = Descriptor::decode(raw);
      tiny_rows += d0.op == Op::kConv && d0.W * d0.C <= 4 && d0.F * d0.M <= 4;
      const ChainState next = chain_after(d0);
      for (int variant = 0; variant < 3; ++variant) {
        std::array<uint64_t, 8> r = raw;
        ChainState ch = chain;
        if (variant == 1) {  // bit flips anywhere
          const int n = 1 + static_cast<int>(rng() % 3);
          for (int k = 0; k < n; ++k) r[rng() % 8] ^= uint64_t{1} << (rng() % 64);
        } else if (variant == 2) {  // another chain signature
          ch.valid = rng() % 4 != 0;
          ch.side = rng() % 2;
          ch.fc = rng() % 4 == 0;
          ch.eb = static_cast<uint16_t>(rng() % 8);
          ch.e = static_cast<uint16_t>(rng() % 40);
          ch.r = static_cast<uint8_t>(rng() % 8);
          ch.stride = static_cast<uint8_t>(rng() % 5);
          ch.pad = static_cast<uint8_t>(rng() % 4);
          ch.M = static_cast<uint16_t>(rng() % 20);
          ch.E = static_cast<uint16_t>(rng() % 30);
          ch.F = static_cast<uint16_t>(rng() % 30);
        }
        const Descriptor d = Descriptor::decode(r);
        if (d.op == Op::kEnd) continue;  // the sequencer stops before CHECK
        const uint8_t want = check_descriptor(d, r, hw, ch);
        for (int j = 0; j < 8; ++j) set_bits(m.desc_i, 64 * j, 64, r[j]);
        drive_chain(m, ch);
        m.start_i = 1;
        sim.tick();
        m.start_i = 0;
        int cycles = 0;
        for (;;) {
          sim.settle();
          ++cycles;
          if (m.done_o || cycles > 100) break;
          sim.tick();
        }
        const std::string where = std::string(Cfg::kName) + " program " + std::to_string(prog) + " layer " +
                                  std::to_string(i) + " variant " + std::to_string(variant);
        ASSERT_EQ(cycles, 23) << where << ": done_o not CheckCycles after start";
        sim.tick();
        sim.settle();
        ASSERT_EQ(static_cast<int>(m.err_o), static_cast<int>(want)) << where << " (RTL, golden)";
        ++checked;
        ++classes[want >> 4];
        if (want != 0) {
          ++refused;
          continue;
        }
        ++accepted;
        const Pitch pin = pitch_of(d.C, d.W), pout = pitch_of(d.M, d.F);
        EXPECT_EQ(static_cast<int>(m.lpix_o), pin.lpix) << where;
        EXPECT_EQ(static_cast<int>(m.lrow_o), pin.lrow) << where;
        EXPECT_EQ(static_cast<int>(m.olpix_o), pout.lpix) << where;
        EXPECT_EQ(static_cast<int>(m.olrow_o), pout.lrow) << where;
        if (d.op != Op::kPool) {
          const int passes = (d.M + hw.cols - 1) / hw.cols;
          EXPECT_EQ(static_cast<int>(m.passes_o), passes) << where;
          EXPECT_EQ(static_cast<int>(m.rem_o), d.M - (passes - 1) * hw.cols) << where;
          EXPECT_EQ(static_cast<int>(m.planes_o), d.bitserial ? d.act_bits : 1) << where;
        }
        if (d.op == Op::kConv) EXPECT_EQ(static_cast<int>(m.row_len_o), d.C * d.R * d.S) << where;
        ASSERT_FALSE(::testing::Test::HasFailure()) << where;
      }
      chain = next;
    }
  }
  EXPECT_GT(checked, 500);
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 100);
  EXPECT_GT(tiny_rows, 5) << "conv layers with input and output rows of at most 4 entries";
  int distinct = 0;
  for (int k : classes) distinct += k > 0;
  EXPECT_GE(distinct, 5) << "error classes seen (0 = accepted counts as one)";
}

}  // namespace
