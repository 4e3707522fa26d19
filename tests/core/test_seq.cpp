// tern_seq (layer sequencer) against its C++ twin golden/core/tern_seq every cycle, every output, running the
// descriptors of compiled random programs through a random environment: a memory port that accepts reads
// and record writes under random stalls and answers reads in order after random delays, a check unit that
// finishes after a random number of cycles, RUN/POOL that complete at random, write responses outstanding
// at random, rare errors from the core, rare soft resets and a timeout. Also the contract: every program
// started without an error or soft reset ends with done_o after one layer_done_o per descriptor.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <string>

#include "golden/accel/program.hpp"
#include "golden/core/tern_seq.hpp"
#include "golden/net/random_model.hpp"
#include "tb/bits.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_seq_configs.hpp"
#include "tests/accel/program_case.hpp"

namespace {

using namespace tern;
using tern::tb::get_bits;

struct Knobs {
  double p_mem = 1.0;    // the port accepts a request / answers a read this cycle
  double p_event = 0.0;  // an error from the core or a soft reset this cycle (each half of it)
};

template <class Cfg>
class SeqHarness {
 public:
  using Model = typename Cfg::Model;

  SeqHarness(const std::string& name, const Knobs& k, uint64_t seed)
      : name_(name),
        sim_(name),
        twin_(static_cast<int>(Cfg::MaxConvRow), static_cast<int>(Cfg::BankBytes), Cfg::Stats != 0),
        k_(k),
        rng_(seed),
        mem_(k.p_mem, seed * 7 + 1) {
    drive(SeqIn{});
    sim_.reset();
    twin_.reset();
  }
  bool failed() const { return failed_; }
  uint64_t cycles() { return sim_.cycle(); }
  int layers() const { return layers_; }
  int runs() const { return runs_; }
  int stopped() const { return stopped_; }

  // Runs one program from start until the sequencer is idle again.
  void program(const Program& p) {
    std::deque<std::pair<int, uint64_t>> rsp;  // delay, data of accepted reads
    int wr_out = 0, chk_wait = -1, run_wait = -1, layers = 0;
    bool stopped = false;
    SeqIn in;
    in.prog_base = p.prog_base;
    in.timeout = rng_() % 2 ? 0u : 40u;
    in.start = true;
    for (int64_t t = 0; t < 400000; ++t) {
      auto& m = sim_.model();
      // check unit and RUN/POOL completion
      in.chk_done = chk_wait == 0;
      in.run_done = run_wait == 0;
      in.rd_fire = in.rec_fire = false;
      // the check unit's derived constants for the held descriptor
      std::array<uint64_t, 8> raw{};
      for (unsigned w = 0; w < 8; ++w) raw[w] = get_bits(m.desc_o, 64 * w, 64);
      const Descriptor d = Descriptor::decode(raw);
      const Pitch pc = pitch_of(d.C, d.W);
      in.lpix = pc.lpix;
      in.lrow = pc.lrow;
      in.row_len = static_cast<uint32_t>(uint64_t{d.C} * d.R * d.S) & 0x1ffffu;
      // memory port
      in.rsp_ok = !rsp.empty() && rsp.front().first <= 0 && mem_.next();
      in.rsp_data = in.rsp_ok ? rsp.front().second : 0;
      in.rd_out = static_cast<uint32_t>(rsp.size());
      in.wr_out = static_cast<uint32_t>(wr_out);
      in.wr_busy = rng_() % 16 == 0 && wr_out > 0;
      in.rd_busy = false;
      in.mem_wait = !rsp.empty() && rng_() % 2;
      // rare events
      in.err_set = k_.p_event > 0 && dist_(rng_) < k_.p_event / 2;
      in.err_new = static_cast<int>(1 + rng_() % 255);
      in.soft_reset = k_.p_event > 0 && dist_(rng_) < k_.p_event / 2;
      // outputs of this cycle, the handshakes they take part in
      drive(in);
      sim_.settle();
      const SeqOut want = twin_.eval(in);
      if (!compare(want)) {
        failed_ = true;
        return;
      }
      const bool rd_fire = m.rd_valid_o && mem_.next();
      const bool rec_fire = m.rec_valid_o && mem_.next();
      in.rd_fire = rd_fire;
      in.rec_fire = rec_fire;
      drive(in);
      sim_.settle();
      if (!compare(twin_.eval(in))) {
        failed_ = true;
        return;
      }
      layers += m.layer_done_o;
      const bool chk_start = m.chk_start_o, in_run = m.ph_run_o || m.ph_pool_o;
      stopped |= m.error_o || (in.soft_reset && m.busy_o);
      const bool done = m.done_o, to_idle = m.to_idle_o;
      const uint32_t rd_addr = m.rd_addr_o;
      sim_.tick();
      twin_.tick(in);
      // environment state
      if (!rsp.empty() && in.rsp_ok) rsp.pop_front();
      for (auto& r : rsp) --r.first;
      if (rd_fire) {
        const size_t w = rd_addr / 8;
        rsp.push_back({static_cast<int>(rng_() % 4), w < p.image.size() ? p.image[w] : rng_()});
      }
      if (wr_out > 0 && rng_() % 3 == 0) --wr_out;
      wr_out += rec_fire;
      chk_wait = chk_start ? static_cast<int>(rng_() % 6) : chk_wait > 0 ? chk_wait - 1 : -1;
      run_wait = !in_run ? static_cast<int>(rng_() % 40) : run_wait > 0 ? run_wait - 1 : 0;  // RUN/POOL length
      in.start = false;
      if (done) {
        EXPECT_FALSE(stopped) << name_;
        EXPECT_EQ(layers, static_cast<int>(p.layers.size())) << name_ << ": one layer_done_o per descriptor";
        ++runs_;
      }
      if (to_idle || (!sim_->busy_o && t > 0)) {
        // let the outstanding reads and writes finish before the next program
        while (!rsp.empty() || wr_out > 0) {
          SeqIn idle;
          idle.rsp_ok = !rsp.empty();
          idle.rsp_data = idle.rsp_ok ? rsp.front().second : 0;
          idle.rd_out = static_cast<uint32_t>(rsp.size());
          idle.wr_out = static_cast<uint32_t>(wr_out);
          drive(idle);
          sim_.settle();
          if (!compare(twin_.eval(idle))) {
            failed_ = true;
            return;
          }
          sim_.tick();
          twin_.tick(idle);
          if (!rsp.empty()) rsp.pop_front();
          if (wr_out > 0) --wr_out;
        }
        layers_ += layers;
        stopped_ += stopped;
        return;
      }
    }
    ADD_FAILURE() << name_ << ": the program did not finish";
    failed_ = true;
  }

 private:
  void drive(const SeqIn& in) {
    auto& m = sim_.model();
    m.start_i = in.start;
    m.soft_reset_i = in.soft_reset;
    m.prog_base_i = in.prog_base;
    m.timeout_i = in.timeout;
    m.chk_done_i = in.chk_done;
    m.chk_err_i = 0;
    m.lpix_i = static_cast<uint8_t>(in.lpix);
    m.lrow_i = static_cast<uint8_t>(in.lrow);
    m.row_len_i = in.row_len;
    m.err_set_i = in.err_set;
    m.err_new_i = static_cast<uint8_t>(in.err_new);
    m.rd_fire_i = in.rd_fire;
    m.rsp_ok_i = in.rsp_ok;
    m.rsp_data_i = in.rsp_data;
    m.rd_out_i = static_cast<uint16_t>(in.rd_out);
    m.wr_out_i = static_cast<uint16_t>(in.wr_out);
    m.wr_busy_i = in.wr_busy;
    m.rd_busy_i = in.rd_busy;
    m.run_done_i = in.run_done;
    m.rec_fire_i = in.rec_fire;
    m.mem_wait_i = in.mem_wait;
  }

  bool compare(const SeqOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("busy_o", m.busy_o, w.busy);
    chk("done_o", m.done_o, w.done);
    chk("error_o", m.error_o, w.error);
    chk("err_code_o", m.err_code_o, static_cast<uint64_t>(w.err_code));
    chk("err_layer_o", m.err_layer_o, w.err_layer);
    for (unsigned i = 0; i < 8; ++i) {
      chk("desc_o", get_bits(m.desc_o, 64 * i, 64), w.desc[i]);
      chk("syq_o", get_bits(m.syq_o, 64 * i, 64), w.syq[i]);
    }
    const uint64_t ph = (uint64_t{m.ph_check_o} << 0) | (uint64_t{m.ph_setup_o} << 1) | (uint64_t{m.ph_load_o} << 2) |
                        (uint64_t{m.ph_run_o} << 3) | (uint64_t{m.ph_pool_o} << 4) | (uint64_t{m.ph_stats_o} << 5) |
                        (uint64_t{m.ph_err_o} << 6) | (uint64_t{m.ph_idle_o} << 7);
    const uint64_t wph = (uint64_t{w.ph_check} << 0) | (uint64_t{w.ph_setup} << 1) | (uint64_t{w.ph_load} << 2) |
                         (uint64_t{w.ph_run} << 3) | (uint64_t{w.ph_pool} << 4) | (uint64_t{w.ph_stats} << 5) |
                         (uint64_t{w.ph_err} << 6) | (uint64_t{w.ph_idle} << 7);
    chk("ph_*_o", ph, wph);
    chk("run_start_o", m.run_start_o, w.run_start);
    chk("layer_first_o", m.layer_first_o, w.layer_first);
    chk("layer_on_o", m.layer_on_o, w.layer_on);
    chk("layer_done_o", m.layer_done_o, w.layer_done);
    chk("chk_start_o", m.chk_start_o, w.chk_start);
    chk("ch_valid_o", m.ch_valid_o, w.chain.valid);
    {
      chk("ch_side_o", m.ch_side_o, w.chain.side);
      chk("ch_fc_o", m.ch_fc_o, w.chain.fc);
      chk("ch_sig_o.F", get_bits(m.ch_sig_o, 0, 16), w.chain.F);
      chk("ch_sig_o.E", get_bits(m.ch_sig_o, 16, 16), w.chain.E);
      chk("ch_sig_o.M", get_bits(m.ch_sig_o, 32, 16), w.chain.M);
      chk("ch_sig_o.pad", get_bits(m.ch_sig_o, 48, 3), static_cast<uint64_t>(w.chain.pad));
      chk("ch_sig_o.stride", get_bits(m.ch_sig_o, 51, 3), static_cast<uint64_t>(w.chain.stride));
      chk("ch_sig_o.r", get_bits(m.ch_sig_o, 54, 4), static_cast<uint64_t>(w.chain.r));
      chk("ch_sig_o.e", get_bits(m.ch_sig_o, 58, 16), w.chain.e);
      chk("ch_sig_o.eb", get_bits(m.ch_sig_o, 74, 16), w.chain.eb);
    }
    chk("waiting_check_o", m.waiting_check_o, w.waiting_check);
    chk("rd_valid_o", m.rd_valid_o, w.rd_valid);
    chk("rd_addr_o", m.rd_addr_o, w.rd_addr);
    chk("ld_valid_o", m.ld_valid_o, w.ld_valid);
    chk("ld_index_o", m.ld_index_o, w.ld_index);
    chk("ld_data_o", m.ld_data_o, w.ld_data);
    chk("tab_we_o", m.tab_we_o, w.tab_we);
    chk("tab_waddr_o", m.tab_waddr_o, w.tab_waddr);
    chk("tab_wdata_o", m.tab_wdata_o, w.tab_wdata);
    chk("rec_valid_o", m.rec_valid_o, w.rec_valid);
    chk("rec_addr_o", m.rec_addr_o, w.rec_addr);
    chk("rec_idx_o", m.rec_idx_o, static_cast<uint64_t>(w.rec_idx));
    chk("rec_take_o", m.rec_take_o, w.rec_take);
    chk("timed_out_o", m.timed_out_o, w.timed_out);
    chk("to_idle_o", m.to_idle_o, w.to_idle);
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Model> sim_;
  SeqModel twin_;
  Knobs k_;
  std::mt19937_64 rng_;
  tern::tb::Stall mem_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
  bool failed_ = false;
  int layers_ = 0, runs_ = 0, stopped_ = 0;
};

template <class Cfg>
class SeqTest : public ::testing::Test {};
using SeqConfigs = ::testing::Types<Vseq_cfg, Vseq_nostats_cfg>;
TYPED_TEST_SUITE(SeqTest, SeqConfigs);

TYPED_TEST(SeqTest, LockstepCompiledPrograms) {
  using Cfg = TypeParam;
  HwConfig hw;
  hw.cols = 2;
  hw.lanes = 2;
  hw.rq_units = 2;
  hw.bank_bytes = Cfg::BankBytes;
  hw.max_conv_row = Cfg::MaxConvRow;
  hw.cache_words = 64;
  hw.stats = Cfg::Stats != 0;
  const Knobs knobs[] = {{}, {0.5, 0.0}, {0.8, 0.002}, {0.3, 0.01}};
  uint64_t seed = 1;
  int runs = 0, stopped = 0;
  for (const Knobs& k : knobs) {
    const std::string name = std::string(Cfg::kName) + "_lockstep_" + std::to_string(seed);
    SeqHarness<Cfg> h(name, k, seed);
    std::mt19937_64 rng(seed * 31);
    RandomModelSpec spec = test::default_spec();
    spec.max_hw = 8;
    for (int prog = 0; prog < 10; ++prog) {
      test::ProgramCase c;
      try {
        c = test::make_case(rng, hw, spec);
      } catch (const std::exception& e) {
        ADD_FAILURE() << name << ": " << e.what();
        return;
      }
      h.program(c.prog);
      ASSERT_FALSE(h.failed()) << name << " program " << prog;
    }
    std::printf("[cycles] %s %llu cycles, %d layers, %d programs done, %d stopped by an error or soft reset\n",
                name.c_str(), static_cast<unsigned long long>(h.cycles()), h.layers(), h.runs(), h.stopped());
    runs += h.runs();
    stopped += h.stopped();
    ++seed;
  }
  EXPECT_GE(runs, 20);  // programs that ran to END
  EXPECT_GT(stopped, 0);
}

}  // namespace
