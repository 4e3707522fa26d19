// tern_colseq (row sequencer of one column) against its C++ twin golden/core/tern_colseq every cycle (every
// output) with a feeder presenting headers late at random, a decompressor with random row lengths and stalls,
// and a drain side completing and draining groups at random; plus the contract: replays start in pass, group
// (gy, gx), plane order with the context of each (plane, parity, first/last plane, sign plane, input column and
// band row of tap 0, byte offset, nnz, group parameters), never a third undrained group.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <string>

#include "golden/core/tern_colseq.hpp"
#include "tb/bits.hpp"
#include "tb/port_check.hpp"
#include "tb/sim.hpp"
#include "tern_vm_colseq_configs.hpp"

namespace {

using tern::ColSeqIn;
using tern::ColSeqModel;
using tern::ColSeqOut;

struct Knobs {
  double p_hdr = 1.0;    // the feeder's header of the next pass is loaded
  double p_fire = 1.0;   // the decompressor hands over an entry
  double p_drain = 1.0;  // the requantisers drain a completed group
  int max_row = 4;       // entries per row (1..)
};

class ColSeqHarness {
 public:
  ColSeqHarness(const std::string& name, const Knobs& k, uint64_t seed) : name_(name), sim_(name), k_(k), rng_(seed) {
    drive(ColSeqIn{});
    sim_.reset();
  }
  bool failed() const { return failed_; }
  uint64_t cycles() { return sim_.cycle(); }
  int64_t starts() const { return starts_; }

  // One layer with random constants: run_i low for a cycle, then RUN until every replay started and every
  // group drained.
  void layer() {
    ColSeqIn in;
    in.passes = static_cast<uint32_t>(rng_() % 4);
    in.gy_n = 1 + static_cast<uint32_t>(rng_() % 3);
    in.gx_n = 1 + static_cast<uint32_t>(rng_() % 3);
    in.planes = 1 + static_cast<int>(rng_() % 4);
    in.sign_plane = rng_() % 2;
    in.stride = 1 + static_cast<int>(rng_() % 3);
    in.pad = static_cast<int>(rng_() % 3);
    in.lpix = 3 + static_cast<int>(rng_() % 3);
    in.lrow = in.lpix + static_cast<int>(rng_() % 4);
    std::vector<std::pair<uint32_t, std::array<uint32_t, 3>>> hdr;  // per pass: nnz, q
    for (uint32_t p = 0; p < in.passes; ++p)
      hdr.push_back({static_cast<uint32_t>(rng_() & 0xffff),
                     {static_cast<uint32_t>(rng_()), static_cast<uint32_t>(rng_()), static_cast<uint32_t>(rng_())}});
    step(in);  // run_i low: registers reset, rows_left from passes_i
    in.run = true;
    uint32_t fpass = 0;  // the feeder's pass (header loaded when hdr_valid)
    bool fvalid = false;
    int busy_left = 0;        // entries of the running row still to hand over
    bool row_lastpl = false;  // the running row is its group's last plane
    std::deque<int> done_at;  // cycles until done_grp pulses (groups whose last plane finished)
    // expected replay order
    uint32_t ep = 0, egy = 0, egx = 0;
    int epl = 0;
    bool epar = false;
    for (int64_t guard = 0; guard < 100000; ++guard) {
      // feeder: the header of pass fpass appears at random; the pass advances once its last replay started
      if (!fvalid && fpass < in.passes && coin(k_.p_hdr)) fvalid = true;
      in.hdr_valid = fvalid;
      in.hdr_pass = fpass;
      if (fpass < in.passes) {
        in.hdr_nnz = hdr[fpass].first;
        in.hdr_q = hdr[fpass].second;
      }
      // decompressor
      in.dc_busy = busy_left > 0;
      in.dc_fire = busy_left > 0 && coin(k_.p_fire);
      in.dc_last = busy_left == 1;
      // drain side
      in.done_grp = !done_at.empty() && done_at.front() == 0;
      in.drained = last_.pending > 0 && coin(k_.p_drain);  // a completed group (the pending count before this edge)
      in.barrier_ok = rng_() % 2;
      in.others_left = rng_() % 2;
      const ColSeqOut o = step(in);
      if (failed_) return;
      // effects
      if (in.dc_fire) {
        if (--busy_left == 0 && row_lastpl) done_at.push_back(4);
      }
      for (auto& d : done_at) --d;
      if (!done_at.empty() && done_at.front() < 0) done_at.pop_front();
      if (o.start) {
        ++starts_;
        busy_left = 1 + static_cast<int>(rng_() % static_cast<uint64_t>(k_.max_row));
        row_lastpl = epl == in.planes - 1;
        // the context registers hold this replay from the next cycle: checked then
        want_ = {ep, egy, egx, epl, epar};
        check_ctx_ = true;
        if (epl != in.planes - 1) {
          ++epl;
        } else {
          epl = 0;
          epar = !epar;
          if (egx != in.gx_n - 1) {
            ++egx;
          } else {
            egx = 0;
            if (egy != in.gy_n - 1) {
              ++egy;
            } else {
              egy = 0;
              ++ep;
            }
          }
        }
      }
      if (fvalid && o.last_started && fpass < in.passes) {
        fvalid = false;
        ++fpass;
      }
      if (check_ctx_after_edge(in, hdr)) return;
      if (!o.rows_left && busy_left == 0 && done_at.empty() && last_.pending == 0 && !o.start) {
        EXPECT_EQ(ep, in.passes) << name_;
        return;
      }
    }
    ADD_FAILURE() << name_ << ": no progress";
    failed_ = true;
  }

 private:
  struct Want {
    uint32_t pass, gy, gx;
    int plane;
    bool par;
  };
  bool coin(double p) { return unit_(rng_) < p; }

  // After the edge of a start: the context outputs describe the started replay.
  bool check_ctx_after_edge(const ColSeqIn& in, const std::vector<std::pair<uint32_t, std::array<uint32_t, 3>>>& hdr) {
    if (!check_ctx_) return false;
    check_ctx_ = false;
    auto& m = sim_.model();
    const Want& w = want_;
    const int32_t ix0 = static_cast<int32_t>(w.gx) * in.stride - in.pad;
    const int32_t rb = static_cast<int32_t>(w.gy) * in.stride - in.pad;
    const int32_t base =
        static_cast<int32_t>((w.gy * static_cast<uint32_t>(in.stride)) << in.lrow) + ix0 * (1 << in.lpix);
    EXPECT_EQ(m.cur_plane_o, w.plane) << name_;
    EXPECT_EQ(static_cast<bool>(m.cur_par_o), w.par) << name_;
    EXPECT_EQ(static_cast<bool>(m.cur_first_o), w.plane == 0) << name_;
    EXPECT_EQ(static_cast<bool>(m.cur_lastpl_o), w.plane == in.planes - 1) << name_;
    EXPECT_EQ(static_cast<bool>(m.cur_neg_o), in.sign_plane && w.plane == 0) << name_;
    EXPECT_EQ(tern::tb::sext(m.cur_ix0_o, 18), ix0) << name_;
    EXPECT_EQ(tern::tb::sext(m.cur_rb_o, 18), rb) << name_;
    EXPECT_EQ(static_cast<int32_t>(m.cur_base_o), base) << name_;
    EXPECT_EQ(m.cur_nnz_o, hdr[w.pass].first) << name_;
    if (w.plane == 0)
      for (int i = 0; i < 3; ++i)
        EXPECT_EQ(tern::tb::get_bits(m.grp_q_o, static_cast<unsigned>(96 * (w.par ? 1 : 0) + 32 * i), 32),
                  hdr[w.pass].second[static_cast<size_t>(i)])
            << name_;
    return false;
  }

  ColSeqOut step(const ColSeqIn& in) {
    drive(in);
    sim_.settle();
    const ColSeqOut w = twin_.eval(in);
    if (!compare(w)) failed_ = true;
    last_ = w;
    sim_.tick();
    twin_.tick(in);
    last_.pending = twin_.pending();
    return w;
  }

  void drive(const ColSeqIn& in) {
    auto& m = sim_.model();
    m.run_i = in.run;
    m.passes_i = static_cast<uint16_t>(in.passes);
    m.gy_n_i = static_cast<uint16_t>(in.gy_n);
    m.gx_n_i = static_cast<uint16_t>(in.gx_n);
    m.planes_i = static_cast<uint8_t>(in.planes);
    m.sign_plane_i = in.sign_plane;
    m.stride_i = static_cast<uint8_t>(in.stride);
    m.pad_i = static_cast<uint8_t>(in.pad);
    m.lpix_i = static_cast<uint8_t>(in.lpix);
    m.lrow_i = static_cast<uint8_t>(in.lrow);
    m.hdr_valid_i = in.hdr_valid;
    m.hdr_pass_i = static_cast<uint16_t>(in.hdr_pass);
    m.hdr_nnz_i = static_cast<uint16_t>(in.hdr_nnz);
    for (int i = 0; i < 3; ++i)
      tern::tb::set_bits(m.hdr_q_i, static_cast<unsigned>(32 * i), 32, in.hdr_q[static_cast<size_t>(i)]);
    m.dc_busy_i = in.dc_busy;
    m.dc_fire_i = in.dc_fire;
    m.dc_last_i = in.dc_last;
    m.drained_i = in.drained;
    m.barrier_ok_i = in.barrier_ok;
    m.others_left_i = in.others_left;
    m.done_grp_i = in.done_grp;
  }

  bool compare(const ColSeqOut& w) {
    auto& m = sim_.model();
    tern::tb::PortCheck chk(name_, sim_.cycle());
    chk("last_started_o", m.last_started_o, w.last_started);
    chk("start_o", m.start_o, w.start);
    chk("pending_o", m.pending_o, static_cast<uint64_t>(w.pending));
    chk("rows_left_o", m.rows_left_o, w.rows_left);
    for (int p = 0; p < 2; ++p)
      for (int i = 0; i < 3; ++i)
        chk("grp_q_o", tern::tb::get_bits(m.grp_q_o, static_cast<unsigned>(96 * p + 32 * i), 32),
            w.grp_q[static_cast<size_t>(p)][static_cast<size_t>(i)]);
    chk("cur_par_o", m.cur_par_o, w.cur_par);
    chk("cur_first_o", m.cur_first_o, w.cur_first);
    chk("cur_lastpl_o", m.cur_lastpl_o, w.cur_lastpl);
    chk("cur_plane_o", m.cur_plane_o, static_cast<uint64_t>(w.cur_plane));
    chk("cur_neg_o", m.cur_neg_o, w.cur_neg);
    chk("cur_nnz_o", m.cur_nnz_o, w.cur_nnz);
    chk("cur_base_o", static_cast<uint32_t>(m.cur_base_o), static_cast<uint32_t>(w.cur_base));
    chk("cur_ix0_o", m.cur_ix0_o & 0x3ffffu, static_cast<uint32_t>(w.cur_ix0) & 0x3ffffu);
    chk("cur_rb_o", m.cur_rb_o & 0x3ffffu, static_cast<uint32_t>(w.cur_rb) & 0x3ffffu);
    const int st = m.st_entry_o | (m.st_fetch_o << 1) | (m.st_balance_o << 2) | (m.st_out_o << 3) | (m.st_dec_o << 4);
    chk("st_*_o", static_cast<uint64_t>(st), static_cast<uint64_t>(w.st));
    return chk.ok();
  }

  std::string name_;
  tern::tb::Sim<Vcolseq> sim_;
  ColSeqModel twin_;
  Knobs k_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  ColSeqOut last_;
  Want want_{};
  bool check_ctx_ = false, failed_ = false;
  int64_t starts_ = 0;
};

TEST(ColSeq, LockstepRandomLayers) {
  const Knobs knobs[] = {{}, {0.3, 0.7, 0.5, 3}, {0.8, 0.4, 0.1, 6}, {1.0, 1.0, 0.05, 1}, {0.5, 0.9, 1.0, 2}};
  uint64_t seed = 1;
  for (const Knobs& k : knobs) {
    const std::string name = "colseq_" + std::to_string(seed);
    ColSeqHarness h(name, k, seed);
    for (int layer = 0; layer < 150; ++layer) {
      h.layer();
      ASSERT_FALSE(h.failed()) << name << " layer " << layer;
    }
    EXPECT_GT(h.starts(), 500) << name;
    std::printf("[cycles] %s %llu, %lld replays\n", name.c_str(), static_cast<unsigned long long>(h.cycles()),
                static_cast<long long>(h.starts()));
    ++seed;
  }
}

}  // namespace
