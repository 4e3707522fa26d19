// Tern engine v2: a Cols x Lanes array for one image (docs/architecture.md). Composition only:
// sequencer (tern_seq), descriptor check (tern_desc_check), memory port (tern_mem_arb), weight
// fetcher (tern_fetch), Cols columns (tern_column: feeder, decompressor, index table, activation
// banks, Lanes MAC lanes), requantiser pool (tern_rq_pool), pooling unit (tern_pool), writer
// (tern_writer: LOAD words and output chunks into the banks and memory) and statistics (tern_stats).
// Error priority when several arise in one cycle: memory read, memory write, timeout, descriptor,
// weight block header, then the columns in index order.
`default_nettype none

module tern_core #(
  parameter int unsigned Cols       = 8,       // filters in parallel: 1, 2, 4, 8 or 16
  parameter int unsigned Lanes      = 8,       // output-row bands per column: 1, 2, 4 or 8
  parameter int unsigned Pack       = 8,       // 1, or 8: packed dense ternary/binary rows
  parameter int unsigned BankBytes  = 4096,    // activation bytes per lane bank and side
  parameter int unsigned CacheWords = 512,     // weight-cache words per bank (header + row)
  parameter int unsigned MaxConvRow = 1024,    // index-table entries (longest conv row C*R*S)
  parameter int unsigned AccBits    = 32,      // accumulator width
  parameter int unsigned MacTypes   = 32'h7f,  // bit t: bit-parallel multiplier for weight type t
  parameter int unsigned Formats    = 32'h1f,  // bit f: decompressor for Format f
  parameter bit          BitSerial  = 1'b1,    // bit-serial datapath
  parameter bit          Syq        = 1'b1,    // SYQ per-kernel-position weight scales
  parameter bit          Stats      = 1'b1,    // per-layer record and run counters
  parameter int unsigned RqUnits    = 4,       // shared requantisers: 1, 2, 4 or 8, dividing Cols
  parameter bit          RqSerial   = 1'b0,    // serial requantisers (tern_requant_ser): less area, lower rate
  localparam int unsigned NumCtrs   = tern_pkg::NumCtrs
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  start_i,
  input  logic                  soft_reset_i,
  input  logic [31:0]           prog_base_i,
  input  logic [31:0]           timeout_i,
  output logic                  busy_o,
  output logic                  done_o,
  output logic                  error_o,
  output logic [7:0]            err_code_o,
  output logic [15:0]           err_layer_o,
  output logic [NumCtrs*64-1:0] ctrs_o,
  output logic                  rd_req_valid_o,
  input  logic                  rd_req_ready_i,
  output logic [31:0]           rd_req_addr_o,
  input  logic                  rd_rsp_valid_i,
  output logic                  rd_rsp_ready_o,
  input  logic [63:0]           rd_rsp_data_i,
  input  logic                  rd_rsp_err_i,
  output logic                  wr_req_valid_o,
  input  logic                  wr_req_ready_i,
  output logic [31:0]           wr_req_addr_o,
  output logic [63:0]           wr_req_data_o,
  output logic [7:0]            wr_req_strb_o,
  input  logic                  wr_rsp_valid_i,
  output logic                  wr_rsp_ready_o,
  input  logic                  wr_rsp_err_i
);
  localparam int unsigned BA     = $clog2(BankBytes / 8) + 1;
  localparam int unsigned KW     = $clog2(MaxConvRow);
  localparam int unsigned CW     = $clog2(CacheWords);
  localparam int unsigned TabW   = $clog2(BankBytes) + 12;
  localparam int unsigned WDepth = 8;
  localparam int unsigned CntW   = $clog2(WDepth) + 1;
  localparam int unsigned LBits  = $clog2(Lanes + 1);
  if ((Cols & (Cols - 1)) != 0 || Cols > 16) begin : gen_check_cols
    $error("tern_core: Cols must be 1, 2, 4, 8 or 16");
  end
  if (BankBytes < 64 || (BankBytes & (BankBytes - 1)) != 0) begin : gen_check_bank
    $error("tern_core: BankBytes must be a power of two >= 64");
  end

  // ------------------------------------------------------------------ sequencer and check
  logic [511:0] desc, syq;
  logic ph_check, ph_setup, ph_load, ph_run, ph_pool, ph_stats, ph_err, ph_idle, run_start, layer_first;
  logic layer_on, layer_done, chk_start, chk_done, ch_valid, ch_side, ch_fc, waiting_check;
  logic [89:0] ch_sig;
  logic [7:0]  chk_err, err_new;
  logic        err_set, seq_rd_valid, rd_fire, rsp_ok, wr_fire, ld_valid, tab_we, run_done;
  logic [31:0] seq_rd_addr, ld_index, rec_addr;
  logic [63:0] ld_data, rec_data;
  logic [KW-1:0]   tab_waddr;
  logic [TabW-1:0] tab_wdata;
  logic        rec_valid, rec_take, mem_wait, timed_out, to_idle, rd_err, wr_err;
  logic [3:0]  rec_idx;
  logic [15:0] rd_out, wr_out;
  logic [4:0]  lpix, lrow, olpix, olrow;
  logic [16:0] row_len;
  logic [15:0] passes, rem, gy_n, gx_n;
  logic [31:0] reps;
  logic [3:0]  planes;
  logic [Lanes*18-1:0] lo, hi, win_lo, win_hi, olo, ohi;
  logic [Lanes-1:0]    act, oact;

  tern_seq #(.MaxConvRow(MaxConvRow), .BankBytes(BankBytes), .Stats(Stats)) i_seq (
    .clk_i, .rst_ni, .start_i, .soft_reset_i, .prog_base_i, .timeout_i, .busy_o, .done_o, .error_o,
    .err_code_o, .err_layer_o, .desc_o(desc), .syq_o(syq), .ph_check_o(ph_check),
    .ph_setup_o(ph_setup), .ph_load_o(ph_load), .ph_run_o(ph_run), .ph_pool_o(ph_pool),
    .ph_stats_o(ph_stats), .ph_err_o(ph_err), .ph_idle_o(ph_idle), .run_start_o(run_start),
    .layer_first_o(layer_first), .layer_on_o(layer_on), .layer_done_o(layer_done),
    .chk_start_o(chk_start), .chk_done_i(chk_done), .chk_err_i(chk_err), .ch_valid_o(ch_valid),
    .ch_side_o(ch_side), .ch_fc_o(ch_fc), .ch_sig_o(ch_sig), .lpix_i(lpix), .lrow_i(lrow),
    .row_len_i(row_len),
    .err_set_i(err_set), .err_new_i(err_new), .waiting_check_o(waiting_check),
    .rd_valid_o(seq_rd_valid), .rd_addr_o(seq_rd_addr), .rd_fire_i(rd_fire && !ph_run),
    .rsp_ok_i(rsp_ok), .rsp_data_i(rd_rsp_data_i), .rd_out_i(rd_out), .wr_out_i(wr_out),
    .wr_busy_i(wr_req_valid_o), .rd_busy_i(rd_req_valid_o), .ld_valid_o(ld_valid),
    .ld_index_o(ld_index), .ld_data_o(ld_data), .tab_we_o(tab_we), .tab_waddr_o(tab_waddr),
    .tab_wdata_o(tab_wdata), .run_done_i(run_done), .rec_valid_o(rec_valid), .rec_addr_o(rec_addr),
    .rec_idx_o(rec_idx), .rec_fire_i(wr_fire && ph_stats), .rec_take_o(rec_take),
    .mem_wait_i(mem_wait), .timed_out_o(timed_out), .to_idle_o(to_idle)
  );

  tern_desc_check #(
    .Cols(Cols), .Lanes(Lanes), .Pack(Pack), .BankBytes(BankBytes), .MaxConvRow(MaxConvRow),
    .MacTypes(MacTypes), .Formats(Formats), .BitSerial(BitSerial), .Syq(Syq)
  ) i_check (
    .clk_i, .rst_ni, .start_i(chk_start), .desc_i(desc), .ch_valid_i(ch_valid), .ch_side_i(ch_side),
    .ch_fc_i(ch_fc), .ch_sig_i(ch_sig), .done_o(chk_done), .err_o(chk_err), .lpix_o(lpix),
    .lrow_o(lrow), .olpix_o(olpix), .olrow_o(olrow), .row_len_o(row_len), .passes_o(passes),
    .rem_o(rem), .gy_n_o(gy_n), .gx_n_o(gx_n), .reps_o(reps), .planes_o(planes), .lo_o(lo), .hi_o(hi),
    .win_lo_o(win_lo), .win_hi_o(win_hi), .olo_o(olo), .ohi_o(ohi), .act_o(act), .oact_o(oact)
  );

  // descriptor fields used here
  logic [2:0]  f_wtype, f_fmt, f_u, f_pad;
  logic [3:0]  f_abits, f_obits, f_r, f_s;
  logic [1:0]  f_omode;
  logic        f_asg, f_bs, f_syq, f_side, f_pack, f_store, f_ofc, f_obanks, f_osg, is_fc, is_pool;
  logic [15:0] f_c, f_w, f_m, f_e, f_f, f_eb;
  logic [31:0] f_wgt, f_out;
  logic [3:0]  code_bits;
  logic        raw_out;
  always_comb begin
    f_wtype  = desc[tern_pkg::DfWtype+:3];
    f_fmt    = desc[tern_pkg::DfFmt+:3];
    f_abits  = desc[tern_pkg::DfActBits+:4];
    f_asg    = desc[tern_pkg::DfActSigned];
    f_bs     = desc[tern_pkg::DfBitserial];
    f_omode  = desc[tern_pkg::DfOutMode+:2];
    f_obits  = desc[tern_pkg::DfOutBits+:4];
    f_osg    = desc[tern_pkg::DfOutSigned];
    f_syq    = desc[tern_pkg::DfSyq];
    f_side   = desc[tern_pkg::DfInSide];
    f_pack   = desc[tern_pkg::DfPack];
    f_store  = desc[tern_pkg::DfStore];
    f_ofc    = desc[tern_pkg::DfOutFc];
    f_obanks = desc[tern_pkg::DfOutBanks];
    f_c      = desc[tern_pkg::DfC+:16];
    f_w      = desc[tern_pkg::DfW+:16];
    f_m      = desc[tern_pkg::DfM+:16];
    f_e      = desc[tern_pkg::DfE+:16];
    f_f      = desc[tern_pkg::DfF+:16];
    f_r      = desc[tern_pkg::DfR+:4];
    f_s      = desc[tern_pkg::DfS+:4];
    f_u      = desc[tern_pkg::DfStride+:3];
    f_pad    = desc[tern_pkg::DfPad+:3];
    f_eb     = desc[tern_pkg::DfEb+:16];
    f_wgt    = desc[tern_pkg::DfWgtAddr+:32];
    f_out    = desc[tern_pkg::DfOutAddr+:32];
    is_fc    = desc[tern_pkg::DfOp+:4] == 4'(tern_pkg::OpFc);
    is_pool  = desc[tern_pkg::DfOp+:4] == 4'(tern_pkg::OpPool);
    raw_out  = !is_pool && f_omode == 2'(tern_pkg::OutRaw);
    code_bits = 4'(tern_pkg::code_bits(32'(f_wtype), 8));
  end

  // ------------------------------------------------------------------ memory port
  logic        c_rd_valid, c_wr_valid, fetch_rd_valid, st_valid, st_ready, quiesce;
  logic [31:0] c_rd_addr, c_wr_addr, fetch_rd_addr, st_addr;
  logic [63:0] c_wr_data, st_data;
  logic [7:0]  c_wr_strb, st_strb;
  assign c_rd_valid = ph_run ? fetch_rd_valid : seq_rd_valid;
  assign c_rd_addr  = ph_run ? fetch_rd_addr : seq_rd_addr;
  assign c_wr_valid = ph_stats ? rec_valid : (st_valid && !ph_idle);
  assign c_wr_addr  = ph_stats ? rec_addr : st_addr;
  assign c_wr_data  = ph_stats ? rec_data : st_data;
  assign c_wr_strb  = ph_stats ? 8'hff : st_strb;
  assign st_ready   = !ph_stats && wr_fire;
  tern_mem_arb i_arb (
    .clk_i, .rst_ni, .quiesce_i(quiesce), .active_i(!ph_idle && !ph_err),
    .abort_i(to_idle), .c_rd_valid_i(c_rd_valid), .c_rd_addr_i(c_rd_addr), .c_rd_fire_o(rd_fire),
    .rsp_ok_o(rsp_ok), .c_wr_valid_i(c_wr_valid), .c_wr_addr_i(c_wr_addr), .c_wr_data_i(c_wr_data),
    .c_wr_strb_i(c_wr_strb), .c_wr_fire_o(wr_fire), .rd_out_o(rd_out), .wr_out_o(wr_out),
    .rd_err_o(rd_err), .wr_err_o(wr_err), .waiting_o(mem_wait), .rd_req_valid_o, .rd_req_ready_i,
    .rd_req_addr_o, .rd_rsp_valid_i, .rd_rsp_ready_o, .rd_rsp_err_i, .wr_req_valid_o,
    .wr_req_ready_i, .wr_req_addr_o, .wr_req_data_o, .wr_req_strb_o, .wr_rsp_valid_i,
    .wr_rsp_ready_o, .wr_rsp_err_i
  );

  // ------------------------------------------------------------------ weight fetcher
  logic [Cols-1:0]   cwe;
  logic              cbank, fetch_err;
  logic [CW-1:0]     caddr;
  logic [63:0]       cdata;
  logic [2*Cols-1:0] full, release_w;
  logic              fetch_busy;
  tern_fetch #(.Cols(Cols), .CacheWords(CacheWords)) i_fetch (
    .clk_i, .rst_ni, .start_i(run_start && !is_pool), .abort_i(quiesce || soft_reset_i),
    .base_i(f_wgt), .num_i(f_m), .req_valid_o(fetch_rd_valid), .req_ready_i(rd_fire),
    .req_addr_o(fetch_rd_addr), .rsp_valid_i(rsp_ok && ph_run), .rsp_data_i(rd_rsp_data_i),
    .cwe_o(cwe), .cbank_o(cbank), .caddr_o(caddr), .cdata_o(cdata), .full_o(full),
    .release_i(release_w), .busy_o(fetch_busy), .err_o(fetch_err)
  );

  // ------------------------------------------------------------------ columns
  logic                    col_run, drained_any, barrier_ok, dpar;
  logic [Cols-1:0]         drained, rows_left, col_err;
  logic [Cols*2-1:0]       pending;
  logic [Cols*AccBits-1:0] acc_sel;
  logic [Cols*192-1:0]     grp_q;
  logic [Cols*8-1:0]       col_code;
  logic [Cols*5-1:0]       col_st;
  logic [Cols*4-1:0]       col_codes;
  logic [LBits-1:0]        lsel;
  logic [Lanes-1:0]        bwe;
  logic [Lanes*BA-1:0]     bwaddr;
  logic [63:0]             bwdata;
  logic [7:0]              bwbe;
  logic                    pool_re;
  logic [BA-1:0]           pool_raddr;
  logic [Lanes*64-1:0]     pool_rdata;
  assign col_run = ph_run;
  for (genvar c = 0; c < Cols; c++) begin : gen_col
    logic [15:0]             passes_c;
    logic [Lanes*AccBits-1:0] accs;
    logic [Lanes*64-1:0]     rdata;
    logic                    others;
    assign passes_c = (16'(c) < rem) ? passes : passes - 16'd1;
    assign others   = (rows_left & ~(Cols'(1) << c)) != '0;
    tern_column #(
      .Lanes(Lanes), .Pack(Pack), .BankBytes(BankBytes), .CacheWords(CacheWords),
      .MaxConvRow(MaxConvRow), .AccBits(AccBits), .MacTypes(MacTypes), .Formats(Formats),
      .BitSerial(BitSerial), .Syq(Syq)
    ) i_col (
      .clk_i, .rst_ni, .run_i(col_run), .wtype_i(f_wtype), .fmt_i(f_fmt), .code_bits_i(code_bits),
      .act_bits_i(f_abits), .act_signed_i(f_asg), .xnor_i(f_abits == 4'd1 && f_asg),
      .bitserial_i(f_bs && BitSerial), .syq_i(f_syq && Syq), .pack_i(f_pack && Pack == 8),
      .fc_i(is_fc), .side_i(f_side), .row_len_i(row_len), .passes_i(passes_c), .reps_i(reps),
      .gy_n_i(gy_n), .gx_n_i(gx_n), .planes_i(planes), .stride_i(f_u), .pad_i(f_pad), .in_c_i(f_c),
      .in_w_i(f_w), .lpix_i(lpix), .lrow_i(lrow), .win_lo_i(win_lo), .win_hi_i(win_hi),
      .syq_q_i(syq), .tab_we_i(tab_we), .tab_waddr_i(tab_waddr), .tab_wdata_i(tab_wdata),
      .cwe_i(cwe[c]), .cbank_i(cbank), .caddr_i(caddr), .cdata_i(cdata), .full_i(full[2*c+:2]),
      .release_o(release_w[2*c+:2]), .bwe_i(bwe), .bwaddr_i(bwaddr), .bwdata_i(bwdata),
      .bwbe_i(bwbe), .pool_re_i(c == 0 ? pool_re : 1'b0), .pool_raddr_i(pool_raddr),
      .rdata_o(rdata), .drained_i(drained[c]), .barrier_ok_i(barrier_ok), .others_left_i(others),
      .dpar_i(dpar), .acc_o(accs), .grp_q_o(grp_q[c*192+:192]), .pending_o(pending[2*c+:2]),
      .rows_left_o(rows_left[c]), .err_o(col_err[c]), .err_code_o(col_code[c*8+:8]),
      .st_o(col_st[c*5+:5]), .codes_o(col_codes[c*4+:4])
    );
    always_comb begin
      acc_sel[c*AccBits+:AccBits] = '0;
      for (int l = 0; l < Lanes; l++) begin
        if (32'(lsel) == l) acc_sel[c*AccBits+:AccBits] = accs[l*AccBits+:AccBits];
      end
    end
    if (c == 0) begin : gen_pool_data
      assign pool_rdata = rdata;
    end else begin : gen_no_pool_data
      logic unused;
      assign unused = ^rdata;  // only column 0's banks are pooled
    end
  end

  // ------------------------------------------------------------------ requantisers, pool, writer
  logic              rq_done, pool_done, wr_idle;
  logic [CntW-1:0]   wr_count;
  logic              rq_v, pl_v;
  logic [15:0]       rq_y, rq_x, rq_m, pl_y, pl_x, pl_m;
  logic [7:0]        rq_mask, pl_mask;
  logic [255:0]      rq_data, pl_data;
  tern_rq_pool #(.Cols(Cols), .Lanes(Lanes), .RqUnits(RqUnits), .AccBits(AccBits), .WDepth(WDepth),
                 .RqSerial(RqSerial))
  i_rq (
    .clk_i, .rst_ni, .run_i(ph_run), .passes_i(passes), .rem_i(rem), .gy_n_i(gy_n), .gx_n_i(gx_n),
    .e_i(f_e), .mode_i(f_omode), .out_bits_i(f_obits), .out_signed_i(f_osg), .pending_i(pending),
    .acc_i(acc_sel), .grp_q_i(grp_q), .lsel_o(lsel), .dpar_o(dpar), .drained_o(drained),
    .barrier_ok_o(barrier_ok), .done_o(rq_done), .wr_count_i(wr_count), .ck_valid_o(rq_v),
    .ck_y_o(rq_y), .ck_x_o(rq_x), .ck_m_o(rq_m), .ck_mask_o(rq_mask), .ck_data_o(rq_data)
  );
  assign drained_any = drained != '0;

  tern_pool #(.Lanes(Lanes), .BankBytes(BankBytes), .WDepth(WDepth)) i_pool (
    .clk_i, .rst_ni, .run_i(ph_pool), .side_i(f_side), .signed_i(f_asg && f_abits != 4'd1),
    .c_i(f_c), .e_i(f_e), .eb_i(f_eb), .f_i(f_f), .r_i(f_r), .s_i(f_s), .stride_i(f_u),
    .lpix_i(lpix), .lrow_i(lrow), .re_o(pool_re), .raddr_o(pool_raddr), .rdata_i(pool_rdata),
    .wr_count_i(wr_count), .ck_valid_o(pl_v), .ck_y_o(pl_y), .ck_x_o(pl_x), .ck_m_o(pl_m),
    .ck_mask_o(pl_mask), .ck_data_o(pl_data), .done_o(pool_done)
  );

  logic load_mode;
  assign load_mode = ph_load;
  tern_writer #(.Lanes(Lanes), .BankBytes(BankBytes), .Depth(WDepth), .RawCh(RqUnits)) i_writer (
    .clk_i, .rst_ni, .clr_i(ph_idle || ph_err),
    .fc_i(load_mode ? is_fc : f_ofc), .banks_i(load_mode || f_obanks),
    .store_i(!load_mode && f_store), .raw_i(!load_mode && raw_out),
    .side_i(load_mode ? f_side : !f_side), .lpix_i(load_mode ? lpix : olpix),
    .lrow_i(load_mode ? lrow : olrow), .lo_i(load_mode ? lo : olo), .hi_i(load_mode ? hi : ohi),
    .act_i(load_mode ? (is_fc ? Lanes'(1) : act) : oact), .out_addr_i(f_out),
    .ck_valid_i(ph_pool ? pl_v : rq_v), .ck_y_i(ph_pool ? pl_y : rq_y), .ck_x_i(ph_pool ? pl_x : rq_x),
    .ck_m_i(ph_pool ? pl_m : rq_m), .ck_mask_i(ph_pool ? pl_mask : rq_mask),
    .ck_data_i(ph_pool ? pl_data : rq_data), .ck_count_o(wr_count), .ld_valid_i(ld_valid),
    .ld_index_i(ld_index), .ld_data_i(ld_data), .bwe_o(bwe), .bwaddr_o(bwaddr), .bwdata_o(bwdata),
    .bwbe_o(bwbe), .st_valid_o(st_valid), .st_ready_i(st_ready), .st_addr_o(st_addr),
    .st_data_o(st_data), .st_strb_o(st_strb), .idle_o(wr_idle)
  );
  assign run_done = (ph_pool ? pool_done : rq_done) && wr_idle && !fetch_busy;

  // ------------------------------------------------------------------ errors
  logic [7:0] col_first;
  always_comb begin
    col_first = '0;
    for (int c = Cols - 1; c >= 0; c--) if (col_err[c]) col_first = col_code[c*8+:8];
  end
  always_comb begin
    err_set = 1'b0;
    err_new = '0;
    if (!ph_idle && !ph_err) begin
      if (rd_err) begin
        err_set = 1'b1;
        err_new = {4'(tern_pkg::ErrMemRd), 4'd0};
      end else if (wr_err) begin
        err_set = 1'b1;
        err_new = {4'(tern_pkg::ErrMemWr), 4'd0};
      end else if (timed_out && mem_wait) begin
        err_set = 1'b1;
        err_new = {4'(tern_pkg::ErrTime), 4'd0};
      end else if (waiting_check && chk_err != 0) begin
        err_set = 1'b1;
        err_new = chk_err;
      end else if (ph_run && fetch_err) begin
        err_set = 1'b1;
        err_new = {4'(tern_pkg::ErrBlock), 4'd1};
      end else if (ph_run && col_err != '0) begin
        err_set = 1'b1;
        err_new = col_first;
      end
    end
  end
  assign quiesce = ph_err || err_set;

  // ------------------------------------------------------------------ statistics
  logic [3:0] wr_bytes;
  always_comb begin
    wr_bytes = '0;
    for (int b = 0; b < 8; b++) wr_bytes = wr_bytes + 4'(c_wr_strb[b]);
  end
  tern_stats #(.Cols(Cols), .Stats(Stats)) i_stats (
    .clk_i, .rst_ni, .run_start_i(ph_idle && start_i), .layer_first_i(layer_first),
    .layer_on_i(layer_on), .run_i(ph_run || ph_pool), .st_i(col_st), .codes_i(col_codes),
    .group_i(drained_any), .rd_bytes_i(rd_fire ? 4'd8 : 4'd0),
    .wr_bytes_i((wr_fire && !ph_stats) ? wr_bytes : 4'd0), .rec_idx_i(rec_idx),
    .rec_take_i(rec_take), .layer_done_i(layer_done), .rec_data_o(rec_data), .ctrs_o
  );

  logic unused;
  assign unused = ^{ph_check, ph_setup, f_r, f_s, f_m, f_e, f_w, f_c, f_eb, f_obits, rd_out, wr_out};
endmodule : tern_core

`default_nettype wire
