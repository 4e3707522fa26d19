// Synchronous FIFO with ready/valid on both sides; output is combinational from storage
// (first-word fall-through). Depth must be a power of two.
`default_nettype none

module tern_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 4,
  localparam int unsigned PtrBits = (Depth <= 1) ? 1 : $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clr_i,    // synchronous flush
  input  logic             valid_i,
  output logic             ready_o,
  input  logic [Width-1:0] data_i,
  output logic             valid_o,
  input  logic             ready_i,
  output logic [Width-1:0] data_o,
  output logic [PtrBits:0] count_o
);
  if (Depth < 2 || (Depth & (Depth - 1)) != 0) begin : gen_check
    $error("tern_fifo: Depth must be a power of two >= 2");
  end

  logic [Width-1:0]   mem_q [Depth];
  logic [PtrBits-1:0] wptr_q, rptr_q;
  logic [PtrBits:0]   count_q;
  logic               push, pop;

  assign ready_o = (count_q != (PtrBits + 1)'(Depth));
  assign valid_o = (count_q != '0);
  assign data_o  = mem_q[rptr_q];
  assign push    = valid_i && ready_o;
  assign pop     = valid_o && ready_i;
  assign count_o = count_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clr_i) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      if (push) wptr_q <= wptr_q + 1'b1;
      if (pop) rptr_q <= rptr_q + 1'b1;
      count_q <= count_q + {{PtrBits{1'b0}}, push} - {{PtrBits{1'b0}}, pop};
    end
  end

  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q] <= data_i;
  end
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // input: data held while refused; output: head held while not taken; occupancy consistent
  a_in_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_i && !ready_o && !clr_i |=> valid_i && $stable(data_i)) else tern_sva_fail($sformatf("%m"));
  a_out_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i && !clr_i |=> valid_o && $stable(data_o)) else tern_sva_fail($sformatf("%m"));
  a_count_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    32'(count_q) <= Depth) else tern_sva_fail($sformatf("%m"));
  a_ptr_count: assert property (@(posedge clk_i) disable iff (!rst_ni)
    PtrBits'(wptr_q - rptr_q) == PtrBits'(count_q)) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
  // ---- formal (formal/, docs/formal.md): the internal SVA a_ptr_count, which the k-induction
  // proofs of the port properties need; not read by simulation or synthesis
`ifdef FORMAL
  `include "f_macros.svh"
  `F_RESET_GATE
  `F_NOW_ASSERT(a_ptr_count, 1'b1, PtrBits'(wptr_q - rptr_q) == PtrBits'(count_q) && 32'(count_q) <= Depth)
`endif
endmodule : tern_fifo

`default_nettype wire
