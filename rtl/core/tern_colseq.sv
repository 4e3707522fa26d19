// Row sequencer of one column (engine v2): which row replay the column's decompressor starts next
// (pass, pixel group, bit-plane), when it may start it, and the context every entry of the running
// row carries (accumulator parity, first/shift/sign-plane flags, group geometry, the row's nnz).
//
// Contract: replays run pass by pass, group by group (gy, gx in the band, raster order), plane by
// plane (bit-serial: MSB first). A replay starts in a cycle where the decompressor is idle or hands
// over the running row's final entry (start_o), and only when
//   * the feeder holds the header of the replay's pass (hdr_valid_i and hdr_pass_i equal), and
//   * for a group's first plane: fewer than two of the column's groups are started and not drained
//     (the lanes hold two accumulators; the requantisers free one per drained group).
// The group parameters (q0..q2) are copied for the drain when the group starts. A column stops when
// its passes are done; groups are numbered over the whole layer, so all columns drain group n together.
// Each RUN cycle is classified for the statistics (st_*_o, one-hot): entry issued, waiting for the
// weight block, waiting at the group limit for slower columns (balance) or for the requantisers (out),
// finished, or other (decompressor latency and escapes).
// Timing: start_o and the classification are combinational from registers and the decompressor's
// handshake; the context registers change at the clock edge of a start.
`default_nettype none

module tern_colseq (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         run_i,
  // layer constants
  input  logic [15:0]  passes_i,       // passes this column runs
  input  logic [15:0]  gy_n_i,         // band rows per group column (eb), 1 for fc
  input  logic [15:0]  gx_n_i,         // groups per band row (F), 1 for fc
  input  logic [3:0]   planes_i,       // 1, or act_bits (bit-serial)
  input  logic         sign_plane_i,   // bit-serial with signed activations: subtract on plane 0
  input  logic [2:0]   stride_i,
  input  logic [2:0]   pad_i,
  input  logic [4:0]   lpix_i,
  input  logic [4:0]   lrow_i,
  // feeder
  input  logic         hdr_valid_i,
  input  logic [15:0]  hdr_pass_i,
  input  logic [15:0]  hdr_nnz_i,
  input  logic [95:0]  hdr_q_i,
  output logic         last_started_o, // the feeder's pass has had its last replay started
  // decompressor
  input  logic         dc_busy_i,
  input  logic         dc_fire_i,
  input  logic         dc_last_i,
  output logic         start_o,
  // drain side
  input  logic         drained_i,      // pulse: the oldest undrained group of every column drained
  input  logic         barrier_ok_i,   // every active column has a completed group to drain
  input  logic         others_left_i,  // some column still has replays to start
  input  logic         done_grp_i,     // pulse: one of this column's groups finished accumulating
  output logic [1:0]   pending_o,      // completed groups not yet drained
  output logic         rows_left_o,
  output logic [191:0] grp_q_o,        // per accumulator parity: {q2, q1, q0}
  // context of the running row (valid for its entries)
  output logic         cur_par_o,
  output logic         cur_first_o,    // the row is the group's first plane
  output logic         cur_lastpl_o,   // the row is the group's last plane
  output logic [3:0]   cur_plane_o,
  output logic         cur_neg_o,
  output logic [15:0]  cur_nnz_o,
  output logic signed [31:0] cur_base_o,  // byte offset of the group's (r, s, c) = (0, 0, 0) tap
  output logic signed [17:0] cur_ix0_o,   // input column of tap s = 0
  output logic signed [17:0] cur_rb_o,    // band row of tap r = 0, minus the padding
  // statistics (one-hot while run_i)
  output logic         st_entry_o,
  output logic         st_fetch_o,
  output logic         st_balance_o,
  output logic         st_out_o,
  output logic         st_dec_o
);
  // next replay to start
  logic [15:0]        pass_q, gy_q, gx_q;
  logic [3:0]         plane_q;
  logic               par_q, left_q;
  logic signed [31:0] rowb_q;     // (gy * U) << lrow
  logic signed [17:0] ix0_q, rb_q;
  logic [1:0]         out_q, pend_q;  // groups started / completed and not drained
  logic               can, hdr_ok, grp_ok, first_pl, last_pl, last_grp_col, last_grp_row;

  assign first_pl     = plane_q == 4'd0;
  assign last_pl      = plane_q == planes_i - 4'd1;
  assign last_grp_col = gx_q == gx_n_i - 16'd1;
  assign last_grp_row = gy_q == gy_n_i - 16'd1;
  assign hdr_ok       = hdr_valid_i && hdr_pass_i == pass_q;
  assign grp_ok       = !first_pl || out_q != 2'd2;
  assign can          = run_i && left_q && (!dc_busy_i || (dc_fire_i && dc_last_i));
  assign start_o      = can && hdr_ok && grp_ok;
  assign last_started_o = !left_q || pass_q != hdr_pass_i;
  assign rows_left_o  = left_q;
  assign pending_o    = pend_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) begin
      pass_q  <= '0;
      gy_q    <= '0;
      gx_q    <= '0;
      plane_q <= '0;
      par_q   <= 1'b0;
      left_q  <= passes_i != 16'd0;
      rowb_q  <= '0;
      ix0_q   <= -(18'(pad_i));
      rb_q    <= -(18'(pad_i));
      out_q   <= '0;
      pend_q  <= '0;
    end else begin
      out_q  <= out_q + 2'(start_o && first_pl) - 2'(drained_i);
      pend_q <= pend_q + 2'(done_grp_i) - 2'(drained_i);
      if (start_o) begin
        if (!last_pl) begin
          plane_q <= plane_q + 4'd1;
        end else begin
          plane_q <= '0;
          par_q   <= !par_q;
          if (!last_grp_col) begin
            gx_q  <= gx_q + 16'd1;
            ix0_q <= ix0_q + 18'(stride_i);
          end else begin
            gx_q  <= '0;
            ix0_q <= -(18'(pad_i));
            if (!last_grp_row) begin
              gy_q   <= gy_q + 16'd1;
              rb_q   <= rb_q + 18'(stride_i);
              rowb_q <= rowb_q + (32'(stride_i) << lrow_i);
            end else begin
              gy_q   <= '0;
              rb_q   <= -(18'(pad_i));
              rowb_q <= '0;
              pass_q <= pass_q + 16'd1;
              if (pass_q == passes_i - 16'd1) left_q <= 1'b0;
            end
          end
        end
      end
    end
  end

  // Context of the running row, captured at its start; group parameters by accumulator parity.
  always_ff @(posedge clk_i) begin
    if (start_o) begin
      cur_par_o    <= par_q;
      cur_first_o  <= first_pl;
      cur_lastpl_o <= last_pl;
      cur_plane_o  <= plane_q;
      cur_neg_o    <= sign_plane_i && first_pl;
      cur_nnz_o    <= hdr_nnz_i;
      cur_base_o   <= rowb_q + (32'(ix0_q) <<< lpix_i);
      cur_ix0_o    <= ix0_q;
      cur_rb_o     <= rb_q;
      if (first_pl && !par_q) grp_q_o[0+:96] <= hdr_q_i;
      if (first_pl && par_q) grp_q_o[96+:96] <= hdr_q_i;
    end
  end

  // Statistics: one class per RUN cycle.
  always_comb begin
    st_entry_o   = 1'b0;
    st_fetch_o   = 1'b0;
    st_balance_o = 1'b0;
    st_out_o     = 1'b0;
    st_dec_o     = 1'b0;
    if (run_i) begin
      if (dc_fire_i) st_entry_o = 1'b1;
      else if (!left_q) begin
        if (others_left_i) st_balance_o = 1'b1;
        else st_out_o = 1'b1;
      end else if (!dc_busy_i && !hdr_ok) st_fetch_o = 1'b1;
      else if (!dc_busy_i && !grp_ok) begin
        if (pend_q == 2'd0) st_dec_o = 1'b1;
        else if (!barrier_ok_i) st_balance_o = 1'b1;
        else st_out_o = 1'b1;
      end else st_dec_o = 1'b1;
    end
  end
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_out_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    out_q <= 2'd2 && pend_q <= out_q) else tern_sva_fail($sformatf("%m"));
  a_drain_pending: assert property (@(posedge clk_i) disable iff (!rst_ni)
    drained_i && run_i |-> pend_q != 2'd0) else tern_sva_fail($sformatf("%m"));
  a_stat_onehot: assert property (@(posedge clk_i) disable iff (!rst_ni)
    run_i |-> $onehot({st_entry_o, st_fetch_o, st_balance_o, st_out_o, st_dec_o}))
    else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_colseq

`default_nettype wire
