// Formal harness of tern_decomp_dense: the DUT with free inputs and the shared port-level
// properties (f_decomp_props). Small parameters so that the proofs close (docs/formal.md).
// probe: f_probe_len i_dut.i_ctrl.len_q
// probe: f_probe_wt  i_dut.i_ctrl.wt_q
`default_nettype none

module f_decomp_dense #(
  parameter int unsigned WordBits    = 16,
  parameter int unsigned MaxCodeBits = 4,
  parameter int unsigned IdxBits     = 4,
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

  tern_decomp_dense #(
    .WordBits   (WordBits),
    .MaxCodeBits(MaxCodeBits),
    .IdxBits    (IdxBits)
  ) i_dut (`F_DECOMP_PORTS);

  f_decomp_props #(
    .WordBits   (WordBits),
    .MaxCodeBits(MaxCodeBits),
    .IdxBits    (IdxBits),
    .EndBound   (EndBound),
    .ZeroCheck  (1'b0),
    .CanEmpty   (1'b0),
    .ErrCodes   (8'b0101_1110)  // config, start, truncated, missing end, bad code
  ) i_props (`F_DECOMP_PROPS_PORTS);
endmodule : f_decomp_dense

`default_nettype wire
