// Engine v2 cycle model: fixed phase lengths in closed form and a register-level simulation of RUN and
// POOL, mirroring rtl/core/tern_{fetch,feed,colseq,column,rq_pool,pool,writer,seq}.sv. The blocks with a
// C++ twin of their own (golden/core/tern_{fetch,feed,colseq,pool,writer,stats,mem_arb}, golden/decomp/) run
// here as they are; the requantiser pool and the column's group-end tokens are modelled inline.
#include "golden/accel/cycle_model.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include "golden/core/tern_colseq.hpp"
#include "golden/core/tern_feed.hpp"
#include "golden/core/tern_fetch.hpp"
#include "golden/core/tern_mem_arb.hpp"
#include "golden/core/tern_pool.hpp"
#include "golden/core/tern_stats.hpp"
#include "golden/core/tern_writer.hpp"
#include "golden/decomp/tern_decomp_dense8.hpp"
#include "golden/decomp_model.hpp"

namespace tern {

namespace {

constexpr int kWDepth = 8;  // writer chunk FIFO (tern_core WDepth)

int popcount8(uint32_t v) {
  int n = 0;
  for (int b = 0; b < 8; ++b) n += (v >> b) & 1u;
  return n;
}

// ---------------------------------------------------------------------------------------------- memory
// The engine's write port: tern_mem_arb (golden/core/tern_mem_arb) in front of an ideal memory that accepts a
// store at once and answers it next cycle; the sequencer ends the phase when no write is outstanding.
struct WritePort {
  MemArbModel arb;
  MemArbIn in;
  WritePort() {
    in.active = true;
    in.wr_req_ready = true;
  }
  uint32_t out() const { return arb.wr_out(); }
  void step(bool fire) {
    in.c_wr_valid = fire;
    arb.tick(in);
    in.wr_rsp_valid = fire;
  }
};

// ---------------------------------------------------------------------------------------------- fetcher
// tern_fetch (golden/core/tern_fetch) with an ideal memory: every request accepted, answered next cycle.
struct IdealFetch {
  FetchModel f;
  bool rsp_pending = false;
  uint64_t rsp_data = 0;

  IdealFetch(int cols, int cache_words) : f(cols, cache_words) {}
  // start_i in the cycle before RUN's first
  void start(uint64_t base, int n) {
    FetchIn in;
    in.start = true;
    in.base = static_cast<uint32_t>(base);
    in.num = static_cast<uint32_t>(n);
    f.tick(in);
  }
  bool busy() const { return f.busy(); }
  FetchIn inputs(uint64_t release) const {
    FetchIn in;
    in.req_ready = true;
    in.rsp_valid = rsp_pending;
    in.rsp_data = rsp_data;
    in.release = release;
    return in;
  }
  FetchOut eval(uint64_t release) const { return f.eval(inputs(release)); }
  // One cycle; returns the bytes read.
  int step(const std::vector<uint64_t>& mem, uint64_t release) {
    const FetchIn in = inputs(release);
    const FetchOut o = f.eval(in);
    if (o.err) throw std::runtime_error("cycle model: weight block header error in a checked program");
    f.tick(in);
    rsp_pending = o.req_valid;
    if (o.req_valid) rsp_data = mem.at(o.req_addr / 8);
    return o.req_valid ? 8 : 0;
  }
};

// ---------------------------------------------------------------------------------------------- column
// One column: tern_feed, the decompressor, tern_colseq and the entry pipeline's group-end tokens.
struct Column {
  // layer constants
  int passes = 0, code_bits = 0, wtype = 0;
  int64_t reps = 0;
  bool pack = false;
  uint32_t row_len = 0;
  // feeder (golden/core/tern_feed): its inputs (layer constants set once) and outputs of this cycle
  FeedModel fd{4};
  FeedIn fin;
  FeedOut fo;
  // decompressor
  std::unique_ptr<DecompModel> dec;
  Dense8Model d8;
  // row sequencer (golden/core/tern_colseq), likewise
  ColSeqModel cs;
  ColSeqIn csin;
  ColSeqOut cso;
  // group-end tokens at S1..S4 and the done pulse (S5)
  std::array<bool, 4> lastg{};
  bool done_grp = false;

  // combinational results of one cycle
  DecompIn din;
  bool dvalid = false, dlast = false, dempty = false, start = false;

  bool left() const { return cs.rows_left(); }
  int pend() const { return cs.pending(); }
  void comb() {
    fo = fd.eval(fin);
    din = DecompIn{};
    din.row_len = row_len;
    din.code_bits = code_bits;
    din.wtype = wtype;
    din.word_valid = fo.word_valid;
    din.word = fo.word;
    din.word_last = fo.word_last;
    din.ready = true;
    const DecompOut p = pack ? d8.eval(din) : dec->eval(din);
    if (p.err) throw std::runtime_error("cycle model: decompressor error in a checked program");
    dvalid = p.valid;
    dlast = p.last;
    dempty = p.empty;
    csin.hdr_valid = fo.hdr_valid;
    csin.hdr_pass = fo.pass;
    csin.dc_busy = p.busy;
    csin.dc_fire = p.valid;  // ready_i = 1
    csin.dc_last = p.last;
    cso = cs.eval(csin);
    start = cso.start;
  }
  // statistics class (tern_colseq st_*_o): bit 0 entry, 1 fetch, 2 balance, 3 out, 4 dec
  int state_bits(bool others_left, bool barrier_ok) {
    csin.others_left = others_left;
    csin.barrier_ok = barrier_ok;
    return cs.eval(csin).st;
  }

  // `f`: the fetcher's outputs this cycle (cache write bus, full banks); column index c.
  void tick(const FetchOut& f, int c, bool drained) {
    // decompressor with the start decision
    din.start = start;
    bool word_ready;
    if (pack) {
      word_ready = d8.eval(din).word_ready;
      d8.tick(din);
    } else {
      word_ready = dec->eval(din).word_ready;
      dec->tick(din);
    }
    // group-end tokens
    const bool lastg_d = dvalid && dlast && cs.cur_lastpl();
    const bool done_now = done_grp;
    done_grp = lastg[3];
    lastg = {lastg_d, lastg[0], lastg[1], lastg[2]};
    // feeder (the row sequencer's outputs before this edge)
    fin.cwe = (f.cwe >> c) & 1u;
    fin.cbank = f.cbank;
    fin.caddr = f.caddr;
    fin.cdata = f.cdata;
    fin.full = static_cast<int>((f.full >> (2 * c)) & 3u);
    fin.word_ready = word_ready;
    fin.last_started = cso.last_started;
    fd.tick(fin);
    // row sequencer
    csin.drained = drained;
    csin.done_grp = done_now;
    cs.tick(csin);
  }
};

// RUN/POOL: its cycles and its share of the record, summed with tern_stats' own per-cycle increments.
struct PhaseResult {
  uint64_t cycles = 0;
  StatsModel::Words rec{};
  void count(const StatsIn& in, int cols) {
    const auto inc = StatsModel::increments(in, cols);
    for (size_t w = 0; w < rec.size(); ++w) rec[w] += inc[w];
  }
};

// ---------------------------------------------------------------------------------------------- writer
// tern_writer (golden/core/tern_writer) storing into the ideal memory (every store accepted at once). The
// chunks carry no data and the banks are not written: neither changes the timing.
struct IdealWriter {
  WriterModel w;
  WriterIn in;
  WritePort port;

  IdealWriter(const HwConfig& hw, const Pitch& pout, bool store, bool raw) : w(hw.lanes, hw.bank_bytes, kWDepth) {
    in.store = store;
    in.raw = raw;
    in.lpix = pout.lpix;
    in.lrow = pout.lrow;
    in.st_ready = true;
  }
  int count() const { return w.ck_count(); }
  bool idle() const { return w.idle(); }
  // One cycle; `push` = a chunk enters the FIFO at the edge. Returns the bytes written (strobes).
  int step(const WriterChunk* push) {
    in.ck_valid = push != nullptr;
    if (push) in.ck = *push;
    const WriterOut o = w.eval(in);
    port.step(o.st_valid);
    w.tick(in);
    return o.st_valid ? popcount8(static_cast<uint32_t>(o.st_strb)) : 0;
  }
};
// A chunk of output pixel (y, x) from channel m.
WriterChunk chunk_of(int64_t y, int64_t x, int64_t m, uint32_t mask) {
  WriterChunk c;
  c.y = static_cast<uint32_t>(y);
  c.x = static_cast<uint32_t>(x);
  c.m = static_cast<uint32_t>(m);
  c.mask = mask;
  return c;
}

// ---------------------------------------------------------------------------------------------- RUN
PhaseResult simulate_run(const std::vector<uint64_t>& mem, const Descriptor& d, const HwConfig& hw,
                         const FormatParams& fp) {
  PhaseResult res;
  const int C = hw.cols, L = hw.lanes, U = hw.rq_units;
  const bool fc = d.op == Op::kFc;
  const Pitch pin = pitch_of(d.C, d.W), pout = pitch_of(d.M, d.F);
  const int passes = (d.M + C - 1) / C;
  const int rem = (d.M % C) == 0 ? C : d.M % C;
  const int gy_n = fc ? 1 : d.eb, gx_n = fc ? 1 : d.F;
  const int planes = d.bitserial ? d.act_bits : 1;
  const auto wt = static_cast<WeightType>(d.wtype);

  std::vector<Column> cols(static_cast<size_t>(C));
  for (int c = 0; c < C; ++c) {
    Column& k = cols[static_cast<size_t>(c)];
    k.passes = c < rem ? passes : passes - 1;
    k.reps = int64_t{gy_n} * gx_n * planes;
    k.pack = d.pack;
    k.row_len = fc ? static_cast<uint32_t>(static_cast<int64_t>(d.H) << pin.lrow)
                   : static_cast<uint32_t>(int64_t{d.C} * d.R * d.S);
    k.code_bits = stream_code_bits(wt);
    k.wtype = d.wtype;
    if (!d.pack) {
      k.dec = std::make_unique<DecompModel>(static_cast<Format>(d.fmt), fp);
      k.dec->reset();
    }
    k.fd = FeedModel(hw.cache_words);
    k.fin.run = true;
    k.fin.passes = static_cast<uint32_t>(k.passes);
    k.fin.reps = static_cast<uint32_t>(k.reps);
    // the row sequencer's context outputs (stride, padding, pitches) do not change the timing
    k.csin.passes = static_cast<uint32_t>(k.passes);
    k.csin.gy_n = static_cast<uint32_t>(gy_n);
    k.csin.gx_n = static_cast<uint32_t>(gx_n);
    k.csin.planes = planes;
    k.cs.tick(k.csin);  // a cycle before RUN (run_i low) loads rows_left from passes_i
    k.csin.run = true;
  }

  IdealFetch fetch(C, hw.cache_words);
  fetch.start(d.wgt_addr, d.M);
  IdealWriter wr(hw, pout, d.store_output, d.out_mode == hw::OutRaw);
  // requantiser pool (tern_rq_pool)
  int q_pass = 0, q_gy = 0, q_gx = 0, q_l = 0, q_k = 0;
  bool q_busy = false;
  std::array<bool, 3> infl{};
  std::array<WriterChunk, 3> infl_ck{};
  const int chunks = C / U;

  for (uint64_t cyc = 0;; ++cyc) {
    if (cyc > (uint64_t{1} << 36)) throw std::runtime_error("cycle model: RUN does not finish");
    res.cycles = cyc + 1;
    // requantiser pool
    const bool q_left = q_pass < passes;
    std::vector<bool> act(static_cast<size_t>(C));
    bool barrier_ok = q_left;
    for (int c = 0; c < C; ++c) {
      act[static_cast<size_t>(c)] = q_left && (q_pass != passes - 1 || c < rem);
      if (act[static_cast<size_t>(c)] && cols[static_cast<size_t>(c)].pend() == 0) barrier_ok = false;
    }
    const int y = q_l * gy_n + q_gy;
    const bool row_ok = y < d.E;
    uint32_t mask = 0;
    for (int u = 0; u < U; ++u)
      if (act[static_cast<size_t>(q_k * U + u)]) mask |= 1u << u;
    const bool chunk = row_ok && mask != 0;
    const bool lane_end = !row_ok || q_k == chunks - 1;
    const bool credit_ok = wr.count() + infl[0] + infl[1] + infl[2] < kWDepth;
    const bool issue = (q_busy || barrier_ok) && (credit_ok || !chunk);
    const bool last_issue = issue && q_l == L - 1 && lane_end;
    const bool rq_done = !q_left && !infl[0] && !infl[1] && !infl[2];
    // columns
    for (auto& k : cols) k.comb();
    uint64_t release = 0;
    StatsIn sin;  // the columns' reports to tern_stats
    sin.layer_on = sin.run = true;
    int n_left = 0;
    for (const auto& k : cols) n_left += k.left();
    for (int c = 0; c < C; ++c) {
      Column& k = cols[static_cast<size_t>(c)];
      release |= static_cast<uint64_t>(k.fo.release) << (2 * c);
      sin.st[static_cast<size_t>(c)] = static_cast<uint8_t>(k.state_bits(n_left - (k.left() ? 1 : 0) > 0, barrier_ok));
      sin.codes[static_cast<size_t>(c)] = static_cast<uint8_t>(k.dvalid && !k.dempty ? (k.pack ? 8 : 1) : 0);
    }
    sin.group = last_issue;
    // the phase ends on this cycle's registers (tern_seq: run_done && no write outstanding or requested)
    const bool finished = rq_done && wr.idle() && !fetch.busy() && wr.port.out() == 0;

    // ---- edges
    const FetchOut fo = fetch.eval(release);
    for (int c = 0; c < C; ++c) cols[static_cast<size_t>(c)].tick(fo, c, last_issue && act[static_cast<size_t>(c)]);
    sin.rd_bytes = fetch.step(mem, release);
    // chunk leaving the requantisers this cycle enters the writer at the edge
    const WriterChunk pushed = infl_ck[2];
    sin.wr_bytes = wr.step(infl[2] ? &pushed : nullptr);
    res.count(sin, C);
    infl_ck[2] = infl_ck[1];
    infl_ck[1] = infl_ck[0];
    infl_ck[0] = chunk_of(y, q_gx, int64_t{q_pass} * C + int64_t{q_k} * U, mask);
    infl = {issue && chunk, infl[0], infl[1]};
    if (issue) {
      q_busy = !last_issue;
      if (!lane_end) {
        ++q_k;
      } else {
        q_k = 0;
        if (q_l != L - 1) {
          ++q_l;
        } else {
          q_l = 0;
          if (q_gx != gx_n - 1) {
            ++q_gx;
          } else {
            q_gx = 0;
            if (q_gy != gy_n - 1) {
              ++q_gy;
            } else {
              q_gy = 0;
              ++q_pass;
            }
          }
        }
      }
    }
    if (finished) break;
  }
  return res;
}

// ---------------------------------------------------------------------------------------------- POOL
PhaseResult simulate_pool(const Descriptor& d, const HwConfig& hw) {
  PhaseResult res;
  const Pitch pin = pitch_of(d.C, d.W), pout = pitch_of(d.M, d.F);
  IdealWriter wr(hw, pout, d.store_output, false);
  // tern_pool (golden/core/tern_pool) reading banks of zeros: the values do not change the timing
  PoolModel pool(hw.lanes, hw.bank_bytes, kWDepth);
  PoolIn in;
  in.c = d.C;
  in.e = d.E;
  in.eb = d.eb;
  in.f = d.F;
  in.r = d.R;
  in.s = d.S;
  in.stride = d.stride;
  in.lpix = pin.lpix;
  in.lrow = pin.lrow;
  in.rdata.assign(static_cast<size_t>(hw.lanes), 0);
  pool.tick(in);  // a cycle before POOL (run_i low)
  in.run = true;
  for (uint64_t cyc = 0;; ++cyc) {
    if (cyc > (uint64_t{1} << 36)) throw std::runtime_error("cycle model: POOL does not finish");
    res.cycles = cyc + 1;
    in.wr_count = wr.count();
    const PoolOut o = pool.eval(in);
    const bool finished = o.done && wr.idle() && wr.port.out() == 0;
    // edges: the writer takes the registered chunk
    const WriterChunk ck = chunk_of(o.ck_y, o.ck_x, o.ck_m, o.ck_mask);
    StatsIn sin;
    sin.layer_on = sin.run = true;
    sin.wr_bytes = wr.step(o.ck_valid ? &ck : nullptr);
    res.count(sin, hw.cols);
    pool.tick(in);
    if (finished) break;
  }
  return res;
}

}  // namespace

std::vector<LayerStats> predict_cycles(const std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw,
                                       const FormatParams& fp) {
  std::vector<LayerStats> out;
  for (uint64_t ptr = prog_base;; ptr += 64) {
    std::array<uint64_t, 8> raw{};
    for (int i = 0; i < 8; ++i) raw[i] = mem.at(ptr / 8 + i);
    const Descriptor d = Descriptor::decode(raw);
    if (d.op == Op::kEnd) break;
    const Pitch pin = pitch_of(d.C, d.W);
    uint64_t cycles = kDescCycles + kCheckCycles, bytes_read = 64;
    if (d.syq) {
      const uint64_t words = (uint64_t{d.R} * d.S + 7) / 8;
      cycles += words + 2;
      bytes_read += 8 * words;
    }
    if (d.op == Op::kConv) cycles += static_cast<uint64_t>(int64_t{d.C} * d.R * d.S) + 1;
    if (d.load_input) {
      const uint64_t words = (static_cast<uint64_t>(d.H) << pin.lrow) / 8;
      cycles += words + 3;
      bytes_read += 8 * words;
    }
    const PhaseResult pr = d.op == Op::kPool ? simulate_pool(d, hw) : simulate_run(mem, d, hw, fp);
    cycles += pr.cycles + 1;  // RUN/POOL, DRAIN
    LayerStats s;
    s.w[hw::StCycles] = cycles;
    s.w[hw::StRunCycles] = pr.cycles;
    for (unsigned w : {hw::StEntries, hw::StGroups, hw::StStallFetch, hw::StStallBalance, hw::StStallOut,
                       hw::StStallDec, hw::StBytesWritten})
      s.w[w] = pr.rec[w];
    s.w[hw::StBytesRead] = bytes_read + pr.rec[hw::StBytesRead];
    out.push_back(s);
  }
  return out;
}

}  // namespace tern
