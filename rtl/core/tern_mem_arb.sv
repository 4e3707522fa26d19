// Memory port of engine v2: the single-beat read and write channels (docs/architecture.md "Memory
// interface") shared by the engine's clients, which the sequencer's phase keeps exclusive: one read
// client (descriptor/SYQ words, the input loader or the weight fetcher) and one write client (the
// writer's store FIFO or the statistics record) at a time, already selected by the core.
//
// Contract: a request once presented stays presented until accepted (AXI rule). If the client stops
// driving it (error, soft reset) after it was refused, it becomes an orphan: the port keeps presenting
// it until accepted, the client's own requests wait, and its response is counted off and dropped.
// Responses are always taken (rsp ready = 1). rsp_ok_o marks a read response that belongs to the
// running phase: not after an error, not while idle, not one owed to an aborted run (flush counts).
// quiesce_i (error or abort) stops new requests. Counters of outstanding requests survive a soft reset.
// Timing: all outputs combinational from registers and the port/client inputs; no added latency.
`default_nettype none

module tern_mem_arb (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        quiesce_i,      // issue nothing new (error, abort)
  input  logic        active_i,       // a run is in progress (not idle, not stopped by an error)
  input  logic        abort_i,        // the run ends now (soft reset, or the error drain gives up)
  // read client
  input  logic        c_rd_valid_i,
  input  logic [31:0] c_rd_addr_i,
  output logic        c_rd_fire_o,    // the client's request was accepted
  output logic        rsp_ok_o,       // a read response for the running phase
  // write client
  input  logic        c_wr_valid_i,
  input  logic [31:0] c_wr_addr_i,
  input  logic [63:0] c_wr_data_i,
  input  logic [7:0]  c_wr_strb_i,
  output logic        c_wr_fire_o,
  // status
  output logic [15:0] rd_out_o,       // outstanding requests
  output logic [15:0] wr_out_o,
  output logic        rd_err_o,       // an error response for the running phase
  output logic        wr_err_o,
  output logic        waiting_o,      // a request refused, or responses due and none arriving
  // memory read port
  output logic        rd_req_valid_o,
  input  logic        rd_req_ready_i,
  output logic [31:0] rd_req_addr_o,
  input  logic        rd_rsp_valid_i,
  output logic        rd_rsp_ready_o,
  input  logic        rd_rsp_err_i,
  // memory write port
  output logic        wr_req_valid_o,
  input  logic        wr_req_ready_i,
  output logic [31:0] wr_req_addr_o,
  output logic [63:0] wr_req_data_o,
  output logic [7:0]  wr_req_strb_o,
  input  logic        wr_rsp_valid_i,
  output logic        wr_rsp_ready_o,
  input  logic        wr_rsp_err_i
);
  logic        rd_pres_q, wr_pres_q, rd_orph_q, wr_orph_q, rd_orph, wr_orph;
  logic [31:0] rd_hold_addr_q, wr_hold_addr_q;
  logic [63:0] wr_hold_data_q;
  logic [7:0]  wr_hold_strb_q;
  logic        rd_raw, wr_raw, rd_fire, wr_fire;
  logic [15:0] rd_out_q, wr_out_q, flush_q, wflush_q;

  assign rd_raw         = !quiesce_i && c_rd_valid_i;
  assign wr_raw         = !quiesce_i && c_wr_valid_i;
  assign rd_orph        = rd_orph_q || (rd_pres_q && !rd_raw);
  assign wr_orph        = wr_orph_q || (wr_pres_q && !wr_raw);
  assign rd_req_valid_o = rd_orph || rd_raw;
  assign rd_req_addr_o  = rd_orph ? rd_hold_addr_q : c_rd_addr_i;
  assign wr_req_valid_o = wr_orph || wr_raw;
  assign wr_req_addr_o  = wr_orph ? wr_hold_addr_q : c_wr_addr_i;
  assign wr_req_data_o  = wr_orph ? wr_hold_data_q : c_wr_data_i;
  assign wr_req_strb_o  = wr_orph ? wr_hold_strb_q : c_wr_strb_i;
  assign rd_rsp_ready_o = 1'b1;
  assign wr_rsp_ready_o = 1'b1;
  assign rd_fire        = rd_req_valid_o && rd_req_ready_i;
  assign wr_fire        = wr_req_valid_o && wr_req_ready_i;
  assign c_rd_fire_o    = rd_fire && !rd_orph;
  assign c_wr_fire_o    = wr_fire && !wr_orph;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_pres_q <= 1'b0;
      wr_pres_q <= 1'b0;
      rd_orph_q <= 1'b0;
      wr_orph_q <= 1'b0;
      rd_out_q  <= '0;
      wr_out_q  <= '0;
      flush_q   <= '0;
      wflush_q  <= '0;
    end else begin
      rd_pres_q <= rd_req_valid_o && !rd_req_ready_i;
      wr_pres_q <= wr_req_valid_o && !wr_req_ready_i;
      rd_orph_q <= rd_orph && !rd_req_ready_i;
      wr_orph_q <= wr_orph && !wr_req_ready_i;
      rd_out_q  <= rd_out_q + 16'(rd_fire) - 16'(rd_rsp_valid_i && rd_out_q != 0);
      wr_out_q  <= wr_out_q + 16'(wr_fire) - 16'(wr_rsp_valid_i && wr_out_q != 0);
      if (abort_i) begin
        // outstanding responses, plus a request still being presented (it will be answered too)
        flush_q  <= rd_out_q + 16'(rd_fire) - 16'(rd_rsp_valid_i && rd_out_q != 0) +
                    16'(rd_req_valid_o && !rd_req_ready_i);
        wflush_q <= wr_out_q + 16'(wr_fire) - 16'(wr_rsp_valid_i && wr_out_q != 0) +
                    16'(wr_req_valid_o && !wr_req_ready_i);
      end else begin
        if (rd_rsp_valid_i && flush_q != 0) flush_q <= flush_q - 16'd1;
        if (wr_rsp_valid_i && wflush_q != 0) wflush_q <= wflush_q - 16'd1;
      end
    end
    if (!rd_orph) rd_hold_addr_q <= rd_req_addr_o;
    if (!wr_orph) begin
      wr_hold_addr_q <= wr_req_addr_o;
      wr_hold_data_q <= wr_req_data_o;
      wr_hold_strb_q <= wr_req_strb_o;
    end
  end

  assign rsp_ok_o  = rd_rsp_valid_i && !rd_rsp_err_i && active_i && flush_q == 0;
  assign rd_err_o  = rd_rsp_valid_i && rd_rsp_err_i && active_i && flush_q == 0;
  assign wr_err_o  = wr_rsp_valid_i && wr_rsp_err_i && active_i && wflush_q == 0;
  assign rd_out_o  = rd_out_q;
  assign wr_out_o  = wr_out_q;
  // registered "refused last cycle" keeps the timeout free of loops through the request valids
  assign waiting_o = (rd_pres_q && !rd_req_ready_i) || (wr_pres_q && !wr_req_ready_i) ||
                     (rd_out_q != 0 && !rd_rsp_valid_i) || (wr_out_q != 0 && !wr_rsp_valid_i);
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_rd_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_req_valid_o && !rd_req_ready_i |=> rd_req_valid_o && $stable(rd_req_addr_o))
    else tern_sva_fail($sformatf("%m"));
  a_wr_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_req_valid_o && !wr_req_ready_i |=> wr_req_valid_o && $stable(wr_req_addr_o) &&
                                          $stable(wr_req_data_o) && $stable(wr_req_strb_o))
    else tern_sva_fail($sformatf("%m"));
  a_rd_rsp_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_rsp_valid_i |-> rd_out_q != '0) else tern_sva_fail($sformatf("%m"));
  a_wr_rsp_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_rsp_valid_i |-> wr_out_q != '0) else tern_sva_fail($sformatf("%m"));
  a_outstanding_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_out_q != '1 && wr_out_q != '1) else tern_sva_fail($sformatf("%m"));
  a_aligned: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_raw |-> c_wr_addr_i[2:0] == 3'd0) else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_mem_arb

`default_nettype wire
