// One weight-times-activation product of any Tern weight type, chosen by the WgtType parameter, and
// of any activation kind (ActKind: integer, log2 code with log2 weights, bipolar bit with binary
// weights = XNOR).
`default_nettype none

module tern_mul #(
  parameter int unsigned WgtType   = tern_pkg::WtTernary,
  parameter int unsigned IntBits   = 8,   // weight width of the INT type
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  parameter int unsigned ActKind   = tern_pkg::AkInt,
  localparam int unsigned CodeBits = tern_pkg::code_bits(WgtType, IntBits),
  localparam int unsigned ProdBits = tern_pkg::act_prod_bits(WgtType, IntBits, ActBits, ActKind)
) (
  input  logic [ActBits-1:0]  act_i,
  input  logic [CodeBits-1:0] wgt_i,
  output logic                nonzero_o,  // the weight is not zero
  output logic [ProdBits-1:0] prod_o      // signed
);
  if (WgtType >= tern_pkg::WtCount) begin : gen_check
    $error("tern_mul: unknown WgtType");
  end
  if (ActKind >= tern_pkg::AkCount
      || (ActKind == tern_pkg::AkLog2 && (WgtType != tern_pkg::WtLog2 || ActBits != 4))
      || (ActKind == tern_pkg::AkBipolar && (WgtType != tern_pkg::WtBinary || ActBits != 1)))
  begin : gen_check_kind
    $error("tern_mul: ActKind log2 needs WtLog2, ActBits 4; bipolar needs WtBinary, ActBits 1");
  end

  if (ActKind == tern_pkg::AkLog2) begin : gen_logact
    tern_mul_logact i_mul (
      .act_i,
      .wgt_i,
      .nonzero_o,
      .prod_o
    );
  end else if (ActKind == tern_pkg::AkBipolar) begin : gen_xnor
    // +1 when weight and activation bits agree, else -1.
    assign prod_o    = (act_i ~^ wgt_i) ? 2'b01 : 2'b11;
    assign nonzero_o = 1'b1;
  end else if (WgtType == tern_pkg::WtInt8) begin : gen_int
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
  end else if (WgtType == tern_pkg::WtLog2) begin : gen_log
    tern_mul_log #(
      .ActBits  (ActBits),
      .ActSigned(ActSigned)
    ) i_mul (
      .act_i,
      .wgt_i,
      .nonzero_o,
      .prod_o
    );
  end else begin : gen_addnet
    tern_mul_addnet #(
      .Adders   (WgtType - tern_pkg::WtAddNet2 + 2),
      .ActBits  (ActBits),
      .ActSigned(ActSigned)
    ) i_mul (
      .act_i,
      .wgt_i,
      .nonzero_o,
      .prod_o
    );
  end
endmodule : tern_mul

`default_nettype wire
