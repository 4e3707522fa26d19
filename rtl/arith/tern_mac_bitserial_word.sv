// Bit-serial MAC with a word interface: tern_bitserial_feeder (whole activations in, bit-planes
// out) in front of tern_mac_bitserial. Same contract as tern_mac plus the per-beat precision bits_i
// and signedness signed_i; a beat of b-bit activations takes b cycles, and a one-beat vector
// accepted in cycle t is on acc_o in cycle t + b + 1 (latency = bits + 1).
`default_nettype none

module tern_mac_bitserial_word #(
  parameter int unsigned WgtType  = tern_pkg::WtTernary,
  parameter int unsigned IntBits  = 8,
  parameter int unsigned Lanes    = 8,
  parameter int unsigned MaxBits  = 8,
  parameter int unsigned MaxLen   = 4096,
  parameter int unsigned AccWidth = 0,
  localparam int unsigned CodeBits  = tern_pkg::code_bits(WgtType, IntBits),
  localparam int unsigned BitsWidth = $clog2(MaxBits + 1),
  localparam int unsigned MinAcc    = tern_pkg::acc_bits(WgtType, IntBits, MaxBits, MaxLen),
  localparam int unsigned AccBits   = (AccWidth == 0) ? MinAcc : AccWidth
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      valid_i,
  output logic                      ready_o,
  input  logic [Lanes*MaxBits-1:0]  act_i,
  input  logic [Lanes*CodeBits-1:0] wgt_i,
  input  logic [BitsWidth-1:0]      bits_i,
  input  logic                      signed_i,
  input  logic                      last_i,
  output logic                      valid_o,
  input  logic                      ready_i,
  output logic [AccBits-1:0]        acc_o  // signed
);
  logic                      pl_valid, pl_ready, pl_signed, pl_last;
  logic [Lanes-1:0]          pl_abit;
  logic [Lanes*CodeBits-1:0] pl_wgt;
  logic [BitsWidth-1:0]      pl_bits;

  tern_bitserial_feeder #(
    .Lanes   (Lanes),
    .MaxBits (MaxBits),
    .CodeBits(CodeBits)
  ) i_feeder (
    .clk_i,
    .rst_ni,
    .valid_i,
    .ready_o,
    .act_i,
    .wgt_i,
    .bits_i,
    .signed_i,
    .last_i,
    .valid_o (pl_valid),
    .ready_i (pl_ready),
    .abit_o  (pl_abit),
    .wgt_o   (pl_wgt),
    .bits_o  (pl_bits),
    .signed_o(pl_signed),
    .last_o  (pl_last)
  );

  tern_mac_bitserial #(
    .WgtType (WgtType),
    .IntBits (IntBits),
    .Lanes   (Lanes),
    .MaxBits (MaxBits),
    .MaxLen  (MaxLen),
    .AccWidth(AccBits)
  ) i_mac (
    .clk_i,
    .rst_ni,
    .valid_i (pl_valid),
    .ready_o (pl_ready),
    .abit_i  (pl_abit),
    .wgt_i   (pl_wgt),
    .bits_i  (pl_bits),
    .signed_i(pl_signed),
    .last_i  (pl_last),
    .valid_o,
    .ready_i,
    .acc_o
  );
endmodule : tern_mac_bitserial_word

`default_nettype wire
