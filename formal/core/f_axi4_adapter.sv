// Formal harness of tern_axi4_adapter (rtl/core): Tern's single-beat memory ports to an AXI4 master.
// Environment: the Tern-side master keeps a refused request presented and unchanged (the simulation
// SVA a_rd_req_hold, a_wr_req_hold, assumed); the AXI4 slave answers only requests it has accepted
// (a_r_expected, a_b_expected: R after AR, B after both AW and W), with RLAST on every R beat (the
// SVA a_r_last), and keeps at most 3 of each outstanding (the shadow counters' range). Properties:
// the simulation SVA a_ar_hold, a_aw_hold, a_w_hold (a_wr_half, a_wr_done_req are internal: the
// RTL's FORMAL block); single-beat INCR bursts of 8 bytes (a_axi_fixed); every Tern request gives
// exactly one AR, or one AW and one W, carrying its address, data and byte strobes (a_ar_once, a_aw_once,
// a_w_once, a_wr_complete, a_aw_addr, a_w_data); every R and B beat becomes exactly one Tern
// response with its data and error flag (a_rd_rsp, a_wr_rsp) and only for an outstanding request
// (a_rd_rsp_expected, a_wr_rsp_expected): with one AXI ID, responses come in request order.
// probe: f_probe_aw_done i_dut.aw_done_q
// probe: f_probe_w_done  i_dut.w_done_q
`default_nettype none
`include "f_macros.svh"

module f_axi4_adapter (
  input logic        clk_i,
  input logic        rst_ni,
  input logic        rd_req_valid_i,
  input logic [31:0] rd_req_addr_i,
  input logic        rd_rsp_ready_i,
  input logic        wr_req_valid_i,
  input logic [31:0] wr_req_addr_i,
  input logic [63:0] wr_req_data_i,
  input logic [7:0]  wr_req_strb_i,
  input logic        wr_rsp_ready_i,
  input logic        m_axi_arready_i,
  input logic        m_axi_rvalid_i,
  input logic [63:0] m_axi_rdata_i,
  input logic [1:0]  m_axi_rresp_i,
  input logic        m_axi_rlast_i,
  input logic        m_axi_awready_i,
  input logic        m_axi_wready_i,
  input logic        m_axi_bvalid_i,
  input logic [1:0]  m_axi_bresp_i
);
  logic        rd_req_ready_o, rd_rsp_valid_o, rd_rsp_err_o, wr_req_ready_o, wr_rsp_valid_o, wr_rsp_err_o;
  logic [63:0] rd_rsp_data_o, m_axi_wdata_o;
  logic        m_axi_arvalid_o, m_axi_rready_o, m_axi_awvalid_o, m_axi_wvalid_o, m_axi_wlast_o;
  logic        m_axi_bready_o;
  logic [31:0] m_axi_araddr_o, m_axi_awaddr_o;
  logic [7:0]  m_axi_arlen_o, m_axi_awlen_o, m_axi_wstrb_o;
  logic [2:0]  m_axi_arsize_o, m_axi_awsize_o;
  logic [1:0]  m_axi_arburst_o, m_axi_awburst_o;

  tern_axi4_adapter i_dut (
    .clk_i, .rst_ni, .rd_req_valid_i, .rd_req_ready_o, .rd_req_addr_i, .rd_rsp_valid_o, .rd_rsp_ready_i,
    .rd_rsp_data_o, .rd_rsp_err_o, .wr_req_valid_i, .wr_req_ready_o, .wr_req_addr_i, .wr_req_data_i,
    .wr_req_strb_i, .wr_rsp_valid_o, .wr_rsp_ready_i, .wr_rsp_err_o, .m_axi_arvalid_o, .m_axi_arready_i,
    .m_axi_araddr_o, .m_axi_arlen_o, .m_axi_arsize_o, .m_axi_arburst_o, .m_axi_rvalid_i,
    .m_axi_rready_o, .m_axi_rdata_i, .m_axi_rresp_i, .m_axi_rlast_i, .m_axi_awvalid_o,
    .m_axi_awready_i, .m_axi_awaddr_o, .m_axi_awlen_o, .m_axi_awsize_o, .m_axi_awburst_o,
    .m_axi_wvalid_o, .m_axi_wready_i, .m_axi_wdata_o, .m_axi_wstrb_o, .m_axi_wlast_o,
    .m_axi_bvalid_i, .m_axi_bready_o, .m_axi_bresp_i
  );

  `F_RESET_GATE
  (* keep *) logic f_probe_aw_done, f_probe_w_done;  // the DUT's record of the current write (probes)

  logic       f_rd_acc, f_wr_acc, f_ar, f_aw, f_w, f_r, f_b, f_rrsp, f_wrsp;
  logic       f_aw_done_q, f_w_done_q;   // the current Tern write's AW / W handshake happened
  logic [1:0] f_ar_out_q, f_wr_out_q;    // AXI reads / writes (AW and W) without their response
  logic [1:0] f_rd_out_q, f_wrr_out_q;   // Tern reads / writes accepted without their response
  assign f_rd_acc = rd_req_valid_i && rd_req_ready_o;
  assign f_wr_acc = wr_req_valid_i && wr_req_ready_o;
  assign f_ar     = m_axi_arvalid_o && m_axi_arready_i;
  assign f_aw     = m_axi_awvalid_o && m_axi_awready_i;
  assign f_w      = m_axi_wvalid_o && m_axi_wready_i;
  assign f_r      = m_axi_rvalid_i && m_axi_rready_o;
  assign f_b      = m_axi_bvalid_i && m_axi_bready_o;
  assign f_rrsp   = rd_rsp_valid_o && rd_rsp_ready_i;
  assign f_wrsp   = wr_rsp_valid_o && wr_rsp_ready_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      f_aw_done_q <= 1'b0;
      f_w_done_q  <= 1'b0;
      f_ar_out_q  <= '0;
      f_wr_out_q  <= '0;
      f_rd_out_q  <= '0;
      f_wrr_out_q <= '0;
    end else begin
      f_aw_done_q <= !f_wr_acc && (f_aw_done_q || f_aw);
      f_w_done_q  <= !f_wr_acc && (f_w_done_q || f_w);
      f_ar_out_q  <= f_ar_out_q + {1'b0, f_ar} - {1'b0, f_r};
      f_wr_out_q  <= f_wr_out_q + {1'b0, f_wr_acc} - {1'b0, f_b};
      f_rd_out_q  <= f_rd_out_q + {1'b0, f_rd_acc} - {1'b0, f_rrsp};
      f_wrr_out_q <= f_wrr_out_q + {1'b0, f_wr_acc} - {1'b0, f_wrsp};
    end
  end

  // ---- environment ----------------------------------------------------------------------------
  `F_HOLD_ASSUME(a_rd_req_hold, rd_req_valid_i, rd_req_ready_o, 1'b0, rd_req_addr_i)
  `F_HOLD_ASSUME(a_wr_req_hold, wr_req_valid_i, wr_req_ready_o, 1'b0, {wr_req_addr_i, wr_req_data_i, wr_req_strb_i})
  `F_NOW_ASSUME(a_r_last, m_axi_rvalid_i, m_axi_rlast_i)
  `F_NOW_ASSUME(a_r_expected, m_axi_rvalid_i, f_ar_out_q != '0)
  `F_NOW_ASSUME(a_b_expected, m_axi_bvalid_i, f_wr_out_q != '0)
  `F_NOW_ASSUME(a_ar_limit, f_ar_out_q == 2'd3, !m_axi_arready_i)
  `F_NOW_ASSUME(a_aw_limit, f_wr_out_q == 2'd3, !m_axi_awready_i && !m_axi_wready_i)

  // ---- AXI4 master rules ----------------------------------------------------------------------
  `F_HOLD_ASSERT(a_ar_hold, m_axi_arvalid_o, m_axi_arready_i, 1'b0, m_axi_araddr_o)
  `F_HOLD_ASSERT(a_aw_hold, m_axi_awvalid_o, m_axi_awready_i, 1'b0, m_axi_awaddr_o)
  `F_HOLD_ASSERT(a_w_hold, m_axi_wvalid_o, m_axi_wready_i, 1'b0, {m_axi_wdata_o, m_axi_wstrb_o, m_axi_wlast_o})
  `F_NOW_ASSERT(a_axi_fixed, 1'b1, m_axi_arlen_o == 8'd0 && m_axi_arsize_o == 3'd3 && m_axi_arburst_o == 2'b01 &&
                m_axi_awlen_o == 8'd0 && m_axi_awsize_o == 3'd3 && m_axi_awburst_o == 2'b01 && m_axi_wlast_o)

  // ---- requests: each one exactly one AR, or one AW and one W ---------------------------------------
  `F_NOW_ASSERT(a_ar_once, 1'b1, f_ar == f_rd_acc && (!f_ar || m_axi_araddr_o == rd_req_addr_i))
  `F_NOW_ASSERT(a_aw_once, f_aw, !f_aw_done_q && wr_req_valid_i)
  `F_NOW_ASSERT(a_w_once, f_w, !f_w_done_q && wr_req_valid_i)
  `F_NOW_ASSERT(a_wr_complete, f_wr_acc, (f_aw_done_q || f_aw) && (f_w_done_q || f_w))
  // k-induction link: the shadow record equals the DUT's
  `F_NOW_ASSERT(f_wr_state, 1'b1, f_aw_done_q == f_probe_aw_done && f_w_done_q == f_probe_w_done)
  `F_NOW_ASSERT(a_aw_addr, m_axi_awvalid_o, m_axi_awaddr_o == wr_req_addr_i)
  `F_NOW_ASSERT(a_w_data, m_axi_wvalid_o, m_axi_wdata_o == wr_req_data_i && m_axi_wstrb_o == wr_req_strb_i)

  // ---- responses: each AXI response exactly one Tern response, for an outstanding request ----------
  `F_NOW_ASSERT(a_rd_rsp, 1'b1, f_rrsp == f_r && rd_rsp_valid_o == m_axi_rvalid_i &&
                rd_rsp_data_o == m_axi_rdata_i && rd_rsp_err_o == m_axi_rresp_i[1])
  `F_NOW_ASSERT(a_wr_rsp, 1'b1, f_wrsp == f_b && wr_rsp_valid_o == m_axi_bvalid_i &&
                wr_rsp_err_o == m_axi_bresp_i[1])
  // k-induction aid: Tern-side and AXI-side outstanding counts agree
  `F_NOW_ASSERT(f_out_equal, 1'b1, f_rd_out_q == f_ar_out_q && f_wrr_out_q == f_wr_out_q)
  `F_NOW_ASSERT(a_rd_rsp_expected, rd_rsp_valid_o, f_rd_out_q != '0)
  `F_NOW_ASSERT(a_wr_rsp_expected, wr_rsp_valid_o, f_wrr_out_q != '0)

  // ---- covers ---------------------------------------------------------------------------------
  `F_COVER(c_ar_stall, m_axi_arvalid_o && !m_axi_arready_i)
  `F_COVER(c_aw_first, f_aw && !f_w)
  `F_COVER(c_w_first, f_w && !f_aw)
  `F_COVER(c_wr_split_done, f_wr_acc && (f_aw_done_q || f_w_done_q))
  `F_COVER(c_wr_same_cycle, f_wr_acc && f_aw && f_w)
  `F_COVER(c_rd_err, f_rrsp && rd_rsp_err_o)
  `F_COVER(c_wr_err, f_wrsp && wr_rsp_err_o)
  `F_COVER(c_two_reads_out, f_rd_out_q == 2'd2)
  `F_COVER(c_wr_partial, f_w && m_axi_wstrb_o != 8'hff && m_axi_wstrb_o != 8'h00)
endmodule : f_axi4_adapter

`default_nettype wire
