// Weight-block fetcher: reads filter blocks (header, parameters, compressed row) from memory into
// the two banks of the weight cache, one block ahead of the compute side (ping-pong).
// Block m goes to bank m[0]; it is fetched as soon as that bank is released.
//
// Timing with an ideal memory (request accepted at once, response next cycle): header and
// parameter word are requested in the first two cycles, the row words from the third; the bank is
// full the cycle after the last response, i.e. row_words + 3 cycles after the fetch starts.
`default_nettype none

module tern_wfetch #(
  parameter int unsigned CacheWords = 1024,
  localparam int unsigned CAddrBits = $clog2(CacheWords)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,      // pulse: begin fetching blocks 0..num_i-1 from base_i
  input  logic                 abort_i,      // stop issuing (error / reset)
  input  logic [31:0]          base_i,
  input  logic [15:0]          num_i,
  // read port
  output logic                 req_valid_o,
  input  logic                 req_ready_i,
  output logic [31:0]          req_addr_o,
  input  logic                 rsp_valid_i,
  input  logic [63:0]          rsp_data_i,
  // weight cache write port
  output logic                 cwe_o,
  output logic                 cbank_o,
  output logic [CAddrBits-1:0] caddr_o,
  output logic [63:0]          cdata_o,
  // bank handshake with the compute side
  output logic [1:0]           full_o,       // bank holds a complete block
  input  logic [1:0]           release_i,    // pulse: compute side is done reading the bank
  output logic [2*16-1:0]      row_words_o,  // per bank
  output logic [2*16-1:0]      nnz_o,
  output logic [2*96-1:0]      params_o,     // per bank {q2, q1, q0}
  // status
  output logic                 busy_o,       // blocks left to fetch or responses outstanding
  output logic                 err_o         // pulse: header with row_words = 0 or > CacheWords
);
  typedef enum logic [1:0] {StIdle, StHead, StRow, StWait} state_e;

  state_e             state_q, state_d;
  logic [31:0]        addr_q, addr_d;
  logic [15:0]        blk_q, blk_d;        // block being fetched
  logic [15:0]        num_q;
  logic [1:0]         issued_q, issued_d;  // header/param words requested
  logic [15:0]        rows_req_q, rows_req_d;
  logic [15:0]        rsp_cnt_q, rsp_cnt_d;  // responses received for this block
  logic [15:0]        row_words_q, row_words_d;
  logic [1:0]         full_q, full_d;
  logic [2*16-1:0]    rw_q, nz_q;
  logic [2*96-1:0]    par_q;
  logic               bank;
  logic               err;

  assign bank = blk_q[0];

  always_comb begin
    state_d     = state_q;
    addr_d      = addr_q;
    blk_d       = blk_q;
    issued_d    = issued_q;
    rows_req_d  = rows_req_q;
    rsp_cnt_d   = rsp_cnt_q;
    row_words_d = row_words_q;
    full_d      = full_q & ~release_i;
    req_valid_o = 1'b0;
    req_addr_o  = addr_q;
    err         = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          state_d    = (num_i == 16'd0) ? StIdle : StHead;
          addr_d     = base_i;
          blk_d      = '0;
          issued_d   = '0;
          rsp_cnt_d  = '0;
          rows_req_d = '0;
          full_d     = '0;
        end
      end
      StHead: begin
        // wait for the bank, then request header and parameter words
        if (!full_q[bank] && issued_q != 2'd2) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            issued_d = issued_q + 2'd1;
            addr_d   = addr_q + 32'd8;
          end
        end
        if (rsp_valid_i && rsp_cnt_q == 16'd0) begin
          row_words_d = rsp_data_i[15:0];
          if (rsp_data_i[15:0] == 16'd0 || rsp_data_i[15:0] > 16'(CacheWords)) begin
            err     = 1'b1;
            state_d = StWait;
          end else begin
            state_d = StRow;
          end
        end
      end
      StRow: begin
        if (issued_q != 2'd2) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            issued_d = issued_q + 2'd1;
            addr_d   = addr_q + 32'd8;
          end
        end else if (rows_req_q != row_words_q) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            rows_req_d = rows_req_q + 16'd1;
            addr_d     = addr_q + 32'd8;
          end
        end
        if (rsp_valid_i && rsp_cnt_q == row_words_q + 16'd1) begin
          full_d[bank] = 1'b1;
          blk_d        = blk_q + 16'd1;
          issued_d     = '0;
          rows_req_d   = '0;
          rsp_cnt_d    = '0;
          state_d      = (blk_q + 16'd1 == num_q) ? StIdle : StHead;
        end
      end
      StWait: ;  // after an error: only an abort leaves
      default: state_d = StIdle;
    endcase
    if (rsp_valid_i && !(state_q == StRow && rsp_cnt_q == row_words_q + 16'd1)) begin
      rsp_cnt_d = rsp_cnt_d + 16'd1;
    end
    if (abort_i) begin
      state_d = StIdle;
      full_d  = '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q  <= StIdle;
      full_q   <= '0;
      issued_q <= '0;
    end else begin
      state_q  <= state_d;
      full_q   <= full_d;
      issued_q <= issued_d;
    end
  end

  always_ff @(posedge clk_i) begin
    addr_q      <= addr_d;
    blk_q       <= blk_d;
    rows_req_q  <= rows_req_d;
    rsp_cnt_q   <= rsp_cnt_d;
    row_words_q <= row_words_d;
    if (start_i && state_q == StIdle) num_q <= num_i;
    if (rsp_valid_i && rsp_cnt_q == 16'd0) begin
      rw_q[bank*16+:16]      <= rsp_data_i[15:0];
      nz_q[bank*16+:16]      <= rsp_data_i[31:16];
      par_q[bank*96+:32]     <= rsp_data_i[63:32];
    end
    if (rsp_valid_i && rsp_cnt_q == 16'd1) par_q[bank*96+32+:64] <= rsp_data_i;
  end

  // Row words go straight into the cache.
  assign cwe_o       = rsp_valid_i && state_q == StRow && rsp_cnt_q >= 16'd2;
  assign cbank_o     = bank;
  assign caddr_o     = CAddrBits'(rsp_cnt_q - 16'd2);
  assign cdata_o     = rsp_data_i;
  assign full_o      = full_q;
  assign row_words_o = rw_q;
  assign nnz_o       = nz_q;
  assign params_o    = par_q;
  assign busy_o      = state_q != StIdle;
  assign err_o       = err;
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // a refused request stays presented unchanged (unless aborted); row words land inside the
  // block and never in a full bank; responses arrive only while fetching
  a_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    req_valid_o && !req_ready_i && !abort_i |=> abort_i || (req_valid_o && $stable(req_addr_o)))
    else tern_sva_fail($sformatf("%m"));
  a_cache_in_block: assert property (@(posedge clk_i) disable iff (!rst_ni)
    cwe_o |-> rsp_cnt_q - 16'd2 < row_words_q && 32'(row_words_q) <= CacheWords)
    else tern_sva_fail($sformatf("%m"));
  a_cache_bank_free: assert property (@(posedge clk_i) disable iff (!rst_ni)
    cwe_o |-> !full_q[bank]) else tern_sva_fail($sformatf("%m"));
  a_rsp_while_fetching: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rsp_valid_i |-> state_q != StIdle) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_wfetch

`default_nettype wire
