// Population count of a Width-bit vector, written as a flat sum (as PULP's cc_popcount recommends:
// synthesis builds a better compressor tree from a flat description than from a hand-written one).
`default_nettype none

module tern_popcount #(
  parameter int unsigned Width     = 64,
  localparam int unsigned CountBits = $clog2(Width + 1)
) (
  input  logic [Width-1:0]     data_i,
  output logic [CountBits-1:0] count_o
);
  if (Width < 1 || Width > 4096) begin : gen_check
    $error("tern_popcount: Width must be 1..4096");
  end

  always_comb begin
    count_o = '0;
    for (int i = 0; i < Width; i++) begin
      count_o = count_o + CountBits'(data_i[i]);
    end
  end
endmodule : tern_popcount

`default_nettype wire
