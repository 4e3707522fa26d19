// Formal harness of tern_fifo (rtl/common): any push/pop/clear sequence, any data. Properties: the
// simulation SVA a_out_hold and a_count_range (a_ptr_count, internal, is in the RTL's FORMAL
// block), and a_count (occupancy = pushes - pops), a_flags (ready/valid from the occupancy),
// a_order (every item comes out once, unchanged, in order: one item, chosen by the solver through
// f_mark_i, is followed from push to pop). a_in_hold, the environment rule of the SVA (input held
// while refused), is not needed by any proof and is not assumed.
`default_nettype none
`include "f_macros.svh"

module f_fifo #(
  parameter int unsigned Width = 4,
  parameter int unsigned Depth = 4
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             clr_i,
  input logic             valid_i,
  input logic [Width-1:0] data_i,
  input logic             ready_i,
  input logic             f_mark_i  // free: follow the item pushed in this cycle
);
  localparam int unsigned PtrBits = $clog2(Depth);
  logic             ready_o, valid_o;
  logic [Width-1:0] data_o;
  logic [PtrBits:0] count_o;

  tern_fifo #(
    .Width(Width),
    .Depth(Depth)
  ) i_dut (
    .clk_i, .rst_ni, .clr_i, .valid_i, .ready_o, .data_i, .valid_o, .ready_i, .data_o, .count_o
  );

  `F_RESET_GATE

  logic             f_push, f_pop;
  logic [PtrBits:0] f_cnt_q;
  logic             f_mk_q;       // an item is followed
  logic [Width-1:0] f_mk_data_q;  // its data
  logic [PtrBits:0] f_mk_pos_q;   // items ahead of it
  assign f_push = valid_i && ready_o;
  assign f_pop  = valid_o && ready_i;

  always @(posedge clk_i) begin
    if (!rst_ni || clr_i) begin
      f_cnt_q <= '0;
      f_mk_q  <= 1'b0;
    end else begin
      f_cnt_q <= f_cnt_q + {{PtrBits{1'b0}}, f_push} - {{PtrBits{1'b0}}, f_pop};
      if (f_mk_q && f_pop) begin
        if (f_mk_pos_q == '0) f_mk_q <= 1'b0;
        else f_mk_pos_q <= f_mk_pos_q - 1'b1;
      end
      if (!f_mk_q && f_push && f_mark_i) begin
        f_mk_q      <= 1'b1;
        f_mk_data_q <= data_i;
        f_mk_pos_q  <= f_cnt_q - {{PtrBits{1'b0}}, f_pop};
      end
    end
  end

  `F_NEXT_ASSERT(a_out_hold, valid_o && !ready_i && !clr_i, valid_o && $stable(data_o))
  `F_NOW_ASSERT(a_count_range, 1'b1, 32'(count_o) <= Depth)
  `F_NOW_ASSERT(a_count, 1'b1, count_o == f_cnt_q)
  `F_NOW_ASSERT(a_flags, 1'b1, ready_o == (32'(count_o) != Depth) && valid_o == (count_o != '0))
  `F_NOW_ASSERT(a_order, f_mk_q && f_pop && f_mk_pos_q == '0, data_o == f_mk_data_q)
  `F_NOW_ASSERT(a_order_inside, f_mk_q, f_mk_pos_q < count_o)

  `F_COVER(c_full_refused, valid_i && !ready_o)
  `F_COVER(c_stall, valid_o && !ready_i && !clr_i)
  `F_COVER(c_push_pop, f_push && f_pop)
  `F_COVER(c_order_last, f_mk_q && f_pop && f_mk_pos_q == '0 && 32'(count_o) == Depth)
  `F_COVER(c_clear_full, clr_i && 32'(count_o) == Depth)
endmodule : f_fifo

`default_nettype wire
