// tern_column (one column of the engine v2 array) against its C++ twin golden/core/tern_column every cycle, every
// output (release, bank read data, every lane's accumulator, group parameters, pending groups, rows left,
// errors, statistics class, codes issued), on the conv and fc layers of compiled random programs run one by one
// through one column: the index table written as tern_seq's SETUP writes it, the banks filled with random bytes,
// the weight blocks fetched from the program image by the fetcher twin under random memory stalls, a drain side
// completing groups at random, random accumulator-parity selects, bank writes to the other side during RUN and
// pool reads between layers. Also: every layer issues codes to the lanes, its groups complete and are
// drained exactly once per filter and output-pixel group, no error, and the layer finishes.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "golden/accel/cycle_model.hpp"
#include "golden/accel/program.hpp"
#include "golden/core/tern_column.hpp"
#include "golden/core/tern_fetch.hpp"
#include "golden/net/random_model.hpp"
#include "tb/bits.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_column_configs.hpp"
#include "tests/accel/program_case.hpp"

namespace {

using namespace tern;
using tern::tb::get_bits;
using tern::tb::set_bits;

struct Knobs {
  double p_mem = 1.0;    // the memory accepts a request / answers this cycle
  double p_drain = 1.0;  // the requantisers drain a completed group this cycle
};

template <class Cfg>
HwConfig hw_of_column() {
  HwConfig hw;
  hw.cols = 1;
  hw.rq_units = 1;
  hw.lanes = static_cast<int>(Cfg::Lanes);
  hw.pack = static_cast<int>(Cfg::Pack);
  hw.bank_bytes = Cfg::BankBytes;
  hw.cache_words = Cfg::CacheWords;
  hw.max_conv_row = Cfg::MaxConvRow;
  hw.acc_bits = static_cast<int>(Cfg::AccBits);
  hw.mac_types = static_cast<uint32_t>(Cfg::MacTypes);
  hw.formats = static_cast<uint32_t>(Cfg::Formats);
  hw.bitserial = Cfg::BitSerial != 0;
  hw.syq = Cfg::Syq != 0;
  return hw;
}
template <class Cfg>
ColumnParams params_of() {
  return column_params(hw_of_column<Cfg>());
}

template <class Cfg>
class ColumnHarness {
 public:
  using Model = typename Cfg::Model;
  static constexpr int kLanes = static_cast<int>(Cfg::Lanes);
  static constexpr int kBankWords = static_cast<int>(2 * Cfg::BankBytes / 8);
  static constexpr unsigned kBA = [] {
    unsigned b = 0;
    while ((1u << b) < Cfg::BankBytes / 8) ++b;
    return b + 1;
  }();
  static constexpr unsigned kAcc = static_cast<unsigned>(Cfg::AccBits);

  ColumnHarness(const std::string& name, const Knobs& k, uint64_t seed)
      : name_(name),
        sim_(name),
        twin_(params_of<Cfg>(), FormatParams{}),
        rng_(seed),
        mem_(k.p_mem, seed * 5 + 1),
        drain_(k.p_drain, seed * 5 + 2) {
    in_.win_lo.assign(kLanes, 0);
    in_.win_hi.assign(kLanes, 0);
    in_.bwaddr.assign(kLanes, 0);
    step();
    sim_.reset();
    twin_.reset();
    // every bank word of every lane written once (random bytes): the RTL's RAMs start undefined
    for (int l = 0; l < kLanes; ++l) {
      for (int w = 0; w < kBankWords; ++w) {
        in_.bwe = 1u << l;
        in_.bwaddr[static_cast<size_t>(l)] = static_cast<uint32_t>(w);
        in_.bwdata = rng_();
        in_.bwbe = 0xff;
        step();
      }
    }
    in_.bwe = 0;
  }
  bool failed() const { return failed_; }
  uint64_t cycles() { return sim_.cycle(); }
  int64_t entries() const { return entries_; }
  // layers run so far by kind: format 0..4, 5 packed, 6 bit-serial, 7 SYQ, 8 fc, 9 conv; weight types
  const std::array<int, 10>& kinds() const { return kinds_; }
  const std::array<int, 8>& types() const { return types_; }
  int64_t groups() const { return groups_; }

  // One conv or fc layer of a compiled program through the column.
  void layer(const Program& prog, const Descriptor& d) {
    const bool fc = d.op == Op::kFc;
    ++kinds_[d.pack ? 5 : d.fmt];
    kinds_[6] += d.bitserial;
    kinds_[7] += d.syq;
    ++kinds_[fc ? 8 : 9];
    ++types_[d.wtype & 7];
    const Pitch pin = pitch_of(d.C, d.W);
    // layer constants (as tern_core drives them), the SYQ scales from the program image
    in_ = column_inputs(d, hw_of_column<Cfg>(), d.M);
    for (int b = 0; b < 64; ++b) {
      const size_t w = d.syq_addr / 8 + static_cast<size_t>(b / 8);
      in_.syq_q[static_cast<size_t>(b)] =
          w < prog.image.size() ? static_cast<uint8_t>(prog.image[w] >> (8 * (b % 8))) : 0;
    }
    // SETUP: entry k = (r*S + s)*C + c -> {(r << lrow) + (s << lpix) + c (modulo the bank size), r, s, r*S + s}
    if (!fc) {
      for (int r = 0; r < d.R; ++r)
        for (int s = 0; s < d.S; ++s)
          for (int c = 0; c < d.C; ++c) {
            in_.tab_we = true;
            in_.tab_waddr = static_cast<uint32_t>((r * d.S + s) * d.C + c);
            const uint64_t off = ((uint64_t{static_cast<uint32_t>(r)} << pin.lrow) +
                                  (uint64_t{static_cast<uint32_t>(s)} << pin.lpix) + c) %
                                 static_cast<uint64_t>(Cfg::BankBytes);
            in_.tab_wdata = (off << 12) | (uint64_t(r) << 9) | (uint64_t(s) << 6) | static_cast<uint64_t>(r * d.S + s);
            step();
          }
      in_.tab_we = false;
    }
    step();  // run_i low for a cycle: the row sequencer loads rows_left
    // RUN
    FetchModel fetch(1, static_cast<int>(Cfg::CacheWords));
    FetchIn fin;
    fin.start = true;
    fin.base = d.wgt_addr;
    fin.num = d.M;
    fetch.tick(fin);
    fin = FetchIn{};
    std::deque<uint32_t> rsp;  // addresses of accepted requests, answered in order
    in_.run = true;
    int64_t idle = 0, drains = 0;
    const int64_t want = int64_t{d.M} * in_.gy_n * in_.gx_n;
    for (int64_t t = 0; t < 2000000; ++t) {
      fin.req_ready = rsp.size() < 4 && mem_.next();
      fin.rsp_valid = !rsp.empty() && mem_.next();
      fin.rsp_data = fin.rsp_valid ? prog.image.at(rsp.front() / 8) : 0;
      in_.dpar = rng_() & 1;
      in_.others_left = rng_() & 1;
      in_.barrier_ok = twin_.pending() != 0;
      in_.drained = in_.barrier_ok && drain_.next();
      // the writer writes the other side now and then
      in_.bwe = (rng_() % 8 == 0) ? static_cast<uint32_t>(rng_() & ((1u << kLanes) - 1)) : 0u;
      for (int l = 0; l < kLanes; ++l)
        in_.bwaddr[static_cast<size_t>(l)] =
            (in_.side ? 0u : static_cast<uint32_t>(kBankWords / 2)) + static_cast<uint32_t>(rng_() % (kBankWords / 2));
      in_.bwdata = rng_();
      in_.bwbe = static_cast<uint8_t>(rng_());
      // the fetcher's outputs this cycle need the column's release: eval the column first
      const ColumnOut pre = twin_.eval(in_);
      fin.release = static_cast<uint64_t>(pre.release);
      const FetchOut fo = fetch.eval(fin);
      in_.cwe = fo.cwe & 1u;
      in_.cbank = fo.cbank;
      in_.caddr = fo.caddr;
      in_.cdata = fo.cdata;
      in_.full = static_cast<int>(fo.full & 3u);
      const ColumnOut o = compare_and_step();
      if (failed_) return;
      EXPECT_EQ(fo.err, false) << name_;
      drains += in_.drained;
      entries_ += o.codes;
      if (fin.req_ready && fo.req_valid) rsp.push_back(fo.req_addr);
      if (fin.rsp_valid) rsp.pop_front();
      fetch.tick(fin);
      // finished: every group drained, nothing left (then a few idle cycles in lockstep)
      idle = (drains == want && !o.rows_left && o.pending == 0 && !fetch.busy()) ? idle + 1 : 0;
      if (idle > 4) break;
    }
    EXPECT_GT(idle, 4) << name_ << ": the layer did not finish";
    EXPECT_EQ(drains, want) << name_ << ": one group per filter and output pixel group";
    groups_ += drains;
    // end of RUN: run_i low; pool reads of the banks between layers
    in_.run = false;
    in_.drained = in_.barrier_ok = false;
    in_.cwe = false;
    in_.full = 0;
    in_.bwe = 0;
    for (int i = 0; i < 8; ++i) {
      in_.pool_re = rng_() % 2;
      in_.pool_raddr = static_cast<uint32_t>(rng_() % kBankWords);
      compare_and_step();
    }
    in_.pool_re = false;
  }

 private:
  void drive() {
    auto& m = sim_.model();
    m.run_i = in_.run;
    m.wtype_i = static_cast<uint8_t>(in_.wtype);
    m.fmt_i = static_cast<uint8_t>(in_.fmt);
    m.code_bits_i = static_cast<uint8_t>(in_.code_bits);
    m.act_bits_i = static_cast<uint8_t>(in_.act_bits);
    m.act_signed_i = in_.act_signed;
    m.xnor_i = in_.xnor;
    m.bitserial_i = in_.bitserial;
    m.syq_i = in_.syq;
    m.pack_i = in_.pack;
    m.fc_i = in_.fc;
    m.side_i = in_.side;
    m.row_len_i = in_.row_len;
    m.passes_i = static_cast<uint16_t>(in_.passes);
    m.reps_i = in_.reps;
    m.gy_n_i = static_cast<uint16_t>(in_.gy_n);
    m.gx_n_i = static_cast<uint16_t>(in_.gx_n);
    m.planes_i = static_cast<uint8_t>(in_.planes);
    m.stride_i = static_cast<uint8_t>(in_.stride);
    m.pad_i = static_cast<uint8_t>(in_.pad);
    m.in_c_i = static_cast<uint16_t>(in_.in_c);
    m.in_w_i = static_cast<uint16_t>(in_.in_w);
    m.lpix_i = static_cast<uint8_t>(in_.lpix);
    m.lrow_i = static_cast<uint8_t>(in_.lrow);
    for (int l = 0; l < kLanes; ++l) {
      set_bits(m.win_lo_i, 18u * l, 18, static_cast<uint64_t>(in_.win_lo[static_cast<size_t>(l)]) & 0x3ffffu);
      set_bits(m.win_hi_i, 18u * l, 18, static_cast<uint64_t>(in_.win_hi[static_cast<size_t>(l)]) & 0x3ffffu);
      set_bits(m.bwaddr_i, kBA * l, kBA, in_.bwaddr[static_cast<size_t>(l)]);
    }
    for (unsigned b = 0; b < 64; ++b) set_bits(m.syq_q_i, 8 * b, 8, in_.syq_q[b]);
    m.tab_we_i = in_.tab_we;
    m.tab_waddr_i = static_cast<std::remove_reference_t<decltype(m.tab_waddr_i)>>(in_.tab_waddr);
    m.tab_wdata_i = static_cast<std::remove_reference_t<decltype(m.tab_wdata_i)>>(in_.tab_wdata);
    m.cwe_i = in_.cwe;
    m.cbank_i = in_.cbank;
    m.caddr_i = static_cast<std::remove_reference_t<decltype(m.caddr_i)>>(in_.caddr);
    m.cdata_i = in_.cdata;
    m.full_i = static_cast<uint8_t>(in_.full);
    m.bwe_i = static_cast<uint8_t>(in_.bwe);
    m.bwdata_i = in_.bwdata;
    m.bwbe_i = in_.bwbe;
    m.pool_re_i = in_.pool_re;
    m.pool_raddr_i = static_cast<std::remove_reference_t<decltype(m.pool_raddr_i)>>(in_.pool_raddr);
    m.drained_i = in_.drained;
    m.barrier_ok_i = in_.barrier_ok;
    m.others_left_i = in_.others_left;
    m.dpar_i = in_.dpar;
  }

  // Compares every output with the twin's, then clocks both.
  ColumnOut compare_and_step() {
    drive();
    sim_.settle();
    const ColumnOut w = twin_.eval(in_);
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("release_o", m.release_o, static_cast<uint64_t>(w.release));
    for (int l = 0; l < kLanes; ++l) {
      const std::string lane = "[" + std::to_string(l) + "]";
      chk("rdata_o" + lane, get_bits(m.rdata_o, 64u * l, 64), w.rdata[static_cast<size_t>(l)]);
      chk("acc_o" + lane, get_bits(m.acc_o, kAcc * l, kAcc), w.acc[static_cast<size_t>(l)]);
    }
    for (unsigned par = 0; par < 2; ++par)
      for (unsigned q = 0; q < 3; ++q) chk("grp_q_o", get_bits(m.grp_q_o, 96 * par + 32 * q, 32), w.grp_q[par][q]);
    chk("pending_o", m.pending_o, static_cast<uint64_t>(w.pending));
    chk("rows_left_o", m.rows_left_o, w.rows_left);
    chk("err_o", m.err_o, w.err);
    chk("err_code_o", m.err_code_o, static_cast<uint64_t>(w.err_code));
    chk("st_o", m.st_o, static_cast<uint64_t>(w.st));
    chk("codes_o", m.codes_o, static_cast<uint64_t>(w.codes));
    EXPECT_FALSE(w.err) << name_ << ": error 0x" << std::hex << w.err_code << " in a checked program";
    if (!chk.ok()) failed_ = true;
    sim_.tick();
    twin_.tick(in_);
    return w;
  }
  void step() { compare_and_step(); }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  ColumnModel twin_;
  std::mt19937_64 rng_;
  tern::tb::Stall mem_, drain_;
  ColumnIn in_;
  bool failed_ = false;
  int64_t entries_ = 0, groups_ = 0;
  std::array<int, 10> kinds_{};
  std::array<int, 8> types_{};
};

template <class Cfg>
class ColumnTest : public ::testing::Test {};
using ColumnConfigs = ::testing::Types<Vcol_full_cfg, Vcol_lean_cfg>;
TYPED_TEST_SUITE(ColumnTest, ColumnConfigs);

TYPED_TEST(ColumnTest, LockstepCompiledLayers) {
  using Cfg = TypeParam;
  const HwConfig hw = hw_of_column<Cfg>();
  const Knobs knobs[] = {{}, {0.5, 0.3}, {0.2, 0.8}};
  uint64_t seed = 1;
  int layers = 0;
  std::array<int, 10> kinds{};
  std::array<int, 8> types{};
  for (const Knobs& k : knobs) {
    const std::string name = std::string(Cfg::kName) + "_lockstep_" + std::to_string(seed);
    ColumnHarness<Cfg> h(name, k, seed);
    std::mt19937_64 rng(seed * 101);
    RandomModelSpec spec = test::default_spec();
    spec.max_hw = 8;
    spec.max_m = 6;
    spec.m_mult8 = 0.0;
    for (int prog = 0; prog < 12; ++prog) {
      test::ProgramCase c;
      try {
        c = test::make_case(rng, hw, prog % 3 == 2 && Cfg::Pack == 8 ? test::packed_dense_spec() : spec,
                            [&](CompileOptions& o) {
                              if (prog % 3 == 2 && Cfg::Pack == 8) test::force_packed(o);
                            });
      } catch (const std::exception& e) {
        ADD_FAILURE() << name << ": " << e.what();
        return;
      }
      for (const CompiledLayer& cl : c.prog.layers) {
        if (cl.desc.op != Op::kConv && cl.desc.op != Op::kFc) continue;
        h.layer(c.prog, cl.desc);
        ASSERT_FALSE(h.failed()) << name << " program " << prog;
        ++layers;
      }
    }
    for (size_t i = 0; i < kinds.size(); ++i) kinds[i] += h.kinds()[i];
    for (size_t i = 0; i < types.size(); ++i) types[i] += h.types()[i];
    EXPECT_GT(h.entries(), 0) << name;
    EXPECT_GT(h.groups(), 0) << name;
    std::printf("[cycles] %s %llu cycles, %lld codes, %lld groups\n", name.c_str(),
                static_cast<unsigned long long>(h.cycles()), static_cast<long long>(h.entries()),
                static_cast<long long>(h.groups()));
    ++seed;
  }
  std::printf(
      "[layers] %s: dense %d rle %d bitmap %d csc %d rle8 %d packed %d bit-serial %d syq %d fc %d conv %d; "
      "by weight type",
      Cfg::kName, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5], kinds[6], kinds[7], kinds[8], kinds[9]);
  for (int t : types) std::printf(" %d", t);
  std::printf("\n");
  EXPECT_GE(layers, 40);
  // every format, packed rows, bit-serial and SYQ the build has, conv and fc layers
  const ColumnParams p = params_of<Cfg>();
  for (int f = 0; f < 5; ++f)
    if ((p.formats >> f) & 1u) EXPECT_GT(kinds[static_cast<size_t>(f)], 0) << "format " << f;
  if (p.pack == 8) EXPECT_GT(kinds[5], 0);
  if (p.bitserial) EXPECT_GT(kinds[6], 0);
  if (p.syq) EXPECT_GT(kinds[7], 0);
  EXPECT_GT(kinds[8], 0);
  EXPECT_GT(kinds[9], 0);
}

}  // namespace
