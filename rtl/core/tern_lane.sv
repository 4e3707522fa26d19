// One MAC lane of the layer engine: accumulates weight x activation for one output value of one
// image. Bit-parallel mode uses the multiplier of the layer's weight type (only the types in
// MacTypes are built); bit-serial mode adds the decoded weight gated by one activation bit per
// cycle, doubling the accumulator at the start of each lower bit-plane (MSB first), and
// subtracting on the sign plane of signed activations.
`default_nettype none

module tern_lane #(
  parameter int unsigned MacTypes  = 32'h7f,  // bit t: bit-parallel multiplier for weight type t
  parameter bit          BitSerial = 1'b1,
  parameter bit          Syq       = 1'b1,    // SYQ scaled weights: a 9 x 21-bit multiplier
  parameter int unsigned AccBits   = 32
) (
  input  logic               clk_i,
  input  logic               en_i,          // an entry reaches the lane this cycle
  input  logic               first_i,       // first entry of the output value: start from 0
  input  logic               shift_i,       // first entry of a lower bit-plane: acc <<= 1 first
  input  logic               neg_i,         // sign plane of signed activations: subtract
  input  logic [2:0]         plane_i,       // activation bit used in bit-serial mode
  input  logic               bitserial_i,
  input  logic               syq_i,         // weight value carries its SYQ scale (use wval_i)
  input  logic               xnor_i,        // 1-bit activations read as -1 / +1
  input  logic               act_signed_i,
  input  logic [2:0]         wtype_i,
  input  logic [7:0]         code_i,
  input  logic [20:0]        wval_i,        // decoded weight value, times the SYQ scale (signed)
  input  logic               wnz_i,         // weight is non-zero
  input  logic [7:0]         act_i,
  input  logic               act_ok_i,      // activation inside the input (else padding: 0)
  output logic [AccBits-1:0] acc_o
);
  localparam int unsigned NumTypes = tern_pkg::WtCount;
  localparam int unsigned MaxProd  = 9 + 21;  // 9-bit operand x widest (scaled) weight value

  if (AccBits < 24 || AccBits > 64) begin : gen_check
    $error("tern_lane: AccBits must be 24..64");
  end

  // ---------------------------------------------------------------- bit-parallel products
  logic [8:0] op;  // activation as a 9-bit signed operand
  always_comb begin
    if (!act_ok_i) op = '0;
    else if (xnor_i) op = act_i[0] ? 9'd1 : 9'h1ff;
    else if (act_signed_i) op = {act_i[7], act_i};
    else op = {1'b0, act_i};
  end

  logic [NumTypes*AccBits-1:0] prods;
  for (genvar t = 0; t < NumTypes; t++) begin : gen_type
    if (MacTypes[t]) begin : gen_mul
      localparam int unsigned Cb = tern_pkg::code_bits(t, 8);
      localparam int unsigned Pb = tern_pkg::prod_bits(t, 8, 9);
      logic [Pb-1:0] p;
      logic          nz;
      tern_mul #(
        .WgtType  (t),
        .IntBits  (8),
        .ActBits  (9),
        .ActSigned(1'b1)
      ) i_mul (
        .act_i    (op),
        .wgt_i    (code_i[Cb-1:0]),
        .nonzero_o(nz),
        .prod_o   (p)
      );
      assign prods[t*AccBits+:AccBits] = AccBits'($signed(p));
      logic unused;
      assign unused = nz;
    end else begin : gen_none
      assign prods[t*AccBits+:AccBits] = '0;
    end
  end

  // SYQ layers: the scaled weight value times the operand (generic multiplier).
  logic [AccBits-1:0] syq_prod;
  if (Syq) begin : gen_syq
    logic [MaxProd-1:0] p;
    assign p        = MaxProd'($signed(op) * $signed(wval_i));
    assign syq_prod = AccBits'($signed(p));
  end else begin : gen_no_syq
    assign syq_prod = '0;
  end

  logic [AccBits-1:0] par;
  always_comb begin
    par = '0;
    for (int t = 0; t < NumTypes; t++) begin
      if (32'(wtype_i) == t) par = prods[t*AccBits+:AccBits];
    end
    if (Syq && syq_i) par = syq_prod;
  end

  // ---------------------------------------------------------------- bit-serial contribution
  logic [AccBits-1:0] ser;
  if (BitSerial) begin : gen_serial
    logic bit_v;
    logic [AccBits-1:0] w;
    assign bit_v = act_ok_i && act_i[plane_i];
    assign w     = AccBits'($signed(wval_i));
    assign ser   = !bit_v ? '0 : (neg_i ? -w : w);
  end else begin : gen_no_serial
    assign ser = '0;
  end

  // ---------------------------------------------------------------- accumulator
  logic [AccBits-1:0] acc_q, base, contrib;
  logic               upd;
  assign contrib = (BitSerial && bitserial_i) ? ser : par;
  assign base    = first_i ? '0 : (shift_i ? {acc_q[AccBits-2:0], 1'b0} : acc_q);
  // Gating: a zero weight (or padding) leaves the register untouched unless it must restart/shift.
  assign upd     = en_i && (first_i || shift_i || (wnz_i && act_ok_i));

  always_ff @(posedge clk_i) begin
    if (upd) acc_q <= base + contrib;
  end
  assign acc_o = acc_q;
endmodule : tern_lane

`default_nettype wire
