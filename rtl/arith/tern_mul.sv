// One weight-times-activation product of any Tern weight type, chosen by the WgtType parameter.
`default_nettype none

module tern_mul #(
  parameter int unsigned WgtType   = tern_pkg::WtTernary,
  parameter int unsigned IntBits   = 8,   // weight width of the INT type
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  localparam int unsigned CodeBits = tern_pkg::code_bits(WgtType, IntBits),
  localparam int unsigned ProdBits = tern_pkg::prod_bits(WgtType, IntBits, ActBits)
) (
  input  logic [ActBits-1:0]  act_i,
  input  logic [CodeBits-1:0] wgt_i,
  output logic                nonzero_o,  // the weight is not zero
  output logic [ProdBits-1:0] prod_o      // signed
);
  if (WgtType >= tern_pkg::WtCount) begin : gen_check
    $error("tern_mul: unknown WgtType");
  end

  if (WgtType == tern_pkg::WtInt8) begin : gen_int
    tern_mul_int #(
      .ActBits  (ActBits),
      .ActSigned(ActSigned),
      .WgtBits  (IntBits)
    ) i_mul (
      .act_i,
      .wgt_i,
      .nonzero_o,
      .prod_o
    );
  end else if (WgtType == tern_pkg::WtTernary) begin : gen_ternary
    tern_mul_ternary #(
      .ActBits  (ActBits),
      .ActSigned(ActSigned)
    ) i_mul (
      .act_i,
      .wgt_i,
      .nonzero_o,
      .prod_o
    );
  end else if (WgtType == tern_pkg::WtBinary) begin : gen_binary
    tern_mul_binary #(
      .ActBits  (ActBits),
      .ActSigned(ActSigned)
    ) i_mul (
      .act_i,
      .wgt_i,
      .prod_o
    );
    assign nonzero_o = 1'b1;
  end else begin : gen_unsupported
    assign prod_o    = '0;
    assign nonzero_o = 1'b0;
    logic unused;
    assign unused = ^{act_i, wgt_i};
  end
endmodule : tern_mul

`default_nettype wire
