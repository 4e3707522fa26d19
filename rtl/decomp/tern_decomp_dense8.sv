// Packed reader of dense ternary/binary rows (Format 0, docs/formats.md): eight codes per entry, for
// lanes that add eight products per cycle (engine v2, Pack = 8). Same row framing as the dense
// decompressor: codes back to back from the row's first word, the row's last word marked last.
//
// Contract: start_i with row_len_i (a multiple of 8) and wtype_i (ternary: 2-bit codes, 4 entries per
// 64-bit word; binary: 1-bit codes, 8 entries per word). Entries: codes_o (8 codes, entry code j at
// [j*cb +: cb], zero above 8*cb), index_o = index of its first code, last_o on the row's final entry.
// Errors (sticky until clear_i, nothing consumed afterwards): config (row length 0 or not a multiple of
// 8, type not ternary/binary), start while busy, truncated (the last word ends before the row),
// no end (the row ends before its last word), reserved ternary code 10.
// Timing: one entry per cycle while words arrive; a word is taken in the cycle its predecessor's final
// entry is handed over, when the slot is empty, or with the row's start; outputs come from the slot register and counters.
// A row started in the handshake cycle of the previous row's final entry follows with no gap.
`default_nettype none

module tern_decomp_dense8 #(
  parameter int unsigned IdxBits = 16  // rows up to 2**IdxBits elements
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               start_i,
  input  logic [IdxBits:0]   row_len_i,
  input  logic [2:0]         wtype_i,
  input  logic               word_valid_i,
  output logic               word_ready_o,
  input  logic [63:0]        word_i,
  input  logic               word_last_i,
  output logic               valid_o,
  input  logic               ready_i,
  output logic [15:0]        codes_o,
  output logic [IdxBits-1:0] index_o,
  output logic               last_o,
  output logic               busy_o,
  output logic               err_o,
  output logic [2:0]         err_code_o,
  input  logic               clear_i
);
  if (IdxBits < 4 || IdxBits > 16) begin : gen_check
    $error("tern_decomp_dense8: IdxBits must be 4..16");
  end

  logic             run_q, err_q, tern_q, sv_q, wl_q;
  logic [2:0]       ecode_q;
  logic [IdxBits:0] len_q, idx_q;
  logic [63:0]      slot_q;
  logic [2:0]       ptr_q;          // entry within the slot
  logic             cfg_ok, go, fire, final_e, slot_end, load, res, det;
  logic [2:0]       det_code;
  logic [15:0]      codes;

  assign cfg_ok  = row_len_i != '0 && row_len_i[2:0] == 3'd0 &&
                   (!row_len_i[IdxBits] || row_len_i[IdxBits-1:0] == '0) &&  // at most 2**IdxBits
                   (wtype_i == 3'(tern_pkg::WtTernary) || wtype_i == 3'(tern_pkg::WtBinary));
  assign go      = start_i && !clear_i && !err_q && (!run_q || (fire && final_e));
  assign fire    = valid_o && ready_i;
  assign final_e = idx_q + (IdxBits+1)'(8) == len_q;
  assign slot_end = tern_q ? ptr_q == 3'd3 : ptr_q == 3'd7;
  // entry j of the slot: ternary 16 bits at [16*ptr +: 16], binary 8 bits at [8*ptr +: 8]
  assign codes   = tern_q ? slot_q[ptr_q[1:0]*16+:16] : {8'd0, slot_q[ptr_q*8+:8]};
  always_comb begin
    res = 1'b0;
    for (int j = 0; j < 8; j++) res = res || (tern_q && codes[2*j+:2] == 2'b10);
  end
  // errors seen at the entry under decode: a reserved code, or the final entry outside the last word /
  // the last word ending with entries still to come
  always_comb begin
    det      = 1'b0;
    det_code = 3'(tern_pkg::DecErrNone);
    if (run_q && sv_q) begin
      if (res) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrCode);
      end else if (final_e && !wl_q) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrNoEnd);
      end else if (!final_e && wl_q && slot_end) begin
        det      = 1'b1;
        det_code = 3'(tern_pkg::DecErrTrunc);
      end
    end
  end
  assign valid_o      = run_q && sv_q && !det;
  assign word_ready_o = (go && cfg_ok) || (run_q && !det && (!sv_q || (fire && slot_end && !final_e)));
  assign load         = word_valid_i && word_ready_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      run_q   <= 1'b0;
      err_q   <= 1'b0;
      ecode_q <= 3'(tern_pkg::DecErrNone);
      sv_q    <= 1'b0;
    end else begin
      if (det) begin
        run_q   <= 1'b0;
        err_q   <= 1'b1;
        ecode_q <= det_code;
      end else if (go) begin
        run_q <= cfg_ok;
        sv_q  <= load;
        if (!cfg_ok) begin
          err_q   <= 1'b1;
          ecode_q <= 3'(tern_pkg::DecErrConfig);
        end
      end else if (start_i && run_q && !(fire && final_e)) begin
        run_q   <= 1'b0;
        err_q   <= 1'b1;
        ecode_q <= 3'(tern_pkg::DecErrStart);
      end else begin
        if (fire && final_e) run_q <= 1'b0;
        if (load) sv_q <= 1'b1;
        else if (fire && slot_end) sv_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (go) begin
      len_q  <= row_len_i;
      idx_q  <= '0;
      ptr_q  <= '0;
      tern_q <= wtype_i == 3'(tern_pkg::WtTernary);
    end else begin
      if (fire) begin
        idx_q <= idx_q + (IdxBits+1)'(8);
        ptr_q <= slot_end ? 3'd0 : ptr_q + 3'd1;
      end
    end
    if (load) begin
      slot_q <= word_i;
      wl_q   <= word_last_i;
    end
  end

  assign codes_o    = codes;
  assign index_o    = idx_q[IdxBits-1:0];
  assign last_o     = final_e;
  assign busy_o     = run_q;
  assign err_o      = err_q;
  assign err_code_o = ecode_q;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i && !clear_i |=> valid_o && $stable(codes_o) && $stable(index_o))
    else tern_sva_fail($sformatf("%m"));
  a_index_in_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o |-> idx_q < len_q) else tern_sva_fail($sformatf("%m"));
  a_quiet_after_err: assert property (@(posedge clk_i) disable iff (!rst_ni)
    err_o |-> !valid_o && !word_ready_o) else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_decomp_dense8

`default_nettype wire
