// Ternary weight times activation: add, subtract or skip. Code 01 = +1, 11 = -1, 00 = 0; the
// reserved code 10 gives 0 (decompressors flag it before it gets here).
`default_nettype none

module tern_mul_ternary #(
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  localparam int unsigned ProdBits = ActBits + 2
) (
  input  logic [ActBits-1:0]  act_i,
  input  logic [1:0]          wgt_i,
  output logic                nonzero_o,  // weight is +-1: the accumulator must update
  output logic [ProdBits-1:0] prod_o      // signed
);
  if (ActBits < 1 || ActBits > 32) begin : gen_check
    $error("tern_mul_ternary: ActBits must be 1..32");
  end

  logic [ProdBits-1:0] act_ext;
  assign act_ext = ActSigned ? {{2{act_i[ActBits-1]}}, act_i} : {2'b00, act_i};

  always_comb begin
    prod_o    = '0;
    nonzero_o = 1'b0;
    unique case (wgt_i)
      2'b01: begin
        prod_o    = act_ext;
        nonzero_o = 1'b1;
      end
      2'b11: begin
        prod_o    = -act_ext;
        nonzero_o = 1'b1;
      end
      default: ;
    endcase
  end
endmodule : tern_mul_ternary

`default_nettype wire
