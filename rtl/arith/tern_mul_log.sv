// Power-of-two (LogNet-style) weight times activation: a barrel shift and a conditional negation.
// Weight code {sign, f[2:0]}: f = 0 is zero, else the value is +-2^(f-1) (+-1 .. +-64); the
// reserved code 1000 ("-0") gives 0. Product = +-(act << (f-1)), exact in ActBits+8 bits.
`default_nettype none

module tern_mul_log #(
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  localparam int unsigned ProdBits = ActBits + 8
) (
  input  logic [ActBits-1:0]  act_i,
  input  logic [3:0]          wgt_i,
  output logic                nonzero_o,  // f != 0: the accumulator must update
  output logic [ProdBits-1:0] prod_o      // signed
);
  if (ActBits < 1 || ActBits > 32) begin : gen_check
    $error("tern_mul_log: ActBits must be 1..32");
  end

  logic [ProdBits-1:0] act_ext, shifted;
  logic [2:0]          f;
  logic [2:0]          sh;

  assign act_ext   = ActSigned ? ProdBits'($signed(act_i)) : ProdBits'(act_i);
  assign f         = wgt_i[2:0];
  assign sh        = f - 3'd1;  // 0..6 for f = 1..7
  assign shifted   = act_ext << sh;
  assign nonzero_o = (f != 3'd0);

  always_comb begin
    prod_o = '0;
    if (nonzero_o) prod_o = wgt_i[3] ? -shifted : shifted;
  end
endmodule : tern_mul_log

`default_nettype wire
