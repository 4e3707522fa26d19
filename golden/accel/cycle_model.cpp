// Engine cycle model: per-phase lengths (DESC, CHECK, SETUP, LOAD, DRAIN) in closed form and a
// register-level simulation of RUN and POOL, mirroring rtl/core/tern_engine.sv and tern_wfetch.sv.
#include "golden/accel/cycle_model.hpp"

#include <array>
#include <deque>
#include <stdexcept>

#include "golden/decomp_model.hpp"

namespace tern {

namespace {

constexpr int kOutFifo = 8;  // tern_engine OFifo

// Output FIFO + memory writer + write responses (ideal memory), shared by RUN and POOL.
struct Writer {
  int wpe = 0;         // words per element - 1
  bool store = false;
  int count = 0;       // FIFO entries
  int sub = 0;         // word within the element
  int wr_out = 0;      // outstanding write requests
  int rsp_due = 0;     // write responses arriving this cycle (requests of the previous cycle)
  uint64_t bytes = 0;

  bool of_valid() const { return count != 0; }
  // One cycle: `push` = a result enters the FIFO at the edge. Returns whether a word was written.
  bool step(bool push) {
    const bool fire = of_valid();  // wr_req_ready = 1
    const bool pop = fire && sub == wpe;
    const int rsp = rsp_due;
    rsp_due = fire ? 1 : 0;
    wr_out += (fire ? 1 : 0) - (rsp && wr_out != 0 ? 1 : 0);
    if (fire) {
      sub = sub == wpe ? 0 : sub + 1;
      bytes += 8;
    }
    count += (push ? 1 : 0) - (pop ? 1 : 0);
    return fire;
  }
  bool idle() const { return count == 0 && wr_out == 0; }
};

// tern_wfetch with an ideal memory.
struct Fetcher {
  enum State { kIdle, kHead, kRow, kWait } state = kIdle;
  uint64_t addr = 0;
  int blk = 0, num = 0, issued = 0;
  int64_t rows_req = 0, rsp_cnt = 0, row_words = 0;
  std::array<bool, 2> full{false, false};
  std::array<int64_t, 2> rw{0, 0};
  bool rsp_pending = false;  // a request of the previous cycle answers now
  uint64_t rsp_data = 0;
  uint64_t bytes = 0;

  void start(uint64_t base, int n) {
    state = n == 0 ? kIdle : kHead;
    addr = base;
    blk = 0;
    num = n;
    issued = 0;
    rsp_cnt = 0;
    rows_req = 0;
    full = {false, false};
  }
  // One cycle; `release` = the compute side's release pulses this cycle.
  void step(const std::vector<uint64_t>& mem, std::array<bool, 2> release) {
    const int bank = blk & 1;
    const bool rsp_valid = rsp_pending;
    const uint64_t data = rsp_data;
    bool req = false;
    State nstate = state;
    int nissued = issued, nblk = blk;
    int64_t nrows = rows_req, nrsp = rsp_cnt, nrw = row_words;
    std::array<bool, 2> nfull{full[0] && !release[0], full[1] && !release[1]};
    bool final_rsp = false;
    switch (state) {
      case kIdle: break;
      case kHead:
        if (!full[bank] && issued != 2) {
          req = true;
          ++nissued;
        }
        if (rsp_valid && rsp_cnt == 0) {
          nrw = static_cast<int64_t>(data & 0xffff);
          nstate = kRow;  // programs are checked beforehand: the header is valid
        }
        break;
      case kRow:
        if (issued != 2) {
          req = true;
          ++nissued;
        } else if (rows_req != row_words) {
          req = true;
          ++nrows;
        }
        if (rsp_valid && rsp_cnt == row_words + 1) {
          final_rsp = true;
          nfull[bank] = true;
          nblk = blk + 1;
          nissued = 0;
          nrows = 0;
          nrsp = 0;
          nstate = (blk + 1 == num) ? kIdle : kHead;
        }
        break;
      case kWait: break;
    }
    if (rsp_valid && !final_rsp) ++nrsp;
    if (rsp_valid && rsp_cnt == 0) rw[bank] = static_cast<int64_t>(data & 0xffff);
    // memory: this cycle's request answers next cycle
    rsp_pending = req;
    if (req) {
      rsp_data = mem.at(addr / 8);
      addr += 8;
      bytes += 8;
    }
    state = nstate;
    issued = nissued;
    blk = nblk;
    rows_req = nrows;
    rsp_cnt = nrsp;
    row_words = nrw;
    full = nfull;
  }
};

struct RunResult {
  uint64_t cycles = 0, entries = 0, skipped = 0, stall_fetch = 0, stall_out = 0, stall_dec = 0;
  uint64_t bytes_read = 0, bytes_written = 0;
};

RunResult simulate_run(const std::vector<uint64_t>& mem, const Descriptor& d, const HwConfig& hw,
                       const FormatParams& fp) {
  RunResult res;
  const int64_t crs = int64_t{d.C} * d.R * d.S;
  const int planes = d.bitserial ? d.act_bits : 1;
  const int64_t reps_per_filter = int64_t{d.E} * d.F * planes;
  const int64_t reps_total = reps_per_filter * d.M;
  const int cb = stream_code_bits(static_cast<WeightType>(d.wtype));

  Fetcher wf;
  wf.start(d.wgt_addr, d.M);
  Writer wr;
  wr.store = d.store_output;
  wr.wpe = (d.out_mode == 2 && hw.lanes > 2) ? hw.lanes / 2 - 1 : 0;
  DecompModel dec(static_cast<Format>(d.fmt), fp);
  dec.reset();

  // feeder
  bool fd_active = false;
  int fd_m = 0;
  int64_t fd_rep = 0, fd_w = 0;
  bool fd_rd = false, fd_rd_last = false;
  uint64_t fd_rd_word = 0;
  std::deque<std::pair<uint64_t, bool>> wq;  // word FIFO, depth 2
  int pf_count = 0;
  // context
  int cx_m = 0, cx_y = 0, cx_x = 0, cx_plane = 0;
  int64_t cx_ent = 0;
  bool run_done = false;
  int64_t st_cnt = 0;
  // pipeline (pixel-end tokens)
  bool s1_v = false, s1_lp = false, s1_lf = false, s2_v = false, s2_lp = false, s2_lf = false;
  bool s3_v = false, s3_lf = false, s4_v = false, s5_v = false, s6_v = false;
  int inflight = 0;

  // address of each filter's row words (after its two header words)
  std::vector<uint64_t> row_addr(d.M);
  for (uint64_t a = d.wgt_addr, m = 0; m < d.M; ++m) {
    row_addr[m] = a + 16;
    a += 16 + 8 * (mem.at(a / 8) & 0xffff);
  }

  for (uint64_t cyc = 0;; ++cyc) {
    if (cyc > (uint64_t{1} << 40)) throw std::runtime_error("cycle model: RUN does not finish");
    // ---- finish condition (evaluated on current registers, as state_d)
    const bool finished = run_done && !s1_v && !s2_v && !s3_v && !s4_v && !s5_v && !s6_v && !wr.of_valid() &&
                          wr.wr_out == 0;
    res.cycles = cyc + 1;
    // ---- combinational
    const int fb = fd_m & 1;
    const int64_t fd_rw = wf.rw[fb];
    const bool pf_full = pf_count == 4;
    const bool fd_start = !fd_active && fd_m < d.M && wf.full[fb] && !pf_full;
    const bool fd_can_read = fd_active && (static_cast<int>(wq.size()) + (fd_rd ? 1 : 0) < 2);
    std::array<bool, 2> release{false, false};
    if (fd_can_read && fd_w == fd_rw - 1 && fd_rep == reps_per_filter - 1) release[fb] = true;

    const bool credit_ok = !d.store_output || (wr.count + inflight < kOutFifo);
    DecompIn in;
    in.row_len = static_cast<uint32_t>(crs);
    in.code_bits = cb;
    in.wtype = d.wtype;
    in.word_valid = !wq.empty();
    if (!wq.empty()) {
      in.word = wq.front().first;
      in.word_last = wq.front().second;
    }
    in.ready = credit_ok;
    in.start = false;
    DecompOut out = dec.eval(in);
    const bool dc_fire = out.valid && in.ready;
    const bool dc_fire_last = dc_fire && out.last;
    in.start = st_cnt < reps_total && (!out.busy || dc_fire_last);
    out = dec.eval(in);
    if (out.err) throw std::runtime_error("cycle model: decompressor error in a checked program");
    const bool wq_pop = !wq.empty() && out.word_ready;

    const bool last_plane = cx_plane == planes - 1;
    const bool cx_last_pix = out.last && last_plane;
    const bool cx_last_filter = cx_last_pix && cx_y == d.E - 1 && cx_x == d.F - 1;

    // statistics (RUN only; none counted in the cycle that leaves RUN? counted: lc_on covers RUN)
    const bool st_out = !run_done && out.valid && !in.ready;
    const bool st_fetch = !run_done && !dc_fire && !out.valid && wq.empty() && fd_m < d.M && !fd_active && !wf.full[fb];
    const bool st_dec = !run_done && !dc_fire && !st_out && !st_fetch;
    res.stall_out += st_out;
    res.stall_fetch += st_fetch;
    res.stall_dec += st_dec;
    if (dc_fire && !out.empty) ++res.entries;
    if (dc_fire_last) res.skipped += static_cast<uint64_t>(crs - cx_ent - (out.empty ? 0 : 1));

    const bool out_v = s6_v;
    const bool pix_in = dc_fire && cx_last_pix;

    // ---- sequential updates
    dec.tick(in);
    // word FIFO: push the cache read of the previous cycle, pop what the decompressor took
    if (wq_pop) wq.pop_front();
    if (fd_rd) wq.emplace_back(fd_rd_word, fd_rd_last);
    // feeder: the cache read issued now returns its word next cycle
    fd_rd = fd_can_read;
    if (fd_can_read) {
      fd_rd_last = fd_w == fd_rw - 1;
      fd_rd_word = mem.at(row_addr[static_cast<size_t>(fd_m)] / 8 + static_cast<uint64_t>(fd_w));
    }
    if (fd_start) {
      fd_active = true;
      fd_rep = 0;
      fd_w = 0;
      ++pf_count;
    } else if (fd_can_read) {
      if (fd_w == fd_rw - 1) {
        fd_w = 0;
        if (fd_rep == reps_per_filter - 1) {
          fd_active = false;
          ++fd_m;
        } else {
          ++fd_rep;
        }
      } else {
        ++fd_w;
      }
    }
    // parameter FIFO pops at S3 with the filter's last pixel
    if (s3_v && s3_lf) --pf_count;
    // fetcher
    wf.step(mem, release);
    // context
    if (dc_fire) {
      cx_ent = out.last ? 0 : cx_ent + (out.empty ? 0 : 1);
      if (out.last) {
        if (!last_plane) {
          ++cx_plane;
        } else {
          cx_plane = 0;
          if (cx_x != d.F - 1) {
            ++cx_x;
          } else {
            cx_x = 0;
            if (cx_y != d.E - 1) {
              ++cx_y;
            } else {
              cx_y = 0;
              if (cx_m == d.M - 1) run_done = true;
              ++cx_m;
            }
          }
        }
      }
    }
    if (in.start) ++st_cnt;
    // pipeline tokens
    const bool n_s3 = s2_v && s2_lp;
    s6_v = s5_v;
    s5_v = s4_v;
    s4_v = s3_v;
    s3_lf = s2_lf;
    s3_v = n_s3;
    if (s1_v) {
      s2_lp = s1_lp;
      s2_lf = s1_lf;
    }
    s2_v = s1_v;
    if (dc_fire) {
      s1_lp = cx_last_pix;
      s1_lf = cx_last_filter;
    }
    s1_v = dc_fire;
    inflight += (pix_in ? 1 : 0) - (out_v ? 1 : 0);
    wr.step(out_v && d.store_output);
    if (finished) break;
  }
  res.bytes_read = wf.bytes;
  res.bytes_written = wr.bytes;
  return res;
}

RunResult simulate_pool(const Descriptor& d, const HwConfig& hw) {
  RunResult res;
  Writer wr;
  wr.store = d.store_output;
  wr.wpe = 0;
  (void)hw;
  int c = 0, y = 0, x = 0, r = 0, s = 0;
  bool done = false, p1_v = false, p1_last = false, p2_v = false;
  int inflight = 0;
  for (uint64_t cyc = 0;; ++cyc) {
    if (cyc > (uint64_t{1} << 40)) throw std::runtime_error("cycle model: POOL does not finish");
    const bool finished = done && !p1_v && !p2_v && !wr.of_valid() && wr.wr_out == 0;
    res.cycles = cyc + 1;
    const bool credit_ok = !d.store_output || (wr.count + inflight < kOutFifo);
    const bool issue = !done && credit_ok;
    const bool last = r == d.R - 1 && s == d.S - 1;
    const bool out_v = p2_v;
    const bool pix_in = issue && last;
    if (issue) {
      if (!last) {
        if (s != d.S - 1) {
          ++s;
        } else {
          s = 0;
          ++r;
        }
      } else {
        r = s = 0;
        if (x != d.F - 1) {
          ++x;
        } else {
          x = 0;
          if (y != d.E - 1) {
            ++y;
          } else {
            y = 0;
            if (c != d.C - 1) ++c;
            else done = true;
          }
        }
      }
    }
    p2_v = p1_v && p1_last;
    p1_v = issue;
    p1_last = last;
    inflight += (pix_in ? 1 : 0) - (out_v ? 1 : 0);
    wr.step(out_v && d.store_output);
    if (finished) break;
  }
  res.bytes_written = wr.bytes;
  return res;
}

}  // namespace

std::vector<LayerCycles> predict_cycles(const std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw,
                                        const FormatParams& fp) {
  std::vector<LayerCycles> out;
  for (uint64_t ptr = prog_base;; ptr += 64) {
    std::array<uint64_t, 8> raw{};
    for (int i = 0; i < 8; ++i) raw[i] = mem.at(ptr / 8 + i);
    const Descriptor d = Descriptor::decode(raw);
    if (d.op == Op::kEnd) break;
    LayerCycles lc;
    lc.desc = 10;   // 8 requests, the last response, the decision
    lc.check = 9;   // 8 products, the verdict
    const int64_t chw = int64_t{d.C} * d.H * d.W;
    if (d.op == Op::kConv) lc.setup = static_cast<uint64_t>(int64_t{d.C} * d.R * d.S + 1);
    const uint64_t syq_words = d.syq ? (static_cast<uint64_t>(d.R) * d.S + 7) / 8 : 0;
    if (d.syq) lc.setup += syq_words + 2;  // StSyq: the scale words, the last response, the decision
    if (d.load_input) lc.load = static_cast<uint64_t>(chw + 2);
    const RunResult rr = d.op == Op::kPool ? simulate_pool(d, hw) : simulate_run(mem, d, hw, fp);
    lc.run = rr.cycles;
    lc.drain = 1;
    lc.cycles = lc.desc + lc.check + lc.setup + lc.load + lc.run + lc.drain;
    lc.entries = rr.entries;
    lc.skipped = rr.skipped;
    lc.stall_fetch = rr.stall_fetch;
    lc.stall_out = rr.stall_out;
    lc.stall_dec = rr.stall_dec;
    lc.bytes_read = 64 + 8 * syq_words + (d.load_input ? 8 * static_cast<uint64_t>(chw) : 0) + rr.bytes_read;
    lc.bytes_written = rr.bytes_written;
    out.push_back(lc);
  }
  return out;
}

}  // namespace tern
