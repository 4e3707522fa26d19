// Formal harness of tern_mem_arb (rtl/core): engine v2's memory port (docs/architecture.md "Memory
// interface"), with free clients, free phase inputs (quiesce, active, abort) and a free memory.
// Environment: a client keeps a request it still presents unchanged until the port fires it (it may
// withdraw it at any time: error, soft reset; a_client_rd_hold, a_client_wr_hold); written words are
// 8-byte aligned (the SVA a_aligned, assumed); the memory answers only requests it has accepted (the
// SVA a_rd_rsp_expected, a_wr_rsp_expected, assumed) and keeps at most MaxOut of each outstanding.
// Properties: the SVA a_rd_req_hold, a_wr_req_hold (AXI rule: a refused request stays presented and
// unchanged, even when its client has withdrawn it: the orphan) and a_outstanding_range; every port
// acceptance is either the presented client request, fired once with its own address/data/strobes,
// or the orphan, which never fires a client (a_rd_fire, a_wr_fire); nothing new issued while
// quiesced (a_rd_quiesce, a_wr_quiesce); the outstanding counts are accepted minus answered
// (a_rd_out, a_wr_out); responses owed to an aborted run (outstanding at the abort, or the request
// then presented) are dropped and every other response of a running phase is passed on as data or
// error (a_rsp_ok, a_rd_err, a_wr_err); waiting_o (the timeout's input) exactly when a request is
// refused again or responses are due and none arrives (a_waiting).
// probe: f_probe_flush  i_dut.flush_q
// probe: f_probe_wflush i_dut.wflush_q
`default_nettype none
`include "f_macros.svh"

module f_mem_arb #(
  parameter int unsigned MaxOut = 3  // outstanding requests the memory accepts, per channel
) (
  input logic        clk_i,
  input logic        rst_ni,
  input logic        quiesce_i,
  input logic        active_i,
  input logic        abort_i,
  input logic        c_rd_valid_i,
  input logic [31:0] c_rd_addr_i,
  input logic        c_wr_valid_i,
  input logic [31:0] c_wr_addr_i,
  input logic [63:0] c_wr_data_i,
  input logic [7:0]  c_wr_strb_i,
  input logic        rd_req_ready_i,
  input logic        rd_rsp_valid_i,
  input logic        rd_rsp_err_i,
  input logic        wr_req_ready_i,
  input logic        wr_rsp_valid_i,
  input logic        wr_rsp_err_i
);
  logic        c_rd_fire_o, rsp_ok_o, c_wr_fire_o, rd_err_o, wr_err_o, waiting_o;
  logic [15:0] rd_out_o, wr_out_o;
  logic        rd_req_valid_o, rd_rsp_ready_o, wr_req_valid_o, wr_rsp_ready_o;
  logic [31:0] rd_req_addr_o, wr_req_addr_o;
  logic [63:0] wr_req_data_o;
  logic [7:0]  wr_req_strb_o;

  tern_mem_arb i_dut (
    .clk_i, .rst_ni, .quiesce_i, .active_i, .abort_i, .c_rd_valid_i, .c_rd_addr_i, .c_rd_fire_o,
    .rsp_ok_o, .c_wr_valid_i, .c_wr_addr_i, .c_wr_data_i, .c_wr_strb_i, .c_wr_fire_o, .rd_out_o,
    .wr_out_o, .rd_err_o, .wr_err_o, .waiting_o, .rd_req_valid_o, .rd_req_ready_i, .rd_req_addr_o,
    .rd_rsp_valid_i, .rd_rsp_ready_o, .rd_rsp_err_i, .wr_req_valid_o, .wr_req_ready_i,
    .wr_req_addr_o, .wr_req_data_o, .wr_req_strb_o, .wr_rsp_valid_i, .wr_rsp_ready_o, .wr_rsp_err_i
  );

  `F_RESET_GATE
  (* keep *) logic [15:0] f_probe_flush, f_probe_wflush;  // the DUT's owed-response counts (probes)

  // ---- shadow: port handshakes, outstanding and owed responses ----------------------------------
  logic        f_rd_raw, f_wr_raw, f_rd_acc, f_wr_acc, f_rd_pend, f_wr_pend;
  logic [15:0] f_rd_out_q, f_wr_out_q, f_rd_owed_q, f_wr_owed_q, f_rd_out_d, f_wr_out_d;
  logic        f_rd_pres_q, f_wr_pres_q;  // the port's request was refused last cycle
  assign f_rd_raw   = c_rd_valid_i && !quiesce_i;
  assign f_wr_raw   = c_wr_valid_i && !quiesce_i;
  assign f_rd_acc   = rd_req_valid_o && rd_req_ready_i;
  assign f_wr_acc   = wr_req_valid_o && wr_req_ready_i;
  assign f_rd_pend  = rd_req_valid_o && !rd_req_ready_i;
  assign f_wr_pend  = wr_req_valid_o && !wr_req_ready_i;
  assign f_rd_out_d = f_rd_out_q + 16'(f_rd_acc) - 16'(rd_rsp_valid_i);
  assign f_wr_out_d = f_wr_out_q + 16'(f_wr_acc) - 16'(wr_rsp_valid_i);
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      f_rd_out_q  <= '0;
      f_wr_out_q  <= '0;
      f_rd_owed_q <= '0;
      f_wr_owed_q <= '0;
      f_rd_pres_q <= 1'b0;
      f_wr_pres_q <= 1'b0;
    end else begin
      f_rd_out_q  <= f_rd_out_d;
      f_wr_out_q  <= f_wr_out_d;
      f_rd_pres_q <= f_rd_pend;
      f_wr_pres_q <= f_wr_pend;
      if (abort_i) begin
        f_rd_owed_q <= f_rd_out_d + 16'(f_rd_pend);
        f_wr_owed_q <= f_wr_out_d + 16'(f_wr_pend);
      end else begin
        if (rd_rsp_valid_i && f_rd_owed_q != '0) f_rd_owed_q <= f_rd_owed_q - 16'd1;
        if (wr_rsp_valid_i && f_wr_owed_q != '0) f_wr_owed_q <= f_wr_owed_q - 16'd1;
      end
    end
  end

  // ---- environment ----------------------------------------------------------------------------
  always @(posedge clk_i) begin
    if (f_en_past && $past(f_rd_raw && !c_rd_fire_o) && f_rd_raw) a_client_rd_hold: assume ($stable(c_rd_addr_i));
    if (f_en_past && $past(f_wr_raw && !c_wr_fire_o) && f_wr_raw)
      a_client_wr_hold: assume ($stable(c_wr_addr_i) && $stable(c_wr_data_i) && $stable(c_wr_strb_i));
  end
  `F_NOW_ASSUME(a_aligned, f_wr_raw, c_wr_addr_i[2:0] == 3'd0)
  `F_NOW_ASSUME(a_rd_rsp_expected, rd_rsp_valid_i, f_rd_out_q != '0)
  `F_NOW_ASSUME(a_wr_rsp_expected, wr_rsp_valid_i, f_wr_out_q != '0)
  `F_NOW_ASSUME(a_rd_limit, f_rd_out_q >= 16'(MaxOut), !rd_req_ready_i)
  `F_NOW_ASSUME(a_wr_limit, f_wr_out_q >= 16'(MaxOut), !wr_req_ready_i)

  // ---- port rules -----------------------------------------------------------------------------
  `F_HOLD_ASSERT(a_rd_req_hold, rd_req_valid_o, rd_req_ready_i, 1'b0, rd_req_addr_o)
  `F_HOLD_ASSERT(a_wr_req_hold, wr_req_valid_o, wr_req_ready_i, 1'b0, {wr_req_addr_o, wr_req_data_o, wr_req_strb_o})
  `F_NOW_ASSERT(a_rsp_ready, 1'b1, rd_rsp_ready_o && wr_rsp_ready_o)
  `F_NOW_ASSERT(a_outstanding_range, 1'b1, rd_out_o != '1 && wr_out_o != '1)
  // a port request that was not refused last cycle is the client's; the client fires exactly when
  // its own request is accepted (never for the orphan)
  `F_NOW_ASSERT(a_rd_fire, 1'b1, (f_rd_pres_q || rd_req_valid_o == f_rd_raw) &&
                (!rd_req_valid_o || f_rd_pres_q || rd_req_addr_o == c_rd_addr_i) &&
                (!c_rd_fire_o || (f_rd_acc && f_rd_raw && rd_req_addr_o == c_rd_addr_i)) &&
                (!(f_rd_acc && f_rd_raw && !f_rd_pres_q) || c_rd_fire_o))
  `F_NOW_ASSERT(a_wr_fire, 1'b1, (f_wr_pres_q || wr_req_valid_o == f_wr_raw) &&
                (!wr_req_valid_o || f_wr_pres_q ||
                 {wr_req_addr_o, wr_req_data_o, wr_req_strb_o} == {c_wr_addr_i, c_wr_data_i, c_wr_strb_i}) &&
                (!c_wr_fire_o || (f_wr_acc && f_wr_raw &&
                 {wr_req_addr_o, wr_req_data_o, wr_req_strb_o} == {c_wr_addr_i, c_wr_data_i, c_wr_strb_i})) &&
                (!(f_wr_acc && f_wr_raw && !f_wr_pres_q) || c_wr_fire_o))
  // while quiesced only a request refused last cycle (now an orphan) is presented, and no client fires
  `F_NOW_ASSERT(a_rd_quiesce, quiesce_i, (!rd_req_valid_o || f_rd_pres_q) && !c_rd_fire_o)
  `F_NOW_ASSERT(a_wr_quiesce, quiesce_i, (!wr_req_valid_o || f_wr_pres_q) && !c_wr_fire_o)
  `F_NOW_ASSERT(a_rd_out, 1'b1, rd_out_o == f_rd_out_q)
  `F_NOW_ASSERT(a_wr_out, 1'b1, wr_out_o == f_wr_out_q)
  // responses of the running phase: passed on unless owed to an aborted run
  `F_NOW_ASSERT(a_rsp_ok, 1'b1, rsp_ok_o == (rd_rsp_valid_i && !rd_rsp_err_i && active_i && f_rd_owed_q == '0))
  `F_NOW_ASSERT(a_rd_err, 1'b1, rd_err_o == (rd_rsp_valid_i && rd_rsp_err_i && active_i && f_rd_owed_q == '0))
  `F_NOW_ASSERT(a_wr_err, 1'b1, wr_err_o == (wr_rsp_valid_i && wr_rsp_err_i && active_i && f_wr_owed_q == '0))
  `F_NOW_ASSERT(a_waiting, 1'b1, waiting_o == ((f_rd_pres_q && !rd_req_ready_i) || (f_wr_pres_q && !wr_req_ready_i) ||
                (f_rd_out_q != '0 && !rd_rsp_valid_i) || (f_wr_out_q != '0 && !wr_rsp_valid_i)))
  // k-induction aids: the shadow counts within the memory's limit; the DUT's owed counts equal the shadow's
  `F_NOW_ASSERT(f_out_range, 1'b1, f_rd_out_q <= 16'(MaxOut) && f_wr_out_q <= 16'(MaxOut))
  `F_NOW_ASSERT(f_owed_link, 1'b1, f_probe_flush == f_rd_owed_q && f_probe_wflush == f_wr_owed_q)

  // ---- covers ---------------------------------------------------------------------------------
  `F_COVER(c_rd_refused, f_rd_pend && f_rd_raw)
  `F_COVER(c_rd_orphan, rd_req_valid_o && !f_rd_raw)
  `F_COVER(c_rd_orphan_taken, f_rd_acc && !f_rd_raw && !quiesce_i)
  `F_COVER(c_rd_client_waits, f_rd_raw && !c_rd_fire_o && f_rd_acc)
  `F_COVER(c_wr_orphan, wr_req_valid_o && !f_wr_raw)
  `F_COVER(c_wr_client_waits, f_wr_raw && !c_wr_fire_o && f_wr_acc)
  `F_COVER(c_quiesce_held, quiesce_i && rd_req_valid_o && wr_req_valid_o)
  `F_COVER(c_rd_full, f_rd_out_q == 16'(MaxOut))
  `F_COVER(c_rd_dropped, rd_rsp_valid_i && active_i && !rsp_ok_o && !rd_rsp_err_i)
  `F_COVER(c_wr_dropped, wr_rsp_valid_i && active_i && wr_rsp_err_i && !wr_err_o)
  `F_COVER(c_rsp_ok_after_abort, rsp_ok_o && $past(f_rd_owed_q != '0))
  `F_COVER(c_rd_err, rd_err_o)
  `F_COVER(c_wr_err, wr_err_o)
  `F_COVER(c_waiting, waiting_o && !f_rd_pres_q && !f_wr_pres_q)
endmodule : f_mem_arb

`default_nettype wire
