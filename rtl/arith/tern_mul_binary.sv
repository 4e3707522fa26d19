// Binary weight times multi-bit activation (thesis Ch.4 PE): add or subtract by the weight's sign.
// Code 1 = +1, 0 = -1.
`default_nettype none

module tern_mul_binary #(
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  localparam int unsigned ProdBits = ActBits + 2
) (
  input  logic [ActBits-1:0]  act_i,
  input  logic                wgt_i,
  output logic [ProdBits-1:0] prod_o  // signed
);
  if (ActBits < 1 || ActBits > 32) begin : gen_check
    $error("tern_mul_binary: ActBits must be 1..32");
  end

  logic [ProdBits-1:0] act_ext;
  assign act_ext = ActSigned ? {{2{act_i[ActBits-1]}}, act_i} : {2'b00, act_i};
  assign prod_o  = wgt_i ? act_ext : -act_ext;
endmodule : tern_mul_binary

`default_nettype wire
