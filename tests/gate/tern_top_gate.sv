// Gate-level stand-in for tern_top (tests/gate): the Yosys netlist tern_top_gl (synth/ppa.py netlist)
// under the RTL top's name and ports, with the `busy` net the testbench polls (tb/accel_driver.hpp).
`default_nettype none

module tern_top (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        s_awvalid_i,
  output logic        s_awready_o,
  input  logic [11:0] s_awaddr_i,
  input  logic        s_wvalid_i,
  output logic        s_wready_o,
  input  logic [31:0] s_wdata_i,
  input  logic [3:0]  s_wstrb_i,
  output logic        s_bvalid_o,
  input  logic        s_bready_i,
  output logic [1:0]  s_bresp_o,
  input  logic        s_arvalid_i,
  output logic        s_arready_o,
  input  logic [11:0] s_araddr_i,
  output logic        s_rvalid_o,
  input  logic        s_rready_i,
  output logic [31:0] s_rdata_o,
  output logic [1:0]  s_rresp_o,
  output logic        irq_o,
  output logic        rd_req_valid_o,
  input  logic        rd_req_ready_i,
  output logic [31:0] rd_req_addr_o,
  input  logic        rd_rsp_valid_i,
  output logic        rd_rsp_ready_o,
  input  logic [63:0] rd_rsp_data_i,
  input  logic        rd_rsp_err_i,
  output logic        wr_req_valid_o,
  input  logic        wr_req_ready_i,
  output logic [31:0] wr_req_addr_o,
  output logic [63:0] wr_req_data_o,
  output logic [7:0]  wr_req_strb_o,
  input  logic        wr_rsp_valid_i,
  output logic        wr_rsp_ready_o,
  input  logic        wr_rsp_err_i
);
  logic busy  /* verilator public_flat_rd */;

  tern_top_gl i_gl (
    .clk_i, .rst_ni,
    .s_awvalid_i, .s_awready_o, .s_awaddr_i, .s_wvalid_i, .s_wready_o, .s_wdata_i, .s_wstrb_i,
    .s_bvalid_o, .s_bready_i, .s_bresp_o, .s_arvalid_i, .s_arready_o, .s_araddr_i,
    .s_rvalid_o, .s_rready_i, .s_rdata_o, .s_rresp_o, .irq_o,
    .rd_req_valid_o, .rd_req_ready_i, .rd_req_addr_o, .rd_rsp_valid_i, .rd_rsp_ready_o,
    .rd_rsp_data_i, .rd_rsp_err_i,
    .wr_req_valid_o, .wr_req_ready_i, .wr_req_addr_o, .wr_req_data_o, .wr_req_strb_o, .wr_rsp_valid_i,
    .wr_rsp_ready_o, .wr_rsp_err_i,
    .busy
  );
endmodule : tern_top

`default_nettype wire
