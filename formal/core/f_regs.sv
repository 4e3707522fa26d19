// Formal harness of tern_regs (rtl/core, AXI4-Lite register block; map: docs/registers.md), with
// two run counters. Environment: the master keeps AW, W and AR (with their payloads) presented until
// accepted (the simulation SVA a_aw_hold, a_w_hold, a_ar_hold, assumed here); the engine's status
// inputs and the counters are free. Properties: the simulation SVA a_b_hold, a_r_hold, a_b_after_w,
// a_r_after_ar, a_start_idle, and every request answered once, in order (a_wr_once, a_rd_once,
// a_aw_w_together), the response code of every address and the ID, VERSION, CONFIG0..4 values (a_bresp, a_rresp), the configuration
// registers changed only by an accepted write while idle (a_prog, a_timeout), a_irq_cause.
`default_nettype none
`include "f_macros.svh"

module f_regs #(
  parameter int unsigned  NumCtrs = 2,
  parameter int unsigned  Version = 32'h0002_0001,  // build constants, distinct so that a read of
  parameter logic [159:0] Config  = 160'h4444_4444_3333_3333_2222_2222_1111_1111_a5c3_0f96  // the wrong one fails
) (
  input logic                  clk_i,
  input logic                  rst_ni,
  input logic                  s_awvalid_i,
  input logic [11:0]           s_awaddr_i,
  input logic                  s_wvalid_i,
  input logic [31:0]           s_wdata_i,
  input logic [3:0]            s_wstrb_i,
  input logic                  s_bready_i,
  input logic                  s_arvalid_i,
  input logic [11:0]           s_araddr_i,
  input logic                  s_rready_i,
  input logic                  busy_i,
  input logic                  done_i,
  input logic                  error_i,
  input logic [7:0]            err_code_i,
  input logic [15:0]           err_layer_i,
  input logic [NumCtrs*64-1:0] ctrs_i
);
  logic        s_awready_o, s_wready_o, s_bvalid_o, s_arready_o, s_rvalid_o;
  logic [1:0]  s_bresp_o, s_rresp_o;
  logic [31:0] s_rdata_o, prog_base_o, timeout_o;
  logic        start_o, soft_reset_o, irq_o;

  tern_regs #(
    .NumCtrs(NumCtrs),
    .Version(Version),
    .Config (Config)
  ) i_dut (
    .clk_i, .rst_ni, .s_awvalid_i, .s_awready_o, .s_awaddr_i, .s_wvalid_i, .s_wready_o, .s_wdata_i,
    .s_wstrb_i, .s_bvalid_o, .s_bready_i, .s_bresp_o, .s_arvalid_i, .s_arready_o, .s_araddr_i,
    .s_rvalid_o, .s_rready_i, .s_rdata_o, .s_rresp_o, .start_o, .soft_reset_o, .prog_base_o,
    .timeout_o, .irq_o, .busy_i, .done_i, .error_i, .err_code_i, .err_layer_i, .ctrs_i
  );

  `F_RESET_GATE

  // ---- environment: AXI4-Lite master rules ----------------------------------------------------
  `F_HOLD_ASSUME(a_aw_hold, s_awvalid_i, s_awready_o, 1'b0, s_awaddr_i)
  `F_HOLD_ASSUME(a_w_hold, s_wvalid_i, s_wready_o, 1'b0, {s_wdata_i, s_wstrb_i})
  `F_HOLD_ASSUME(a_ar_hold, s_arvalid_i, s_arready_o, 1'b0, s_araddr_i)

  // ---- shadow: requests accepted and not yet answered ---------------------------------------------
  logic       f_aw, f_w, f_b, f_ar, f_r;
  logic [1:0] f_wr_out_q, f_rd_out_q;
  assign f_aw = s_awvalid_i && s_awready_o;
  assign f_w  = s_wvalid_i && s_wready_o;
  assign f_b  = s_bvalid_o && s_bready_i;
  assign f_ar = s_arvalid_i && s_arready_o;
  assign f_r  = s_rvalid_o && s_rready_i;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      f_wr_out_q <= '0;
      f_rd_out_q <= '0;
    end else begin
      f_wr_out_q <= f_wr_out_q + {1'b0, f_aw} - {1'b0, f_b};
      f_rd_out_q <= f_rd_out_q + {1'b0, f_ar} - {1'b0, f_r};
    end
  end

  // writable registers; readable ones (docs/registers.md): 0x00..0x18, 0x20..0x30 (CONFIG0..4), counters
  function automatic logic f_writable(input logic [11:0] a);
    f_writable = (a == 12'h008) || (a == 12'h010) || (a == 12'h014) || (a == 12'h018);
  endfunction
  function automatic logic f_readable(input logic [11:0] a);
    f_readable = (a <= 12'h018 && a[1:0] == 2'b00) || (a >= 12'h020 && a <= 12'h030 && a[1:0] == 2'b00) ||
                 (a >= 12'h040 && a < 12'h040 + 12'(8 * NumCtrs) && a[1:0] == 2'b00);
  endfunction

  // ---- responses ------------------------------------------------------------------------------
  `F_HOLD_ASSERT(a_b_hold, s_bvalid_o, s_bready_i, 1'b0, s_bresp_o)
  `F_HOLD_ASSERT(a_r_hold, s_rvalid_o, s_rready_i, 1'b0, {s_rdata_o, s_rresp_o})
  `F_NEXT_ASSERT(a_b_after_w, !s_bvalid_o && !f_aw, !s_bvalid_o)
  `F_NEXT_ASSERT(a_r_after_ar, !s_rvalid_o && !f_ar, !s_rvalid_o)
  // every request answered exactly once, in order: one outstanding at most, answered by the
  // response being presented
  `F_NOW_ASSERT(a_aw_w_together, 1'b1, f_aw == f_w)
  `F_NOW_ASSERT(a_wr_once, 1'b1, f_wr_out_q == {1'b0, s_bvalid_o})
  `F_NOW_ASSERT(a_rd_once, 1'b1, f_rd_out_q == {1'b0, s_rvalid_o})
  `F_NEXT_ASSERT(a_bresp, f_aw, s_bresp_o == (f_writable($past(s_awaddr_i)) ? 2'b00 : 2'b10))
  // the build constants: ID, VERSION and CONFIG0..4 read back as the parameters
  function automatic logic f_const_ok(input logic [11:0] a, input logic [31:0] d);
    f_const_ok = 1'b1;
    if (a == 12'h000) f_const_ok = d == 32'h5445_524e;
    if (a == 12'h004) f_const_ok = d == 32'(Version);
    for (int i = 0; i < 5; i++) if (a == 12'h020 + 12'(4 * i)) f_const_ok = d == Config[32*i +: 32];
  endfunction
  `F_NEXT_ASSERT(a_rresp, f_ar, s_rresp_o == (f_readable($past(s_araddr_i)) ? 2'b00 : 2'b10) &&
                 f_const_ok($past(s_araddr_i), s_rdata_o))

  // ---- control --------------------------------------------------------------------------------
  `F_NOW_ASSERT(a_start_idle, start_o, !busy_i)
  // PROG_BASE / TIMEOUT: a byte changes only by an accepted write of that byte while idle
  function automatic logic [31:0] f_bytes(input logic [3:0] we, input logic [31:0] d, input logic [31:0] q);
    for (int b = 0; b < 4; b++) f_bytes[b*8 +: 8] = we[b] ? d[b*8 +: 8] : q[b*8 +: 8];
  endfunction
  logic [3:0] f_we_prog, f_we_tmo;
  assign f_we_prog = (f_aw && s_awaddr_i == 12'h010 && !busy_i) ? s_wstrb_i : 4'b0000;
  assign f_we_tmo  = (f_aw && s_awaddr_i == 12'h018 && !busy_i) ? s_wstrb_i : 4'b0000;
  `F_NEXT_ASSERT(a_prog, 1'b1, prog_base_o == f_bytes($past(f_we_prog), $past(s_wdata_i), $past(prog_base_o)))
  `F_NEXT_ASSERT(a_timeout, 1'b1, timeout_o == f_bytes($past(f_we_tmo), $past(s_wdata_i), $past(timeout_o)))
  // an interrupt is raised only by a finished or failed program
  `F_NEXT_ASSERT(a_irq_cause, !irq_o, !irq_o || $past(done_i || error_i))

  // ---- covers ---------------------------------------------------------------------------------
  `F_COVER(c_b_stall, s_bvalid_o && !s_bready_i)
  `F_COVER(c_r_stall, s_rvalid_o && !s_rready_i)
  `F_COVER(c_wr_slverr, f_b && s_bresp_o == 2'b10)
  `F_COVER(c_rd_ctr, f_ar && s_araddr_i == 12'h04c)
  `F_COVER(c_rd_config4, f_ar && s_araddr_i == 12'h030)
  `F_COVER(c_rd_slverr, f_r && s_rresp_o == 2'b10)
  `F_COVER(c_start, start_o)
  `F_COVER(c_start_busy, f_aw && s_awaddr_i == 12'h008 && s_wstrb_i[0] && s_wdata_i[0] && busy_i)
  `F_COVER(c_prog_written, f_aw && s_awaddr_i == 12'h010 && s_wstrb_i == 4'hf && !busy_i)
  `F_COVER(c_irq, irq_o)
  `F_COVER(c_aw_wait, s_awvalid_i && !s_wvalid_i)
endmodule : f_regs

`default_nettype wire
