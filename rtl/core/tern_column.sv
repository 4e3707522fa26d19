// One column of the engine v2 array: runs one filter per pass on Lanes output pixels (one per row band)
// of the same image. Weight cache and feeder -> decompressor (the layer's format, or the packed dense
// reader) -> index table -> address and validity -> the column's copy of the activation banks (one
// RAM per lane) -> Lanes MAC lanes (tern_pe).
//
// Contract: see tern_colseq (which replay starts when) and tern_feed (cache). Entries never stall:
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

  logic            tab_re;
  logic [TabW-1:0] tab_rdata;
  assign tab_re = dc_fire && !fc_i;
  tern_ram_1r1w #(.Width(TabW), .Depth(MaxConvRow)) i_tab (
    .clk_i, .we_i(tab_we_i), .waddr_i(tab_waddr_i), .wdata_i(tab_wdata_i),
    .re_i(tab_re), .raddr_i(KW'(dc_index)), .rdata_o(tab_rdata)
  );

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

  // ------------------------------------------------------------------ S1
  logic               s1_v, s1_first, s1_shift, s1_neg, s1_par, s1_lastg, s1_empty, s1_wnz;
  logic [2:0]         s1_bit;
  logic [7:0]         s1_code;
  logic [15:0]        s1_pc, s1_k;
  logic [11:0]        s1_wval;
  logic signed [31:0] s1_base;
  logic signed [17:0] s1_ix0, s1_rb;
  always_ff @(posedge clk_i) begin
    s1_v <= run_i && dc_fire;
    if (dc_fire) begin
      s1_first <= cur_first && row_first_q;
      s1_shift <= !cur_first && row_first_q;
      s1_neg   <= cur_neg;
      s1_par   <= cur_par;
      s1_lastg <= dc_last && cur_lastpl;
      s1_empty <= dc_empty;
      s1_bit   <= 3'(act_bits_i - 4'd1 - cur_plane);
      s1_code  <= dm_code;
      s1_pc    <= pk_codes;
      s1_wval  <= wval;
      s1_wnz   <= wnz;
      s1_k     <= dc_index;
      s1_base  <= cur_base;
      s1_ix0   <= cur_ix0;
      s1_rb    <= cur_rb;
    end
  end

  logic [OW-1:0]      t_off;
  logic [2:0]         t_r, t_s;
  logic [5:0]         t_rs;
  logic signed [31:0] s1_addr;
  logic signed [17:0] s1_ix, s1_v_row;
  logic               s1_ok;
  logic [20:0]        s1_weff;
  logic [15:0]        fc_x, fc_c;
  always_comb begin
    {t_off, t_r, t_s, t_rs} = tab_rdata;
    fc_x = (s1_k >> lpix_i) & ((16'd1 << (lrow_i - lpix_i)) - 16'd1);
    fc_c = s1_k & ((16'd1 << lpix_i) - 16'd1);
    if (fc_i) begin
      s1_addr  = 32'(s1_k);
      s1_ix    = 18'(fc_x);
      s1_v_row = '0;
      s1_ok    = !s1_empty && fc_x < in_w_i && fc_c < in_c_i;
    end else begin
      s1_addr  = s1_base + 32'(t_off);
      s1_ix    = s1_ix0 + 18'(t_s);
      s1_v_row = s1_rb + 18'(t_r);
      s1_ok    = !s1_empty && s1_ix >= 0 && s1_ix < $signed({2'b00, in_w_i});
    end
  end
  if (Syq) begin : gen_syq
    logic [8:0] q;
    logic [5:0] rs;
    assign rs      = fc_i ? 6'd0 : t_rs;  // an fc row is one kernel position
    assign q       = syq_i ? {1'b0, syq_q_i[rs*8+:8]} : 9'd1;
    assign s1_weff = 21'($signed(s1_wval) * $signed(q));
  end else begin : gen_no_syq
    assign s1_weff = 21'($signed(s1_wval));
  end

  // ------------------------------------------------------------------ S2: bank read, lane windows
  logic               s2_v, s2_first, s2_shift, s2_neg, s2_par, s2_lastg, s2_ok, s2_wnz;
  logic [2:0]         s2_bit, s2_bsel;
  logic [7:0]         s2_code;
  logic [15:0]        s2_pc;
  logic [20:0]        s2_weff;
  logic [BA-2:0]      s2_word;
  logic signed [17:0] s2_vrow;
  always_ff @(posedge clk_i) begin
    s2_v <= run_i && s1_v;
    if (s1_v) begin
      {s2_first, s2_shift, s2_neg, s2_par, s2_lastg} <= {s1_first, s1_shift, s1_neg, s1_par, s1_lastg};
      s2_ok   <= s1_ok;
      s2_wnz  <= s1_wnz && !s1_empty;
      s2_bit  <= s1_bit;
      s2_code <= s1_code;
      s2_pc   <= s1_pc;
      s2_weff <= s1_weff;
      s2_word <= (BA-1)'(s1_addr >>> 3);
      s2_bsel <= s1_addr[2:0];
      s2_vrow <= s1_v_row;
    end
  end

  logic          re;
  logic [BA-1:0] raddr;
  assign re    = pool_re_i || s2_v;
  assign raddr = pool_re_i ? pool_raddr_i : {side_i, s2_word};

  logic [Lanes-1:0] rowok;
  for (genvar l = 0; l < Lanes; l++) begin : gen_bank
    tern_ram_be #(.Width(64), .Depth(2 * BankBytes / 8)) i_bank (
      .clk_i, .we_i(bwe_i[l]), .waddr_i(bwaddr_i[l*BA+:BA]), .wdata_i(bwdata_i), .wbe_i(bwbe_i),
      .re_i(re), .raddr_i(raddr), .rdata_o(rdata_o[l*64+:64])
    );
    assign rowok[l] = fc_i ? (l == 0) : (s2_vrow >= $signed(win_lo_i[l*18+:18]) &&
                                         s2_vrow < $signed(win_hi_i[l*18+:18]));
  end

  // ------------------------------------------------------------------ S3: lanes
  logic               s3_v, s3_first, s3_shift, s3_neg, s3_par, s3_lastg, s3_ok, s3_wnz;
  logic [2:0]         s3_bit, s3_bsel;
  logic [7:0]         s3_code;
  logic [15:0]        s3_pc;
  logic [20:0]        s3_weff;
  logic [Lanes-1:0]   s3_rowok;
  logic               s4_v, s4_lastg;
  always_ff @(posedge clk_i) begin
    s3_v <= run_i && s2_v;
    if (s2_v) begin
      {s3_first, s3_shift, s3_neg, s3_par, s3_lastg} <= {s2_first, s2_shift, s2_neg, s2_par, s2_lastg};
      {s3_ok, s3_wnz, s3_bit, s3_bsel, s3_code, s3_pc, s3_weff} <=
          {s2_ok, s2_wnz, s2_bit, s2_bsel, s2_code, s2_pc, s2_weff};
      s3_rowok <= rowok;
    end
    s4_v     <= run_i && s3_v;
    s4_lastg <= s3_lastg;
    done_grp <= run_i && s4_v && s4_lastg;
  end

  for (genvar l = 0; l < Lanes; l++) begin : gen_lane
    tern_pe #(
      .MacTypes(MacTypes), .BitSerial(BitSerial), .Syq(Syq), .Pack(Pack), .AccBits(AccBits)
    ) i_pe (
      .clk_i, .bitserial_i, .syq_i, .xnor_i, .act_signed_i, .pack_i, .wtype_i,
      .en_i(s3_v), .first_i(s3_first), .shift_i(s3_shift), .neg_i(s3_neg), .plane_i(s3_bit),
      .par_i(s3_par), .code_i(s3_code), .wval_i(s3_weff), .wnz_i(s3_wnz), .pcodes_i(s3_pc),
      .act_i(rdata_o[l*64+:64]), .bsel_i(s3_bsel), .ok_i(s3_ok && s3_rowok[l]),
      .dpar_i, .acc_o(acc_o[l*AccBits+:AccBits])
    );
  end

  assign codes_o = (dc_fire && !dc_empty) ? (pack_i ? 4'd8 : 4'd1) : 4'd0;
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_entry_in_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
    dc_fire && !dc_empty && run_i |-> 17'(dc_index) < row_len_i) else tern_sva_fail($sformatf("%m"));
  a_no_pool_in_run: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(pool_re_i && s2_v)) else tern_sva_fail($sformatf("%m"));
  a_act_read_in_band: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s1_v && s1_ok && run_i |-> s1_addr >= 0 && s1_addr < 32'(BankBytes))
    else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_column

`default_nettype wire
