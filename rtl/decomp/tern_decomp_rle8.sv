// Word-aligned RLE weight-row decompressor ("rle8", docs/formats.md "Format 4"): the thesis's decoder
// (Sec. 3.4.1), one byte entry {sign, gap (7 bits)} per cycle from one word register and an index
// adder. No bit window: entries never straddle a memory word, so a byte pointer into the current
// word replaces the funnel of the other formats.
//
// Row stream: a 2-byte count header (latched as the row's first word is loaded; at most 65535
// non-zeros per row), then one byte per entry: gap 1..127 = a non-zero at previous index + gap (previous
// = -1 at row start) with sign s (ternary: code {s, 1}; binary: code !s); gap 0 with s = 0 = escape,
// previous index += 127 (a cycle without output); gap 0 with s = 1 is reserved (DecErrField).
// Ternary and binary weights only: any other type or code width is a configuration error.
//
// Cycles (no stalls): max(1, non-zeros) + escapes per row, counted from the cycle after start_i; a
// row started in the final handshake cycle of the previous one follows it with no gap. code_o,
// index_o, last_o and empty_o come from registers (slot byte, previous index, count) through the
// index adder. word_ready_o depends on start_i and, through the handshake of an entry in a word's
// last byte (or of the row's final entry), on ready_i; never on word_valid_i. The one word slot is
// refilled in the cycle its last byte is consumed, so a word source must offer the next word in
// that cycle (a FIFO with a word waiting does) for one entry per cycle.
`default_nettype none

module tern_decomp_rle8 #(
  parameter int unsigned WordBits    = 64,  // memory word width (power of two, 8 bytes per entry)
  parameter int unsigned MaxCodeBits = 8,   // code_o width (>= 2: ternary codes)
  parameter int unsigned IdxBits     = 16   // rows up to 2**IdxBits elements (>= 7)
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
  localparam int unsigned CntBits = IdxBits + 1;   // row length; previous index -1 .. len+126
  localparam int unsigned Bytes   = WordBits / 8;  // entries per word
  localparam int unsigned PtrBits = $clog2(Bytes);

  if (IdxBits < 7 || IdxBits > 16 || MaxCodeBits < 2 || MaxCodeBits > 8) begin : gen_check_par
    $error("tern_decomp_rle8: IdxBits must be 7..16 and MaxCodeBits 2..8");
  end
  if (WordBits != 32 && WordBits != 64) begin : gen_check_word
    $error("tern_decomp_rle8: WordBits must be 32 or 64 (the count header and an entry in word 0)");
  end

  // ---- row control: start, configuration check, sticky error ------------------------------------
  // The same rules as tern_decomp_ctrl, specialised to the two types rle8 carries: instantiating the
  // shared block (generic code-width check, latched code width) measured 125 instead of 108 Xilinx
  // LUTs (bench/decomp_area.py), above the thesis's 112-LUT anchor, so the control stays inline.
  logic               run_q, run_d, err_q, err_d, tern_q;
  logic [2:0]         ecode_q, ecode_d;
  logic [CntBits-1:0] len_q;
  logic               cfg_ok, start_ok, go, fin, det;
  logic [2:0]         det_code;

  assign cfg_ok   = (row_len_i != '0) && (!row_len_i[IdxBits] || (row_len_i[IdxBits-1:0] == '0)) &&
                    (((wtype_i == 3'(tern_pkg::WtTernary)) && (code_bits_i == 4'd2)) ||
                     ((wtype_i == 3'(tern_pkg::WtBinary)) && (code_bits_i == 4'd1)));
  assign start_ok = start_i && !clear_i && !err_q && (!run_q || fin);
  assign go       = start_ok && cfg_ok;

  always_comb begin
    run_d   = run_q;
    err_d   = err_q;
    ecode_d = ecode_q;
    if (clear_i) begin
      run_d   = 1'b0;
      err_d   = 1'b0;
      ecode_d = 3'(tern_pkg::DecErrNone);
    end else if (run_q && det) begin
      run_d   = 1'b0;
      err_d   = 1'b1;
      ecode_d = det_code;
    end else if (start_ok) begin
      run_d = cfg_ok;
      if (!cfg_ok) begin
        err_d   = 1'b1;
        ecode_d = 3'(tern_pkg::DecErrConfig);
      end
    end else if (run_q && fin) begin
      run_d = 1'b0;
    end else if (run_q && start_i) begin
      run_d   = 1'b0;
      err_d   = 1'b1;
      ecode_d = 3'(tern_pkg::DecErrStart);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      run_q   <= 1'b0;
      err_q   <= 1'b0;
      ecode_q <= 3'(tern_pkg::DecErrNone);
    end else begin
      run_q   <= run_d;
      err_q   <= err_d;
      ecode_q <= ecode_d;
    end
  end

  // ---- word slot, byte pointer, entry decode ------------------------------------------------------
  logic [WordBits-1:0] slot_q;
  logic                sv_q;     // the slot holds a word with entries left
  logic                gl_q;     // the row's last word has been taken
  logic                hdr_q;    // the row's first word (its count header) is still to come
  logic [PtrBits-1:0]  ptr_q;    // byte of the slot under decode
  logic [15:0]         cnt_q;    // the row's non-zero count (header)
  logic [15:0]         num_q;    // 1 + non-zeros handed over so far
  logic [CntBits-1:0]  prev_q;   // index of the previous non-zero (-1 at row start)
  logic                load, first, empty, final_nz, esc, out_v, skip, fire, consume, retire;
  logic [7:0]          ent;
  logic [6:0]          add;
  logic [CntBits-1:0]  sum;

  // Byte under the pointer: a mux tree from the pointer's MSB down, each stage half as wide.
  logic [WordBits-9:0] mux;  // stage s (2**s bytes) at [8*(2**s - 1) +: 8*2**s]
  always_comb begin
    mux = '0;
    for (int j = 0; j < WordBits / 2; j++) begin
      mux[WordBits/2 - 8 + j] = ptr_q[PtrBits-1] ? slot_q[WordBits/2 + j] : slot_q[j];
    end
    for (int s = PtrBits - 2; s >= 0; s--) begin
      for (int j = 0; j < 8 * (1 << s); j++) begin
        mux[8 * ((1 << s) - 1) + j] = ptr_q[s] ? mux[8 * ((2 << s) - 1) + 8 * (1 << s) + j]
                                              : mux[8 * ((2 << s) - 1) + j];
      end
    end
  end
  assign ent = mux[7:0];

  assign load     = word_valid_i && word_ready_o;
  assign first    = word_valid_i && (go || (run_q && hdr_q));  // while hdr_q the slot is empty
  assign empty    = (cnt_q == 16'd0);
  assign final_nz = (num_q == cnt_q);
  assign esc      = (ent[6:0] == 7'd0);
  assign add      = ent[6:0] | {7{esc}};  // an escape advances 127
  assign sum      = prev_q + CntBits'(add);


  always_comb begin
    det      = 1'b0;
    det_code = 3'(tern_pkg::DecErrNone);
    out_v    = 1'b0;
    skip     = 1'b0;
    if (run_q) begin
      if (!sv_q) begin
        if (gl_q) begin
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrTrunc);
        end
      end else if (empty) begin
        if (!gl_q) begin
          det      = 1'b1;
          det_code = 3'(tern_pkg::DecErrNoEnd);
        end else begin
          out_v = 1'b1;
        end
      end else if (esc && ent[7]) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrField);
      end else if (sum >= len_q) begin  // a non-zero, or an escape, at/past the row end
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrIndex);
      end else if (esc) begin
        skip = 1'b1;
      end else if (final_nz && !gl_q) begin
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
  assign retire  = consume && (ptr_q == PtrBits'(Bytes - 1));

  // Control-like flags: meaningful only while run_q, (re)set at every start.
  always_ff @(posedge clk_i) begin
    if (go) begin
      sv_q  <= load;
      gl_q  <= load && word_last_i;
      hdr_q <= !load;
    end else if (load) begin
      sv_q  <= 1'b1;
      gl_q  <= gl_q || word_last_i;
      hdr_q <= 1'b0;
    end else if (retire) begin
      sv_q  <= 1'b0;
    end
  end

  // Datapath.
  always_ff @(posedge clk_i) begin
    if (load) slot_q <= word_i;
    if (go) begin
      ptr_q  <= PtrBits'(2);
      prev_q <= '1;
      len_q  <= row_len_i;
      tern_q <= (wtype_i == 3'(tern_pkg::WtTernary));
    end else if (consume) begin
      ptr_q  <= ptr_q + 1'b1;
      prev_q <= sum;
    end
    if (first) cnt_q <= word_i[15:0];
    if (go) begin
      num_q <= 16'd1;
    end else if (fire) begin
      num_q <= num_q + 1'b1;
    end
  end

  // ---- outputs ----------------------------------------------------------------------------------
  assign word_ready_o = go || (run_q && !gl_q && (!sv_q || retire));
  assign valid_o      = out_v;
  assign code_o       = {{(MaxCodeBits - 2){1'b0}}, tern_q && ent[7], tern_q || !ent[7]};
  assign index_o      = sum[IdxBits-1:0];
  assign last_o       = empty || final_nz;
  assign empty_o      = empty;
  assign busy_o       = run_q;
  assign err_o        = err_q;
  assign err_code_o   = ecode_q;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // entry output: held (and its fields stable; index/code are meaningless for an empty row) until
  // taken or cleared; only while running; never after an error; index inside the row and rising
  // within a row; the code a non-zero ternary (01/11) or binary (0/1) code
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
    valid_o && !empty_o |-> CntBits'(index_o) < len_q) else tern_sva_fail($sformatf("%m"));
  a_index_rising: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !empty_o && sva_prev_v_q |-> index_o > sva_prev_q) else tern_sva_fail($sformatf("%m"));
  a_code_legal: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !empty_o |-> (tern_q ? (code_o == MaxCodeBits'(1) || code_o == MaxCodeBits'(3))
                                    : (code_o == MaxCodeBits'(0) || code_o == MaxCodeBits'(1))))
    else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
  // ---- formal strengthening invariants (formal/, docs/formal.md): reachable-state facts that the
  // k-induction proofs of the port properties need; not read by simulation or synthesis
`ifdef FORMAL
  `include "f_macros.svh"
  `F_RESET_GATE
  `F_NOW_ASSERT(f_err_stops, err_q, !run_q)
  // before the header word: an empty slot, no last word, nothing handed over, the pointer after the count
  `F_NOW_ASSERT(f_hdr_first, run_q && hdr_q, !sv_q && !gl_q && num_q == 16'd1 && ptr_q == PtrBits'(2))
`endif
endmodule : tern_decomp_rle8

`default_nettype wire
