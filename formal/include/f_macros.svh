// Checker macros shared by the formal harnesses (formal/, docs/formal.md). Yosys 0.23
// `read_verilog -formal` subset: immediate assert/assume/cover in clocked always blocks, $past, $stable.
//
// Every harness instantiates f_reset (below) as `i_frst` and names its clock `clk_i`:
//   f_en      the DUT is out of reset and rst_ni is high this cycle (a check may look at this cycle)
//   f_en_past f_en in this cycle and in the previous one (a `|=>` check may look at both)
// The simulation SVA use `disable iff (!rst_ni)`; these gates are the same rule.
`ifndef F_MACROS_SVH
`define F_MACROS_SVH

// a |-> b
`define F_IMPL(a, b) (!(a) || (b))

// Handshake hold, `valid && !ready && !abort |=> valid && $stable(payload)`: an asserted rule for a
// DUT output, an assumed one for an environment input. `abort` lists the documented exceptions.
`define F_HOLD_ASSERT(label, valid, ready, abort, payload) \
  always @(posedge clk_i) begin \
    if (f_en_past && $past((valid) && !(ready) && !(abort))) label: assert ((valid) && $stable(payload)); \
  end
`define F_HOLD_ASSUME(label, valid, ready, abort, payload) \
  always @(posedge clk_i) begin \
    if (f_en_past && $past((valid) && !(ready) && !(abort))) label: assume ((valid) && $stable(payload)); \
  end

// `a |=> b` and `a |-> b` (the latter checked in every enabled cycle)
`define F_NEXT_ASSERT(label, a, b) \
  always @(posedge clk_i) begin \
    if (f_en_past && $past(a)) label: assert (b); \
  end
`define F_NOW_ASSERT(label, a, b) \
  always @(posedge clk_i) begin \
    if (f_en) label: assert (`F_IMPL(a, b)); \
  end
`define F_NOW_ASSUME(label, a, b) \
  always @(posedge clk_i) begin \
    if (f_en) label: assume (`F_IMPL(a, b)); \
  end
`define F_COVER(label, c) \
  always @(posedge clk_i) begin \
    if (f_en) label: cover (c); \
  end

// The reset gate every harness uses: clk_i and rst_ni of the harness, f_en / f_en_past out.
`define F_RESET_GATE \
  logic f_en, f_en_past; \
  f_reset i_frst (.clk_i(clk_i), .rst_ni(rst_ni), .en_o(f_en), .en_past_o(f_en_past));

`endif
