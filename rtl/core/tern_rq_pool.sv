// Requantiser pool of engine v2: drains the columns' finished pixel groups through RqUnits shared
// requantisers into the writer, one chunk (RqUnits channels of one output pixel) per cycle.
//
// Contract: groups are drained in order (n = pass * groups + gy * F + gx). Group n is drained when
// every column active in its pass has a completed, undrained group (barrier_ok_o). Then for each lane
// whose output row l*eb + gy is below E, and each chunk k of the columns, units u = 0..RqUnits-1
// requantise column k*RqUnits + u's accumulator of that lane (accumulator parity n mod 2, the
// column's parameters of that group); the chunk goes to the writer as channels pass*Cols + k*RqUnits
// .. of pixel (l*eb + gy, gx); chunks of columns inactive in the pass are skipped (one cycle, no chunk).
// A chunk is issued only with writer credit (free FIFO entries minus
// chunks in the requantisers). drained_o pulses (to the active columns) with the group's last issue.
// Timing: tern_requant's three stages, then the chunk enters the writer FIFO (4 cycles after issue).
// RqSerial builds use tern_requant_ser units instead: a chunk is issued only while the units are idle,
// its result leaves Latency (24) cycles after issue and enters the writer FIFO the cycle after; one
// chunk at most is in flight.
`default_nettype none

module tern_rq_pool #(
  parameter int unsigned Cols    = 8,
  parameter int unsigned Lanes   = 8,
  parameter int unsigned RqUnits = 8,
  parameter int unsigned AccBits = 32,
  parameter int unsigned WDepth  = 8,  // writer chunk FIFO entries
  parameter bit          RqSerial = 1'b0,  // serial requantisers (tern_requant_ser): less area, 1/24 the rate
  localparam int unsigned Chunks = Cols / RqUnits,
  localparam int unsigned CntW   = $clog2(WDepth) + 1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        run_i,
  // layer constants
  input  logic [15:0]                 passes_i,
  input  logic [15:0]                 rem_i,       // columns active in the last pass
  input  logic [15:0]                 gy_n_i,      // eb (1 for fc)
  input  logic [15:0]                 gx_n_i,      // F (1 for fc)
  input  logic [15:0]                 e_i,         // output rows
  input  logic [1:0]                  mode_i,
  input  logic [3:0]                  out_bits_i,
  input  logic                        out_signed_i,
  // columns
  input  logic [Cols*2-1:0]           pending_i,
  input  logic [Cols*AccBits-1:0]     acc_i,       // per column: lane lsel_o's accumulator of parity dpar_o
  input  logic [Cols*192-1:0]         grp_q_i,     // per column: {parity 1, parity 0} x {q2, q1, q0}
  output logic [$clog2(Lanes+1)-1:0]  lsel_o,
  output logic                        dpar_o,
  output logic [Cols-1:0]             drained_o,
  output logic                        barrier_ok_o,
  output logic                        done_o,      // every group drained, requantisers empty
  // writer
  input  logic [CntW-1:0]             wr_count_i,
  output logic                        ck_valid_o,
  output logic [15:0]                 ck_y_o,
  output logic [15:0]                 ck_x_o,
  output logic [15:0]                 ck_m_o,
  output logic [7:0]                  ck_mask_o,
  output logic [255:0]                ck_data_o
);
  if (RqUnits < 1 || RqUnits > 8 || (RqUnits & (RqUnits - 1)) != 0 || Cols % RqUnits != 0) begin : gen_check
    $error("tern_rq_pool: RqUnits must be 1, 2, 4 or 8 and divide Cols");
  end
  localparam int unsigned KBits = (Chunks <= 1) ? 1 : $clog2(Chunks);
  localparam int unsigned LBits = $clog2(Lanes + 1);

  logic [15:0]      pass_q, gy_q, gx_q;
  logic             par_q, busy_q;
  logic [LBits-1:0] l_q;
  logic [KBits-1:0] k_q;
  logic [Cols-1:0]  act;
  logic [2:0]       infl_q;   // chunks in the three requantiser stages (parallel units)
  logic [1:0]       infl;     // chunks issued and not yet in the writer FIFO
  logic             ser_busy; // serial units computing (no issue of a chunk)
  logic             issue, last_issue, credit_ok, row_ok, left, chunk, lane_end;
  logic [7:0]       mask_d;    // columns of the chunk that are active in the pass
  logic [15:0]      y;

  assign left = run_i && pass_q < passes_i;
  always_comb begin
    barrier_ok_o = left;
    for (int c = 0; c < Cols; c++) begin
      act[c] = left && (pass_q != passes_i - 16'd1 || 16'(c) < rem_i);
      if (act[c] && pending_i[c*2+:2] == 2'd0) barrier_ok_o = 1'b0;
    end
  end
  assign y          = 16'(32'(l_q) * 32'(gy_n_i)) + gy_q;
  assign row_ok     = y < e_i;
  assign credit_ok  = 32'(wr_count_i) + 32'(infl) < WDepth;
  // a lane without an output row is skipped in one cycle, a chunk of inactive columns in one cycle,
  // both with no chunk to the writer
  assign chunk      = row_ok && mask_d != '0;
  assign lane_end   = !row_ok || 32'(k_q) == Chunks - 1;
  assign issue      = (busy_q || barrier_ok_o) && ((credit_ok && !ser_busy) || !chunk);
  assign last_issue = issue && 32'(l_q) == Lanes - 1 && lane_end;
  assign drained_o  = last_issue ? act : '0;
  assign lsel_o     = l_q;
  assign dpar_o     = par_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) begin
      pass_q <= '0;
      gy_q   <= '0;
      gx_q   <= '0;
      par_q  <= 1'b0;
      busy_q <= 1'b0;
      l_q    <= '0;
      k_q    <= '0;
    end else if (issue) begin
      busy_q <= !last_issue;
      if (!lane_end) begin
        k_q <= k_q + KBits'(1);
      end else begin
        k_q <= '0;
        if (32'(l_q) != Lanes - 1) begin
          l_q <= l_q + LBits'(1);
        end else begin
          l_q   <= '0;
          par_q <= !par_q;
          if (gx_q != gx_n_i - 16'd1) begin
            gx_q <= gx_q + 16'd1;
          end else begin
            gx_q <= '0;
            if (gy_q != gy_n_i - 16'd1) begin
              gy_q <= gy_q + 16'd1;
            end else begin
              gy_q   <= '0;
              pass_q <= pass_q + 16'd1;
            end
          end
        end
      end
    end
  end

  // requantisers: unit u takes column k*RqUnits + u
  logic [RqUnits*32-1:0] yq;
  logic [RqUnits-1:0]    u_busy, u_done;
  for (genvar u = 0; u < RqUnits; u++) begin : gen_unit
    logic [AccBits-1:0] a;
    logic [95:0]        q;
    always_comb begin
      a = '0;
      q = '0;
      for (int k = 0; k < Chunks; k++) begin
        if (32'(k_q) == k) begin
          a = acc_i[(k*RqUnits+u)*AccBits+:AccBits];
          q = par_q ? grp_q_i[(k*RqUnits+u)*192+96+:96] : grp_q_i[(k*RqUnits+u)*192+:96];
        end
      end
    end
    if (RqSerial) begin : gen_ser
      tern_requant_ser #(.AccBits(AccBits)) i_rq (
        .clk_i, .rst_ni, .clear_i(!run_i), .start_i(issue && chunk), .acc_i(a), .mode_i, .out_bits_i,
        .out_signed_i, .q0_i(q[31:0]), .q1_i(q[63:32]), .q2_i(q[95:64]), .busy_o(u_busy[u]),
        .done_o(u_done[u]), .y_o(yq[u*32+:32])
      );
    end else begin : gen_par
      tern_requant #(.AccBits(AccBits)) i_rq (
        .clk_i, .acc_i(a), .mode_i, .out_bits_i, .out_signed_i,
        .q0_i(q[31:0]), .q1_i(q[63:32]), .q2_i(q[95:64]), .y_o(yq[u*32+:32])
      );
      assign u_busy[u] = 1'b0;
      assign u_done[u] = 1'b0;
    end
  end
  always_comb begin
    mask_d = '0;
    for (int u = 0; u < RqUnits; u++) mask_d[u] = act[32'(k_q)*RqUnits+u];
  end

  // chunk sideband: through the three requantiser stages (stage i at [i*W +: W]), or held while the
  // serial units compute
  localparam int unsigned SbW = 16 * 3 + 8;
  logic [SbW-1:0] sb_d;
  assign sb_d = {y, gx_q, 16'(32'(pass_q) * Cols + 32'(k_q) * RqUnits), mask_d};
  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) infl_q <= '0;
    else infl_q <= {infl_q[1:0], issue && chunk && !RqSerial};
  end
  if (RqSerial) begin : gen_ser_sb
    logic [SbW-1:0] sb_q;
    always_ff @(posedge clk_i) begin
      if (issue && chunk) sb_q <= sb_d;
    end
    assign ser_busy   = u_busy[0];
    assign infl       = {1'b0, u_busy[0] || u_done[0]};
    assign ck_valid_o = u_done[0];
    assign {ck_y_o, ck_x_o, ck_m_o, ck_mask_o} = sb_q;
  end else begin : gen_par_sb
    logic [3*SbW-1:0] sb_q;
    always_ff @(posedge clk_i) sb_q <= {sb_q[2*SbW-1:0], sb_d};
    assign ser_busy   = 1'b0;
    assign infl       = 2'({1'b0, infl_q[0]} + {1'b0, infl_q[1]} + {1'b0, infl_q[2]});
    assign ck_valid_o = infl_q[2];
    assign {ck_y_o, ck_x_o, ck_m_o, ck_mask_o} = sb_q[2*SbW+:SbW];
  end
  always_comb begin
    ck_data_o = '0;
    for (int u = 0; u < RqUnits; u++) ck_data_o[u*32+:32] = yq[u*32+:32];
  end
  logic unused;
  assign unused = ^{u_busy, u_done, infl_q[2]};
  assign done_o = !left && infl == '0;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_credit: assert property (@(posedge clk_i) disable iff (!rst_ni)
    run_i |-> 32'(wr_count_i) + 32'(infl) <= WDepth)
    else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_rq_pool

`default_nettype wire
