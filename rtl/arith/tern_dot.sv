// L-lane dot product of one weight type: Lanes products summed by a flat adder description
// (synthesis builds the tree). Output width grows by ceil(log2(Lanes)). Bipolar activations with
// binary weights (ActKind = AkBipolar) use the XNOR-popcount instead of products and adders.
`default_nettype none

module tern_dot #(
  parameter int unsigned WgtType   = tern_pkg::WtTernary,
  parameter int unsigned IntBits   = 8,
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  parameter int unsigned Lanes     = 4,
  parameter int unsigned ActKind   = tern_pkg::AkInt,
  localparam int unsigned CodeBits = tern_pkg::code_bits(WgtType, IntBits),
  localparam int unsigned ProdBits = tern_pkg::act_prod_bits(WgtType, IntBits, ActBits, ActKind),
  localparam int unsigned SumBits  = ProdBits + tern_pkg::clog2c(Lanes)
) (
  input  logic [Lanes*ActBits-1:0]  act_i,
  input  logic [Lanes*CodeBits-1:0] wgt_i,
  output logic                      nonzero_o,  // some lane has a non-zero weight
  output logic [SumBits-1:0]        sum_o       // signed
);
  if (Lanes < 1 || Lanes > 1024) begin : gen_check
    $error("tern_dot: Lanes must be 1..1024");
  end

  if (ActKind == tern_pkg::AkBipolar) begin : gen_xnor
    logic [$clog2(Lanes+1)-1:0] unused_count;
    tern_xnor_popcount #(
      .Lanes(Lanes)
    ) i_xnor (
      .act_i,
      .wgt_i,
      .count_o(unused_count),
      .sum_o
    );
    assign nonzero_o = 1'b1;
  end else begin : gen_mul
    logic [Lanes*ProdBits-1:0] prod;
    logic [Lanes*SumBits-1:0]  prod_ext;  // each product sign-extended to the sum width
    logic [Lanes-1:0]          nz;

    for (genvar l = 0; l < Lanes; l++) begin : gen_lane
      tern_mul #(
        .WgtType  (WgtType),
        .IntBits  (IntBits),
        .ActBits  (ActBits),
        .ActSigned(ActSigned),
        .ActKind  (ActKind)
      ) i_mul (
        .act_i    (act_i[l*ActBits+:ActBits]),
        .wgt_i    (wgt_i[l*CodeBits+:CodeBits]),
        .nonzero_o(nz[l]),
        .prod_o   (prod[l*ProdBits+:ProdBits])
      );
      assign prod_ext[l*SumBits+:SumBits] = SumBits'($signed(prod[l*ProdBits+:ProdBits]));
    end

    always_comb begin
      sum_o = '0;
      for (int l = 0; l < Lanes; l++) begin
        sum_o = sum_o + prod_ext[l*SumBits+:SumBits];
      end
    end
    assign nonzero_o = |nz;
  end
endmodule : tern_dot

`default_nettype wire
