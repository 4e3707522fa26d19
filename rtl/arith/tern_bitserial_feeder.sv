// Word-to-bit-serial feeder: takes a beat of Lanes whole activations (MaxBits-wide fields, the
// low bits_i bits used) with its weights and sideband, and emits its bits_i bit-planes, most
// significant first, one per cycle, holding the weights and sideband for all of them.
//
// Timing: a beat accepted in cycle t shows its MSB plane from cycle t+1; the next beat is
// accepted in the cycle its last plane is taken, so with no stalls a beat of b-bit activations
// takes b cycles.
`default_nettype none

module tern_bitserial_feeder #(
  parameter int unsigned Lanes    = 8,
  parameter int unsigned MaxBits  = 8,
  parameter int unsigned CodeBits = 2,
  localparam int unsigned BitsWidth = $clog2(MaxBits + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // beats of whole activations in
  input  logic                      valid_i,
  output logic                      ready_o,
  input  logic [Lanes*MaxBits-1:0]  act_i,
  input  logic [Lanes*CodeBits-1:0] wgt_i,
  input  logic [BitsWidth-1:0]      bits_i,  // 1..MaxBits; other values are read as MaxBits
  input  logic                      signed_i,
  input  logic                      last_i,
  // bit-planes out
  output logic                      valid_o,
  input  logic                      ready_i,
  output logic [Lanes-1:0]          abit_o,
  output logic [Lanes*CodeBits-1:0] wgt_o,
  output logic [BitsWidth-1:0]      bits_o,
  output logic                      signed_o,
  output logic                      last_o
);
  if (Lanes < 1 || Lanes > 1024 || MaxBits < 1 || MaxBits > 16 || CodeBits < 1) begin : gen_check
    $error("tern_bitserial_feeder: Lanes must be 1..1024, MaxBits 1..16, CodeBits >= 1");
  end
  localparam int unsigned IdxBits = (MaxBits > 1) ? $clog2(MaxBits) : 1;

  logic                      busy_q, busy_d;
  logic [IdxBits-1:0]        idx_q, idx_d;  // bit of the plane on the output
  logic [Lanes*MaxBits-1:0]  act_q;
  logic [Lanes*CodeBits-1:0] wgt_q;
  logic [BitsWidth-1:0]      bits_q;
  logic                      signed_q, last_q;
  logic [BitsWidth-1:0]      nbits;
  logic                      final_plane, accept;

  if (MaxBits == (1 << BitsWidth) - 1) begin : gen_nbits_full  // bits_i cannot exceed MaxBits
    assign nbits = (bits_i == '0) ? BitsWidth'(MaxBits) : bits_i;
  end else begin : gen_nbits
    assign nbits = (bits_i == '0 || 32'(bits_i) > MaxBits) ? BitsWidth'(MaxBits) : bits_i;
  end
  assign final_plane = (idx_q == '0);
  assign ready_o     = !busy_q || (final_plane && ready_i);
  assign accept      = valid_i && ready_o;

  always_comb begin
    busy_d = busy_q;
    idx_d  = idx_q;
    if (accept) begin
      busy_d = 1'b1;
      idx_d  = IdxBits'(nbits - BitsWidth'(1));
    end else if (busy_q && ready_i) begin
      busy_d = !final_plane;
      idx_d  = idx_q - IdxBits'(1);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      idx_q  <= '0;
    end else begin
      busy_q <= busy_d;
      idx_q  <= idx_d;
    end
  end

  // Datapath registers: not reset.
  always_ff @(posedge clk_i) begin
    if (accept) begin
      act_q    <= act_i;
      wgt_q    <= wgt_i;
      bits_q   <= nbits;
      signed_q <= signed_i;
      last_q   <= last_i;
    end
  end

  for (genvar l = 0; l < Lanes; l++) begin : gen_lane
    assign abit_o[l] = act_q[l*MaxBits+32'(idx_q)];
  end
  assign valid_o  = busy_q;
  assign wgt_o    = wgt_q;
  assign bits_o   = bits_q;
  assign signed_o = signed_q;
  assign last_o   = last_q;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // a plane is held, unchanged, until taken; the plane index stays inside the beat's precision
  a_out_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i |=> valid_o && $stable(abit_o) && $stable(wgt_o) && $stable(bits_o) &&
                            $stable(signed_o) && $stable(last_o)) else tern_sva_fail($sformatf("%m"));
  a_idx_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    busy_q |-> 32'(idx_q) < 32'(bits_q)) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_bitserial_feeder

`default_nettype wire
