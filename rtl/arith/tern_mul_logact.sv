// Log-domain activation times log-domain weight: both are 4-bit codes {sign, f[2:0]} (f = 0 zero,
// else +-2^(f-1); 1000 reserved = 0), so the product is exactly sign * 2^(ea+ew), ea+ew in 0..12.
// No multiplier and no adder: the exponent sum is one-hot decoded, and a negative power of two is
// written directly in two's complement (-2^e = ones from bit e upwards).
`default_nettype none

module tern_mul_logact #(
  localparam int unsigned ProdBits = 14  // +-2^12 signed
) (
  input  logic [3:0]          act_i,
  input  logic [3:0]          wgt_i,
  output logic                nonzero_o,  // the weight is not zero
  output logic [ProdBits-1:0] prod_o      // signed
);
  logic [3:0] e;  // exponent of the magnitude: (fa - 1) + (fw - 1)
  logic       zero, neg;

  assign e         = {1'b0, act_i[2:0]} + {1'b0, wgt_i[2:0]} - 4'd2;
  assign zero      = (act_i[2:0] == 3'd0) || (wgt_i[2:0] == 3'd0);
  assign neg       = act_i[3] ^ wgt_i[3];
  assign nonzero_o = (wgt_i[2:0] != 3'd0);

  always_comb begin
    prod_o = '0;
    if (!zero) prod_o = neg ? ({ProdBits{1'b1}} << e) : (ProdBits'(1) << e);
  end
endmodule : tern_mul_logact

`default_nettype wire
