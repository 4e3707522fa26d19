// INT baseline multiplier: A-bit activation (signed or unsigned) times W-bit two's complement weight.
`default_nettype none

module tern_mul_int #(
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  parameter int unsigned WgtBits   = 8,
  localparam int unsigned ProdBits = ActBits + WgtBits
) (
  input  logic [ActBits-1:0]  act_i,
  input  logic [WgtBits-1:0]  wgt_i,
  output logic                nonzero_o,
  output logic [ProdBits-1:0] prod_o  // signed
);
  if (ActBits < 1 || ActBits > 32 || WgtBits < 2 || WgtBits > 32) begin : gen_check
    $error("tern_mul_int: ActBits must be 1..32 and WgtBits 2..32");
  end

  logic signed [ActBits:0]    act_s;
  logic signed [WgtBits-1:0]  wgt_s;
  logic signed [ProdBits:0]   prod_full;
  assign act_s     = ActSigned ? {act_i[ActBits-1], act_i} : {1'b0, act_i};
  assign wgt_s     = wgt_i;
  assign prod_full = act_s * wgt_s;
  // An A+1-bit signed times W-bit signed product of these operands always fits in A+W bits.
  assign prod_o    = prod_full[ProdBits-1:0];
  assign nonzero_o = |wgt_i;

  // The top bit is a sign copy by construction.
  logic unused_top;
  assign unused_top = prod_full[ProdBits];
endmodule : tern_mul_int

`default_nettype wire
