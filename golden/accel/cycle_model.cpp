// Engine v2 cycle model: a register-level simulation by the C++ twins of the blocks: the sequencer and the
// memory port (golden/core/tern_{seq,mem_arb}) run the program; RUN and POOL run the fetcher, columns,
// requantiser pool, pooling unit, writer and statistics twins (golden/core/tern_{fetch,column,rq_pool,pool,
// writer,stats}; the column twin without its datapath).
#include "golden/accel/cycle_model.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include "golden/core/tern_column.hpp"
#include "golden/core/tern_fetch.hpp"
#include "golden/core/tern_mem_arb.hpp"
#include "golden/core/tern_pool.hpp"
#include "golden/core/tern_rq_pool.hpp"
#include "golden/core/tern_seq.hpp"
#include "golden/core/tern_stats.hpp"
#include "golden/core/tern_writer.hpp"

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

}  // namespace

ColumnParams column_params(const HwConfig& hw) {
  ColumnParams p;
  p.lanes = hw.lanes;
  p.pack = hw.pack;
  p.bank_bytes = static_cast<int>(hw.bank_bytes);
  p.cache_words = static_cast<int>(hw.cache_words);
  p.max_conv_row = static_cast<int>(hw.max_conv_row);
  p.acc_bits = hw.acc_bits;
  p.mac_types = hw.mac_types;
  p.formats = hw.formats;
  p.bitserial = hw.bitserial;
  p.syq = hw.syq;
  return p;
}

ColumnIn column_inputs(const Descriptor& d, const HwConfig& hw, uint32_t passes) {
  const bool fc = d.op == Op::kFc;
  const Pitch pin = pitch_of(d.C, d.W);
  ColumnIn k;
  k.wtype = d.wtype;
  k.fmt = d.fmt;
  k.code_bits = stream_code_bits(static_cast<WeightType>(d.wtype));
  k.act_bits = d.act_bits;
  k.act_signed = d.act_signed;
  k.xnor = d.act_bits == 1 && d.act_signed;
  k.bitserial = d.bitserial && hw.bitserial;
  k.syq = d.syq && hw.syq;
  k.pack = d.pack && hw.pack == 8;
  k.fc = fc;
  k.side = d.in_side;
  k.row_len = fc ? static_cast<uint32_t>(static_cast<int64_t>(d.H) << pin.lrow)
                 : static_cast<uint32_t>(int64_t{d.C} * d.R * d.S);
  k.passes = passes;
  const int gy_n = fc ? 1 : d.eb, gx_n = fc ? 1 : d.F;
  k.planes = k.bitserial ? d.act_bits : 1;
  k.reps = static_cast<uint32_t>(int64_t{gy_n} * gx_n * k.planes);
  k.gy_n = static_cast<uint32_t>(gy_n);
  k.gx_n = static_cast<uint32_t>(gx_n);
  k.stride = d.stride;
  k.pad = d.pad;
  k.in_c = d.C;
  k.in_w = d.W;
  k.lpix = pin.lpix;
  k.lrow = pin.lrow;
  k.win_lo.assign(static_cast<size_t>(hw.lanes), 0);
  k.win_hi.assign(static_cast<size_t>(hw.lanes), 0);
  k.bwaddr.assign(static_cast<size_t>(hw.lanes), 0);
  for (int l = 0; l < hw.lanes && !fc; ++l) {
    const int32_t t = l * d.eb * d.stride;
    k.win_lo[static_cast<size_t>(l)] = -t;
    k.win_hi[static_cast<size_t>(l)] = d.H - t;
  }
  return k;
}

namespace {

// ---------------------------------------------------------------------------------------------- RUN
PhaseResult simulate_run(const std::vector<uint64_t>& mem, const Descriptor& d, const HwConfig& hw,
                         const FormatParams& fp) {
  PhaseResult res;
  const int C = hw.cols;
  const bool fc = d.op == Op::kFc;
  const Pitch pout = pitch_of(d.M, d.F);
  const int passes = (d.M + C - 1) / C;
  const int rem = (d.M % C) == 0 ? C : d.M % C;
  const int gy_n = fc ? 1 : d.eb, gx_n = fc ? 1 : d.F;

  // columns (tern_column without its datapath: the timing does not depend on the values)
  const ColumnParams cp = column_params(hw);
  std::vector<ColumnModel> cols;
  std::vector<ColumnIn> cin;
  for (int c = 0; c < C; ++c) {
    cols.emplace_back(cp, fp, ColumnModel::Datapath::kTiming);
    cin.push_back(column_inputs(d, hw, static_cast<uint32_t>(c < rem ? passes : passes - 1)));
    ColumnIn& k = cin.back();
    cols.back().tick(k);  // a cycle before RUN (run_i low) loads the row sequencer's rows_left
    k.run = true;
  }

  IdealFetch fetch(C, static_cast<int>(hw.cache_words));
  fetch.start(d.wgt_addr, d.M);
  IdealWriter wr(hw, pout, d.store_output, d.out_mode == hw::OutRaw);
  // requantiser pool (golden/core/tern_rq_pool) draining accumulators of zeros: the values do not change the timing
  RqPoolModel rq(C, hw.lanes, hw.rq_units, hw.acc_bits, kWDepth, hw.rq_serial);
  RqPoolIn rin;
  rin.passes = static_cast<uint16_t>(passes);
  rin.rem = static_cast<uint16_t>(rem);
  rin.gy_n = static_cast<uint16_t>(gy_n);
  rin.gx_n = static_cast<uint16_t>(gx_n);
  rin.e = d.E;
  rin.pending.assign(static_cast<size_t>(C), 0);
  rin.acc.assign(static_cast<size_t>(C), 0);
  rin.grp_q.assign(static_cast<size_t>(C), {});
  rq.tick(rin);  // a cycle before RUN (run_i low)
  rin.run = true;

  for (uint64_t cyc = 0;; ++cyc) {
    if (cyc > (uint64_t{1} << 36)) throw std::runtime_error("cycle model: RUN does not finish");
    res.cycles = cyc + 1;
    int n_left = 0;
    for (int c = 0; c < C; ++c) {
      rin.pending[static_cast<size_t>(c)] = cols[static_cast<size_t>(c)].pending();
      n_left += cols[static_cast<size_t>(c)].rows_left();
    }
    rin.wr_count = wr.count();
    const RqPoolOut ro = rq.eval(rin);
    uint64_t release = 0;
    StatsIn sin;  // the columns' reports to tern_stats
    sin.layer_on = sin.run = true;
    for (int c = 0; c < C; ++c) {
      ColumnIn& k = cin[static_cast<size_t>(c)];
      k.others_left = n_left - (cols[static_cast<size_t>(c)].rows_left() ? 1 : 0) > 0;
      k.barrier_ok = ro.barrier_ok;
      k.drained = ((ro.drained >> c) & 1u) != 0;
      const ColumnOut o = cols[static_cast<size_t>(c)].eval(k);
      if (o.err) throw std::runtime_error("cycle model: column error in a checked program");
      release |= static_cast<uint64_t>(o.release) << (2 * c);
      sin.st[static_cast<size_t>(c)] = static_cast<uint8_t>(o.st);
      sin.codes[static_cast<size_t>(c)] = static_cast<uint8_t>(o.codes);
    }
    sin.group = ro.drained != 0;
    // the phase ends on this cycle's registers (tern_seq: run_done && no write outstanding or requested)
    const bool finished = ro.done && wr.idle() && !fetch.busy() && wr.port.out() == 0;

    // ---- edges
    const FetchOut fo = fetch.eval(release);
    for (int c = 0; c < C; ++c) {
      ColumnIn& k = cin[static_cast<size_t>(c)];
      k.cwe = ((fo.cwe >> c) & 1u) != 0;
      k.cbank = fo.cbank;
      k.caddr = fo.caddr;
      k.cdata = fo.cdata;
      k.full = static_cast<int>((fo.full >> (2 * c)) & 3u);
      cols[static_cast<size_t>(c)].tick(k);
    }
    sin.rd_bytes = fetch.step(mem, release);
    // the chunk leaving the requantisers this cycle enters the writer at the edge
    const WriterChunk pushed = chunk_of(ro.ck_y, ro.ck_x, ro.ck_m, ro.ck_mask);
    sin.wr_bytes = wr.step(ro.ck_valid ? &pushed : nullptr);
    res.count(sin, C);
    rq.tick(rin);
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

uint64_t fixed_phase_cycles(const Descriptor& d) {
  uint64_t cycles = kDescCycles + kCheckCycles;
  if (d.syq) cycles += (uint64_t{d.R} * d.S + 7) / 8 + 2;
  if (d.op == Op::kConv) cycles += static_cast<uint64_t>(int64_t{d.C} * d.R * d.S) + 1;
  if (d.load_input) cycles += (static_cast<uint64_t>(d.H) << pitch_of(d.C, d.W).lrow) / 8 + 3;
  return cycles;
}

// The sequencer twin (golden/core/tern_seq) runs the program from start to END with the memory port twin
// (golden/core/tern_mem_arb) in front of the ideal memory and a check unit that answers CheckCycles after its
// start; each RUN / POOL phase lasts the cycles simulate_run / simulate_pool find for the layer (their reads
// and writes go through their own port models). A layer's record counts its layer_on_o cycles and its reads.
std::vector<LayerStats> predict_cycles(const std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw,
                                       const FormatParams& fp) {
  constexpr int kCheckSchedule = kCheckCycles - 1;  // tern_desc_check: done_o this many cycles after start_i
  std::vector<LayerStats> out;
  SeqModel seq(static_cast<int>(hw.max_conv_row), static_cast<int>(hw.bank_bytes), hw.stats);
  MemArbModel arb;
  MemArbIn ain;
  ain.rd_req_ready = ain.wr_req_ready = true;
  SeqIn sin;
  sin.prog_base = prog_base;
  sin.start = true;
  uint32_t rsp_addr = 0;  // the read the memory answers this cycle
  int64_t chk_left = -1;
  uint64_t run_cyc = 0;  // RUN / POOL cycles before this one
  PhaseResult pr;
  uint64_t layer_cycles = 0, layer_bytes = 0;
  for (uint64_t t = 0;; ++t) {
    if (t > (uint64_t{1} << 40)) throw std::runtime_error("cycle model: the program does not finish");
    // the sequencer's requests (registers only), then the port and the memory
    sin.rd_fire = sin.rsp_ok = sin.rec_fire = false;
    const SeqOut req = seq.eval(sin);
    ain.active = !req.ph_idle && !req.ph_err;
    ain.abort = req.to_idle;
    ain.c_rd_valid = req.rd_valid && !req.ph_run;  // RUN's reads: simulate_run's fetcher
    ain.c_rd_addr = req.rd_addr;
    ain.c_wr_valid = req.ph_stats && req.rec_valid;
    ain.c_wr_addr = req.rec_addr;
    const MemArbOut ao = arb.eval(ain);
    sin.rd_fire = ao.c_rd_fire && !req.ph_run;
    sin.rsp_ok = ao.rsp_ok;
    sin.rsp_data = ao.rsp_ok && rsp_addr / 8 < mem.size() ? mem[rsp_addr / 8] : 0;
    sin.rd_out = ao.rd_out;
    sin.wr_out = ao.wr_out;
    sin.wr_busy = ao.wr_req_valid;
    sin.rd_busy = ao.rd_req_valid;
    sin.rec_fire = ao.c_wr_fire && req.ph_stats;
    sin.mem_wait = ao.waiting;
    // check unit (its derived constants for the held descriptor) and the RUN / POOL phase
    const Descriptor d = Descriptor::decode(req.desc);
    const Pitch pin = pitch_of(d.C, d.W);
    sin.lpix = pin.lpix;
    sin.lrow = pin.lrow;
    sin.row_len = static_cast<uint32_t>(int64_t{d.C} * d.R * d.S) & 0x1ffffu;
    sin.chk_done = chk_left == 0;
    sin.run_done = (req.ph_run || req.ph_pool) && run_cyc + 1 == pr.cycles;
    const SeqOut so = seq.eval(sin);
    if (so.done) break;
    if (so.run_start) pr = d.op == Op::kPool ? simulate_pool(d, hw) : simulate_run(mem, d, hw, fp);
    // the layer's record: counted cycles and reads outside RUN / POOL
    layer_cycles += so.layer_on;
    layer_bytes += sin.rd_fire ? 8 : 0;
    if (so.layer_done) {
      LayerStats s;
      s.w[hw::StCycles] = layer_cycles;
      s.w[hw::StRunCycles] = pr.cycles;
      for (unsigned w : {hw::StEntries, hw::StGroups, hw::StStallFetch, hw::StStallBalance, hw::StStallOut,
                         hw::StStallDec, hw::StBytesWritten})
        s.w[w] = pr.rec[w];
      s.w[hw::StBytesRead] = layer_bytes + pr.rec[hw::StBytesRead];
      out.push_back(s);
      layer_cycles = layer_bytes = 0;
    }
    if (so.error) throw std::runtime_error("cycle model: sequencer error in a checked program");
    // ---- edge
    chk_left = so.chk_start ? kCheckSchedule - 1 : chk_left > 0 ? chk_left - 1 : -1;
    run_cyc = (req.ph_run || req.ph_pool) ? run_cyc + 1 : 0;
    seq.tick(sin);
    arb.tick(ain);
    ain.rd_rsp_valid = ao.rd_req_valid;  // accepted at once, answered in the next cycle
    rsp_addr = ao.rd_req_addr;
    ain.wr_rsp_valid = ao.wr_req_valid;
    sin.start = false;
  }
  return out;
}

}  // namespace tern
