// Multiply-accumulate unit: an L-lane dot product of any weight type per input beat, accumulated
// over beats until `last_i`; the finished sum leaves through a ready/valid output register.
// Zero weights are gated: a beat whose weights are all zero does not clock the accumulator.
// Every weight type, and every activation kind (ActKind: integer; log2 code with WtLog2, products
// 2^(ea+ew) exact; bipolar bit with WtBinary, the XNOR-popcount) uses the same control.
//
// Timing: the sum of a vector is valid the cycle after its last beat is accepted. The input is
// ready whenever the output register is empty or being drained (ready_o = !valid_o | ready_i), so
// with no back-pressure it accepts one beat per cycle.
`default_nettype none

module tern_mac #(
  parameter int unsigned WgtType   = tern_pkg::WtTernary,
  parameter int unsigned IntBits   = 8,
  parameter int unsigned ActBits   = 8,
  parameter bit          ActSigned = 1'b0,
  parameter int unsigned Lanes     = 1,
  parameter int unsigned MaxLen    = 4096,  // longest dot product (elements) the accumulator covers
  parameter int unsigned AccWidth  = 0,     // 0: the minimum for MaxLen; else a wider accumulator
  parameter int unsigned ActKind   = tern_pkg::AkInt,
  localparam int unsigned CodeBits = tern_pkg::code_bits(WgtType, IntBits),
  localparam int unsigned MinAcc   = tern_pkg::act_acc_bits(WgtType, IntBits, ActBits, ActKind,
                                                            MaxLen),
  localparam int unsigned AccBits  = (AccWidth == 0) ? MinAcc : AccWidth
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // beats in
  input  logic                      valid_i,
  output logic                      ready_o,
  input  logic [Lanes*ActBits-1:0]  act_i,
  input  logic [Lanes*CodeBits-1:0] wgt_i,
  input  logic                      last_i,   // final beat of this dot product
  // sums out
  output logic                      valid_o,
  input  logic                      ready_i,
  output logic [AccBits-1:0]        acc_o     // signed
);
  localparam int unsigned SumBits = tern_pkg::act_prod_bits(WgtType, IntBits, ActBits, ActKind)
                                    + tern_pkg::clog2c(Lanes);
  if (MaxLen < Lanes) begin : gen_check_len
    $error("tern_mac: MaxLen must be at least Lanes");
  end
  if (AccBits < MinAcc || AccBits > 64) begin : gen_check_acc
    $error("tern_mac: AccWidth below the overflow-free minimum for MaxLen, or above 64");
  end

  logic [SumBits-1:0] sum;
  logic               nonzero;

  tern_dot #(
    .WgtType  (WgtType),
    .IntBits  (IntBits),
    .ActBits  (ActBits),
    .ActSigned(ActSigned),
    .Lanes    (Lanes),
    .ActKind  (ActKind)
  ) i_dot (
    .act_i,
    .wgt_i,
    .nonzero_o(nonzero),
    .sum_o    (sum)
  );

  logic [AccBits-1:0] acc_q  /* verilator public_flat_rd */;  // read by the gating test
  logic [AccBits-1:0] acc_d, sum_ext, total;
  logic               first_q, first_d;  // no non-zero beat accumulated yet in this vector
  logic               acc_en;
  logic [AccBits-1:0] out_q, out_d;
  logic               out_valid_q, out_valid_d;
  logic               accept;

  assign sum_ext = AccBits'($signed(sum));
  assign total   = first_q ? sum_ext : acc_q + sum_ext;
  assign ready_o = !out_valid_q || ready_i;
  assign accept  = valid_i && ready_o;

  always_comb begin
    acc_d       = acc_q;
    acc_en      = 1'b0;
    first_d     = first_q;
    out_d       = out_q;
    out_valid_d = out_valid_q && !ready_i;
    if (accept) begin
      if (last_i) begin
        out_d       = total;
        out_valid_d = 1'b1;
        first_d     = 1'b1;
      end else if (nonzero) begin
        acc_d   = total;
        acc_en  = 1'b1;
        first_d = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      first_q     <= 1'b1;
      out_valid_q <= 1'b0;
    end else begin
      first_q     <= first_d;
      out_valid_q <= out_valid_d;
    end
  end

  // Datapath registers: not reset; the accumulator is clock-enabled only by non-zero beats.
  always_ff @(posedge clk_i) begin
    if (acc_en) acc_q <= acc_d;
    if (accept && last_i) out_q <= out_d;
  end

  assign valid_o = out_valid_q;
  assign acc_o   = out_q;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // a finished sum is held, unchanged, until taken
  a_out_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i |=> valid_o && $stable(acc_o)) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_mac

`default_nettype wire
