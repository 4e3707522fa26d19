// Per-layer choice of weight-stream decompressor: instantiates the formats in the Formats build
// mask (bit 0 dense, 1 RLE, 2 bitmap, 3 CSC, 4 rle8) and routes the shared port list to the selected
// one.
`default_nettype none

module tern_dec_mux #(
  parameter int unsigned Formats = 32'h1f,
  parameter int unsigned IdxBits = 16
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [2:0]         fmt_i,  // held for the layer
  input  logic               start_i,
  input  logic [IdxBits:0]   row_len_i,
  input  logic [3:0]         code_bits_i,
  input  logic [2:0]         wtype_i,
  input  logic               word_valid_i,
  output logic               word_ready_o,
  input  logic [63:0]        word_i,
  input  logic               word_last_i,
  output logic               valid_o,
  input  logic               ready_i,
  output logic [7:0]         code_o,
  output logic [IdxBits-1:0] index_o,
  output logic               last_o,
  output logic               empty_o,
  output logic               busy_o,
  output logic               err_o,
  output logic [2:0]         err_code_o,
  input  logic               clear_i
);
  localparam int unsigned NumFmt = 5;

  logic [NumFmt-1:0]         sel, wrdy, vld, lst, emp, bsy, err;
  logic [NumFmt*8-1:0]       code;
  logic [NumFmt*IdxBits-1:0] idx;
  logic [NumFmt*3-1:0]       errc;

  for (genvar f = 0; f < NumFmt; f++) begin : gen_fmt
    assign sel[f] = 32'(fmt_i) == f;
    if (Formats[f]) begin : gen_on
      if (f == 0) begin : gen_dense
        tern_decomp_dense #(.WordBits(64), .MaxCodeBits(8), .IdxBits(IdxBits)) i_dec (
          .clk_i, .rst_ni,
          .start_i(start_i && sel[f]), .row_len_i, .code_bits_i, .wtype_i,
          .word_valid_i(word_valid_i && sel[f]), .word_ready_o(wrdy[f]), .word_i, .word_last_i,
          .valid_o(vld[f]), .ready_i(ready_i && sel[f]), .code_o(code[f*8+:8]),
          .index_o(idx[f*IdxBits+:IdxBits]), .last_o(lst[f]), .empty_o(emp[f]), .busy_o(bsy[f]),
          .err_o(err[f]), .err_code_o(errc[f*3+:3]), .clear_i
        );
      end else if (f == 1) begin : gen_rle
        tern_decomp_rle #(.WordBits(64), .MaxCodeBits(8), .IdxBits(IdxBits)) i_dec (
          .clk_i, .rst_ni,
          .start_i(start_i && sel[f]), .row_len_i, .code_bits_i, .wtype_i,
          .word_valid_i(word_valid_i && sel[f]), .word_ready_o(wrdy[f]), .word_i, .word_last_i,
          .valid_o(vld[f]), .ready_i(ready_i && sel[f]), .code_o(code[f*8+:8]),
          .index_o(idx[f*IdxBits+:IdxBits]), .last_o(lst[f]), .empty_o(emp[f]), .busy_o(bsy[f]),
          .err_o(err[f]), .err_code_o(errc[f*3+:3]), .clear_i
        );
      end else if (f == 2) begin : gen_bitmap
        tern_decomp_bitmap #(.WordBits(64), .MaxCodeBits(8), .IdxBits(IdxBits)) i_dec (
          .clk_i, .rst_ni,
          .start_i(start_i && sel[f]), .row_len_i, .code_bits_i, .wtype_i,
          .word_valid_i(word_valid_i && sel[f]), .word_ready_o(wrdy[f]), .word_i, .word_last_i,
          .valid_o(vld[f]), .ready_i(ready_i && sel[f]), .code_o(code[f*8+:8]),
          .index_o(idx[f*IdxBits+:IdxBits]), .last_o(lst[f]), .empty_o(emp[f]), .busy_o(bsy[f]),
          .err_o(err[f]), .err_code_o(errc[f*3+:3]), .clear_i
        );
      end else if (f == 3) begin : gen_csc
        tern_decomp_csc #(.WordBits(64), .MaxCodeBits(8), .IdxBits(IdxBits)) i_dec (
          .clk_i, .rst_ni,
          .start_i(start_i && sel[f]), .row_len_i, .code_bits_i, .wtype_i,
          .word_valid_i(word_valid_i && sel[f]), .word_ready_o(wrdy[f]), .word_i, .word_last_i,
          .valid_o(vld[f]), .ready_i(ready_i && sel[f]), .code_o(code[f*8+:8]),
          .index_o(idx[f*IdxBits+:IdxBits]), .last_o(lst[f]), .empty_o(emp[f]), .busy_o(bsy[f]),
          .err_o(err[f]), .err_code_o(errc[f*3+:3]), .clear_i
        );
      end else begin : gen_rle8
        tern_decomp_rle8 #(.WordBits(64), .MaxCodeBits(8), .IdxBits(IdxBits)) i_dec (
          .clk_i, .rst_ni,
          .start_i(start_i && sel[f]), .row_len_i, .code_bits_i, .wtype_i,
          .word_valid_i(word_valid_i && sel[f]), .word_ready_o(wrdy[f]), .word_i, .word_last_i,
          .valid_o(vld[f]), .ready_i(ready_i && sel[f]), .code_o(code[f*8+:8]),
          .index_o(idx[f*IdxBits+:IdxBits]), .last_o(lst[f]), .empty_o(emp[f]), .busy_o(bsy[f]),
          .err_o(err[f]), .err_code_o(errc[f*3+:3]), .clear_i
        );
      end
    end else begin : gen_off
      assign wrdy[f]            = 1'b0;
      assign vld[f]             = 1'b0;
      assign lst[f]             = 1'b0;
      assign emp[f]             = 1'b0;
      assign bsy[f]             = 1'b0;
      assign err[f]             = 1'b0;
      assign code[f*8+:8]       = '0;
      assign idx[f*IdxBits+:IdxBits] = '0;
      assign errc[f*3+:3]       = '0;
    end
  end

  always_comb begin
    word_ready_o = 1'b0;
    valid_o      = 1'b0;
    code_o       = '0;
    index_o      = '0;
    last_o       = 1'b0;
    empty_o      = 1'b0;
    busy_o       = 1'b0;
    err_o        = 1'b0;
    err_code_o   = '0;
    for (int f = 0; f < NumFmt; f++) begin
      if (sel[f]) begin
        word_ready_o = wrdy[f];
        valid_o      = vld[f];
        code_o       = code[f*8+:8];
        index_o      = idx[f*IdxBits+:IdxBits];
        last_o       = lst[f];
        empty_o      = emp[f];
        busy_o       = bsy[f];
        err_o        = err[f];
        err_code_o   = errc[f*3+:3];
      end
    end
  end
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // one decompressor at a time; the format is held while a row is decoded
  a_one_busy: assert property (@(posedge clk_i) disable iff (!rst_ni)
    $onehot0(bsy)) else tern_sva_fail($sformatf("%m"));
  a_fmt_held: assert property (@(posedge clk_i) disable iff (!rst_ni)
    busy_o |-> $stable(fmt_i)) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_dec_mux

`default_nettype wire
