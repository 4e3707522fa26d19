// Statistics of engine v2: the per-layer record (tern_pkg St*, StatsWords 64-bit words written to
// stats_addr at the layer's end) and the run counters of the host registers (record words summed
// over the run's layers, plus the layer count). Built only with Stats = 1; otherwise all zero.
//
// Contract: every cycle of a layer (first descriptor request .. end of DRAIN, layer_on_i) counts;
// run_i marks RUN/POOL cycles; the columns report one state each per RUN cycle (entry, fetch, balance,
// out, dec: st_i, Cols x 5 one-hot) and the weight codes they issued (codes_i). Counters are 48 bits
// wide, in two 24-bit halves with a registered carry between them, and each increment is registered
// first, so no long carry chain or wide popcount sits in front of the counters. rec_valid_o offers
// record word rec_idx_i (the sequencer's STATS phase steps it); run counters add word i when it is
// taken (rec_take_i), so the run sums cost one adder.
// Timing: an event is visible in the record two cycles later (increment register, low half) and its
// carry one cycle after that; the sequencer reads the record no earlier than three cycles after the
// layer's last event.
`default_nettype none

module tern_stats #(
  parameter int unsigned Cols  = 8,
  parameter bit          Stats = 1'b1,
  localparam int unsigned NumCtrs = tern_pkg::NumCtrs,
  localparam int unsigned Words   = tern_pkg::StatsWords
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   run_start_i,   // start of a run: clear the run counters
  input  logic                   layer_first_i, // first cycle of a layer: restart the record
  input  logic                   layer_on_i,
  input  logic                   run_i,
  input  logic [Cols*5-1:0]      st_i,
  input  logic [Cols*4-1:0]      codes_i,
  input  logic                   group_i,       // a pixel group drained
  input  logic [3:0]             rd_bytes_i,    // bytes read this cycle (0 or 8)
  input  logic [3:0]             wr_bytes_i,    // bytes written this cycle (strobes)
  input  logic [3:0]             rec_idx_i,
  input  logic                   rec_take_i,    // record word rec_idx_i is taken (STATS phase)
  input  logic                   layer_done_i,  // pulse: a layer completed
  output logic [63:0]            rec_data_o,
  output logic [NumCtrs*64-1:0]  ctrs_o
);
  localparam int unsigned SumW = $clog2(Cols * 8 + 1);
  if (Stats) begin : gen_stats
    // per-cycle increments (registered), word w at [w*SumW +: SumW]
    logic [Words*SumW-1:0] inc_d, inc_q;
    logic [SumW-1:0]       s_ent, s_fetch, s_bal, s_out, s_dec;
    always_comb begin
      s_ent   = '0;
      s_fetch = '0;
      s_bal   = '0;
      s_out   = '0;
      s_dec   = '0;
      for (int c = 0; c < Cols; c++) begin
        s_ent   = s_ent + SumW'(codes_i[c*4+:4]);
        s_fetch = s_fetch + SumW'(st_i[c*5+1]);
        s_bal   = s_bal + SumW'(st_i[c*5+2]);
        s_out   = s_out + SumW'(st_i[c*5+3]);
        s_dec   = s_dec + SumW'(st_i[c*5+4]);
      end
      inc_d = '0;
      if (layer_on_i) begin
        inc_d[tern_pkg::StCycles*SumW+:SumW]       = SumW'(1);
        inc_d[tern_pkg::StRunCycles*SumW+:SumW]    = SumW'(run_i);
        inc_d[tern_pkg::StEntries*SumW+:SumW]      = s_ent;
        inc_d[tern_pkg::StGroups*SumW+:SumW]       = SumW'(group_i);
        inc_d[tern_pkg::StStallFetch*SumW+:SumW]   = s_fetch;
        inc_d[tern_pkg::StStallOut*SumW+:SumW]     = s_out;
        inc_d[tern_pkg::StStallDec*SumW+:SumW]     = s_dec;
        inc_d[tern_pkg::StStallBalance*SumW+:SumW] = s_bal;
        inc_d[tern_pkg::StBytesRead*SumW+:SumW]    = SumW'(rd_bytes_i);
        inc_d[tern_pkg::StBytesWritten*SumW+:SumW] = SumW'(wr_bytes_i);
      end
    end
    logic first_q;
    always_ff @(posedge clk_i) begin
      inc_q   <= inc_d;
      first_q <= layer_first_i;
    end
    // split counters and run counters, one generate block per record word
    logic [Words*64-1:0] rec;
    for (genvar w = 0; w < Words; w++) begin : gen_word
      logic [23:0] lo_q, hi_q;
      logic        cy_q;
      logic [63:0] rc_q;
      always_ff @(posedge clk_i) begin
        {cy_q, lo_q} <= (first_q ? 25'd0 : {1'b0, lo_q}) + 25'(inc_q[w*SumW+:SumW]);
        hi_q         <= (first_q ? 24'd0 : hi_q) + 24'(cy_q && !first_q);
      end
      assign rec[w*64+:64] = {16'd0, hi_q, lo_q};
      always_ff @(posedge clk_i) begin
        if (!rst_ni || run_start_i) rc_q <= '0;
        else if (rec_take_i && 32'(rec_idx_i) == w) rc_q <= rc_q + rec[w*64+:64];
      end
      assign ctrs_o[w*64+:64] = rc_q;
    end
    logic [63:0] layers_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni || run_start_i) layers_q <= '0;
      else if (layer_done_i) layers_q <= layers_q + 64'd1;
    end
    assign ctrs_o[tern_pkg::CtrLayers*64+:64] = layers_q;
    always_comb begin
      rec_data_o = '0;
      for (int w = 0; w < Words; w++) begin
        if (32'(rec_idx_i) == w) rec_data_o = rec[w*64+:64];
      end
    end
  end else begin : gen_none
    assign rec_data_o = '0;
    assign ctrs_o     = '0;
    logic unused;
    assign unused = ^{clk_i, run_start_i, layer_first_i, layer_on_i, run_i, st_i, codes_i, group_i, rd_bytes_i,
                      wr_bytes_i, rec_idx_i, rec_take_i, layer_done_i, rst_ni};
  end
endmodule : tern_stats

`default_nettype wire
