// RLE weight-row decompressor (thesis Sec. 3.4.1: index difference + sign): one non-zero per cycle.
// Row stream (docs/formats.md): header {count (L bits), G-1 (3 bits)} with L = bit_length(row_len),
// then per non-zero {payload, gap (G bits)}; gap = index - previous index (previous = -1 at row
// start); gap 0 is an escape that advances the previous index by 2^G - 1 and costs a cycle without
// output (an escape reaching index row_len or beyond is an index error; one landing on row_len - 1
// is caught at the entry after it). Ternary payloads are the sign only (0: +1 -> code 01, 1: -1 ->
// code 11); other types store the code.
//
// Cycles (no stalls): max(1, non-zeros) + escapes per row, counted from the cycle after start_i; a
// row started in the final handshake cycle of the previous one follows it with no gap. Outputs are
// driven from registers through the bit window (no input-to-output paths); word_ready_o depends on
// start_i and, through the final handshake, on ready_i.
`default_nettype none

module tern_decomp_rle #(
  parameter int unsigned WordBits    = 64,  // memory word width (power of two)
  parameter int unsigned MaxCodeBits = 8,   // widest weight code
  parameter int unsigned IdxBits     = 16,  // rows up to 2**IdxBits elements
  parameter int unsigned GapBits     = 8    // widest gap field G accepted (1..8); wider rows: error
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
  localparam int unsigned CntBits  = IdxBits + 1;
  localparam int unsigned HeadBits = 3 + CntBits;
  localparam int unsigned PeekBits = GapBits + MaxCodeBits;
  localparam int unsigned PtrBits  = $clog2(WordBits) + 1;
  localparam logic [7:0]  TypeFits = tern_pkg::types_fitting(MaxCodeBits);
  localparam int unsigned NeedBits = $clog2(PeekBits + 1);
  // previous index: -1 .. 2**IdxBits + 2**GapBits - 2
  localparam int unsigned SumBits  = IdxBits + 2;

  if (GapBits < 1 || GapBits > 8 || IdxBits < GapBits) begin : gen_check_gap
    $error("tern_decomp_rle: GapBits must be 1..8 and at most IdxBits");
  end
  if (2 * PeekBits > WordBits || HeadBits + PeekBits > WordBits) begin : gen_check_word
    $error("tern_decomp_rle: WordBits below 2*(GapBits+MaxCodeBits) or header+entry");
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

  // Header length 3 + bit_length(row_len_i) (the first entry's bit) and the count-field mask (ones
  // up to row_len_i's MSB), both fixed at start.
  logic [CntBits-1:0] len_mask, len_mask_q;
  logic [PtrBits-1:0] hdr_len;
  always_comb begin
    len_mask = row_len_i;
    for (int i = CntBits - 2; i >= 0; i--) len_mask[i] = len_mask[i] | len_mask[i+1];
    hdr_len = PtrBits'(3);
    for (int i = 0; i < CntBits; i++) begin
      if (row_len_i[i]) hdr_len = PtrBits'(i + 4);
    end
  end

  // ---- bit window -------------------------------------------------------------------------------
  logic                free, first, got_last, cur_valid, have, end_ok, consume, load;
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
    .flush_ptr_i(hdr_len),
    .load_i     (load),
    .word_i,
    .word_last_i,
    .free_o     (free),
    .first_o    (first),
    .got_last_o (got_last),
    .cur_valid_o(cur_valid),
    .peek_o     (peek),
    .need_i     (need),
    .have_o     (have),
    .end_ok_o   (end_ok),
    .consume_i  (consume)
  );

  // ---- entry decode -----------------------------------------------------------------------------
  // The header {count, G-1} is latched from the row's first word as it is loaded; the count
  // register keeps the raw field bits and is compared under len_mask_q (the bits above the field
  // belong to the first entry and do not disturb the low bits' arithmetic).
  logic [2:0]             gsel_q;      // G - 1
  logic [CntBits-1:0]     rem_q;       // non-zeros still to emit (under len_mask_q)
  logic [CntBits-1:0]     rem;
  logic [SumBits-1:0]     last_idx_q;  // index of the previous non-zero (-1 at row start)
  logic [3:0]             g;           // gap field width 1..8
  logic                   hdr_bad, empty, esc, final_nz, ternary, bad_code;
  logic [GapBits-1:0]     gmask, gap, add;
  logic [3:0]             pb;
  logic [MaxCodeBits-1:0] pbmask, payload, code;
  logic [SumBits-1:0]     sum;
  logic                   skip, out_v, fire;

  assign ternary  = (wt == 3'(tern_pkg::WtTernary));
  assign g        = {1'b0, gsel_q} + 4'd1;
  assign hdr_bad  = (32'(g) > GapBits);
  assign rem      = rem_q & len_mask_q;
  assign empty    = (rem == '0);
  assign final_nz = (rem == CntBits'(1));
  assign pb       = ternary ? 4'd1 : cb;

  always_comb begin
    for (int i = 0; i < GapBits; i++) gmask[i] = (i <= 32'(gsel_q));
    for (int i = 0; i < MaxCodeBits; i++) pbmask[i] = (i < 32'(pb));
  end

  // payload = the MaxCodeBits stream bits after the G-bit gap field: peek >> (gsel + 1) as three
  // mux stages on gsel, MSB first, each only as wide as the later stages read.
  localparam int unsigned PlBits = MaxCodeBits + 7;
  logic [PeekBits-2:0] peek1;
  logic [3*PlBits-1:0] pst;  // stage s (shift 2**s) at [s*PlBits +: PlBits]
  assign peek1 = peek[PeekBits-1:1];
  always_comb begin
    for (int j = 0; j < PlBits; j++) begin
      pst[2*PlBits + j] = (gsel_q[2] && j + 4 < PeekBits - 1) ? peek1[(j + 4) % (PeekBits - 1)]
                                                                : peek1[j % (PeekBits - 1)];
    end
    for (int s = 1; s >= 0; s--) begin
      for (int j = 0; j < PlBits; j++) begin
        pst[s*PlBits + j] = gsel_q[s] ? pst[(s+1)*PlBits + (j + (1 << s)) % PlBits]
                                      : pst[(s+1)*PlBits + j];
      end
    end
  end
  assign payload = pst[MaxCodeBits-1:0] & pbmask;

  assign gap      = peek[GapBits-1:0] & gmask;
  assign esc      = (gap == '0);
  assign add      = esc ? gmask : gap;  // an escape advances 2**G - 1
  assign sum      = last_idx_q + SumBits'(add);
  assign code     = ternary ? MaxCodeBits'({payload[0], 1'b1}) : payload;
  assign bad_code = TypeFits[wt] && !ternary && (tern_pkg::code_reserved(32'(wt), 8'(payload)) ||
                                 tern_pkg::code_zero(32'(wt), 8'(payload)));
  assign need     = empty ? '0 : esc ? NeedBits'(g) : NeedBits'(g) + NeedBits'(pb);

  always_comb begin
    det      = 1'b0;
    det_code = 3'(tern_pkg::DecErrNone);
    out_v    = 1'b0;
    skip     = 1'b0;
    if (run) begin
      if (!cur_valid) begin
        if (got_last) begin
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrTrunc);
        end
      end else if (hdr_bad) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrField);
      end else if (empty) begin
        if (!end_ok) begin
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrNoEnd);
        end else begin
          out_v = 1'b1;
        end
      end else if (!have) begin
        if (got_last) begin
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrTrunc);
        end
      end else if (sum >= SumBits'(row_len)) begin  // a non-zero, or an escape, at/past the row end
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrIndex);
      end else if (esc) begin
        skip = 1'b1;
      end else if (bad_code) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrCode);
      end else if (final_nz && !end_ok) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrNoEnd);
      end else begin
        out_v = 1'b1;
      end
    end
  end

  assign fire    = out_v && ready_i;
  assign consume = skip || fire;
  assign fin     = fire && (empty || final_nz);

  // Header fields from the first word; count and previous index updated per entry.
  always_ff @(posedge clk_i) begin
    if (go) begin
      last_idx_q <= '1;
      len_mask_q <= len_mask;
    end else if (consume) begin
      last_idx_q <= sum;
    end
    if (first) begin
      gsel_q <= word_i[2:0];
      rem_q  <= word_i[3 +: CntBits];
    end else if (fire) begin
      rem_q <= rem_q - 1'b1;
    end
  end

  // ---- outputs ----------------------------------------------------------------------------------
  assign word_ready_o = go || (run && !fin && !det && free);
  assign valid_o      = out_v;
  assign code_o       = code;
  assign index_o      = sum[IdxBits-1:0];
  assign last_o       = empty || final_nz;
  assign empty_o      = empty;
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
  a_code_nonzero: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !empty_o |-> !tern_pkg::code_zero(32'(wt), 8'(code_o))) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_decomp_rle

`default_nettype wire
