// Serial requantiser (the RqSerial build option of tern_rq_pool): the same three modes as tern_requant
// (docs/model_format.md) from one adder and one shifter stage, for builds whose requantisation rate is
// low (one output per many MACs) and whose area matters more (iCE40):
//   linear:    y = clamp((((acc + bias) * mult) + 2^(shift-1)) >>> shift, lo, hi)
//   threshold: y = #{i : acc >= t_i} over 1 (1-bit) or 3 (2-bit) thresholds
//   raw:       y = saturate_int32(acc + bias)
//
// Contract: start_i (only while busy_o is low) samples acc_i, mode_i and q0..q2; out_bits_i and
// out_signed_i are held for the layer; clear_i (over start_i) abandons a job. busy_o is high for the
// next Latency - 1 cycles, then done_o is high for one cycle with y_o valid; y_o holds until the next
// result. Every mode takes Latency cycles.
// Timing: cycle 0 start (v = acc + bias, threshold compares); cycles 1..16 the product v * mult, one
// multiplier bit per cycle (shift-and-add, LSB first); cycles 17..22 the right shift by shift - 1, one
// bit of the amount per cycle (32, 16, 8, 4, 2, 1); cycle 23 the rounding step ((x + 1) >>> 1, which
// equals adding 2^(shift-1) before shifting by shift) and the clamp; cycle 24 done_o.
// Equal to tern_requant for shift 0..49 (legal model files: 0..47); for shift >= 50 (where tern_requant's
// 2^(shift-1) no longer fits its product width) it computes the exact rounded shift instead.
`default_nettype none

module tern_requant_ser #(
  parameter int unsigned AccBits = 32,  // accumulator width (signed)
  localparam int unsigned Latency = 24  // cycles from start_i to done_o
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               clear_i,     // abandon the job in flight (busy_o, done_o low next cycle)
  input  logic               start_i,
  input  logic [AccBits-1:0] acc_i,       // signed
  input  logic [1:0]         mode_i,      // 0 linear, 1 threshold, 2 raw
  input  logic [3:0]         out_bits_i,  // 1..8 (held)
  input  logic               out_signed_i,
  input  logic [31:0]        q0_i,        // bias or t0
  input  logic [31:0]        q1_i,        // mult or t1
  input  logic [31:0]        q2_i,        // shift or t2
  output logic               busy_o,
  output logic               done_o,
  output logic [31:0]        y_o
);
  if (AccBits < 2 || AccBits > 46) begin : gen_check
    $error("tern_requant_ser: AccBits must be 2..46");
  end
  localparam int unsigned VBits = (AccBits > 32 ? AccBits : 32) + 1;
  localparam int unsigned PBits = VBits + 17;   // product register {hi, lo}
  localparam int unsigned HBits = PBits - 16;   // its upper part (the running sum)
  localparam logic [31:0] Int32Max = 32'h7fff_ffff;
  localparam logic [31:0] Int32Min = 32'h8000_0000;

  logic [4:0]       st_q;      // cycle of the schedule (1..23 while busy)
  logic             busy_q, done_q;
  logic [VBits-1:0] v_q;
  logic [1:0]       cnt_q, mode_q;
  logic [5:0]       s1_q;      // shift - 1 (0 when shift = 0)
  logic             rnd_q;     // shift != 0
  logic [PBits-1:0] x_q;       // product, then the shifted value
  logic [31:0]      y_q;

  // one multiplier step: {hi + (lo[0] ? v : 0), lo} >>> 1
  logic [HBits:0]   sum;
  logic [PBits-1:0] x_mul, x_sh, x_rnd;
  logic [2:0]       j;         // shift step 0..5 -> amount 32, 16, 8, 4, 2, 1
  always_comb begin
    sum   = {x_q[PBits-1], x_q[PBits-1:16]} + (x_q[0] ? (HBits + 1)'($signed(v_q)) : '0);
    x_mul = {sum, x_q[15:1]};
    j     = 3'(st_q - 5'd17);
    x_sh  = x_q;
    unique case (j)
      3'd0: if (s1_q[5]) x_sh = PBits'($signed(x_q) >>> 32);
      3'd1: if (s1_q[4]) x_sh = PBits'($signed(x_q) >>> 16);
      3'd2: if (s1_q[3]) x_sh = PBits'($signed(x_q) >>> 8);
      3'd3: if (s1_q[2]) x_sh = PBits'($signed(x_q) >>> 4);
      3'd4: if (s1_q[1]) x_sh = PBits'($signed(x_q) >>> 2);
      3'd5: if (s1_q[0]) x_sh = PBits'($signed(x_q) >>> 1);
      default: ;
    endcase
    x_rnd = rnd_q ? PBits'($signed(x_q + PBits'(1)) >>> 1) : x_q;
  end

  // the result of cycle 23. out_bits <= 8, so the clamp bounds fit 10 bits: a value whose bits above
  // bit 8 are not all equal is out of range on its sign's side, else a 10-bit compare decides.
  logic signed [9:0] lo, hi, x10;
  logic              ovf;
  logic [31:0]       y_d;
  always_comb begin
    if (out_signed_i) begin
      lo = -(10'sd1 <<< (out_bits_i - 4'd1));
      hi = (10'sd1 <<< (out_bits_i - 4'd1)) - 10'sd1;
    end else begin
      lo = '0;
      hi = (10'sd1 <<< out_bits_i) - 10'sd1;
    end
    ovf = !(&x_rnd[PBits-1:8] || !(|x_rnd[PBits-1:8]));
    x10 = $signed({x_rnd[PBits-1], x_rnd[8:0]});
    y_d = '0;
    unique case (mode_q)
      2'd0: begin
        if (ovf) y_d = x_rnd[PBits-1] ? 32'($signed(lo)) : 32'($signed(hi));
        else if (x10 < lo) y_d = 32'($signed(lo));
        else if (x10 > hi) y_d = 32'($signed(hi));
        else y_d = 32'($signed(x10));
      end
      2'd1: y_d = {30'd0, cnt_q};
      default: begin  // saturate to int32: the bits above bit 31 must all equal bit 31
        if (!(&v_q[VBits-1:31] || !(|v_q[VBits-1:31]))) y_d = v_q[VBits-1] ? Int32Min : Int32Max;
        else y_d = v_q[31:0];
      end
    endcase
  end

  // threshold compares of cycle 0, at the accumulator's width plus one
  logic signed [VBits-1:0] a, t0, t1, t2;
  logic                    ge0, ge1, ge2;
  always_comb begin
    a   = VBits'($signed(acc_i));
    t0  = VBits'($signed(q0_i));
    t1  = VBits'($signed(q1_i));
    t2  = VBits'($signed(q2_i));
    ge0 = a >= t0;
    ge1 = a >= t1;
    ge2 = a >= t2;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      busy_q <= 1'b0;
      done_q <= 1'b0;
      st_q   <= '0;
    end else begin
      done_q <= busy_q && st_q == 5'(Latency - 1);
      if (start_i) begin
        busy_q <= 1'b1;
        st_q   <= 5'd1;
      end else if (busy_q) begin
        busy_q <= st_q != 5'(Latency - 1);
        st_q   <= st_q + 5'd1;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (start_i) begin
      v_q    <= a + t0;
      cnt_q  <= (out_bits_i == 4'd1) ? {1'b0, ge0} : 2'({1'b0, ge0} + {1'b0, ge1} + {1'b0, ge2});
      mode_q <= mode_i;
      s1_q   <= (q2_i[5:0] == 6'd0) ? 6'd0 : q2_i[5:0] - 6'd1;
      rnd_q  <= q2_i[5:0] != 6'd0;
      x_q    <= PBits'(q1_i[15:0]);
    end else if (busy_q && st_q <= 5'd16) begin
      x_q <= x_mul;
    end else if (busy_q && st_q <= 5'd22) begin
      x_q <= x_sh;
    end
    if (busy_q && st_q == 5'(Latency - 1)) y_q <= y_d;
  end
  assign busy_o = busy_q;
  assign done_o = done_q;
  assign y_o    = y_q;

`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_start_idle: assert property (@(posedge clk_i) disable iff (!rst_ni) start_i |-> !busy_q)
    else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_requant_ser

`default_nettype wire
