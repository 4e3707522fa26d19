// Host control/status registers on AXI4-Lite (32-bit): start, status/error, program base, interrupt,
// build configuration and run performance counters. Register map: docs/registers.md.
`default_nettype none

module tern_regs #(
  parameter int unsigned    NumCtrs = 8,             // run counters (64-bit each)
  parameter int unsigned    Version = 1,             // value of the VERSION register
  parameter logic [159:0]   Config  = '0             // CONFIG0..CONFIG4 (CONFIGi at [32i +: 32])
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // AXI4-Lite slave
  input  logic                  s_awvalid_i,
  output logic                  s_awready_o,
  input  logic [11:0]           s_awaddr_i,
  input  logic                  s_wvalid_i,
  output logic                  s_wready_o,
  input  logic [31:0]           s_wdata_i,
  input  logic [3:0]            s_wstrb_i,
  output logic                  s_bvalid_o,
  input  logic                  s_bready_i,
  output logic [1:0]            s_bresp_o,
  input  logic                  s_arvalid_i,
  output logic                  s_arready_o,
  input  logic [11:0]           s_araddr_i,
  output logic                  s_rvalid_o,
  input  logic                  s_rready_i,
  output logic [31:0]           s_rdata_o,
  output logic [1:0]            s_rresp_o,
  // engine control
  output logic                  start_o,       // pulse: run the program at prog_base_o
  output logic                  soft_reset_o,  // pulse: abort and return to idle
  output logic [31:0]           prog_base_o,
  output logic [31:0]           timeout_o,     // memory response timeout in cycles, 0 = none
  output logic                  irq_o,
  // engine status
  input  logic                  busy_i,
  input  logic                  done_i,        // pulse: program finished without error
  input  logic                  error_i,       // pulse: program stopped with an error
  input  logic [7:0]            err_code_i,
  input  logic [15:0]           err_layer_i,
  input  logic [NumCtrs*64-1:0] ctrs_i         // run counters (docs/registers.md order)
);
  localparam logic [31:0] IdValue    = 32'(tern_pkg::IdValue);
  // Register offsets (tern_pkg, docs/registers.md)
  localparam logic [11:0] RegId      = 12'(tern_pkg::RegId);
  localparam logic [11:0] RegVersion = 12'(tern_pkg::RegVersion);
  localparam logic [11:0] RegCtrl    = 12'(tern_pkg::RegCtrl);
  localparam logic [11:0] RegStatus  = 12'(tern_pkg::RegStatus);
  localparam logic [11:0] RegProg    = 12'(tern_pkg::RegProg);
  localparam logic [11:0] RegIrq     = 12'(tern_pkg::RegIrq);
  localparam logic [11:0] RegTimeout = 12'(tern_pkg::RegTimeout);
  localparam logic [11:0] RegConfig0 = 12'(tern_pkg::RegConfig0);
  localparam logic [11:0] RegConfig1 = 12'(tern_pkg::RegConfig1);
  localparam logic [11:0] RegConfig2 = 12'(tern_pkg::RegConfig2);
  localparam logic [11:0] RegConfig3 = 12'(tern_pkg::RegConfig3);
  localparam logic [11:0] RegConfig4 = 12'(tern_pkg::RegConfig4);
  localparam logic [11:0] RegCtrBase = 12'(tern_pkg::RegCtrBase);

  logic        done_q, error_q, rejected_q, irq_en_q, irq_pend_q;
  logic [7:0]  code_q;
  logic [15:0] layer_q;
  logic [31:0] prog_q, timeout_q;
  logic        bvalid_q, rvalid_q;
  logic [1:0]  bresp_q, rresp_q;
  logic [31:0] rdata_q;

  // ---------------------------------------------------------------- write channel
  logic wr_fire;
  assign s_awready_o = s_awvalid_i && s_wvalid_i && !bvalid_q;
  assign s_wready_o  = s_awready_o;
  assign wr_fire     = s_awready_o;

  logic        wr_ctrl, wr_prog, wr_irq, wr_timeout, wr_known;
  logic        start_req, reset_req;
  always_comb begin
    wr_ctrl    = wr_fire && s_awaddr_i == RegCtrl;
    wr_prog    = wr_fire && s_awaddr_i == RegProg;
    wr_irq     = wr_fire && s_awaddr_i == RegIrq;
    wr_timeout = wr_fire && s_awaddr_i == RegTimeout;
    wr_known   = wr_ctrl || wr_prog || wr_irq || wr_timeout;
    start_req  = wr_ctrl && s_wstrb_i[0] && s_wdata_i[0];
    reset_req  = wr_ctrl && s_wstrb_i[0] && s_wdata_i[1];
  end

  assign soft_reset_o = reset_req;
  assign start_o      = start_req && !reset_req && !busy_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      bvalid_q   <= 1'b0;
      bresp_q    <= 2'b00;
      done_q     <= 1'b0;
      error_q    <= 1'b0;
      rejected_q <= 1'b0;
      irq_en_q   <= 1'b0;
      irq_pend_q <= 1'b0;
      code_q     <= '0;
      layer_q    <= '0;
      prog_q     <= '0;
      timeout_q  <= '0;
    end else begin
      if (s_bvalid_o && s_bready_i) bvalid_q <= 1'b0;
      if (wr_fire) begin
        bvalid_q <= 1'b1;
        // SLVERR for unmapped or read-only offsets
        bresp_q  <= wr_known ? 2'b00 : 2'b10;
      end
      // CTRL: [0] start, [1] soft reset, [2] irq enable
      if (wr_ctrl && s_wstrb_i[0]) irq_en_q <= s_wdata_i[2];
      if (reset_req) begin
        done_q     <= 1'b0;
        error_q    <= 1'b0;
        rejected_q <= 1'b0;
        code_q     <= '0;
        layer_q    <= '0;
        irq_pend_q <= 1'b0;
      end else if (start_o) begin
        done_q     <= 1'b0;
        error_q    <= 1'b0;
        rejected_q <= 1'b0;
        code_q     <= '0;
        layer_q    <= '0;
      end else if (start_req && busy_i) begin
        rejected_q <= 1'b1;  // start while busy is ignored and recorded
      end
      // Configuration registers are read-only while busy; a write is ignored and recorded.
      if ((wr_prog || wr_timeout) && busy_i) rejected_q <= 1'b1;
      for (int b = 0; b < 4; b++) begin
        if (s_wstrb_i[b] && !busy_i) begin
          if (wr_prog) prog_q[b*8+:8] <= s_wdata_i[b*8+:8];
          if (wr_timeout) timeout_q[b*8+:8] <= s_wdata_i[b*8+:8];
        end
      end
      if (done_i) begin
        done_q <= 1'b1;
        if (irq_en_q) irq_pend_q <= 1'b1;
      end
      if (error_i) begin
        error_q <= 1'b1;
        code_q  <= err_code_i;
        layer_q <= err_layer_i;
        if (irq_en_q) irq_pend_q <= 1'b1;
      end
      if (wr_irq && s_wstrb_i[0] && s_wdata_i[0]) irq_pend_q <= 1'b0;  // write 1 to clear
    end
  end

  assign s_bvalid_o   = bvalid_q;
  assign s_bresp_o    = bresp_q;
  assign prog_base_o  = prog_q;
  assign timeout_o    = timeout_q;
  assign irq_o        = irq_pend_q;

  // ---------------------------------------------------------------- read channel
  logic [31:0] rd_val;
  logic        rd_ok;
  always_comb begin
    rd_val = '0;
    rd_ok  = 1'b1;
    unique case (s_araddr_i)
      RegId:      rd_val = IdValue;
      RegVersion: rd_val = 32'(Version);
      RegCtrl:    rd_val = {29'd0, irq_en_q, 2'b00};
      RegStatus:  rd_val = {layer_q, code_q, 4'd0, rejected_q, error_q, done_q, busy_i};
      RegProg:    rd_val = prog_q;
      RegIrq:     rd_val = {31'd0, irq_pend_q};
      RegTimeout: rd_val = timeout_q;
      RegConfig0: rd_val = Config[31:0];
      RegConfig1: rd_val = Config[63:32];
      RegConfig2: rd_val = Config[95:64];
      RegConfig3: rd_val = Config[127:96];
      RegConfig4: rd_val = Config[159:128];
      default: begin
        rd_ok = 1'b0;
        // counters: 0x40 + 8*i (low word), +4 (high word)
        for (int i = 0; i < NumCtrs; i++) begin
          if (s_araddr_i == RegCtrBase + 12'(8 * i)) begin
            rd_val = ctrs_i[i*64+:32];
            rd_ok  = 1'b1;
          end
          if (s_araddr_i == RegCtrBase + 12'(8 * i + 4)) begin
            rd_val = ctrs_i[i*64+32+:32];
            rd_ok  = 1'b1;
          end
        end
      end
    endcase
  end

  assign s_arready_o = !rvalid_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rvalid_q <= 1'b0;
      rresp_q  <= 2'b00;
      rdata_q  <= '0;
    end else begin
      if (s_rvalid_o && s_rready_i) rvalid_q <= 1'b0;
      if (s_arvalid_i && s_arready_o) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rd_val;
        rresp_q  <= rd_ok ? 2'b00 : 2'b10;
      end
    end
  end
  assign s_rvalid_o = rvalid_q;
  assign s_rdata_o  = rdata_q;
  assign s_rresp_o  = rresp_q;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // AXI4-Lite: responses held, unchanged, until taken, and only after a request; the master's
  // address/data held while refused (environment rule); start only while idle
  a_b_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_bvalid_o && !s_bready_i |=> s_bvalid_o && $stable(s_bresp_o)) else tern_sva_fail($sformatf("%m"));
  a_r_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_rvalid_o && !s_rready_i |=> s_rvalid_o && $stable(s_rdata_o) && $stable(s_rresp_o))
    else tern_sva_fail($sformatf("%m"));
  a_b_after_w: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !s_bvalid_o && !wr_fire |=> !s_bvalid_o) else tern_sva_fail($sformatf("%m"));
  a_r_after_ar: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !s_rvalid_o && !(s_arvalid_i && s_arready_o) |=> !s_rvalid_o) else tern_sva_fail($sformatf("%m"));
  a_aw_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_awvalid_i && !s_awready_o |=> s_awvalid_i && $stable(s_awaddr_i)) else tern_sva_fail($sformatf("%m"));
  a_w_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_wvalid_i && !s_wready_o |=> s_wvalid_i && $stable(s_wdata_i) && $stable(s_wstrb_i))
    else tern_sva_fail($sformatf("%m"));
  a_ar_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s_arvalid_i && !s_arready_o |=> s_arvalid_i && $stable(s_araddr_i)) else tern_sva_fail($sformatf("%m"));
  a_start_idle: assert property (@(posedge clk_i) disable iff (!rst_ni)
    start_o |-> !busy_i) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_regs

`default_nettype wire
