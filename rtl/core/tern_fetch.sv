// Weight-block fetcher of engine v2: streams a layer's filter blocks (header words 0-1, compressed row)
// from memory, in slot order (slot = pass * Cols + column), into the two cache banks of each column
// (bank = pass parity), running ahead of the columns by up to one pass.
//
// Contract: start_i with the layer's weight address and filter count. Slot s goes to column s mod Cols,
// bank (s / Cols) mod 2, as soon as that bank is free (not full); a column releases a bank after its
// last read (release_i). Header word 0 holds row_words in [15:0]: 0 or more than CacheWords - 2 is an
// error (err_o pulse, then the fetcher waits for abort_i). Cache words are written as the responses
// arrive (header at 0 and 1, row words from 2).
// Timing with an ideal memory (accepted at once, answered next cycle): the two header words are
// requested in the first two cycles of a block, the row words from the third; the bank is full the
// cycle after the last response: row_words + 3 cycles per block when its bank is free.
`default_nettype none

module tern_fetch #(
  parameter int unsigned Cols       = 8,
  parameter int unsigned CacheWords = 512,
  localparam int unsigned CW        = $clog2(CacheWords),
  localparam int unsigned ColBits   = (Cols <= 1) ? 1 : $clog2(Cols)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic              abort_i,
  input  logic [31:0]       base_i,
  input  logic [15:0]       num_i,       // filters (slots) of the layer
  // read port
  output logic              req_valid_o,
  input  logic              req_ready_i,
  output logic [31:0]       req_addr_o,
  input  logic              rsp_valid_i,
  input  logic [63:0]       rsp_data_i,
  // cache write bus (to every column; cwe_o one-hot)
  output logic [Cols-1:0]   cwe_o,
  output logic              cbank_o,
  output logic [CW-1:0]     caddr_o,
  output logic [63:0]       cdata_o,
  // bank handshake with the columns
  output logic [2*Cols-1:0] full_o,      // column c bank b at [2c + b]
  input  logic [2*Cols-1:0] release_i,
  output logic              busy_o,
  output logic              err_o
);
  typedef enum logic [1:0] {StIdle, StHead, StRow, StWait} state_e;
  state_e state_q, state_d;

  logic [31:0]        addr_q, addr_d;
  logic [15:0]        slot_q, slot_d, num_q;
  logic [ColBits-1:0] col_q, col_d;
  logic               bank_q, bank_d;
  logic [1:0]         issued_q, issued_d;
  logic [15:0]        rows_req_q, rows_req_d, rsp_cnt_q, rsp_cnt_d, rw_q, rw_d;
  logic [2*Cols-1:0]  full_q, full_d;
  logic               bfull, fin;

  assign bfull = full_q[2*col_q+32'(bank_q)];
  assign fin   = state_q == StRow && rsp_valid_i && rsp_cnt_q == rw_q + 16'd1;

  always_comb begin
    state_d    = state_q;
    addr_d     = addr_q;
    slot_d     = slot_q;
    col_d      = col_q;
    bank_d     = bank_q;
    issued_d   = issued_q;
    rows_req_d = rows_req_q;
    rsp_cnt_d  = rsp_cnt_q;
    rw_d       = rw_q;
    full_d     = full_q & ~release_i;
    req_valid_o = 1'b0;
    err_o      = 1'b0;
    unique case (state_q)
      StIdle: if (start_i) begin
        state_d    = (num_i == 16'd0) ? StIdle : StHead;
        addr_d     = base_i;
        slot_d     = '0;
        col_d      = '0;
        bank_d     = 1'b0;
        issued_d   = '0;
        rsp_cnt_d  = '0;
        rows_req_d = '0;
        full_d     = '0;
      end
      StHead: begin
        if (!bfull && issued_q != 2'd2) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            issued_d = issued_q + 2'd1;
            addr_d   = addr_q + 32'd8;
          end
        end
        if (rsp_valid_i && rsp_cnt_q == 16'd0) begin
          rw_d = rsp_data_i[15:0];
          if (rsp_data_i[15:0] == 16'd0 || 32'(rsp_data_i[15:0]) > CacheWords - 2) begin
            err_o   = 1'b1;
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
        end else if (rows_req_q != rw_q) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            rows_req_d = rows_req_q + 16'd1;
            addr_d     = addr_q + 32'd8;
          end
        end
        if (fin) begin
          full_d[2*col_q+32'(bank_q)] = 1'b1;
          slot_d     = slot_q + 16'd1;
          issued_d   = '0;
          rows_req_d = '0;
          rsp_cnt_d  = '0;
          if (32'(col_q) == Cols - 1) begin
            col_d  = '0;
            bank_d = !bank_q;
          end else begin
            col_d = col_q + ColBits'(1);
          end
          state_d = (slot_q + 16'd1 == num_q) ? StIdle : StHead;
        end
      end
      StWait: ;  // after an error: only an abort leaves
      default: state_d = StIdle;
    endcase
    if (rsp_valid_i && !fin) rsp_cnt_d = rsp_cnt_d + 16'd1;
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
    addr_q     <= addr_d;
    slot_q     <= slot_d;
    col_q      <= col_d;
    bank_q     <= bank_d;
    rows_req_q <= rows_req_d;
    rsp_cnt_q  <= rsp_cnt_d;
    rw_q       <= rw_d;
    if (start_i && state_q == StIdle) num_q <= num_i;
  end

  always_comb begin
    cwe_o = '0;
    if (rsp_valid_i && (state_q == StRow || (state_q == StHead && rsp_cnt_q == 16'd0))) begin
      cwe_o[col_q] = 1'b1;
    end
  end
  assign req_addr_o = addr_q;
  assign cbank_o    = bank_q;
  assign caddr_o    = CW'(rsp_cnt_q);
  assign cdata_o    = rsp_data_i;
  assign full_o     = full_q;
  assign busy_o     = state_q != StIdle;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    req_valid_o && !req_ready_i && !abort_i |=> abort_i || (req_valid_o && $stable(req_addr_o)))
    else tern_sva_fail($sformatf("%m"));
  a_cache_in_block: assert property (@(posedge clk_i) disable iff (!rst_ni)
    cwe_o != '0 |-> 32'(rsp_cnt_q) < CacheWords) else tern_sva_fail($sformatf("%m"));
  a_cache_bank_free: assert property (@(posedge clk_i) disable iff (!rst_ni)
    cwe_o != '0 |-> !bfull) else tern_sva_fail($sformatf("%m"));
  a_release_full: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (release_i & ~full_q) == '0) else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_fetch

`default_nettype wire
