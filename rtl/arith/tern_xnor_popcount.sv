// Binary XNOR-popcount dot product (FINN/BNN): Lanes packed 1-bit weights and activations, bit 1 =
// +1 and bit 0 = -1, so each product is XNOR and the dot product is 2*popcount(XNOR) - Lanes.
`default_nettype none

module tern_xnor_popcount #(
  parameter int unsigned Lanes     = 64,
  localparam int unsigned CountBits = $clog2(Lanes + 1),
  localparam int unsigned SumBits   = 2 + tern_pkg::clog2c(Lanes)  // holds -Lanes..Lanes
) (
  input  logic [Lanes-1:0]     act_i,
  input  logic [Lanes-1:0]     wgt_i,
  output logic [CountBits-1:0] count_o,  // number of agreeing lanes (products equal to +1)
  output logic [SumBits-1:0]   sum_o     // signed: 2*count - Lanes
);
  if (Lanes < 1 || Lanes > 4096) begin : gen_check
    $error("tern_xnor_popcount: Lanes must be 1..4096");
  end

  tern_popcount #(
    .Width(Lanes)
  ) i_popcount (
    .data_i (~(act_i ^ wgt_i)),
    .count_o
  );

  assign sum_o = (SumBits'(count_o) << 1) - SumBits'(Lanes);
endmodule : tern_xnor_popcount

`default_nettype wire
