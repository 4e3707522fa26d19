// Port-level properties of a weight-stream decompressor (rtl/decomp/tern_decomp_*; the port list and
// rules of docs/formats.md "Decompressor interface and timing"), shared by the five harnesses
// formal/decomp/f_decomp_<fmt>.sv. Names: the simulation SVA they mirror (docs/robustness.md), and
// a_err_sticky, a_err_code, a_clear, a_start_busy, a_cfg_latched, a_row_end for the rules the SVA
// do not state. Environment: any word stream, any configuration, start_i/clear_i/ready_i/rst_ni at
// any time (rst_ni low in the first cycle); nothing else is assumed.
// The proof jobs (formal/jobs) pick their properties by label: k-induction for most, PDR for
// a_index_rising and the row-end bound (docs/formal.md).
`default_nettype none
`include "f_macros.svh"

module f_decomp_props #(
  parameter int unsigned WordBits    = 16,
  parameter int unsigned MaxCodeBits = 4,
  parameter int unsigned IdxBits     = 4,
  parameter bit          ZeroCheck   = 1'b1,  // sparse format: a_code_nonzero applies
  parameter bit          Rle8        = 1'b0,  // codes: non-zero ternary (01/11) or binary only
  parameter bit          CanEmpty    = 1'b1,  // a row may have no entries (not dense)
  parameter int unsigned EndBound    = 2 * WordBits + 1,
  parameter logic [7:0]  ErrCodes    = 8'hfe  // error codes the format can raise (covers)
) (
  input logic                   clk_i,
  input logic                   rst_ni,
  input logic                   start_i,
  input logic [IdxBits:0]       row_len_i,
  input logic [3:0]             code_bits_i,
  input logic [2:0]             wtype_i,
  input logic                   word_valid_i,
  input logic                   word_ready_o,
  input logic                   word_last_i,
  input logic                   valid_o,
  input logic                   ready_i,
  input logic [MaxCodeBits-1:0] code_o,
  input logic [IdxBits-1:0]     index_o,
  input logic                   last_o,
  input logic                   empty_o,
  input logic                   busy_o,
  input logic                   err_o,
  input logic [2:0]             err_code_o,
  input logic                   clear_i,
  // probes (connected to the DUT's latched row configuration by formal/prove): the link between
  // this shadow and the DUT state that k-induction needs (a_cfg_latched)
  input logic [IdxBits:0]       f_probe_len_i,
  input logic [2:0]             f_probe_wt_i
);
  `F_RESET_GATE

  // weight types a running row can have (covers): those whose code fits; rle8 ternary and binary
  localparam logic [7:0] TypeCov = Rle8 ? 8'b0000_0110 : tern_pkg::types_fitting(MaxCodeBits);

  // ---- shadow of the running row: configuration taken at start, previous entry ------------------
  // start_i is taken (docs/formats.md "Start") while idle and error-free, or in the final handshake.
  logic             f_fire, f_start, f_load;
  logic [IdxBits:0] f_len_q;
  logic [2:0]       f_wt_q;
  logic             f_prev_v_q;
  logic [IdxBits-1:0] f_prev_q;
  assign f_fire  = valid_o && ready_i;
  assign f_start = start_i && !clear_i && !err_o && (!busy_o || (f_fire && last_o));
  assign f_load  = word_valid_i && word_ready_o;

  always @(posedge clk_i) begin
    if (f_start) begin
      f_len_q <= row_len_i;
      f_wt_q  <= wtype_i;
    end
    if (!rst_ni || clear_i || f_start || (f_fire && last_o)) begin
      f_prev_v_q <= 1'b0;
    end else if (f_fire) begin
      f_prev_v_q <= 1'b1;
      f_prev_q   <= index_o;
    end
  end

  // ---- safety ----------------------------------------------------------------------------------
  // entries held, fields stable, until taken (clear_i aborts; start_i while busy is DecErrStart)
  `F_NEXT_ASSERT(a_out_hold, valid_o && !ready_i && !clear_i && !start_i, valid_o)
  `F_NEXT_ASSERT(a_out_stable, valid_o && !ready_i && !clear_i && !start_i,
                 $stable(last_o) && $stable(empty_o) && (empty_o || ($stable(code_o) && $stable(index_o))))
  `F_NOW_ASSERT(a_valid_busy, valid_o, busy_o)
  // after an error: no entry, no word taken; the error stays until clear_i
  `F_NOW_ASSERT(a_err_quiet, err_o, !valid_o && !word_ready_o)
  `F_NEXT_ASSERT(a_err_sticky, err_o && !clear_i, err_o && $stable(err_code_o))
  `F_NOW_ASSERT(a_err_code, 1'b1, err_o == (err_code_o != 3'd0))
  `F_NEXT_ASSERT(a_clear, clear_i, !busy_o && !err_o)
  // (the code is DecErrStart unless the decoder finds an error in the same cycle, which wins)
  `F_NEXT_ASSERT(a_start_busy, start_i && busy_o && !(f_fire && last_o) && !clear_i, err_o && !busy_o)
  // the running row has the configuration given at its start
  `F_NOW_ASSERT(a_cfg_latched, busy_o, f_probe_len_i == f_len_q && f_probe_wt_i == f_wt_q)
  // index inside the row and rising within it; no reserved code, no zero code in sparse formats
  `F_NOW_ASSERT(a_index_in_row, valid_o && !empty_o, {1'b0, index_o} < f_len_q)
  `F_NOW_ASSERT(a_index_rising, valid_o && !empty_o && f_prev_v_q, index_o > f_prev_q)
  if (Rle8) begin : gen_rle8_code
    `F_NOW_ASSERT(a_code_legal, valid_o && !empty_o,
                  (f_wt_q == 3'(tern_pkg::WtTernary)) ? (code_o == MaxCodeBits'(1) || code_o == MaxCodeBits'(3))
                                                      : (code_o == MaxCodeBits'(0) || code_o == MaxCodeBits'(1)))
  end else begin : gen_code
    `F_NOW_ASSERT(a_code_legal, valid_o && !empty_o, !tern_pkg::code_reserved(32'(f_wt_q), 8'(code_o)))
  end
  if (ZeroCheck) begin : gen_nonzero
    `F_NOW_ASSERT(a_code_nonzero, valid_o && !empty_o, !tern_pkg::code_zero(32'(f_wt_q), 8'(code_o)))
  end

  // ---- covers: every antecedent above is reachable ------------------------------------------------
  `F_COVER(c_stall, valid_o && !ready_i && !clear_i && !start_i && !empty_o)
  `F_COVER(c_entry, f_fire && !empty_o)
  `F_COVER(c_rising, f_fire && !empty_o && f_prev_v_q)
  `F_COVER(c_last, f_fire && !empty_o && last_o)
  `F_COVER(c_back_to_back, f_start && busy_o && !err_o)
  `F_COVER(c_start_busy, start_i && busy_o && !(f_fire && last_o) && !clear_i)
  `F_COVER(c_clear_busy, clear_i && busy_o)
  if (CanEmpty) begin : gen_c_empty
    `F_COVER(c_empty, f_fire && empty_o)
  end
  // (labels must be unique in the flattened module: Yosys 0.23 does not prefix them with the
  // generate scope, so the per-code and per-type covers are written out, each only where reachable)
  if (ErrCodes[1]) begin : gen_c_err_config
    `F_COVER(c_err_config, err_o && err_code_o == 3'(tern_pkg::DecErrConfig))
  end
  if (ErrCodes[2]) begin : gen_c_err_start
    `F_COVER(c_err_start, err_o && err_code_o == 3'(tern_pkg::DecErrStart))
  end
  if (ErrCodes[3]) begin : gen_c_err_trunc
    `F_COVER(c_err_trunc, err_o && err_code_o == 3'(tern_pkg::DecErrTrunc))
  end
  if (ErrCodes[4]) begin : gen_c_err_noend
    `F_COVER(c_err_noend, err_o && err_code_o == 3'(tern_pkg::DecErrNoEnd))
  end
  if (ErrCodes[5]) begin : gen_c_err_index
    `F_COVER(c_err_index, err_o && err_code_o == 3'(tern_pkg::DecErrIndex))
  end
  if (ErrCodes[6]) begin : gen_c_err_code
    `F_COVER(c_err_code, err_o && err_code_o == 3'(tern_pkg::DecErrCode))
  end
  if (ErrCodes[7]) begin : gen_c_err_field
    `F_COVER(c_err_field, err_o && err_code_o == 3'(tern_pkg::DecErrField))
  end
  if (TypeCov[0]) begin : gen_c_type_int
    `F_COVER(c_type_int, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtInt8))
  end
  if (TypeCov[1]) begin : gen_c_type_ternary
    `F_COVER(c_type_ternary, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtTernary))
  end
  if (TypeCov[2]) begin : gen_c_type_binary
    `F_COVER(c_type_binary, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtBinary))
  end
  if (TypeCov[3]) begin : gen_c_type_log2
    `F_COVER(c_type_log2, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtLog2))
  end
  if (TypeCov[4]) begin : gen_c_type_addnet2
    `F_COVER(c_type_addnet2, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtAddNet2))
  end
  if (TypeCov[5]) begin : gen_c_type_addnet3
    `F_COVER(c_type_addnet3, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtAddNet3))
  end
  if (TypeCov[6]) begin : gen_c_type_addnet4
    `F_COVER(c_type_addnet4, f_fire && !empty_o && f_wt_q == 3'(tern_pkg::WtAddNet4))
  end

  // ---- bounded liveness: a row ends within EndBound cycles after its last word -------------------
  // Counted: cycles while busy after the word marked word_last_i was taken, except those in which
  // an entry waits for ready_i (the consumer's stall). The row ends by its final handshake or an
  // error (or clear_i / rst_ni).
  logic                        f_last_in_q;
  logic [$clog2(EndBound+2)-1:0] f_wait_q;
  always @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      f_last_in_q <= 1'b0;
    end else if (f_start) begin
      f_last_in_q <= f_load && word_last_i;
    end else if (f_load && word_last_i) begin
      f_last_in_q <= 1'b1;
    end
    if (!rst_ni || clear_i || f_start || !busy_o) begin
      f_wait_q <= '0;
    end else if (f_last_in_q && !(valid_o && !ready_i)) begin
      f_wait_q <= f_wait_q + 1'b1;
    end
  end
  `F_NOW_ASSERT(a_row_end, busy_o && f_last_in_q, 32'(f_wait_q) < EndBound)
  `F_NEXT_ASSERT(a_row_end_how, busy_o && !clear_i && !(start_i && !f_start),
                 busy_o || err_o || $past(f_fire && last_o))
  `F_COVER(c_row_end, busy_o && f_last_in_q)
endmodule : f_decomp_props

`default_nettype wire
