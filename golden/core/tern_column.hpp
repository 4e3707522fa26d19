// C++ twin of rtl/core/tern_column.sv (one column of the engine v2 array): the feeder (golden/core/tern_feed),
// the five decompressors behind tern_dec_mux (golden/decomp_model) and the packed dense reader
// (golden/decomp/tern_decomp_dense8), the row sequencer (golden/core/tern_colseq), weight decode, the row
// checks and errors, the statistics class, and the entry pipeline with banks and lanes
// (golden/core/tern_col_lanes); every output, one call per clock edge. The cycle model runs it without its datapath
// (Datapath::kTiming: no table, banks or lanes, which never change the timing); tests/core/test_column.cpp
// checks the full twin in lockstep with the RTL.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "golden/core/tern_col_lanes.hpp"
#include "golden/core/tern_colseq.hpp"
#include "golden/core/tern_feed.hpp"
#include "golden/decomp/tern_decomp_dense8.hpp"
#include "golden/decomp_model.hpp"

namespace tern {

// Build parameters (the module's parameters).
struct ColumnParams {
  int lanes = 8, pack = 1, bank_bytes = 4096, cache_words = 512, max_conv_row = 1024, acc_bits = 32;
  uint32_t mac_types = 0x7f, formats = 0x1f;
  bool bitserial = true, syq = true;
};

// Inputs of one cycle (the module's input ports); per-lane vectors have `lanes` entries.
struct ColumnIn {
  bool run = false;
  // layer constants
  int wtype = 0, fmt = 0, code_bits = 0, act_bits = 8;
  bool act_signed = false, xnor = false, bitserial = false, syq = false, pack = false, fc = false, side = false;
  uint32_t row_len = 0, passes = 0, reps = 0, gy_n = 1, gx_n = 1;
  int planes = 1, stride = 1, pad = 0;
  uint32_t in_c = 0, in_w = 0;
  int lpix = 0, lrow = 0;
  std::vector<int32_t> win_lo, win_hi;  // signed 18 bits
  std::array<uint8_t, 64> syq_q{};
  // index table write port (SETUP): {offset, r, s, r*S+s}
  bool tab_we = false;
  uint32_t tab_waddr = 0;
  uint64_t tab_wdata = 0;
  // weight cache write port (fetcher)
  bool cwe = false, cbank = false;
  uint32_t caddr = 0;
  uint64_t cdata = 0;
  int full = 0;
  // activation-bank write bus and pool read
  uint32_t bwe = 0;  // bit per lane
  std::vector<uint32_t> bwaddr;
  uint64_t bwdata = 0;
  uint8_t bwbe = 0;
  bool pool_re = false;
  uint32_t pool_raddr = 0;
  // drain side
  bool drained = false, barrier_ok = false, others_left = false, dpar = false;
};

// Outputs of one cycle (every output port).
struct ColumnOut {
  int release = 0;
  std::vector<uint64_t> rdata;  // per lane
  std::vector<uint64_t> acc;    // per lane, accumulator of parity dpar (AccBits, unsigned)
  std::array<std::array<uint32_t, 3>, 2> grp_q{};
  int pending = 0;
  bool rows_left = false;
  bool err = false;
  int err_code = 0;  // 8 bits
  int st = 0;        // one-hot: bit 0 entry, 1 fetch, 2 balance, 3 out, 4 dec
  int codes = 0;     // weight codes issued this cycle: 0, 1 or 8
};

// Weight-code decoder twin of rtl/core/tern_wdecode.sv: value (0 for reserved codes), nonzero, reserved.
struct WDecode {
  int32_t value = 0;
  bool nonzero = false, reserved = false;
};
WDecode wdecode(int wtype, uint32_t code);

class ColumnModel {
 public:
  using Datapath = ColLanesModel::Datapath;
  // Throws std::invalid_argument for parameters the RTL rejects.
  ColumnModel(const ColumnParams& p, const FormatParams& fp, Datapath dp = Datapath::kFull);
  void reset();                              // rst_ni low for a cycle
  ColumnOut eval(const ColumnIn& in) const;  // outputs before the edge
  void tick(const ColumnIn& in);             // the rising edge
  // registers the cycle model reads without evaluating the module
  bool rows_left() const { return cs_.rows_left(); }
  int pending() const { return cs_.pending(); }

 private:
  struct Comb;
  Comb comb(const ColumnIn& in) const;

  ColumnParams p_;
  FeedModel feed_;
  std::vector<DecompModel> dec_;  // one per format of the build (index = format code), empty if absent
  std::vector<bool> has_fmt_;
  Dense8Model d8_;
  ColSeqModel cs_;
  // D stage
  bool row_first_ = true;
  uint32_t nz_ = 0;
  int err_ = 0;
  ColLanesModel lanes_;
};

}  // namespace tern
