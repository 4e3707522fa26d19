// RLE weight-row decompressor (thesis §3.4.1: index difference + sign): one non-zero per cycle.
// Row stream (docs/formats.md): header {count (L bits), G-1 (3 bits)} with L = bit_length(row_len),
// then per non-zero {payload, gap (G bits)}; gap = index - previous index (previous = -1 at row start);
// gap 0 is an escape that advances the previous index by 2^G - 1 and costs a cycle without output.
// Ternary payloads are the sign only (0: +1 -> code 01, 1: -1 -> code 11); other types store the code.
//
// Cycles (no stalls): max(1, non-zeros) + escapes per row, counted from the cycle after start_i; a row
// started in the final handshake cycle of the previous one follows it with no gap.
// Outputs are driven from registers through the bit window (no input-to-output paths); word_ready_o
// depends on start_i and, through the final handshake, on ready_i.
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
  localparam int unsigned NeedBits = $clog2(PeekBits + 1);
  localparam int unsigned SumBits  = IdxBits + 2;  // previous index, -1 .. 2**IdxBits + 2**GapBits - 2

  if (GapBits < 1 || GapBits > 8 || IdxBits < GapBits) begin : gen_check_gap
    $error("tern_decomp_rle: GapBits must be 1..8 and at most IdxBits");
  end
  if (2 * PeekBits > WordBits || HeadBits + PeekBits > WordBits) begin : gen_check_word
    $error("tern_decomp_rle: WordBits must be >= 2*(GapBits+MaxCodeBits) and >= IdxBits+4+GapBits+MaxCodeBits");
  end

  // ---- row control -------------------------------------------------------------------------------
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

  // Header length 3 + bit_length(row_len_i) and the count-field mask (ones up to row_len_i's MSB).
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

  // ---- bit window --------------------------------------------------------------------------------
  logic                free, got_last, cur_valid, have, end_ok, consume, load;
  logic [PeekBits-1:0] peek;
  logic [HeadBits-1:0] head;
  logic [NeedBits-1:0] need;

  assign load = word_valid_i && word_ready_o;

  tern_decomp_window #(
    .WordBits(WordBits),
    .PeekBits(PeekBits),
    .HeadBits(HeadBits)
  ) i_window (
    .clk_i,
    .rst_ni,
    .flush_i    (go),
    .flush_ptr_i(hdr_len),
    .load_i     (load),
    .word_i,
    .word_last_i,
    .free_o     (free),
    .got_last_o (got_last),
    .cur_valid_o(cur_valid),
    .peek_o     (peek),
    .head_o     (head),
    .need_i     (need),
    .have_o     (have),
    .end_ok_o   (end_ok),
    .consume_i  (consume)
  );

  // ---- entry decode ------------------------------------------------------------------------------
  logic                   hdr_q;       // the header is still unread (first decode cycle of the row)
  logic [2:0]             gsel_q, gsel;
  logic [CntBits-1:0]     rem_q, rem;  // non-zeros still to emit
  logic [SumBits-1:0]     last_idx_q;  // index of the previous non-zero (-1 at row start)
  logic [IdxBits:0]       lim_q;       // row_len - 1
  logic [3:0]             g;           // gap field width 1..8
  logic [CntBits-1:0]     cnt_hdr;
  logic                   hdr_bad, empty, esc, final_nz, ternary, bad_code;
  logic [GapBits-1:0]     gmask, gap, add;
  logic [3:0]             pb;
  logic [MaxCodeBits-1:0] pbmask, payload, code;
  logic [SumBits-1:0]     sum;
  logic                   skip, out_v, fire;

  assign ternary = (wt == 3'(tern_pkg::WtTernary));
  assign gsel    = hdr_q ? head[2:0] : gsel_q;
  assign g       = {1'b0, gsel} + 4'd1;
  assign cnt_hdr = head[3 +: CntBits] & len_mask_q;
  assign rem     = hdr_q ? cnt_hdr : rem_q;
  assign hdr_bad = hdr_q && ((32'(g) > GapBits) || (cnt_hdr > row_len));
  assign empty   = (rem == '0);
  assign pb      = ternary ? 4'd1 : cb;

  always_comb begin
    for (int i = 0; i < GapBits; i++) gmask[i] = (i < 32'(g));
    for (int i = 0; i < MaxCodeBits; i++) pbmask[i] = (i < 32'(pb));
  end

  assign gap      = peek[GapBits-1:0] & gmask;
  assign esc      = (gap == '0);
  assign payload  = MaxCodeBits'(peek >> g) & pbmask;
  assign code     = ternary ? MaxCodeBits'({payload[0], 1'b1}) : payload;
  assign bad_code = !ternary && (tern_pkg::code_reserved(32'(wt), 8'(payload)) ||
                                 tern_pkg::code_zero(32'(wt), 8'(payload)));
  assign add      = esc ? gmask : gap;  // an escape advances 2**G - 1
  assign sum      = last_idx_q + SumBits'(add);
  assign final_nz = (rem == CntBits'(1));
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
      end else if (esc) begin
        if (sum >= SumBits'(lim_q)) begin  // no room for a non-zero after the skipped positions
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrIndex);
        end else begin
          skip = 1'b1;
        end
      end else if (sum >= SumBits'(row_len)) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrIndex);
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

  always_ff @(posedge clk_i) begin
    if (go) begin
      hdr_q      <= 1'b1;
      last_idx_q <= '1;
      lim_q      <= row_len_i - 1'b1;
      len_mask_q <= len_mask;
    end else if (consume) begin
      hdr_q      <= 1'b0;
      gsel_q     <= gsel;
      rem_q      <= rem - CntBits'(!esc);
      last_idx_q <= sum;
    end
  end

  // ---- outputs -----------------------------------------------------------------------------------
  assign word_ready_o = go || (run && !fin && !det && free);
  assign valid_o      = out_v;
  assign code_o       = code;
  assign index_o      = sum[IdxBits-1:0];
  assign last_o       = empty || final_nz;
  assign empty_o      = empty;
  assign busy_o       = run;
endmodule : tern_decomp_rle

`default_nettype wire
