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

  // The engine never reads and writes one address in the same cycle, so no collision logic is needed
  // (without the attribute Yosys adds read-first bypass registers around every block RAM).
  (* no_rw_check *) logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
  end
  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem_q[raddr_i];
  end
  assign rdata_o = rdata_q;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // what no_rw_check relies on: never a read and a write of the same address in one cycle
  // (armed after the first cycles: the RAM has no reset, and its ports are random until the
  // clients' reset reaches them in X-state runs)
  int unsigned armed_q = 0;
  always_ff @(posedge clk_i) if (armed_q < 4) armed_q <= armed_q + 1;
  a_no_collision: assert property (@(posedge clk_i) armed_q < 4 || !(we_i && re_i && waddr_i == raddr_i))
    else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_ram_1r1w

`default_nettype wire
