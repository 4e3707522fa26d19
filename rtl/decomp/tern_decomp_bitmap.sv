// Bitmap weight-row decompressor (NullHop-style zero-value compression): one non-zero per cycle.
// Row stream (docs/formats.md): header {count (L bits)}, L = bit_length(row_len); then per block of
// BlockBits elements a mask (bit j = element base+j is non-zero) followed by the payloads of its
// non-zeros, lowest index first; blocks after the last non-zero's block are omitted. Ternary
// payloads are the sign only (0: +1 -> code 01, 1: -1 -> code 11); other types store the code. A
// block's mask is read in the same cycle as its first non-zero; an all-zero mask costs one cycle. A
// block with k non-zeros takes k cycles (one output lane): the throughput is one non-zero per cycle
// whatever the block's population.
//
// Cycles (no stalls): max(1, non-zeros) + empty blocks before the last non-zero, from the cycle
// after start_i; a row started in the final handshake cycle of the previous one follows it with no
// gap. Outputs are driven from registers through the bit window; word_ready_o depends on start_i
// and, through the final handshake, on ready_i.
`default_nettype none

module tern_decomp_bitmap #(
  parameter int unsigned WordBits    = 64,  // memory word width (power of two)
  parameter int unsigned MaxCodeBits = 8,   // widest weight code
  parameter int unsigned IdxBits     = 16,  // rows up to 2**IdxBits elements
  parameter int unsigned BlockBits   = 16   // elements per block (power of two, 4..32)
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
  localparam int unsigned HeadBits = CntBits;
  localparam int unsigned PeekBits = BlockBits + MaxCodeBits;
  localparam int unsigned PtrBits  = $clog2(WordBits) + 1;
  localparam logic [7:0]  TypeFits = tern_pkg::types_fitting(MaxCodeBits);
  localparam int unsigned NeedBits = $clog2(PeekBits + 1);
  localparam int unsigned BitBits  = $clog2(BlockBits);
  localparam int unsigned BlkBits  = IdxBits + 2 - BitBits;  // block number, with room past the row

  if (BlockBits < 4 || BlockBits > 32 || (BlockBits & (BlockBits - 1)) != 0 || BitBits > IdxBits)
  begin : gen_check_block
    $error("tern_decomp_bitmap: BlockBits must be a power of two in 4..32 and at most 2**IdxBits");
  end
  if (2 * PeekBits > WordBits || HeadBits + PeekBits > WordBits) begin : gen_check_word
    $error("tern_decomp_bitmap: WordBits below 2*(BlockBits+MaxCodeBits) or header+entry");
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

  // Header length bit_length(row_len_i) and the count-field mask (ones up to row_len_i's MSB).
  logic [CntBits-1:0] len_mask, len_mask_q;
  logic [PtrBits-1:0] hdr_len;
  always_comb begin
    len_mask = row_len_i;
    for (int i = CntBits - 2; i >= 0; i--) len_mask[i] = len_mask[i] | len_mask[i+1];
    hdr_len = '0;
    for (int i = 0; i < CntBits; i++) begin
      if (row_len_i[i]) hdr_len = PtrBits'(i + 1);
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
  logic [CntBits-1:0]     rem_q, rem;  // non-zeros still to emit
  logic [BlockBits-1:0]   mask_q;      // current block's non-zeros not yet emitted
  logic [BlkBits-1:0]     blk_q;       // current block number
  logic [BlkBits-1:0]     nb_q;        // number of the next block to read
  logic [BlkBits-1:0]     nb_inc, bnum;
  logic                   empty, in_blk, mzero, final_nz, ternary, bad_code;
  logic [BlockBits-1:0]   m, m_next;
  logic [BitBits-1:0]     bit_pos;
  logic [IdxBits+1:0]     idx, next_base;
  logic [3:0]             pb;
  logic [MaxCodeBits-1:0] pbmask, payload, code;
  logic                   skip, out_v, fire;

  assign ternary = (wt == 3'(tern_pkg::WtTernary));
  assign rem     = rem_q & len_mask_q;  // the count is latched raw from the first word
  assign empty   = (rem == '0);
  assign pb      = ternary ? 4'd1 : cb;
  assign in_blk  = (mask_q != '0);
  assign m       = in_blk ? mask_q : peek[BlockBits-1:0];
  assign mzero   = !in_blk && (peek[BlockBits-1:0] == '0);
  assign bnum    = in_blk ? blk_q : nb_q;
  assign nb_inc  = nb_q + 1'b1;
  assign m_next  = m & (m - 1'b1);

  always_comb begin
    for (int i = 0; i < MaxCodeBits; i++) pbmask[i] = (i < 32'(pb));
    bit_pos = '0;
    for (int i = BlockBits - 1; i >= 0; i--) begin
      if (m[i]) bit_pos = BitBits'(i);
    end
  end

  assign idx       = {bnum, bit_pos};
  assign next_base = {nb_inc, BitBits'(0)};
  assign payload   = (in_blk ? peek[MaxCodeBits-1:0] : peek[BlockBits +: MaxCodeBits]) & pbmask;
  assign code      = ternary ? MaxCodeBits'({payload[0], 1'b1}) : payload;
  assign bad_code  = TypeFits[wt] && !ternary && (tern_pkg::code_reserved(32'(wt), 8'(payload)) ||
                                  tern_pkg::code_zero(32'(wt), 8'(payload)));
  assign final_nz  = (rem == CntBits'(1));
  assign need      = empty ? '0 : in_blk ? NeedBits'(pb) :
                     mzero ? NeedBits'(BlockBits) : NeedBits'(BlockBits) + NeedBits'(pb);

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
      end else if (mzero) begin
        if (next_base >= (IdxBits+2)'(row_len)) begin  // no room for the non-zeros still counted
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrIndex);
        end else begin
          skip = 1'b1;
        end
      end else if (idx >= (IdxBits+2)'(row_len)) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrIndex);
      end else if (bad_code) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrCode);
      end else if (final_nz && (m_next != '0)) begin  // the mask holds more non-zeros than counted
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrField);
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
      mask_q     <= '0;
      nb_q       <= '0;
      len_mask_q <= len_mask;
    end else if (skip) begin
      nb_q <= nb_inc;
    end else if (fire) begin
      mask_q <= m_next;
      if (!in_blk) begin
        blk_q <= nb_q;
        nb_q  <= nb_inc;
      end
    end
    if (first) begin
      rem_q <= word_i[CntBits-1:0];  // the header: the non-zero count (raw, used under len_mask_q)
    end else if (fire) begin
      rem_q <= rem_q - 1'b1;
    end
  end

  // ---- outputs ----------------------------------------------------------------------------------
  assign word_ready_o = go || (run && !fin && !det && free);
  assign valid_o      = out_v;
  assign code_o       = code;
  assign index_o      = idx[IdxBits-1:0];
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
endmodule : tern_decomp_bitmap

`default_nettype wire
