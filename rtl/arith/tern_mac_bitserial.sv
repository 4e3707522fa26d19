// Bit-serial multiply-accumulate (Stripes / BISMO style): each input beat is one bit-plane of Lanes
// activations (one bit per lane) with the Lanes weight codes of any type; the activations of a beat
// take `bits_i` planes, most significant first, and the run-time precision bits_i (1..MaxBits) and
// signedness signed_i may change from one beat (Lanes-element group) to the next.
//
//   plane sum   s  = sum_l bit_l * w_l                     (w_l: the weight value, any type)
//   partial     p  = s                  on the first (MSB) plane, negated if signed_i
//               p  = 2 p + s            on the following planes         (BISMO acc << 1)
//   after the last plane of a beat: acc += p   (acc = p on the first beat of a vector)
//
// so p is sum_l w_l * a_l exactly and the result equals the bit-parallel dot product (tern_mac).
// Beats whose weights are all zero do not clock the partial or accumulator registers (their
// product is forced to 0 instead).
//
// Timing: a vector's sum is valid the cycle after the last plane of its last beat is accepted, so
// a one-beat vector whose first plane is accepted in cycle t is on acc_o in cycle t + bits
// (latency = bits + 0); with no stalls a beat of b-bit activations takes b cycles.
// ready_o = !valid_o | ready_i.
`default_nettype none

module tern_mac_bitserial #(
  parameter int unsigned WgtType  = tern_pkg::WtTernary,
  parameter int unsigned IntBits  = 8,
  parameter int unsigned Lanes    = 8,
  parameter int unsigned MaxBits  = 8,     // widest activation (bits_i range 1..MaxBits)
  parameter int unsigned MaxLen   = 4096,  // longest dot product (elements) the accumulator covers
  parameter int unsigned AccWidth = 0,     // 0: the minimum for MaxLen and MaxBits; else wider
  localparam int unsigned CodeBits  = tern_pkg::code_bits(WgtType, IntBits),
  localparam int unsigned BitsWidth = $clog2(MaxBits + 1),
  localparam int unsigned MinAcc    = tern_pkg::acc_bits(WgtType, IntBits, MaxBits, MaxLen),
  localparam int unsigned AccBits   = (AccWidth == 0) ? MinAcc : AccWidth
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // bit-planes in
  input  logic                      valid_i,
  output logic                      ready_o,
  input  logic [Lanes-1:0]          abit_i,   // bit of each lane's activation for this plane
  input  logic [Lanes*CodeBits-1:0] wgt_i,    // the beat's weights, the same on all its planes
  input  logic [BitsWidth-1:0]      bits_i,   // activation precision of the beat (1..MaxBits;
                                              // other values are read as MaxBits)
  input  logic                      signed_i, // activations are two's complement
  input  logic                      last_i,   // beat is the last of its vector (on every plane)
  // sums out
  output logic                      valid_o,
  input  logic                      ready_i,
  output logic [AccBits-1:0]        acc_o     // signed
);
  localparam int unsigned ValBits  = tern_pkg::prod_bits(WgtType, IntBits, 1);  // 1 x weight value
  localparam int unsigned SumBits  = ValBits + tern_pkg::clog2c(Lanes);
  localparam int unsigned PartBits = tern_pkg::prod_bits(WgtType, IntBits, MaxBits)
                                     + tern_pkg::clog2c(Lanes);

  if (WgtType >= tern_pkg::WtCount || Lanes < 1 || Lanes > 1024 || MaxBits < 1 || MaxBits > 16)
  begin : gen_check
    $error("tern_mac_bitserial: bad WgtType, or Lanes not 1..1024, or MaxBits not 1..16");
  end
  if (MaxLen < Lanes || AccBits < MinAcc || AccBits > 64) begin : gen_check_acc
    $error("tern_mac_bitserial: MaxLen below Lanes, or AccWidth below the minimum or above 64");
  end

  // ---------------------------------------------------------------- plane sum: sum of bit * weight
  // A 1-bit unsigned activation times the weight is the weight value gated by the bit; tern_mul
  // gives exactly that for every weight type (synthesis folds it to a decoder and an AND).
  logic [Lanes*SumBits-1:0] term;
  logic [Lanes-1:0]         nz;
  for (genvar l = 0; l < Lanes; l++) begin : gen_lane
    logic [ValBits-1:0] val;
    tern_mul #(
      .WgtType  (WgtType),
      .IntBits  (IntBits),
      .ActBits  (1),
      .ActSigned(1'b0)
    ) i_mul (
      .act_i    (abit_i[l]),
      .wgt_i    (wgt_i[l*CodeBits+:CodeBits]),
      .nonzero_o(nz[l]),
      .prod_o   (val)
    );
    assign term[l*SumBits+:SumBits] = SumBits'($signed(val));
  end

  logic [SumBits-1:0] psum;
  always_comb begin
    psum = '0;
    for (int l = 0; l < Lanes; l++) begin
      psum = psum + term[l*SumBits+:SumBits];
    end
  end

  // ---------------------------------------------------------------- plane sequencing
  logic [BitsWidth-1:0] nbits;     // effective precision
  logic [BitsWidth-1:0] plane_q, plane_d;  // planes of the current beat accepted so far
  logic                 first_plane, final_plane, neg;
  if (MaxBits == (1 << BitsWidth) - 1) begin : gen_nbits_full  // bits_i cannot exceed MaxBits
    assign nbits = (bits_i == '0) ? BitsWidth'(MaxBits) : bits_i;
  end else begin : gen_nbits
    assign nbits = (bits_i == '0 || 32'(bits_i) > MaxBits) ? BitsWidth'(MaxBits) : bits_i;
  end
  assign first_plane = (plane_q == '0);
  assign final_plane = (plane_q == nbits - BitsWidth'(1));
  assign neg         = first_plane && signed_i;  // the MSB plane of a signed value weighs -2^(b-1)

  // p_new = (first ? 0 : 2 p) +/- s, one adder: negation as inverted operand plus carry-in.
  logic [PartBits-1:0] part_q, part_new, base, s_ext;
  logic [PartBits:0]   wide;
  logic                unused_lsb;
  assign s_ext      = PartBits'($signed(psum));
  assign base       = first_plane ? '0 : (part_q << 1);
  assign wide       = {base, 1'b1} + {s_ext ^ {PartBits{neg}}, neg};
  assign part_new   = wide[PartBits:1];
  assign unused_lsb = wide[0];

  // ---------------------------------------------------------------- accumulation and output
  logic [AccBits-1:0] acc_q /* verilator public_flat_rd */;
  logic [AccBits-1:0] total;
  logic               first_q, first_d;  // no non-zero beat accumulated yet in this vector
  logic               nonzero, accept;
  logic               part_en, acc_en;
  logic [AccBits-1:0] out_q;
  logic               out_valid_q, out_valid_d;

  logic [AccBits-1:0] elem;  // the beat's dot product, 0 if all its weights are zero
  assign nonzero = |nz;
  assign elem    = nonzero ? AccBits'($signed(part_new)) : '0;  // part_q is stale then
  assign total   = first_q ? elem : acc_q + elem;
  assign ready_o = !out_valid_q || ready_i;
  assign accept  = valid_i && ready_o;

  always_comb begin
    plane_d     = plane_q;
    first_d     = first_q;
    part_en     = 1'b0;
    acc_en      = 1'b0;
    out_valid_d = out_valid_q && !ready_i;
    if (accept) begin
      if (!final_plane) begin
        plane_d = plane_q + BitsWidth'(1);
        part_en = nonzero;
      end else begin
        plane_d = '0;
        if (last_i) begin
          out_valid_d = 1'b1;
          first_d     = 1'b1;
        end else if (nonzero) begin
          acc_en  = 1'b1;
          first_d = 1'b0;
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      plane_q     <= '0;
      first_q     <= 1'b1;
      out_valid_q <= 1'b0;
    end else begin
      plane_q     <= plane_d;
      first_q     <= first_d;
      out_valid_q <= out_valid_d;
    end
  end

  // Datapath registers: not reset.
  always_ff @(posedge clk_i) begin
    if (part_en) part_q <= part_new;
    if (acc_en) acc_q <= total;
    if (accept && final_plane && last_i) out_q <= total;
  end

  assign valid_o = out_valid_q;
  assign acc_o   = out_q;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // a finished sum is held, unchanged, until taken; the plane counter stays inside the precision
  a_out_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_o && !ready_i |=> valid_o && $stable(acc_o)) else tern_sva_fail($sformatf("%m"));
  a_plane_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    32'(plane_q) < MaxBits) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_mac_bitserial

`default_nettype wire
