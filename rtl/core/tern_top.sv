// Tern accelerator top level, engine v2: AXI4-Lite host registers (tern_regs) + the Cols x Lanes
// engine (tern_core) + its memory port (single-beat read and write channels with byte strobes,
// docs/architecture.md "Memory interface").
`default_nettype none

module tern_top #(
  parameter int unsigned Cols       = 8,       // filters in parallel: 1, 2, 4, 8 or 16
  parameter int unsigned Lanes      = 8,       // output-row bands per column: 1, 2, 4 or 8
  parameter int unsigned Pack       = 8,       // 1, or 8: packed dense ternary/binary rows
  parameter int unsigned BankBytes  = 4096,    // activation bytes per lane bank and side
  parameter int unsigned CacheWords = 512,     // weight-cache words per bank (header + row)
  parameter int unsigned MaxConvRow = 1024,    // index-table entries
  parameter int unsigned AccBits    = 32,      // accumulator width
  parameter int unsigned MacTypes   = 32'h7f,  // bit t: bit-parallel multiplier for weight type t
  parameter int unsigned Formats    = 32'h1f,  // bit f: decompressor for Format f
  parameter bit          BitSerial  = 1'b1,    // bit-serial datapath
  parameter bit          Syq        = 1'b1,    // SYQ per-kernel-position weight scales
  parameter bit          Stats      = 1'b1,    // per-layer record and run counters
  parameter int unsigned RqUnits    = 4,       // shared requantisers (1, 2, 4 or 8, dividing Cols)
  parameter bit          RqSerial   = 1'b0     // serial requantisers (tern_requant_ser): less area, lower rate
) (
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
  localparam int unsigned NumCtrs = tern_pkg::NumCtrs;
  // CONFIG0..4 (docs/registers.md)
  localparam logic [31:0] Cfg0 = {8'(AccBits), Stats, Syq, BitSerial, 5'(Formats), 8'(MacTypes),
                                   8'(Lanes)};
  localparam logic [31:0] Cfg4 = {7'd0, RqSerial, 8'(Pack), 8'(RqUnits), 8'(Cols)};
  localparam logic [159:0] Config = (160'(Cfg4) << 128) | (160'(CacheWords) << 96) |
                                    (160'(MaxConvRow) << 64) | (160'(BankBytes) << 32) | 160'(Cfg0);

  logic                  start, soft_reset, done, error;
  logic                  busy  /* verilator public_flat_rd */;  // polled by the testbench
  logic [31:0]           prog_base, timeout;
  logic [7:0]            err_code;
  logic [15:0]           err_layer;
  logic [NumCtrs*64-1:0] ctrs;

  tern_regs #(.NumCtrs(NumCtrs), .Version(tern_pkg::VersionValue), .Config(Config)) i_regs (
    .clk_i, .rst_ni,
    .s_awvalid_i, .s_awready_o, .s_awaddr_i, .s_wvalid_i, .s_wready_o, .s_wdata_i, .s_wstrb_i,
    .s_bvalid_o, .s_bready_i, .s_bresp_o, .s_arvalid_i, .s_arready_o, .s_araddr_i,
    .s_rvalid_o, .s_rready_i, .s_rdata_o, .s_rresp_o,
    .start_o(start), .soft_reset_o(soft_reset), .prog_base_o(prog_base), .timeout_o(timeout), .irq_o,
    .busy_i(busy), .done_i(done), .error_i(error), .err_code_i(err_code), .err_layer_i(err_layer),
    .ctrs_i(ctrs)
  );

  tern_core #(
    .Cols(Cols), .Lanes(Lanes), .Pack(Pack), .BankBytes(BankBytes), .CacheWords(CacheWords),
    .MaxConvRow(MaxConvRow), .AccBits(AccBits), .MacTypes(MacTypes), .Formats(Formats),
    .BitSerial(BitSerial), .Syq(Syq), .Stats(Stats), .RqUnits(RqUnits),
    .RqSerial(RqSerial)
  ) i_core (
    .clk_i, .rst_ni, .start_i(start), .soft_reset_i(soft_reset), .prog_base_i(prog_base),
    .timeout_i(timeout), .busy_o(busy), .done_o(done), .error_o(error), .err_code_o(err_code),
    .err_layer_o(err_layer), .ctrs_o(ctrs),
    .rd_req_valid_o, .rd_req_ready_i, .rd_req_addr_o, .rd_rsp_valid_i, .rd_rsp_ready_o,
    .rd_rsp_data_i, .rd_rsp_err_i, .wr_req_valid_o, .wr_req_ready_i, .wr_req_addr_o, .wr_req_data_o,
    .wr_req_strb_o, .wr_rsp_valid_i, .wr_rsp_ready_o, .wr_rsp_err_i
  );
endmodule : tern_top

`default_nettype wire
