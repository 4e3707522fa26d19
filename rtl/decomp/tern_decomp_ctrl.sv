// Row control shared by the decompressors: accepts start_i, checks and latches the row
// configuration, runs until the row's final entry is handed over or an error is found, and keeps
// the sticky error code.
//
// start_i is taken while idle, and also in the cycle the final entry of the current row is handed
// over (valid_o && ready_i && last_o), so rows can run back to back. It is ignored while err_o is
// set. start_i at any other time while busy is the error DecErrStart. clear_i aborts the row and
// clears the error; it wins over start_i in the same cycle.
`default_nettype none

module tern_decomp_ctrl #(
  parameter int unsigned IdxBits     = 16,
  parameter int unsigned MaxCodeBits = 8
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,
  input  logic [IdxBits:0] row_len_i,
  input  logic [3:0]       code_bits_i,
  input  logic [2:0]       wtype_i,
  input  logic             clear_i,
  input  logic             fin_i,       // the row's final entry is handed over this cycle
  input  logic             det_i,       // the decoder found an error this cycle (while running)
  input  logic [2:0]       det_code_i,
  output logic             run_o,       // a row is being decoded (busy_o)
  output logic             go_o,        // a row starts this cycle: flush the window, take word 0
  output logic [IdxBits:0] row_len_o,   // configuration of the running row
  output logic [3:0]       code_bits_o,
  output logic [2:0]       wtype_o,
  output logic             err_o,
  output logic [2:0]       err_code_o
);
  if (IdxBits < 1 || IdxBits > 24 || MaxCodeBits < 1 || MaxCodeBits > 8) begin : gen_check
    $error("tern_decomp_ctrl: IdxBits must be 1..24 and MaxCodeBits 1..8");
  end

  logic             run_q, run_d;
  logic             err_q, err_d;
  logic [2:0]       code_q, code_d;
  logic             cfg_ok, start_ok;
  logic [IdxBits:0] len_q;
  logic [3:0]       cb_q;
  logic [2:0]       wt_q;

  assign cfg_ok = (row_len_i != '0) && (!row_len_i[IdxBits] || (row_len_i[IdxBits-1:0] == '0)) &&
                  (32'(code_bits_i) <= MaxCodeBits) &&
                  tern_pkg::code_bits_ok(32'(wtype_i), 32'(code_bits_i));
  assign start_ok = start_i && !clear_i && !err_q && (!run_q || fin_i);
  assign go_o     = start_ok && cfg_ok;

  always_comb begin
    run_d  = run_q;
    err_d  = err_q;
    code_d = code_q;
    if (clear_i) begin
      run_d  = 1'b0;
      err_d  = 1'b0;
      code_d = 3'(tern_pkg::DecErrNone);
    end else if (run_q && det_i) begin
      run_d  = 1'b0;
      err_d  = 1'b1;
      code_d = det_code_i;
    end else if (start_ok) begin
      run_d = cfg_ok;
      if (!cfg_ok) begin
        err_d  = 1'b1;
        code_d = 3'(tern_pkg::DecErrConfig);
      end
    end else if (run_q && fin_i) begin
      run_d = 1'b0;
    end else if (run_q && start_i) begin
      run_d  = 1'b0;
      err_d  = 1'b1;
      code_d = 3'(tern_pkg::DecErrStart);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      run_q  <= 1'b0;
      err_q  <= 1'b0;
      code_q <= 3'(tern_pkg::DecErrNone);
    end else begin
      run_q  <= run_d;
      err_q  <= err_d;
      code_q <= code_d;
    end
  end

  // Row configuration: datapath, loaded at each start.
  always_ff @(posedge clk_i) begin
    if (go_o) begin
      len_q <= row_len_i;
      cb_q  <= code_bits_i;
      wt_q  <= wtype_i;
    end
  end

  assign run_o       = run_q;
  assign row_len_o   = len_q;
  assign code_bits_o = cb_q;
  assign wtype_o     = wt_q;
  assign err_o       = err_q;
  assign err_code_o  = code_q;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // the decoder reports errors only while running; an error ends the row; a running row's
  // configuration is a legal one
  a_det_running: assert property (@(posedge clk_i) disable iff (!rst_ni)
    det_i |-> run_q) else tern_sva_fail($sformatf("%m"));
  a_err_stops: assert property (@(posedge clk_i) disable iff (!rst_ni)
    err_q |-> !run_q) else tern_sva_fail($sformatf("%m"));
  a_cfg_legal: assert property (@(posedge clk_i) disable iff (!rst_ni)
    run_q |-> len_q != '0 && (!len_q[IdxBits] || len_q[IdxBits-1:0] == '0) && 32'(cb_q) <= MaxCodeBits)
    else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
  // ---- formal strengthening invariants (formal/, docs/formal.md): reachable-state facts that the
  // k-induction proofs of the decompressors' port properties need; not read by simulation or synthesis
`ifdef FORMAL
  `include "f_macros.svh"
  `F_RESET_GATE
  `F_NOW_ASSERT(f_err_stops, err_q, !run_q)
  `F_NOW_ASSERT(f_cfg_legal, run_q, len_q != '0 && (!len_q[IdxBits] || len_q[IdxBits-1:0] == '0) &&
                32'(cb_q) <= MaxCodeBits && tern_pkg::code_bits_ok(32'(wt_q), 32'(cb_q)))
`endif
endmodule : tern_decomp_ctrl

`default_nettype wire
