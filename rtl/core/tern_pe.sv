// One MAC lane of a column (engine v2): accumulates the products of one output value (one pixel of
// one filter) of the current pixel group, in two accumulators used by alternate groups (the other one
// is read by the requantisers while this group runs).
//
// Contract: an entry (en_i) carries the column's decoded weight(s) and this lane's activation word
// (act_i, eight bytes; ok_i = the activation is inside the input, else it reads as 0). Two stages:
//   P  (cycle 1): product of the selected mode, registered with the update control;
//   A  (cycle 2): acc[par] <= (first ? 0 : shift ? 2*acc[par] : acc[par]) + product.
// Modes: bit-parallel multiplier of the layer's weight type (types in MacTypes) on byte bsel_i;
// SYQ: the scaled weight value times the byte; bit-serial: +-wval gated by activation bit plane_i
// (subtract on the sign plane, neg_i); Pack = 8: eight 2-bit ternary / 1-bit binary codes times the
// eight bytes (tern_pack_tree; XNOR: bytes read as +-1). A build with only one of ternary / binary in
// MacTypes decodes packed codes as that type whatever wtype_i says (the descriptor check refuses the other).
// Timing: acc_o (the accumulator of parity dpar_i) shows an update two cycles after its entry.
`default_nettype none

module tern_pe #(
  parameter int unsigned MacTypes  = 32'h7f,  // bit t: bit-parallel multiplier for weight type t
  parameter bit          BitSerial = 1'b1,    // bit-serial datapath (add/sub of the weight value)
  parameter bit          Syq       = 1'b1,    // SYQ scaled weights: a 9 x 21-bit multiplier
  parameter int unsigned Pack      = 1,       // 1, or 8: packed ternary/binary codes per entry
  parameter int unsigned AccBits   = 32       // accumulator width, 24..48
) (
  input  logic               clk_i,
  // layer constants
  input  logic               bitserial_i,
  input  logic               syq_i,
  input  logic               xnor_i,        // 1-bit activations read as -1 / +1
  input  logic               act_signed_i,
  input  logic               pack_i,        // packed entry (Pack = 8 builds)
  input  logic [2:0]         wtype_i,
  // entry
  input  logic               en_i,
  input  logic               first_i,       // first entry of the output value: start from 0
  input  logic               shift_i,       // first entry of a lower bit-plane: acc <<= 1 first
  input  logic               neg_i,         // sign plane of signed activations: subtract
  input  logic [2:0]         plane_i,       // activation bit used in bit-serial mode
  input  logic               par_i,         // accumulator of this entry's group
  input  logic [7:0]         code_i,        // unpacked weight code
  input  logic [20:0]        wval_i,        // unpacked weight value, times the SYQ scale (signed)
  input  logic               wnz_i,         // unpacked weight is non-zero
  input  logic [15:0]        pcodes_i,      // packed codes: 8 x 2 bits (ternary) or 8 x 1 bit (binary)
  input  logic [63:0]        act_i,         // activation word (eight bytes)
  input  logic [2:0]         bsel_i,        // byte of an unpacked entry
  input  logic               ok_i,          // activation inside the input (else padding: 0)
  // requantiser side
  input  logic               dpar_i,
  output logic [AccBits-1:0] acc_o
);
  localparam int unsigned NumTypes = tern_pkg::WtCount;
  localparam int unsigned MaxProd  = 9 + 21;

  if (AccBits < 24 || AccBits > 48) begin : gen_check_acc
    $error("tern_pe: AccBits must be 24..48");
  end
  if (Pack != 1 && Pack != 8) begin : gen_check_pack
    $error("tern_pe: Pack must be 1 or 8");
  end

  // ---------------------------------------------------------------- unpacked operand
  logic [7:0] byte_v;
  logic [8:0] op;  // activation as a 9-bit signed operand
  assign byte_v = act_i[bsel_i*8+:8];
  always_comb begin
    if (!ok_i) op = '0;
    else if (xnor_i) op = byte_v[0] ? 9'd1 : 9'h1ff;
    else if (act_signed_i) op = {byte_v[7], byte_v};
    else op = {1'b0, byte_v};
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

  logic [AccBits-1:0] par;
  always_comb begin
    par = '0;
    for (int t = 0; t < NumTypes; t++) begin
      if (32'(wtype_i) == t) par = prods[t*AccBits+:AccBits];
    end
  end

  logic [AccBits-1:0] syq_prod;
  if (Syq) begin : gen_syq
    logic [MaxProd-1:0] p;
    assign p        = MaxProd'($signed(op) * $signed(wval_i));
    assign syq_prod = AccBits'($signed(p));
  end else begin : gen_no_syq
    assign syq_prod = '0;
  end

  logic [AccBits-1:0] ser;
  if (BitSerial) begin : gen_serial
    logic               bit_v;
    logic [AccBits-1:0] w;
    assign bit_v = ok_i && byte_v[plane_i];
    assign w     = AccBits'($signed(wval_i));
    assign ser   = !bit_v ? '0 : (neg_i ? -w : w);
  end else begin : gen_no_serial
    assign ser = '0;
  end

  // ---------------------------------------------------------------- packed tree
  logic [AccBits-1:0] pk;
  if (Pack == 8) begin : gen_pack
    logic [12:0] sum;
    // a build with only one of ternary / binary decodes packed codes as that type
    tern_pack_tree #(
      .Ternary(MacTypes[tern_pkg::WtTernary] || !MacTypes[tern_pkg::WtBinary]),
      .Binary (MacTypes[tern_pkg::WtBinary])
    ) i_tree (
      .bin_i       (wtype_i == 3'(tern_pkg::WtBinary)),
      .xnor_i,
      .act_signed_i,
      .codes_i     (pcodes_i),
      .act_i,
      .sum_o       (sum)
    );
    assign pk = ok_i ? AccBits'($signed(sum)) : '0;
  end else begin : gen_no_pack
    assign pk = '0;
  end

  // ---------------------------------------------------------------- P stage
  logic [AccBits-1:0] prod_q;
  logic               upd_q, first_q, shift_q, par_q;
  logic [AccBits-1:0] contrib;
  always_comb begin
    if (Pack == 8 && pack_i) contrib = pk;
    else if (BitSerial && bitserial_i) contrib = ser;
    else if (Syq && syq_i) contrib = syq_prod;
    else contrib = par;
  end
  always_ff @(posedge clk_i) begin
    // gating: a zero weight or padding leaves the accumulator untouched unless it must restart/shift
    upd_q   <= en_i && (first_i || shift_i || (ok_i && (pack_i || wnz_i)));
    prod_q  <= contrib;
    first_q <= first_i;
    shift_q <= shift_i;
    par_q   <= par_i;
  end

  // ---------------------------------------------------------------- A stage
  logic [AccBits-1:0] acc_q [2];
  logic [AccBits-1:0] base;
  assign base = first_q ? '0 : (shift_q ? {acc_q[par_q][AccBits-2:0], 1'b0} : acc_q[par_q]);
  always_ff @(posedge clk_i) begin
    if (upd_q) acc_q[par_q] <= base + prod_q;
  end
  assign acc_o = acc_q[dpar_i];

  logic unused;
  assign unused = ^{pcodes_i, syq_i, pack_i, code_i};
endmodule : tern_pe

`default_nettype wire
