// Tern accelerator top level: AXI4-Lite host registers + layer engine + memory port
// (single-beat read and write channels, docs/architecture.md "Memory interface").
`default_nettype none

module tern_top #(
  parameter int unsigned Lanes      = 8,
  parameter int unsigned ActDepth   = 32768,
  parameter int unsigned MaxRowLen  = 4096,
  parameter int unsigned CacheWords = 1024,
  parameter int unsigned AccBits    = 32,
  parameter int unsigned MacTypes   = 32'h7f,
  parameter int unsigned Formats    = 32'h1f,
  parameter bit          BitSerial  = 1'b1,
  parameter bit          Syq        = 1'b1
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // AXI4-Lite slave
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
  // memory read port
  output logic        rd_req_valid_o,
  input  logic        rd_req_ready_i,
  output logic [31:0] rd_req_addr_o,
  input  logic        rd_rsp_valid_i,
  output logic        rd_rsp_ready_o,
  input  logic [63:0] rd_rsp_data_i,
  input  logic        rd_rsp_err_i,
  // memory write port
  output logic        wr_req_valid_o,
  input  logic        wr_req_ready_i,
  output logic [31:0] wr_req_addr_o,
  output logic [63:0] wr_req_data_o,
  input  logic        wr_rsp_valid_i,
  output logic        wr_rsp_ready_o,
  input  logic        wr_rsp_err_i
);
  localparam int unsigned NumCtrs = 8;

  logic                  start, soft_reset, done, error;
  logic                  busy  /* verilator public_flat_rd */;  // polled by the testbench
  logic [31:0]           prog_base, timeout;
  logic [7:0]            err_code;
  logic [15:0]           err_layer;
  logic [NumCtrs*64-1:0] ctrs;

  localparam logic [31:0] Cfg0 = {8'(AccBits), 1'b0, Formats[4], Syq, BitSerial, Formats[3:0],
                                   8'(MacTypes), 8'(Lanes)};
  localparam logic [159:0] Config = (160'(CacheWords) << 96) | (160'(MaxRowLen) << 64) |
                                    (160'(ActDepth) << 32) | 160'(Cfg0);
  tern_regs #(
    .NumCtrs(NumCtrs),
    .Version(1),
    .Config (Config)
  ) i_regs (
    .clk_i, .rst_ni,
    .s_awvalid_i, .s_awready_o, .s_awaddr_i, .s_wvalid_i, .s_wready_o, .s_wdata_i, .s_wstrb_i,
    .s_bvalid_o, .s_bready_i, .s_bresp_o, .s_arvalid_i, .s_arready_o, .s_araddr_i,
    .s_rvalid_o, .s_rready_i, .s_rdata_o, .s_rresp_o,
    .start_o     (start),
    .soft_reset_o(soft_reset),
    .prog_base_o (prog_base),
    .timeout_o   (timeout),
    .irq_o,
    .busy_i      (busy),
    .done_i      (done),
    .error_i     (error),
    .err_code_i  (err_code),
    .err_layer_i (err_layer),
    .ctrs_i      (ctrs)
  );

  tern_engine #(
    .Lanes     (Lanes),
    .ActDepth  (ActDepth),
    .MaxRowLen (MaxRowLen),
    .CacheWords(CacheWords),
    .AccBits   (AccBits),
    .MacTypes  (MacTypes),
    .Formats   (Formats),
    .BitSerial (BitSerial),
    .Syq       (Syq)
  ) i_engine (
    .clk_i, .rst_ni,
    .start_i     (start),
    .soft_reset_i(soft_reset),
    .prog_base_i (prog_base),
    .timeout_i   (timeout),
    .busy_o      (busy),
    .done_o      (done),
    .error_o     (error),
    .err_code_o  (err_code),
    .err_layer_o (err_layer),
    .ctrs_o      (ctrs),
    .rd_req_valid_o, .rd_req_ready_i, .rd_req_addr_o, .rd_rsp_valid_i, .rd_rsp_ready_o,
    .rd_rsp_data_i, .rd_rsp_err_i,
    .wr_req_valid_o, .wr_req_ready_i, .wr_req_addr_o, .wr_req_data_o, .wr_rsp_valid_i,
    .wr_rsp_ready_o, .wr_rsp_err_i
  );
endmodule : tern_top

`default_nettype wire
