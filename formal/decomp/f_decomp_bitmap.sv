// Formal harness of tern_decomp_bitmap: the DUT with free inputs and the shared port-level properties
// (f_decomp_props.sv). Small parameters so that the proofs close (docs/formal.md).
// probe: f_probe_len i_dut.i_ctrl.len_q
// probe: f_probe_wt  i_dut.i_ctrl.wt_q
`default_nettype none

module f_decomp_bitmap #(
  parameter int unsigned WordBits    = 16,
  parameter int unsigned MaxCodeBits = 4,
  parameter int unsigned IdxBits     = 4,
  parameter int unsigned BlockBits   = 4,
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

  tern_decomp_bitmap #(
    .WordBits   (WordBits),
    .MaxCodeBits(MaxCodeBits),
    .IdxBits    (IdxBits),
    .BlockBits  (BlockBits)
  ) i_dut (`F_DECOMP_PORTS);

  f_decomp_props #(
    .WordBits   (WordBits),
    .MaxCodeBits(MaxCodeBits),
    .IdxBits    (IdxBits),
    .EndBound   (EndBound),
    .ErrCodes   (8'b1111_1110)  // every code (field: a mask with more non-zeros than counted)
  ) i_props (`F_DECOMP_PROPS_PORTS);
endmodule : f_decomp_bitmap

`default_nettype wire
