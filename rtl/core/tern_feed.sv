// Weight feeder of one column (engine v2): the column's weight cache (two banks, each holding one
// filter block: header words 0-1, then the compressed row) and the reader that streams the row to
// the decompressor once per replay (pixel group x bit-plane) of the pass.
//
// Contract: the fetcher writes a block into bank p (p = pass parity) and raises full_i[p]. For each of
// the column's passes the feeder reads header word 0 (row_words, nnz, q0) and word 1 (q1, q2) into
// hdr_*_o, then the row words reps_i times, into a two-word FIFO (word_*_o, last = the row's final
// word). It releases the bank (release_o pulse) with the read of the final word of the final replay.
// It starts the next pass's header only after the column has started the pass's last replay
// (last_started_i), so hdr_*_o stay valid until then.
// Timing: a cache read is issued when the FIFO has room for it; its word enters the FIFO one cycle
// later. With the bank full and the FIFO drained every cycle, the first row word is in the FIFO four
// cycles after the pass starts (two header reads, one row read, one cycle of RAM latency).
`default_nettype none

module tern_feed #(
  parameter int unsigned CacheWords = 512,  // words per bank (header + row), power of two, 4..32768
  localparam int unsigned CW        = $clog2(CacheWords)
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  input  logic          run_i,           // RUN phase; low clears the feeder
  input  logic [15:0]   passes_i,        // passes this column runs
  input  logic [31:0]   reps_i,          // replays per pass
  // cache write port (fetcher)
  input  logic          cwe_i,
  input  logic          cbank_i,
  input  logic [CW-1:0] caddr_i,
  input  logic [63:0]   cdata_i,
  input  logic [1:0]    full_i,
  output logic [1:0]    release_o,
  // to the decompressor
  output logic          word_valid_o,
  input  logic          word_ready_i,
  output logic [63:0]   word_o,
  output logic          word_last_o,
  // header of the pass being fed
  input  logic          last_started_i,  // the column started the pass's last replay
  output logic          hdr_valid_o,     // header of pass pass_o loaded
  output logic [15:0]   pass_o,
  output logic [15:0]   hdr_nnz_o,
  output logic [95:0]   hdr_q_o          // {q2, q1, q0}
);
  if (CacheWords < 4 || (CacheWords & (CacheWords - 1)) != 0 || CacheWords > 32768) begin : gen_check
    $error("tern_feed: CacheWords must be a power of two, 4..32768");
  end

  typedef enum logic [2:0] {StIdle, StHead0, StHead1, StRow, StWait} state_e;
  state_e state_q, state_d;

  logic [15:0]   pass_q;
  logic [31:0]   rep_q;
  logic [15:0]   w_q, rw_q;
  logic          rd_q, rd_last_q;
  logic [1:0]    count;
  logic          can_read, last_word, last_rep;
  logic          re;
  logic [CW:0]   raddr;
  logic [63:0]   rdata;
  logic          head0_q, head1_q;  // a header word is being read (data next cycle)
  logic          in_ready;

  tern_ram_1r1w #(.Width(64), .Depth(2 * CacheWords)) i_cache (
    .clk_i, .we_i(cwe_i), .waddr_i({cbank_i, caddr_i}), .wdata_i(cdata_i),
    .re_i(re), .raddr_i(raddr), .rdata_o(rdata)
  );

  assign can_read  = run_i && state_q == StRow && (32'(count) + 32'(rd_q) < 32'd2);
  assign last_word = w_q == rw_q - 16'd1;
  assign last_rep  = rep_q == reps_i - 32'd1;

  always_comb begin
    state_d   = state_q;
    re        = 1'b0;
    raddr     = {pass_q[0], CW'(0)};
    release_o = '0;
    unique case (state_q)
      StIdle: if (run_i && pass_q < passes_i && full_i[pass_q[0]]) begin
        re      = 1'b1;
        state_d = StHead0;
      end
      StHead0: begin
        re      = 1'b1;
        raddr   = {pass_q[0], CW'(1)};
        state_d = StHead1;
      end
      StHead1: state_d = StRow;
      StRow: if (can_read) begin
        re    = 1'b1;
        raddr = {pass_q[0], CW'(w_q + 16'd2)};
        if (last_word && last_rep) begin
          release_o[pass_q[0]] = 1'b1;
          state_d              = StWait;
        end
      end
      StWait: if (last_started_i) state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) begin
      state_q <= StIdle;
      pass_q  <= '0;
      rd_q    <= 1'b0;
      head0_q <= 1'b0;
      head1_q <= 1'b0;
    end else begin
      state_q <= state_d;
      rd_q    <= can_read;
      head0_q <= state_q == StIdle && state_d == StHead0;
      head1_q <= state_q == StHead0;
      if (state_q == StWait && state_d == StIdle) pass_q <= pass_q + 16'd1;
    end
  end

  always_ff @(posedge clk_i) begin
    rd_last_q <= can_read && last_word;
    if (state_q == StHead1) begin
      rep_q <= '0;
      w_q   <= '0;
    end else if (can_read) begin
      if (last_word) begin
        w_q   <= '0;
        rep_q <= rep_q + 32'd1;
      end else begin
        w_q <= w_q + 16'd1;
      end
    end
    if (head0_q) begin
      rw_q            <= rdata[15:0];
      hdr_nnz_o       <= rdata[31:16];
      hdr_q_o[31:0]   <= rdata[63:32];
    end
    if (head1_q) hdr_q_o[95:32] <= rdata;
  end

  tern_fifo #(.Width(65), .Depth(2)) i_wq (
    .clk_i, .rst_ni,
    .clr_i  (!run_i),
    .valid_i(rd_q),
    .ready_o(in_ready),  // never low: at most two words are requested ahead
    .data_i ({rd_last_q, rdata}),
    .valid_o(word_valid_o),
    .ready_i(word_ready_i),
    .data_o ({word_last_o, word_o}),
    .count_o(count)
  );

  assign hdr_valid_o = state_q == StRow || state_q == StWait;
  assign pass_o      = pass_q;

  logic unused;
  assign unused = in_ready;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_fifo_room: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_q && run_i |-> in_ready) else tern_sva_fail($sformatf("%m"));
  a_row_in_bank: assert property (@(posedge clk_i) disable iff (!rst_ni)
    can_read |-> 32'(w_q) + 32'd2 < CacheWords) else tern_sva_fail($sformatf("%m"));
  a_read_full_bank: assert property (@(posedge clk_i) disable iff (!rst_ni)
    re && run_i |-> full_i[pass_q[0]]) else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_feed

`default_nettype wire
