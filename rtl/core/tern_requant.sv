// Requantisation of one lane's accumulator (docs/model_format.md), three pipeline stages:
//   linear:    y = clamp((((acc + bias) * mult) + 2^(shift-1)) >>> shift, lo, hi)
//   threshold: y = #{i : acc >= t_i} over 1 (1-bit) or 3 (2-bit) thresholds
//   raw:       y = saturate_int32(acc + bias)
`default_nettype none

module tern_requant #(
  parameter int unsigned AccBits = 32
) (
  input  logic               clk_i,
  input  logic [AccBits-1:0] acc_i,       // signed; sampled in stage 1
  input  logic [1:0]         mode_i,      // 0 linear, 1 threshold, 2 raw (held for the layer)
  input  logic [3:0]         out_bits_i,  // 1..8
  input  logic               out_signed_i,
  input  logic [31:0]        q0_i,        // bias or t0
  input  logic [31:0]        q1_i,        // mult or t1
  input  logic [31:0]        q2_i,        // shift or t2
  output logic [31:0]        y_o          // valid three cycles after acc_i
);
  localparam int unsigned VBits = (AccBits > 32 ? AccBits : 32) + 1;
  localparam int unsigned PBits = VBits + 17;
  localparam logic [31:0] Int32Max = 32'h7fff_ffff;
  localparam logic [31:0] Int32Min = 32'h8000_0000;

  // stage 1: bias add, threshold compares
  logic [VBits-1:0] v_q;
  logic [2:0]       ge_q;
  logic [15:0]      mult_q;
  logic [5:0]       shift_q, shift2_q;
  logic [1:0]       mode_q, mode2_q;
  always_ff @(posedge clk_i) begin
    v_q     <= VBits'($signed(acc_i)) + VBits'($signed(q0_i));
    ge_q[0] <= $signed(acc_i) >= $signed(q0_i);
    ge_q[1] <= $signed(acc_i) >= $signed(q1_i);
    ge_q[2] <= $signed(acc_i) >= $signed(q2_i);
    mult_q  <= q1_i[15:0];
    shift_q <= q2_i[5:0];
    mode_q  <= mode_i;
  end

  // stage 2: multiply
  logic [PBits-1:0] p_q;
  logic [VBits-1:0] v2_q;
  logic [1:0]       cnt_q;
  always_ff @(posedge clk_i) begin
    p_q      <= PBits'($signed(v_q) * $signed({1'b0, mult_q}));
    v2_q     <= v_q;
    shift2_q <= shift_q;
    mode2_q  <= mode_q;
    cnt_q    <= (out_bits_i == 4'd1) ? {1'b0, ge_q[0]}
                                     : 2'({1'b0, ge_q[0]} + {1'b0, ge_q[1]} + {1'b0, ge_q[2]});
  end

  // stage 3: round, shift, clamp / saturate
  logic [PBits-1:0] rnd, sh;
  logic signed [PBits-1:0] lo, hi;
  logic [31:0] y_d, y_q;
  always_comb begin
    rnd = (shift2_q == 6'd0) ? '0 : (PBits'(1) << (shift2_q - 6'd1));
    sh  = PBits'($signed(p_q + rnd) >>> shift2_q);
    if (out_signed_i) begin
      lo = -(PBits'(1) << (out_bits_i - 4'd1));
      hi = (PBits'(1) << (out_bits_i - 4'd1)) - PBits'(1);
    end else begin
      lo = '0;
      hi = (PBits'(1) << out_bits_i) - PBits'(1);
    end
    y_d = '0;
    unique case (mode2_q)
      2'd0: begin
        if ($signed(sh) < lo) y_d = 32'(lo);
        else if ($signed(sh) > hi) y_d = 32'(hi);
        else y_d = 32'(sh);
      end
      2'd1: y_d = {30'd0, cnt_q};
      default: begin
        if ($signed(v2_q) > $signed(VBits'($signed(Int32Max)))) y_d = Int32Max;
        else if ($signed(v2_q) < $signed(VBits'($signed(Int32Min)))) y_d = Int32Min;
        else y_d = 32'(v2_q);
      end
    endcase
  end
  always_ff @(posedge clk_i) y_q <= y_d;
  assign y_o = y_q;
endmodule : tern_requant

`default_nettype wire
