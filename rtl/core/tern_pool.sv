// Max-pooling unit of engine v2 (POOL phase): reads column 0's activation banks (all lanes at one
// address, each lane its row band), keeps a running maximum per lane, and hands the pooled bytes to
// the writer in chunks of up to 8 channels of one output pixel.
//
// Contract: groups (gy, gx) of the band in raster order, channels c = 0..C-1, window taps (r, s) in
// raster order; one bank read per cycle while the next output buffer is free. Lane l pools output
// pixel (l*eb + gy, gx) when that row is below E. Bytes are compared signed when the pooled tensor is
// signed with more than one bit (docs/architecture.md). A chunk closes at every eighth channel and at
// the last; the closed chunks of all lanes move to an output buffer that a serializer hands to the
// writer, one lane per cycle with writer credit (lanes without a row are skipped without a cycle).
// Timing: read address at P0, data and running maximum at P1; a closed chunk enters the output buffer
// at the end of P1 and is offered to the writer from the next cycle.
`default_nettype none

module tern_pool #(
  parameter int unsigned Lanes     = 8,
  parameter int unsigned BankBytes = 4096,
  parameter int unsigned WDepth    = 8,
  localparam int unsigned BA       = $clog2(BankBytes / 8) + 1,
  localparam int unsigned CntW     = $clog2(WDepth) + 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                run_i,       // POOL phase
  input  logic                side_i,
  input  logic                signed_i,
  input  logic [15:0]         c_i,
  input  logic [15:0]         e_i,
  input  logic [15:0]         eb_i,
  input  logic [15:0]         f_i,
  input  logic [3:0]          r_i,
  input  logic [3:0]          s_i,
  input  logic [2:0]          stride_i,
  input  logic [4:0]          lpix_i,
  input  logic [4:0]          lrow_i,
  // column 0's banks
  output logic                re_o,
  output logic [BA-1:0]       raddr_o,
  input  logic [Lanes*64-1:0] rdata_i,
  // writer
  input  logic [CntW-1:0]     wr_count_i,
  output logic                ck_valid_o,
  output logic [15:0]         ck_y_o,
  output logic [15:0]         ck_x_o,
  output logic [15:0]         ck_m_o,
  output logic [7:0]          ck_mask_o,
  output logic [255:0]        ck_data_o,
  output logic                done_o
);
  localparam int unsigned LBits = $clog2(Lanes + 1);

  // ------------------------------------------------------------------ P0: read sequence
  logic [15:0] gy_q, gx_q, c_q;
  logic [3:0]  r_q, s_q;
  logic        left_q, issue, wlast, close, obuf_free;
  logic [31:0] byte_i;
  assign wlast  = r_q == r_i - 4'd1 && s_q == s_i - 4'd1;
  assign close  = wlast && (c_q[2:0] == 3'd7 || c_q == c_i - 16'd1);
  assign issue  = run_i && left_q && (!close || obuf_free);
  assign byte_i = (((32'(gy_q) * 32'(stride_i)) + 32'(r_q)) << lrow_i) |
                  (((32'(gx_q) * 32'(stride_i)) + 32'(s_q)) << lpix_i) | 32'(c_q);
  assign re_o    = issue;
  assign raddr_o = {side_i, (BA-1)'(byte_i >> 3)};

  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) begin
      gy_q   <= '0;
      gx_q   <= '0;
      c_q    <= '0;
      r_q    <= '0;
      s_q    <= '0;
      left_q <= 1'b1;
    end else if (issue) begin
      if (!wlast) begin
        if (s_q != s_i - 4'd1) begin
          s_q <= s_q + 4'd1;
        end else begin
          s_q <= '0;
          r_q <= r_q + 4'd1;
        end
      end else begin
        r_q <= '0;
        s_q <= '0;
        if (c_q != c_i - 16'd1) begin
          c_q <= c_q + 16'd1;
        end else begin
          c_q <= '0;
          if (gx_q != f_i - 16'd1) begin
            gx_q <= gx_q + 16'd1;
          end else begin
            gx_q <= '0;
            if (gy_q != eb_i - 16'd1) gy_q <= gy_q + 16'd1;
            else left_q <= 1'b0;
          end
        end
      end
    end
  end

  // ------------------------------------------------------------------ P1: running maximum, chunks
  logic        p1_v, p1_first, p1_close, p1_last;
  logic [2:0]  p1_b, p1_slot;
  logic [15:0] p1_y, p1_x, p1_m;
  always_ff @(posedge clk_i) begin
    p1_v     <= issue;
    p1_first <= r_q == 4'd0 && s_q == 4'd0;
    p1_last  <= wlast;
    p1_close <= close;
    p1_b     <= byte_i[2:0];
    p1_slot  <= c_q[2:0];
    p1_y     <= gy_q;
    p1_x     <= gx_q;
    p1_m     <= {c_q[15:3], 3'd0};
  end

  logic [Lanes*8-1:0]  mx_q, cur;
  logic [Lanes*64-1:0] asm_q, obuf_q;
  logic [7:0]          amask_q, omask_q;
  logic [15:0]         oy_q, ox_q, om_q;
  logic                ov_q;
  logic [LBits-1:0]    ol_q;
  for (genvar l = 0; l < Lanes; l++) begin : gen_max
    logic [7:0] b, m;
    assign b = rdata_i[l*64+32'(p1_b)*8+:8];
    assign m = mx_q[l*8+:8];
    assign cur[l*8+:8] = (p1_first || (signed_i ? ($signed(b) > $signed(m)) : (b > m))) ? b : m;
  end
  always_ff @(posedge clk_i) begin
    if (p1_v) mx_q <= cur;
    // byte slot p1_slot of every lane (decoded per slot: a computed part-select would become a shifter)
    for (int j = 0; j < 8; j++) begin
      if (p1_v && p1_last && p1_slot == 3'(j)) begin
        for (int l = 0; l < Lanes; l++) asm_q[l*64+j*8+:8] <= cur[l*8+:8];
      end
    end
    if (!run_i || (p1_v && p1_close)) amask_q <= '0;
    else if (p1_v && p1_last) amask_q[p1_slot] <= 1'b1;
  end

  // output buffer and serializer
  logic [63:0]  ol_word;
  logic [255:0] ck_word;
  always_comb begin
    ol_word = '0;
    for (int l = 0; l < Lanes; l++) if (32'(ol_q) == l) ol_word = obuf_q[l*64+:64];
    for (int j = 0; j < 8; j++) ck_word[j*32+:32] = {24'd0, ol_word[j*8+:8]};
  end
  logic [15:0] ly;
  logic        ck_issue, lane_ok, ser_last;
  // a chunk closing in P1 takes the buffer at the end of this cycle
  assign obuf_free = !(p1_v && p1_close) && (!ov_q || (ser_last && (ck_issue || !lane_ok)));
  assign ly        = 16'(32'(ol_q) * 32'(eb_i)) + oy_q;
  assign lane_ok   = ly < e_i;
  assign ck_issue  = ov_q && lane_ok && 32'(wr_count_i) + 32'(ck_valid_o) < WDepth;
  assign ser_last  = 32'(ol_q) == Lanes - 1;
  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) begin
      ov_q       <= 1'b0;
      ol_q       <= '0;
      ck_valid_o <= 1'b0;
    end else begin
      ck_valid_o <= ck_issue;
      if (ov_q && (ck_issue || !lane_ok)) begin
        ol_q <= ser_last ? '0 : ol_q + LBits'(1);
        if (ser_last) ov_q <= 1'b0;
      end
      if (p1_v && p1_close) ov_q <= 1'b1;
    end
    if (p1_v && p1_close) begin
      obuf_q <= asm_q;
      for (int j = 0; j < 8; j++) begin
        if (p1_slot == 3'(j)) begin
          for (int l = 0; l < Lanes; l++) obuf_q[l*64+j*8+:8] <= cur[l*8+:8];
        end
      end
      omask_q <= amask_q | (8'd1 << p1_slot);
      oy_q    <= p1_y;
      ox_q    <= p1_x;
      om_q    <= p1_m;
    end
    ck_y_o    <= ly;
    ck_x_o    <= ox_q;
    ck_m_o    <= om_q;
    ck_mask_o <= omask_q;
    ck_data_o <= ck_word;
  end
  assign done_o = !left_q && !p1_v && !ov_q && !ck_valid_o;
endmodule : tern_pool

`default_nettype wire
