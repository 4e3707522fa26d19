// Reset gate of the formal harnesses: the environment resets the DUT in the first cycle (rst_ni is
// free afterwards: a reset may come at any time); checks are enabled once a reset has been seen and
// while rst_ni is high (docs/formal.md).
`default_nettype none

module f_reset (
  input  logic clk_i,
  input  logic rst_ni,
  output logic en_o,       // out of reset: checks of this cycle apply
  output logic en_past_o   // en_o in this cycle and the previous one
);
  logic seen_q = 1'b0;
  logic en_q   = 1'b0;
  always @(posedge clk_i) begin
    if (!rst_ni) seen_q <= 1'b1;
    en_q <= en_o;
  end
  assign en_o      = seen_q && rst_ni;
  assign en_past_o = en_o && en_q;

  always @(*) begin
    if (!seen_q) f_assume_reset: assume (!rst_ni);
  end
endmodule : f_reset

`default_nettype wire
