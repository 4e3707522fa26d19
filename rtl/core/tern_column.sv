// One column of the engine v2 array: runs one filter per pass on Lanes output pixels (one per row band)
// of the same image. Weight cache and feeder (tern_feed) -> decompressor (the layer's format, or the
// packed dense reader) with its row sequencer (tern_colseq) -> weight decode and the row checks (D stage,
// here) -> tern_col_lanes: index table, address and validity, the column's copy of the activation banks
// (one RAM per lane), Lanes MAC lanes (tern_pe).
//
// Contract: see tern_colseq (which replay starts when), tern_feed (cache) and tern_col_lanes (S1..S5). Entries never stall:
// the decompressor's ready is 1 while RUN. Pipeline of an entry handed over in cycle D:
//   D   decompressor handshake; index-table read (conv); weight decode
//   S1  table data -> byte address (group base + tap offset), column validity, band row v = rb + r,
//       SYQ-scaled weight value
//   S2  activation-bank read (all lanes, one address); per-lane row validity (lane window on v)
//   S3  lanes: product;  S4  lanes: accumulate;  S5  the group's completion is counted (done pulse)
// Errors (err_o with err_code_o, held while the column is in RUN): decompressor error 0x7d, a reserved
// code reaching the lanes 0x78, a row whose non-zeros differ from its block header 0x82.
// Bank writes (loader, writer) arrive on a bus shared by all columns; column 0's banks are also read
// by the pooling unit (pool_re_i) outside RUN.
`default_nettype none

module tern_column #(
  parameter int unsigned Lanes      = 8,       // lanes (row bands) per column: 1, 2, 4 or 8
  parameter int unsigned Pack       = 1,       // 1, or 8: packed dense ternary/binary rows
  parameter int unsigned BankBytes  = 4096,    // bytes per lane bank and side
  parameter int unsigned CacheWords = 512,     // weight-cache words per bank
  parameter int unsigned MaxConvRow = 1024,    // index-table entries
  parameter int unsigned AccBits    = 32,
  parameter int unsigned MacTypes   = 32'h7f,
  parameter int unsigned Formats    = 32'h1f,
  parameter bit          BitSerial  = 1'b1,
  parameter bit          Syq        = 1'b1,
  localparam int unsigned BA        = $clog2(BankBytes / 8) + 1,  // bank word address incl. side
  localparam int unsigned OW        = $clog2(BankBytes),          // byte offset within a side
  localparam int unsigned KW        = $clog2(MaxConvRow),
  localparam int unsigned CW        = $clog2(CacheWords),
  localparam int unsigned TabW      = OW + 12
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    run_i,
  // layer constants
  input  logic [2:0]              wtype_i,
  input  logic [2:0]              fmt_i,
  input  logic [3:0]              code_bits_i,
  input  logic [3:0]              act_bits_i,
  input  logic                    act_signed_i,
  input  logic                    xnor_i,
  input  logic                    bitserial_i,
  input  logic                    syq_i,
  input  logic                    pack_i,
  input  logic                    fc_i,
  input  logic                    side_i,        // bank side holding the layer's input
  input  logic [16:0]             row_len_i,
  input  logic [15:0]             passes_i,
  input  logic [31:0]             reps_i,
  input  logic [15:0]             gy_n_i,
  input  logic [15:0]             gx_n_i,
  input  logic [3:0]              planes_i,
  input  logic [2:0]              stride_i,
  input  logic [2:0]              pad_i,
  input  logic [15:0]             in_c_i,
  input  logic [15:0]             in_w_i,
  input  logic [4:0]              lpix_i,
  input  logic [4:0]              lrow_i,
  input  logic [Lanes*18-1:0]     win_lo_i,      // per lane: band rows v with lo <= v < hi are inside
  input  logic [Lanes*18-1:0]     win_hi_i,
  input  logic [511:0]            syq_q_i,       // 64 SYQ scale bytes
  // index table (SETUP)
  input  logic                    tab_we_i,
  input  logic [KW-1:0]           tab_waddr_i,
  input  logic [TabW-1:0]         tab_wdata_i,
  // weight cache (fetcher)
  input  logic                    cwe_i,
  input  logic                    cbank_i,
  input  logic [CW-1:0]           caddr_i,
  input  logic [63:0]             cdata_i,
  input  logic [1:0]              full_i,
  output logic [1:0]              release_o,
  // activation banks: write bus, pool read
  input  logic [Lanes-1:0]        bwe_i,
  input  logic [Lanes*BA-1:0]     bwaddr_i,
  input  logic [63:0]             bwdata_i,
  input  logic [7:0]              bwbe_i,
  input  logic                    pool_re_i,
  input  logic [BA-1:0]           pool_raddr_i,
  output logic [Lanes*64-1:0]     rdata_o,
  // drain side
  input  logic                    drained_i,
  input  logic                    barrier_ok_i,
  input  logic                    others_left_i,
  input  logic                    dpar_i,
  output logic [Lanes*AccBits-1:0] acc_o,
  output logic [191:0]            grp_q_o,
  output logic [1:0]              pending_o,
  output logic                    rows_left_o,
  // errors and statistics
  output logic                    err_o,
  output logic [7:0]              err_code_o,
  output logic [4:0]              st_o,          // one-hot: {dec, out, balance, fetch, entry}
  output logic [3:0]              codes_o        // weight codes issued this cycle (0, 1 or 8)
);
  if (Lanes != 1 && Lanes != 2 && Lanes != 4 && Lanes != 8) begin : gen_check_lanes
    $error("tern_column: Lanes must be 1, 2, 4 or 8");
  end

  // ------------------------------------------------------------------ feeder and decompressors
  logic        w_valid, w_ready, w_last, hdr_valid, last_started;
  logic [63:0] word;
  logic [15:0] hdr_pass, hdr_nnz;
  logic [95:0] hdr_q;
  tern_feed #(.CacheWords(CacheWords)) i_feed (
    .clk_i, .rst_ni, .run_i, .passes_i, .reps_i,
    .cwe_i, .cbank_i, .caddr_i, .cdata_i, .full_i, .release_o,
    .word_valid_o(w_valid), .word_ready_i(w_ready), .word_o(word), .word_last_o(w_last),
    .last_started_i(last_started), .hdr_valid_o(hdr_valid), .pass_o(hdr_pass), .hdr_nnz_o(hdr_nnz),
    .hdr_q_o(hdr_q)
  );

  logic        start, dm_ready, dm_valid, dm_last, dm_empty, dm_busy, dm_err;
  logic [7:0]  dm_code;
  logic [15:0] dm_index;
  logic [2:0]  dm_errc;
  tern_dec_mux #(.Formats(Formats)) i_dec (
    .clk_i, .rst_ni, .fmt_i, .start_i(start && !pack_i), .row_len_i, .code_bits_i, .wtype_i,
    .word_valid_i(w_valid && !pack_i), .word_ready_o(dm_ready), .word_i(word), .word_last_i(w_last),
    .valid_o(dm_valid), .ready_i(1'b1), .code_o(dm_code), .index_o(dm_index), .last_o(dm_last),
    .empty_o(dm_empty), .busy_o(dm_busy), .err_o(dm_err), .err_code_o(dm_errc), .clear_i(!run_i)
  );

  logic        pk_ready, pk_valid, pk_last, pk_busy, pk_err;
  logic [15:0] pk_codes, pk_index;
  logic [2:0]  pk_errc;
  if (Pack == 8) begin : gen_dense8
    tern_decomp_dense8 i_pack (
      .clk_i, .rst_ni, .start_i(start && pack_i), .row_len_i, .wtype_i,
      .word_valid_i(w_valid && pack_i), .word_ready_o(pk_ready), .word_i(word), .word_last_i(w_last),
      .valid_o(pk_valid), .ready_i(1'b1), .codes_o(pk_codes), .index_o(pk_index), .last_o(pk_last),
      .busy_o(pk_busy), .err_o(pk_err), .err_code_o(pk_errc), .clear_i(!run_i)
    );
  end else begin : gen_no_dense8
    assign {pk_ready, pk_valid, pk_last, pk_busy, pk_err, pk_codes, pk_index, pk_errc} = '0;
  end

  logic        dc_fire, dc_last, dc_empty, dc_busy;
  logic [15:0] dc_index;
  assign w_ready  = pack_i ? pk_ready : dm_ready;
  assign dc_fire  = pack_i ? pk_valid : dm_valid;
  assign dc_last  = pack_i ? pk_last : dm_last;
  assign dc_empty = !pack_i && dm_empty;
  assign dc_busy  = pack_i ? pk_busy : dm_busy;
  assign dc_index = pack_i ? pk_index : dm_index;

  // ------------------------------------------------------------------ row sequencer
  logic               cur_par, cur_first, cur_lastpl, cur_neg, done_grp;
  logic [3:0]         cur_plane;
  logic [15:0]        cur_nnz;
  logic signed [31:0] cur_base;
  logic signed [17:0] cur_ix0, cur_rb;
  tern_colseq i_seq (
    .clk_i, .rst_ni, .run_i, .passes_i, .gy_n_i, .gx_n_i, .planes_i,
    .sign_plane_i(bitserial_i && act_signed_i), .stride_i, .pad_i, .lpix_i, .lrow_i,
    .hdr_valid_i(hdr_valid), .hdr_pass_i(hdr_pass), .hdr_nnz_i(hdr_nnz), .hdr_q_i(hdr_q),
    .last_started_o(last_started), .dc_busy_i(dc_busy), .dc_fire_i(dc_fire), .dc_last_i(dc_last),
    .start_o(start), .drained_i, .barrier_ok_i, .others_left_i, .done_grp_i(done_grp),
    .pending_o, .rows_left_o, .grp_q_o, .cur_par_o(cur_par), .cur_first_o(cur_first),
    .cur_lastpl_o(cur_lastpl), .cur_plane_o(cur_plane), .cur_neg_o(cur_neg), .cur_nnz_o(cur_nnz),
    .cur_base_o(cur_base), .cur_ix0_o(cur_ix0), .cur_rb_o(cur_rb),
    .st_entry_o(st_o[0]), .st_fetch_o(st_o[1]), .st_balance_o(st_o[2]), .st_out_o(st_o[3]),
    .st_dec_o(st_o[4])
  );

  // ------------------------------------------------------------------ D: decode, table read, checks
  logic        row_first_q;   // the next entry is its row's first
  logic [15:0] nz_q;          // non-zeros of the running row so far
  logic [11:0] wval;
  logic        wnz, wres;
  logic [3:0]  nz_e;          // non-zero codes in this entry
  tern_wdecode i_wdec (.wtype_i, .code_i(dm_code), .value_o(wval), .nonzero_o(wnz), .reserved_o(wres));
  always_comb begin
    nz_e = 4'(!dc_empty && wnz);
    if (pack_i) begin
      nz_e = '0;
      for (int j = 0; j < 8; j++) begin
        nz_e = nz_e + 4'(wtype_i == 3'(tern_pkg::WtBinary) || pk_codes[2*j]);
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (!run_i || start) row_first_q <= 1'b1;
    else if (dc_fire) row_first_q <= 1'b0;
    if (!run_i || (dc_fire && dc_last)) nz_q <= '0;
    else if (dc_fire) nz_q <= nz_q + 16'(nz_e);
  end

  // errors
  logic [7:0] err_d;
  always_comb begin
    err_d = '0;
    if (dm_err && !pack_i) err_d = {4'(tern_pkg::ErrStream), 1'b0, dm_errc};
    else if (pk_err && pack_i) err_d = {4'(tern_pkg::ErrStream), 1'b0, pk_errc};
    else if (dc_fire && !dc_empty && !pack_i && wres) err_d = {4'(tern_pkg::ErrStream), 4'd8};
    else if (dc_fire && dc_last && nz_q + 16'(nz_e) != cur_nnz) err_d = {4'(tern_pkg::ErrBlock), 4'd2};
  end
  logic [7:0] err_q;  // the first error, held while RUN
  always_ff @(posedge clk_i) begin
    if (!rst_ni || !run_i) err_q <= '0;
    else if (err_q == '0) err_q <= err_d;
  end
  assign err_code_o = (err_q != '0) ? err_q : err_d;
  assign err_o      = err_code_o != '0;

  // ------------------------------------------------------------------ S1..S5: tern_col_lanes
  tern_col_lanes #(
    .Lanes(Lanes), .Pack(Pack), .BankBytes(BankBytes), .MaxConvRow(MaxConvRow), .AccBits(AccBits),
    .MacTypes(MacTypes), .BitSerial(BitSerial), .Syq(Syq)
  ) i_lanes (
    .clk_i, .rst_ni, .run_i, .wtype_i, .act_signed_i, .xnor_i, .bitserial_i, .syq_i, .pack_i, .fc_i,
    .side_i, .in_c_i, .in_w_i, .lpix_i, .lrow_i, .win_lo_i, .win_hi_i, .syq_q_i, .tab_we_i, .tab_waddr_i,
    .tab_wdata_i, .ent_valid_i(dc_fire), .ent_first_i(cur_first && row_first_q),
    .ent_shift_i(!cur_first && row_first_q), .ent_neg_i(cur_neg), .ent_par_i(cur_par),
    .ent_lastg_i(dc_last && cur_lastpl), .ent_empty_i(dc_empty),
    .ent_bit_i(3'(act_bits_i - 4'd1 - cur_plane)), .ent_code_i(dm_code), .ent_pcodes_i(pk_codes),
    .ent_wval_i(wval), .ent_wnz_i(wnz), .ent_k_i(dc_index), .ent_base_i(cur_base), .ent_ix0_i(cur_ix0),
    .ent_rb_i(cur_rb), .bwe_i, .bwaddr_i, .bwdata_i, .bwbe_i, .pool_re_i, .pool_raddr_i, .rdata_o, .dpar_i,
    .acc_o, .done_grp_o(done_grp)
  );

  assign codes_o = (dc_fire && !dc_empty) ? (pack_i ? 4'd8 : 4'd1) : 4'd0;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_entry_in_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
    dc_fire && !dc_empty && run_i |-> 17'(dc_index) < row_len_i) else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_column

`default_nettype wire
