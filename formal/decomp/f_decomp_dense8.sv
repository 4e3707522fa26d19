// Formal harness of tern_decomp_dense8 (rtl/decomp; engine v2's packed reader of dense ternary/binary
// rows, Pack = 8): eight codes per entry, so it has its own port (codes_o, no code width, no empty
// entry) and its own copy of the port-level properties of f_decomp_props, under the same names:
// a_out_hold (the SVA a_hold), a_out_stable, a_valid_busy, a_err_quiet (the SVA a_quiet_after_err),
// a_err_sticky, a_err_code, a_clear, a_start_busy, a_cfg_latched, a_index_in_row, a_index_rising
// (here: each entry 8 past the previous one, the first at 0), a_code_legal (no reserved ternary code
// 10 among the eight; binary entries 8 one-bit codes, zero above), a_row_end / a_row_end_how.
// Environment: any word stream, any configuration within the row-length limit (a_row_len_max),
// start_i/clear_i/ready_i/rst_ni at any time.
// probe: f_probe_len  i_dut.len_q
// probe: f_probe_tern i_dut.tern_q
// probe: f_probe_idx  i_dut.idx_q
`default_nettype none
`include "f_macros.svh"

module f_decomp_dense8 #(
  parameter int unsigned IdxBits  = 6,   // rows of up to 64 elements: two ternary words (DecErrTrunc)
  parameter int unsigned EndBound = 8,   // row-end bound (a_row_end): tight (a binary word holds 8 entries)
  parameter bit          LenMax   = 1'b1  // assume a_row_len_max (0: no assumption, job decomp_dense8.long)
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             start_i,
  input logic [IdxBits:0] row_len_i,
  input logic [2:0]       wtype_i,
  input logic             word_valid_i,
  input logic [63:0]      word_i,
  input logic             word_last_i,
  input logic             ready_i,
  input logic             clear_i
);
  logic               word_ready_o, valid_o, last_o, busy_o, err_o;
  logic [15:0]        codes_o;
  logic [IdxBits-1:0] index_o;
  logic [2:0]         err_code_o;
  (* keep *) logic [IdxBits:0] f_probe_len;
  (* keep *) logic             f_probe_tern;
  (* keep *) logic [IdxBits:0] f_probe_idx;

  tern_decomp_dense8 #(
    .IdxBits(IdxBits)
  ) i_dut (
    .clk_i, .rst_ni, .start_i, .row_len_i, .wtype_i, .word_valid_i, .word_ready_o, .word_i,
    .word_last_i, .valid_o, .ready_i, .codes_o, .index_o, .last_o, .busy_o, .err_o, .err_code_o,
    .clear_i
  );

  `F_RESET_GATE

  // ---- shadow of the running row: configuration taken at start, previous entry ------------------
  logic             f_fire, f_start, f_load, f_tern_q, f_prev_v_q;
  logic [IdxBits:0] f_len_q;
  logic [IdxBits-1:0] f_prev_q;
  assign f_fire  = valid_o && ready_i;
  assign f_start = start_i && !clear_i && !err_o && (!busy_o || (f_fire && last_o));
  assign f_load  = word_valid_i && word_ready_o;
  always @(posedge clk_i) begin
    if (f_start) begin
      f_len_q  <= row_len_i;
      f_tern_q <= wtype_i == 3'(tern_pkg::WtTernary);
    end
    if (!rst_ni || clear_i || f_start || (f_fire && last_o)) begin
      f_prev_v_q <= 1'b0;
    end else if (f_fire) begin
      f_prev_v_q <= 1'b1;
      f_prev_q   <= index_o;
    end
  end
  logic f_res;  // a reserved ternary code (10) among the eight
  always_comb begin
    f_res = 1'b0;
    for (int j = 0; j < 8; j++) f_res = f_res || codes_o[2*j +: 2] == 2'b10;
  end

  // ---- environment: rows of at most 2**IdxBits elements (the RTL's contract). dense8 once accepted a
  // longer row and its index wrapped (found by this harness, docs/formal.md "Findings"); it now ends
  // such a row with DecErrConfig, so the assumption is optional (LenMax = 0: job decomp_dense8.long).
  `F_NOW_ASSUME(a_row_len_max, start_i && LenMax, row_len_i <= (IdxBits+1)'(2 ** IdxBits))

  // ---- safety ----------------------------------------------------------------------------------
  `F_NEXT_ASSERT(a_out_hold, valid_o && !ready_i && !clear_i && !start_i, valid_o)
  `F_NEXT_ASSERT(a_out_stable, valid_o && !ready_i && !clear_i && !start_i,
                 $stable(last_o) && $stable(codes_o) && $stable(index_o))
  `F_NOW_ASSERT(a_valid_busy, valid_o, busy_o)
  `F_NOW_ASSERT(a_err_quiet, err_o, !valid_o && !word_ready_o)
  `F_NEXT_ASSERT(a_err_sticky, err_o && !clear_i, err_o && $stable(err_code_o))
  `F_NOW_ASSERT(a_err_code, 1'b1, err_o == (err_code_o != 3'd0))
  `F_NEXT_ASSERT(a_clear, clear_i, !busy_o && !err_o)
  `F_NEXT_ASSERT(a_start_busy, start_i && busy_o && !(f_fire && last_o) && !clear_i, err_o && !busy_o)
  // the running row has the configuration given at its start, which is legal
  `F_NOW_ASSERT(a_cfg_latched, busy_o, f_probe_len == f_len_q && f_probe_tern == f_tern_q &&
                f_len_q != '0 && f_len_q[2:0] == 3'd0 && (!LenMax || f_len_q <= (IdxBits+1)'(2 ** IdxBits)))
  // k-induction aid: the DUT's next index stays inside the row, on an entry boundary
  `F_NOW_ASSERT(f_idx_range, busy_o, f_probe_idx < f_len_q && f_probe_idx[2:0] == 3'd0)
  `F_NOW_ASSERT(a_index_in_row, valid_o, {1'b0, index_o} + (IdxBits+1)'(8) <= f_len_q &&
                index_o[2:0] == 3'd0 && last_o == ({1'b0, index_o} + (IdxBits+1)'(8) == f_len_q))
  `F_NOW_ASSERT(a_index_rising, valid_o, f_prev_v_q ? index_o == f_prev_q + IdxBits'(8) : index_o == '0)
  `F_NOW_ASSERT(a_code_legal, valid_o, f_tern_q ? !f_res : codes_o[15:8] == 8'd0)

  // ---- covers ---------------------------------------------------------------------------------
  `F_COVER(c_stall, valid_o && !ready_i && !clear_i && !start_i)
  `F_COVER(c_entry, f_fire)
  `F_COVER(c_rising, f_fire && f_prev_v_q)
  `F_COVER(c_last, f_fire && last_o)
  `F_COVER(c_last_64, f_fire && last_o && f_len_q == (IdxBits+1)'(64))
  `F_COVER(c_back_to_back, f_start && busy_o && !err_o)
  `F_COVER(c_start_busy, start_i && busy_o && !(f_fire && last_o) && !clear_i)
  `F_COVER(c_clear_busy, clear_i && busy_o)
  `F_COVER(c_err_config, err_o && err_code_o == 3'(tern_pkg::DecErrConfig))
  `F_COVER(c_err_start, err_o && err_code_o == 3'(tern_pkg::DecErrStart))
  `F_COVER(c_err_trunc, err_o && err_code_o == 3'(tern_pkg::DecErrTrunc))
  `F_COVER(c_err_noend, err_o && err_code_o == 3'(tern_pkg::DecErrNoEnd))
  `F_COVER(c_err_code, err_o && err_code_o == 3'(tern_pkg::DecErrCode))
  `F_COVER(c_type_ternary, f_fire && f_tern_q)
  `F_COVER(c_type_binary, f_fire && !f_tern_q)

  // ---- bounded liveness: a row ends within EndBound cycles after its last word ------------------
  // (counted as in f_decomp_props: busy cycles after the last word was taken, except consumer stalls)
  logic                          f_last_in_q;
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
endmodule : f_decomp_dense8

`default_nettype wire
