// Formal harness of tern_decomp_rle8: the DUT with free inputs and the shared port-level properties
// (f_decomp_props.sv). Small parameters so that the proofs close (docs/formal.md).
// probe: f_probe_len  i_dut.len_q
// probe: f_probe_tern i_dut.tern_q
`default_nettype none

module f_decomp_rle8 #(
  parameter int unsigned WordBits    = 32,
  parameter int unsigned MaxCodeBits = 2,
  parameter int unsigned IdxBits     = 7,
  parameter int unsigned EndBound    = 2 * WordBits + 1  // row-end bound (a_row_end)
) (
  input logic                clk_i,
  input logic                rst_ni,
  input logic                start_i,
  input logic [IdxBits:0]    row_len_i,
  input logic [3:0]          code_bits_i,
  input logic [2:0]          wtype_i,
  input logic                word_valid_i,
  input logic [WordBits-1:0] word_i,
  input logic                word_last_i,
  input logic                ready_i,
  input logic                clear_i
);
  `include "f_decomp_wrap.svh"
  // rle8 keeps one flag (ternary or binary) instead of the weight type
  (* keep *) logic f_probe_tern;
  assign f_probe_wt = f_probe_tern ? 3'(tern_pkg::WtTernary) : 3'(tern_pkg::WtBinary);

  tern_decomp_rle8 #(
    .WordBits   (WordBits),
    .MaxCodeBits(MaxCodeBits),
    .IdxBits    (IdxBits)
  ) i_dut (`F_DECOMP_PORTS);

  f_decomp_props #(
    .WordBits   (WordBits),
    .MaxCodeBits(MaxCodeBits),
    .IdxBits    (IdxBits),
    .EndBound   (EndBound),
    .ZeroCheck  (1'b0),         // binary code 0 is -1; ternary zero is excluded by a_code_legal
    .Rle8       (1'b1),
    .ErrCodes   (8'b1011_1110)  // no bad-code error: every rle8 payload is a legal code
  ) i_props (`F_DECOMP_PROPS_PORTS);
endmodule : f_decomp_rle8

`default_nettype wire
