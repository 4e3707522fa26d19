// Simple dual-port RAM: one synchronous write port, one synchronous read port (data the cycle
// after the address). Written so Yosys infers block RAM (iCE40 SB_RAM40_4K, Xilinx RAMB).
`default_nettype none

module tern_ram_1r1w #(
  parameter int unsigned Width = 64,
  parameter int unsigned Depth = 1024,
  localparam int unsigned AddrBits = (Depth <= 1) ? 1 : $clog2(Depth)
) (
  input  logic                clk_i,
  input  logic                we_i,
  input  logic [AddrBits-1:0] waddr_i,
  input  logic [Width-1:0]    wdata_i,
  input  logic                re_i,
  input  logic [AddrBits-1:0] raddr_i,
  output logic [Width-1:0]    rdata_o
);
  if (Depth < 2) begin : gen_check
    $error("tern_ram_1r1w: Depth must be at least 2");
  end

  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
  end
  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem_q[raddr_i];
  end
  assign rdata_o = rdata_q;
endmodule : tern_ram_1r1w

`default_nettype wire
