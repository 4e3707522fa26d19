// Dense weight-row "decompressor": every code of the row in order, zeros included, code_bits_i
// each, no header (docs/formats.md). The reference stream for dense-versus-sparse comparisons.
//
// Cycles (no stalls): row_len, from the cycle after start_i; a row started in the final handshake
// cycle of the previous one follows it with no gap. empty_o is always 0 (every row has >= 1
// element). Outputs are driven from registers through the bit window; word_ready_o depends on
// start_i and, through the final handshake, on ready_i.
`default_nettype none

module tern_decomp_dense #(
  parameter int unsigned WordBits    = 64,  // memory word width (power of two)
  parameter int unsigned MaxCodeBits = 8,   // widest weight code
  parameter int unsigned IdxBits     = 16   // rows up to 2**IdxBits elements
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,
  input  logic [IdxBits:0]       row_len_i,
  input  logic [3:0]             code_bits_i,
  input  logic [2:0]             wtype_i,
  input  logic                   word_valid_i,
  output logic                   word_ready_o,
  input  logic [WordBits-1:0]    word_i,
  input  logic                   word_last_i,
  output logic                   valid_o,
  input  logic                   ready_i,
  output logic [MaxCodeBits-1:0] code_o,
  output logic [IdxBits-1:0]     index_o,
  output logic                   last_o,
  output logic                   empty_o,
  output logic                   busy_o,
  output logic                   err_o,
  output logic [2:0]             err_code_o,
  input  logic                   clear_i
);
  localparam int unsigned PeekBits = MaxCodeBits;
  localparam int unsigned PtrBits  = $clog2(WordBits) + 1;
  localparam logic [7:0]  TypeFits = tern_pkg::types_fitting(MaxCodeBits);
  localparam int unsigned NeedBits = $clog2(PeekBits + 1);

  if (2 * PeekBits > WordBits) begin : gen_check_word
    $error("tern_decomp_dense: WordBits must be >= 2*MaxCodeBits");
  end

  // ---- row control ------------------------------------------------------------------------------
  logic             run, go, fin, det;
  logic [2:0]       det_code;
  logic [IdxBits:0] row_len;
  logic [3:0]       cb;
  logic [2:0]       wt;

  tern_decomp_ctrl #(
    .IdxBits    (IdxBits),
    .MaxCodeBits(MaxCodeBits)
  ) i_ctrl (
    .clk_i,
    .rst_ni,
    .start_i,
    .row_len_i,
    .code_bits_i,
    .wtype_i,
    .clear_i,
    .fin_i      (fin),
    .det_i      (det),
    .det_code_i (det_code),
    .run_o      (run),
    .go_o       (go),
    .row_len_o  (row_len),
    .code_bits_o(cb),
    .wtype_o    (wt),
    .err_o,
    .err_code_o
  );

  // ---- bit window -------------------------------------------------------------------------------
  logic                free, got_last, cur_valid, have, end_ok, consume, load, unused_first;
  logic [PeekBits-1:0] peek;
  logic [NeedBits-1:0] need;

  assign load = word_valid_i && word_ready_o;

  tern_decomp_window #(
    .WordBits(WordBits),
    .PeekBits(PeekBits)
  ) i_window (
    .clk_i,
    .rst_ni,
    .flush_i    (go),
    .flush_ptr_i(PtrBits'(0)),
    .load_i     (load),
    .word_i,
    .word_last_i,
    .free_o     (free),
    .first_o    (unused_first),
    .got_last_o (got_last),
    .cur_valid_o(cur_valid),
    .peek_o     (peek),
    .need_i     (need),
    .have_o     (have),
    .end_ok_o   (end_ok),
    .consume_i  (consume)
  );

  // ---- element decode ---------------------------------------------------------------------------
  logic [IdxBits:0]       pos_q, pos_inc;  // index of the next element
  logic [MaxCodeBits-1:0] cbmask, code;
  logic                   final_e, out_v, fire;

  always_comb begin
    for (int i = 0; i < MaxCodeBits; i++) cbmask[i] = (i < 32'(cb));
  end

  assign code        = peek & cbmask;
  assign pos_inc     = pos_q + 1'b1;
  assign final_e     = (pos_inc == row_len);
  assign need        = NeedBits'(cb);

  always_comb begin
    det      = 1'b0;
    det_code = 3'(tern_pkg::DecErrNone);
    out_v    = 1'b0;
    if (run) begin
      if (!cur_valid || !have) begin
        if (got_last) begin
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrTrunc);
        end
      end else if (TypeFits[wt] && tern_pkg::code_reserved(32'(wt), 8'(code))) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrCode);
      end else if (final_e && !end_ok) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrNoEnd);
      end else begin
        out_v = 1'b1;
      end
    end
  end

  assign fire    = out_v && ready_i;
  assign consume = fire;
  assign fin     = fire && final_e;

  always_ff @(posedge clk_i) begin
    if (go) begin
      pos_q <= '0;
    end else if (fire) begin
      pos_q <= pos_inc;
    end
  end

  // ---- outputs ----------------------------------------------------------------------------------
  assign word_ready_o = go || (run && !fin && !det && free);
  assign valid_o      = out_v;
  assign code_o       = code;
  assign index_o      = pos_q[IdxBits-1:0];
  assign last_o       = final_e;
  assign empty_o      = 1'b0;
  assign busy_o       = run;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // entry output: held (and its fields stable; index/code are meaningless for an empty row) until
  // taken or cleared; only while running; never after an error; index inside the row and rising
  // within a row; no reserved code
  logic                 sva_prev_v_q;
  logic [IdxBits-1:0]   sva_prev_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i || go || (valid_o && ready_i && last_o)) begin
      sva_prev_v_q <= 1'b0;
    end else if (valid_o && ready_i) begin
      sva_prev_v_q <= 1'b1;
      sva_prev_q   <= index_o;
    end
  end
  a_out_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i && !clear_i |=> valid_o) else tern_sva_fail($sformatf("%m"));
  a_out_stable: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i && !clear_i |=> $stable(last_o) && $stable(empty_o) &&
                                        (empty_o || ($stable(code_o) && $stable(index_o))))
    else tern_sva_fail($sformatf("%m"));
  a_valid_busy: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o |-> busy_o) else tern_sva_fail($sformatf("%m"));
  a_err_quiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
    err_o |-> !valid_o && !word_ready_o) else tern_sva_fail($sformatf("%m"));
  a_index_in_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !empty_o |-> (IdxBits+1)'(index_o) < row_len) else tern_sva_fail($sformatf("%m"));
  a_index_rising: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !empty_o && sva_prev_v_q |-> index_o > sva_prev_q) else tern_sva_fail($sformatf("%m"));
  a_code_legal: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !empty_o && TypeFits[wt] |-> !tern_pkg::code_reserved(32'(wt), 8'(code_o)))
    else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
  // ---- formal strengthening invariant (formal/, docs/formal.md): needed by k-induction; not read by
  // simulation or synthesis
`ifdef FORMAL
  `include "f_macros.svh"
  `F_RESET_GATE
  `F_NOW_ASSERT(f_pos_in_row, run, pos_q < row_len)
`endif
endmodule : tern_decomp_dense

`default_nettype wire
