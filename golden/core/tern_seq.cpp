// C++ twin of rtl/core/tern_seq.sv: see the header.
#include "golden/core/tern_seq.hpp"

#include <stdexcept>

#include "golden/contract.hpp"

namespace tern {

namespace {

int log2_exact(int n, const char* what) {
  int b = 0;
  while ((1 << b) < n) ++b;
  if (n < 2 || (1 << b) != n)
    throw std::invalid_argument(std::string("SeqModel: ") + what + " must be a power of two >= 2");
  return b;
}

}  // namespace

struct SeqModel::Comb {
  State next = kIdle;
  bool is_conv = false, is_pool = false, f_load = false, f_syq = false;
  uint32_t f_stats = 0;
  int sq_words = 0;
  uint32_t ld_words = 0;
  bool setup_done = false, last_stat = false, layer_done = false;
};

SeqModel::SeqModel(int max_conv_row, int bank_bytes, bool stats)
    : kw_(log2_exact(max_conv_row, "MaxConvRow")), ow_(log2_exact(bank_bytes, "BankBytes")), stats_(stats) {}

void SeqModel::reset() {
  state_ = kIdle;
  err_ = 0;
  layer_ = 0;
}

uint64_t SeqModel::field(unsigned lsb, unsigned width) const {
  uint64_t v = 0;
  for (unsigned b = 0; b < width; ++b) v |= ((desc_[(lsb + b) / 64] >> ((lsb + b) % 64)) & 1u) << b;
  return v;
}

SeqModel::Comb SeqModel::comb(const SeqIn& in) const {
  Comb c;
  const unsigned op = static_cast<unsigned>(field(hw::DfOp, hw::DwOp));
  c.is_conv = op == hw::OpConv;
  c.is_pool = op == hw::OpPool;
  c.f_load = field(hw::DfLoad, 1) != 0;
  c.f_syq = field(hw::DfSyq, 1) != 0;
  c.f_stats = stats_ ? static_cast<uint32_t>(field(hw::DfStatsAddr, 32)) : 0;
  const uint32_t r = static_cast<uint32_t>(field(hw::DfR, 4)), s = static_cast<uint32_t>(field(hw::DfS, 4));
  c.sq_words = static_cast<int>(((((r * s) & 63u) + 7u) & 63u) >> 3);
  c.ld_words = static_cast<uint32_t>(field(hw::DfH, 16) << in.lrow) >> 3;
  c.setup_done = (tk_ & 0x1ffffu) == (in.row_len & 0x1ffffu);
  c.last_stat = (c.f_stats == 0 || rq_ == static_cast<int>(hw::StatsWords)) && settle_ == 4;
  const bool wr_quiet = in.wr_out == 0 && !in.wr_busy;
  State n = state_;
  switch (state_) {
    case kIdle:
      if (in.start) n = kDesc;
      break;
    case kDesc:
      if (drsp_ == 8) n = op == hw::OpEnd ? kIdle : kCheck;
      break;
    case kCheck:
      if (in.chk_done) n = kVerdict;
      break;
    case kVerdict: n = c.f_syq ? kSyq : c.is_conv ? kSetup : c.f_load ? kLoad : c.is_pool ? kPool : kRun; break;
    case kSyq:
      if (sq_rsp_ == c.sq_words) n = c.is_conv ? kSetup : c.f_load ? kLoad : kRun;
      break;
    case kSetup:
      if (c.setup_done) n = c.f_load ? kLoad : kRun;
      break;
    case kLoad:
      if (ld_rsp_ == c.ld_words && settle_ == 1) n = c.is_pool ? kPool : kRun;
      break;
    case kRun:
    case kPool:
      if (in.run_done && wr_quiet) n = kDrain;
      break;
    case kDrain:
      if (in.wr_out == 0 && in.rd_out == 0) n = kStats;
      break;
    case kStats:
      if (c.last_stat && in.wr_out == 0) n = kDesc;
      break;
    case kErr:
      if ((in.rd_out == 0 && in.wr_out == 0 && !in.rd_busy && !in.wr_busy) || (in.timeout != 0 && to_ >= in.timeout))
        n = kIdle;
      break;
  }
  if (in.err_set) n = kErr;
  if (in.soft_reset) n = kIdle;
  c.next = n;
  c.layer_done = state_ == kStats && n == kDesc;
  return c;
}

SeqOut SeqModel::eval(const SeqIn& in) const {
  const Comb c = comb(in);
  const uint32_t omask = (1u << ow_) - 1;
  SeqOut o;
  o.busy = state_ != kIdle;
  o.done = state_ == kDesc && c.next == kIdle && !in.err_set && !in.soft_reset;  // END reached, not a reset
  o.error = in.err_set && state_ != kErr;
  o.err_code = in.err_set ? in.err_new & 0xff : err_;
  o.err_layer = layer_;
  o.desc = desc_;
  o.syq = syq_;
  o.ph_check = state_ == kCheck || state_ == kVerdict;
  o.ph_setup = state_ == kSetup;
  o.ph_load = state_ == kLoad;
  o.ph_run = state_ == kRun;
  o.ph_pool = state_ == kPool;
  o.ph_stats = state_ == kStats;
  o.ph_err = state_ == kErr;
  o.ph_idle = state_ == kIdle;
  o.run_start = (state_ != kRun && c.next == kRun) || (state_ != kPool && c.next == kPool);
  o.layer_first = state_ == kDesc && dreq_ == 0 && drsp_ == 0;
  o.layer_on = state_ != kIdle && state_ != kStats && state_ != kErr;
  o.layer_done = c.layer_done;
  o.chk_start = state_ == kDesc && c.next == kCheck;
  o.chain = ch_;
  o.waiting_check = state_ == kVerdict;
  o.rd_addr = ptr_ + static_cast<uint32_t>((dreq_ & 7) << 3);
  if (state_ == kDesc && dreq_ < 8) o.rd_valid = true;
  if (state_ == kSyq && sq_req_ < c.sq_words) {
    o.rd_valid = true;
    o.rd_addr = static_cast<uint32_t>(field(hw::DfSyqAddr, 32)) + static_cast<uint32_t>((sq_req_ & 7) << 3);
  }
  if (state_ == kLoad && ld_req_ < c.ld_words) {
    o.rd_valid = true;
    o.rd_addr = static_cast<uint32_t>(field(hw::DfInAddr, 32)) + ((ld_req_ & 0x1fffffffu) << 3);
  }
  o.ld_valid = state_ == kLoad && in.rsp_ok;
  o.ld_index = (ld_rsp_ & 0x1fffffffu) << 3;
  o.ld_data = in.rsp_data;
  o.tab_we = state_ == kSetup && !c.setup_done;
  o.tab_waddr = tk_ & ((1u << kw_) - 1);
  o.tab_wdata = (uint64_t{(tb_ + tc_) & omask} << 12) | (uint64_t(tr_ & 7) << 9) | (uint64_t(ts_ & 7) << 6) |
                static_cast<uint64_t>(trs_);
  const bool rec_left = rq_ < static_cast<int>(hw::StatsWords);
  o.rec_valid = state_ == kStats && c.f_stats != 0 && rec_left && settle_ == 4;
  o.rec_addr = c.f_stats + static_cast<uint32_t>(rq_ << 3);
  o.rec_idx = rq_;
  o.rec_take = stats_ && state_ == kStats && settle_ == 4 && rec_left && (c.f_stats == 0 || in.rec_fire);
  o.timed_out = in.timeout != 0 && to_ >= in.timeout;
  o.to_idle = state_ != kIdle && c.next == kIdle;
  return o;
}

void SeqModel::tick(const SeqIn& in) {
  const Comb c = comb(in);
  const State s = state_;
  const uint32_t omask = (1u << ow_) - 1;
  // state, error code, layer index
  if (s == kIdle && in.start) {
    layer_ = 0;
    err_ = 0;
  }
  if (in.err_set) err_ = in.err_new & 0xff;
  if (c.layer_done) layer_ = (layer_ + 1) & 0xffffu;
  state_ = c.next;
  // DESC and the chain state
  if (s == kIdle) {
    ptr_ = in.prog_base;
    dreq_ = drsp_ = 0;
    ch_.valid = false;
  }
  if (s == kDesc) {
    if (in.rd_fire) dreq_ = (dreq_ + 1) & 15;
    if (in.rsp_ok) {
      desc_[static_cast<size_t>(drsp_ & 7)] = in.rsp_data;
      drsp_ = (drsp_ + 1) & 15;
    }
  }
  if (c.layer_done) {
    ptr_ += 64;
    dreq_ = drsp_ = 0;
    ch_.valid = field(hw::DfOutBanks, 1) != 0;
    ch_.side = field(hw::DfInSide, 1) == 0;
    ch_.fc = field(hw::DfOutFc, 1) != 0;
    ch_.eb = static_cast<uint32_t>(field(hw::DfOutEb, 16));
    ch_.e = static_cast<uint32_t>(field(hw::DfOutE, 16));
    ch_.r = static_cast<int>(field(hw::DfOutR, 4));
    ch_.stride = static_cast<int>(field(hw::DfOutStride, 3));
    ch_.pad = static_cast<int>(field(hw::DfOutPad, 3));
    ch_.M = static_cast<uint32_t>(field(hw::DfM, 16));
    ch_.E = static_cast<uint32_t>(field(hw::DfE, 16));
    ch_.F = static_cast<uint32_t>(field(hw::DfF, 16));
  }
  // SYQ
  if (s != kSyq) {
    sq_req_ = sq_rsp_ = 0;
  } else {
    if (in.rd_fire) sq_req_ = (sq_req_ + 1) & 15;
    if (in.rsp_ok) {
      syq_[static_cast<size_t>(sq_rsp_ & 7)] = in.rsp_data;
      sq_rsp_ = (sq_rsp_ + 1) & 15;
    }
  }
  // SETUP: entry k = (r*S + s)*C + c, the offset kept incrementally
  if (s != kSetup) {
    tk_ = tc_ = tb_ = trb_ = 0;
    tr_ = ts_ = trs_ = 0;
  } else if (!c.setup_done) {
    tk_ = (tk_ + 1) & ((2u << kw_) - 1);
    if (tc_ != ((field(hw::DfC, 16) - 1) & 0xffffu)) {
      tc_ = (tc_ + 1) & 0xffffu;
    } else {
      tc_ = 0;
      trs_ = (trs_ + 1) & 63;
      if (static_cast<uint64_t>(ts_) != ((field(hw::DfS, 4) - 1) & 15u)) {
        ts_ = (ts_ + 1) & 15;
        tb_ = (tb_ + (in.lpix < 32 ? (1u << in.lpix) : 0u)) & omask;
      } else {
        ts_ = 0;
        tr_ = (tr_ + 1) & 15;
        const uint32_t nb = (trb_ + (in.lrow < 32 ? (1u << in.lrow) : 0u)) & omask;
        trb_ = nb;
        tb_ = nb;
      }
    }
  }
  // STATS words, then settle cycles (LOAD: one cycle for the last word's bank write)
  if (s != kStats)
    rq_ = 0;
  else if (in.rec_fire)
    rq_ = (rq_ + 1) & 15;
  if (s != kStats && s != kLoad)
    settle_ = 0;
  else if (settle_ != 4 && (s == kStats || ld_rsp_ == c.ld_words))
    settle_ = (settle_ + 1) & 7;
  // LOAD
  if (s != kLoad) {
    ld_req_ = ld_rsp_ = 0;
  } else {
    if (in.rd_fire) ++ld_req_;
    if (in.rsp_ok) ++ld_rsp_;
  }
  // timeout
  if (!in.mem_wait || s == kIdle)
    to_ = 0;
  else
    ++to_;
}

}  // namespace tern
