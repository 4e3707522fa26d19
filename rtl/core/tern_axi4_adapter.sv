// Adapter from Tern's single-beat memory ports to an AXI4 master (64-bit data, 32-bit addresses,
// single-beat INCR bursts, ID 0). Read request -> AR, R -> read response; write request -> AW and W
// (accepted independently, the request completes when both are), B -> write response.
// SLVERR/DECERR responses become the port's err flag.
`default_nettype none

module tern_axi4_adapter (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Tern memory ports (slave side)
  input  logic        rd_req_valid_i,
  output logic        rd_req_ready_o,
  input  logic [31:0] rd_req_addr_i,
  output logic        rd_rsp_valid_o,
  input  logic        rd_rsp_ready_i,
  output logic [63:0] rd_rsp_data_o,
  output logic        rd_rsp_err_o,
  input  logic        wr_req_valid_i,
  output logic        wr_req_ready_o,
  input  logic [31:0] wr_req_addr_i,
  input  logic [63:0] wr_req_data_i,
  input  logic [7:0]  wr_req_strb_i,   // byte enables
  output logic        wr_rsp_valid_o,
  input  logic        wr_rsp_ready_i,
  output logic        wr_rsp_err_o,
  // AXI4 master
  output logic        m_axi_arvalid_o,
  input  logic        m_axi_arready_i,
  output logic [31:0] m_axi_araddr_o,
  output logic [7:0]  m_axi_arlen_o,
  output logic [2:0]  m_axi_arsize_o,
  output logic [1:0]  m_axi_arburst_o,
  input  logic        m_axi_rvalid_i,
  output logic        m_axi_rready_o,
  input  logic [63:0] m_axi_rdata_i,
  input  logic [1:0]  m_axi_rresp_i,
  input  logic        m_axi_rlast_i,
  output logic        m_axi_awvalid_o,
  input  logic        m_axi_awready_i,
  output logic [31:0] m_axi_awaddr_o,
  output logic [7:0]  m_axi_awlen_o,
  output logic [2:0]  m_axi_awsize_o,
  output logic [1:0]  m_axi_awburst_o,
  output logic        m_axi_wvalid_o,
  input  logic        m_axi_wready_i,
  output logic [63:0] m_axi_wdata_o,
  output logic [7:0]  m_axi_wstrb_o,
  output logic        m_axi_wlast_o,
  input  logic        m_axi_bvalid_i,
  output logic        m_axi_bready_o,
  input  logic [1:0]  m_axi_bresp_i
);
  // Read: a direct mapping (one beat per burst).
  assign m_axi_arvalid_o = rd_req_valid_i;
  assign rd_req_ready_o  = m_axi_arready_i;
  assign m_axi_araddr_o  = rd_req_addr_i;
  assign m_axi_arlen_o   = 8'd0;
  assign m_axi_arsize_o  = 3'd3;   // 8 bytes
  assign m_axi_arburst_o = 2'b01;  // INCR
  assign rd_rsp_valid_o  = m_axi_rvalid_i;
  assign m_axi_rready_o  = rd_rsp_ready_i;
  assign rd_rsp_data_o   = m_axi_rdata_i;
  assign rd_rsp_err_o    = m_axi_rresp_i[1];  // SLVERR or DECERR (bit 0 alone is EXOKAY)

  // Write: AW and W may be accepted in different cycles; the request is held until both are.
  logic aw_done_q, w_done_q, aw_fire, w_fire;
  assign m_axi_awvalid_o = wr_req_valid_i && !aw_done_q;
  assign m_axi_wvalid_o  = wr_req_valid_i && !w_done_q;
  assign aw_fire         = m_axi_awvalid_o && m_axi_awready_i;
  assign w_fire          = m_axi_wvalid_o && m_axi_wready_i;
  assign wr_req_ready_o  = (aw_done_q || aw_fire) && (w_done_q || w_fire);
  assign m_axi_awaddr_o  = wr_req_addr_i;
  assign m_axi_awlen_o   = 8'd0;
  assign m_axi_awsize_o  = 3'd3;
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_wdata_o   = wr_req_data_i;
  assign m_axi_wstrb_o   = wr_req_strb_i;
  assign m_axi_wlast_o   = 1'b1;
  assign wr_rsp_valid_o  = m_axi_bvalid_i;
  assign m_axi_bready_o  = wr_rsp_ready_i;
  assign wr_rsp_err_o    = m_axi_bresp_i[1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      aw_done_q <= 1'b0;
      w_done_q  <= 1'b0;
    end else if (wr_req_valid_i && wr_req_ready_o) begin
      aw_done_q <= 1'b0;
      w_done_q  <= 1'b0;
    end else begin
      if (aw_fire) aw_done_q <= 1'b1;
      if (w_fire) w_done_q <= 1'b1;
    end
  end

  // rlast is always set for single-beat bursts; response bit 0 (EXOKAY / DECERR) adds nothing.
  logic unused;
  assign unused = ^{m_axi_rlast_i, m_axi_rresp_i[0], m_axi_bresp_i[0]};

  // ---- assertions (simulation only) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // Tern ports (environment rules): a refused request stays presented, unchanged.
  a_rd_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_req_valid_i && !rd_req_ready_o |=> rd_req_valid_i && $stable(rd_req_addr_i))
    else tern_sva_fail($sformatf("%m"));
  a_wr_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_req_valid_i && !wr_req_ready_o |=> wr_req_valid_i && $stable(wr_req_addr_i) && $stable(wr_req_data_i) &&
                                          $stable(wr_req_strb_i))
    else tern_sva_fail($sformatf("%m"));
  // AXI4 master: AR, AW and W held, payload unchanged, until accepted.
  a_ar_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    m_axi_arvalid_o && !m_axi_arready_i |=> m_axi_arvalid_o && $stable(m_axi_araddr_o))
    else tern_sva_fail($sformatf("%m"));
  a_aw_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    m_axi_awvalid_o && !m_axi_awready_i |=> m_axi_awvalid_o && $stable(m_axi_awaddr_o))
    else tern_sva_fail($sformatf("%m"));
  a_w_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    m_axi_wvalid_o && !m_axi_wready_i |=> m_axi_wvalid_o && $stable(m_axi_wdata_o))
    else tern_sva_fail($sformatf("%m"));
  // One write at a time: its AW and W never both recorded as accepted (the request completes then),
  // and nothing recorded without a write request.
  a_wr_half: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(aw_done_q && w_done_q)) else tern_sva_fail($sformatf("%m"));
  a_wr_done_req: assert property (@(posedge clk_i) disable iff (!rst_ni)
    aw_done_q || w_done_q |-> wr_req_valid_i) else tern_sva_fail($sformatf("%m"));
  // AXI4 slave (environment rule): every beat of a single-beat burst is the last.
  a_r_last: assert property (@(posedge clk_i) disable iff (!rst_ni)
    m_axi_rvalid_i |-> m_axi_rlast_i) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
  // ---- formal (formal/, docs/formal.md): the internal SVA a_wr_half and a_wr_done_req, which the
  // k-induction proofs of the port properties need; not read by simulation or synthesis
`ifdef FORMAL
  `include "f_macros.svh"
  `F_RESET_GATE
  `F_NOW_ASSERT(a_wr_half, 1'b1, !(aw_done_q && w_done_q))
  `F_NOW_ASSERT(a_wr_done_req, aw_done_q || w_done_q, wr_req_valid_i)
`endif
endmodule : tern_axi4_adapter

`default_nettype wire
