// Tern layer engine: runs a program of layer descriptors from memory (docs/architecture.md).
// Phases per layer: DESC (fetch 8 words) -> CHECK (validate, derive sizes) -> SETUP (index table)
// -> LOAD (input tensor) -> RUN (conv/fc) or POOL (max-pool) -> DRAIN (writes, statistics).
// RUN pipeline: decompressor entry (S0) -> index table (S1) -> activation read (S2, lanes
// accumulate) -> requantise (S3..S5) -> output (S6: activation bank write, memory write FIFO).
`default_nettype none

module tern_engine #(
  parameter int unsigned Lanes      = 8,       // 1, 2, 4 or 8 (one 64-bit word per element)
  parameter int unsigned ActDepth   = 32768,
  parameter int unsigned MaxRowLen  = 4096,
  parameter int unsigned CacheWords = 1024,
  parameter int unsigned AccBits    = 32,
  parameter int unsigned MacTypes   = 32'h7f,
  parameter int unsigned Formats    = 32'h1f,
  parameter bit          BitSerial  = 1'b1,
  parameter bit          Syq        = 1'b1,    // SYQ per-kernel-position weight scales
  localparam int unsigned NumCtrs   = 8
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // control
  input  logic                  start_i,
  input  logic                  soft_reset_i,
  input  logic [31:0]           prog_base_i,
  input  logic [31:0]           timeout_i,
  output logic                  busy_o,
  output logic                  done_o,       // pulse
  output logic                  error_o,      // pulse
  output logic [7:0]            err_code_o,
  output logic [15:0]           err_layer_o,
  output logic [NumCtrs*64-1:0] ctrs_o,
  // memory read port
  output logic                  rd_req_valid_o,
  input  logic                  rd_req_ready_i,
  output logic [31:0]           rd_req_addr_o,
  input  logic                  rd_rsp_valid_i,
  output logic                  rd_rsp_ready_o,
  input  logic [63:0]           rd_rsp_data_i,
  input  logic                  rd_rsp_err_i,
  // memory write port
  output logic                  wr_req_valid_o,
  input  logic                  wr_req_ready_i,
  output logic [31:0]           wr_req_addr_o,
  output logic [63:0]           wr_req_data_o,
  input  logic                  wr_rsp_valid_i,
  output logic                  wr_rsp_ready_o,
  input  logic                  wr_rsp_err_i
);
  // ------------------------------------------------------------------------------------------
  // Parameters and checks
  localparam int unsigned AW    = $clog2(ActDepth);       // activation address bits
  localparam int unsigned SW    = AW + 5;                 // signed pixel-offset width
  localparam int unsigned OW    = AW + 4;                 // index-table offset width
  localparam int unsigned KW    = $clog2(MaxRowLen);      // row index bits
  localparam int unsigned CW    = $clog2(CacheWords);     // cache word address bits
  localparam int unsigned TabW  = OW + 12;                // table entry {off, r, s, r*S+s}
  localparam int unsigned LW    = Lanes * 8;              // lane bits of one element
  localparam int unsigned OFifo = 8;                      // output FIFO entries

  if (!(Lanes == 1 || Lanes == 2 || Lanes == 4 || Lanes == 8)) begin : gen_check_lanes
    $error("tern_engine: Lanes must be 1, 2, 4 or 8");
  end
  if (ActDepth < 64 || (ActDepth & (ActDepth - 1)) != 0 || ActDepth > (1 << 24)) begin : gen_check_depth
    $error("tern_engine: ActDepth must be a power of two, 64..2^24");
  end
  if (MaxRowLen < 16 || (MaxRowLen & (MaxRowLen - 1)) != 0 || MaxRowLen > 65536) begin : gen_check_row
    $error("tern_engine: MaxRowLen must be a power of two, 16..65536");
  end
  if (CacheWords < 4 || (CacheWords & (CacheWords - 1)) != 0 || CacheWords > 32768) begin : gen_check_cw
    $error("tern_engine: CacheWords must be a power of two, 4..32768");
  end
  if ((Formats & 32'h1f) == 0 || (MacTypes & 32'h7f) == 0 && !BitSerial) begin : gen_check_types
    $error("tern_engine: build at least one format and one MAC type");
  end

  // Error codes (docs/registers.md): class in [7:4], detail in [3:0]
  localparam logic [3:0] ErrOp     = 4'h1;  // unknown opcode
  localparam logic [3:0] ErrMode   = 4'h2;  // mode field invalid or not in this build
  localparam logic [3:0] ErrShape  = 4'h3;  // shape fields inconsistent
  localparam logic [3:0] ErrSize   = 4'h4;  // tensor/row beyond the buffers
  localparam logic [3:0] ErrAlign  = 4'h5;  // address not a multiple of 8
  localparam logic [3:0] ErrRsvd   = 4'h6;  // reserved descriptor bits set
  localparam logic [3:0] ErrStream = 4'h7;  // decompressor error (detail = its code) / reserved code
  localparam logic [3:0] ErrBlock  = 4'h8;  // weight block header invalid / nnz mismatch
  localparam logic [3:0] ErrMemRd  = 4'h9;
  localparam logic [3:0] ErrMemWr  = 4'ha;
  localparam logic [3:0] ErrTime   = 4'hb;  // memory response timeout

  // ------------------------------------------------------------------------------------------
  // State
  typedef enum logic [3:0] {
    StIdle, StDesc, StCheck, StSyq, StSetup, StLoad, StRun, StPool, StDrain, StStats, StErr
  } state_e;
  state_e state_q, state_d;

  logic [63:0] desc_q [8];
  logic [3:0]  dreq_q, drsp_q;      // descriptor words requested / received
  logic [31:0] desc_ptr_q;
  logic [15:0] layer_q;
  logic [7:0]  err_code_q;
  logic        err_set;
  logic [7:0]  err_new;

  // Descriptor fields
  logic [3:0]  f_op;
  logic [2:0]  f_wtype, f_fmt;
  logic [3:0]  f_abits, f_obits;
  logic        f_asigned, f_bserial, f_osigned, f_syq, f_load, f_store, f_inbank;
  logic [1:0]  f_omode;
  logic [15:0] f_c, f_h, f_w, f_m, f_e, f_f;
  logic [3:0]  f_r, f_s;
  logic [2:0]  f_stride, f_pad;
  logic [31:0] f_in, f_out, f_wgt, f_syqa, f_stats;
  always_comb begin
    f_op      = desc_q[0][3:0];
    f_wtype   = desc_q[0][6:4];
    f_fmt     = desc_q[0][9:7];
    f_abits   = desc_q[0][13:10];
    f_asigned = desc_q[0][14];
    f_bserial = desc_q[0][15];
    f_omode   = desc_q[0][17:16];
    f_obits   = desc_q[0][21:18];
    f_osigned = desc_q[0][22];
    f_syq     = desc_q[0][23];
    f_load    = desc_q[0][24];
    f_store   = desc_q[0][25];
    f_inbank  = desc_q[0][26];
    {f_m, f_w, f_h, f_c} = desc_q[1];
    f_e       = desc_q[2][15:0];
    f_f       = desc_q[2][31:16];
    f_r       = desc_q[2][35:32];
    f_s       = desc_q[2][39:36];
    f_stride  = desc_q[2][42:40];
    f_pad     = desc_q[2][45:43];
    f_in      = desc_q[3][31:0];
    f_out     = desc_q[3][63:32];
    f_wgt     = desc_q[4][31:0];
    f_syqa    = desc_q[4][63:32];
    f_stats   = desc_q[5][31:0];
  end

  // SYQ: scale bytes of the R*S kernel positions, loaded in StSyq (ceil(R*S/8) words)
  logic [64*8-1:0] syq_q;
  logic [3:0]      sq_req_q, sq_rsp_q, sq_words;
  assign sq_words = 4'((32'(d_rs[5:0]) + 32'd7) >> 3);

  localparam logic [3:0] OpEnd = 4'd0, OpConv = 4'd1, OpFc = 4'd2, OpPool = 4'd3;
  logic is_conv, is_fc, is_pool, xnor_mode;
  assign is_conv   = f_op == OpConv;
  assign is_fc     = f_op == OpFc;
  assign is_pool   = f_op == OpPool;
  assign xnor_mode = f_abits == 4'd1 && f_asigned;

  // ------------------------------------------------------------------------------------------
  // CHECK: derived sizes by one shared multiplier, one product per cycle (8 cycles), then verdict
  logic [3:0]  ck_q;
  logic [47:0] d_hw, d_chw, d_ef, d_mef, d_rs, d_crs, d_ue, d_uf;  // products
  logic [31:0] mul_a;
  logic [15:0] mul_b;
  logic [47:0] mul_p;
  always_comb begin
    mul_a = '0;
    mul_b = '0;
    unique case (ck_q)
      4'd0: begin mul_a = 32'(f_h);   mul_b = f_w; end
      4'd1: begin mul_a = d_hw[31:0]; mul_b = f_c; end
      4'd2: begin mul_a = 32'(f_e);   mul_b = f_f; end
      4'd3: begin mul_a = d_ef[31:0]; mul_b = f_m; end
      4'd4: begin mul_a = 32'(f_r);   mul_b = 16'(f_s); end
      4'd5: begin mul_a = d_rs[31:0]; mul_b = f_c; end
      4'd6: begin mul_a = 32'(f_e) - 32'd1; mul_b = 16'(f_stride); end
      4'd7: begin mul_a = 32'(f_f) - 32'd1; mul_b = 16'(f_stride); end
      default: ;
    endcase
    mul_p = 48'(mul_a) * 48'(mul_b);
  end
  always_ff @(posedge clk_i) begin
    if (state_q == StCheck) begin
      unique case (ck_q)
        4'd0: d_hw  <= mul_p;
        4'd1: d_chw <= mul_p;
        4'd2: d_ef  <= mul_p;
        4'd3: d_mef <= mul_p;
        4'd4: d_rs  <= mul_p;
        4'd5: d_crs <= mul_p;
        4'd6: d_ue  <= mul_p;
        4'd7: d_uf  <= mul_p;
        default: ;
      endcase
    end
  end

  // Verdict (valid when ck_q == 8)
  logic [3:0] ck_err;
  logic [3:0] code_bits;
  always_comb begin
    unique case (f_wtype)
      3'd0: code_bits = 4'd8;
      3'd1: code_bits = 4'd2;
      3'd2: code_bits = 4'd1;
      3'd3: code_bits = 4'd4;
      3'd4: code_bits = 4'd4;
      3'd5: code_bits = 4'd6;
      default: code_bits = 4'd8;
    endcase
  end

  logic [17:0] hp, wp;  // padded input extent
  assign hp = 18'(f_h) + 18'({f_pad, 1'b0});
  assign wp = 18'(f_w) + 18'({f_pad, 1'b0});

  always_comb begin
    ck_err = '0;
    if (desc_q[0][63:27] != '0 || desc_q[2][63:46] != '0 || desc_q[5][63:32] != '0 ||
        desc_q[6] != '0 || desc_q[7] != '0) begin
      ck_err = ErrRsvd;
    end else if (!(is_conv || is_fc || is_pool)) begin
      ck_err = ErrOp;
    end else if (f_c == 0 || f_h == 0 || f_w == 0 || f_m == 0 || f_e == 0 || f_f == 0 ||
                 f_r == 0 || f_s == 0 || f_r > 4'd7 || f_s > 4'd7 ||
                 f_stride == 0 || f_stride > 3'd4) begin
      ck_err = ErrShape;
    end else if (f_in[2:0] != 0 || f_out[2:0] != 0 || f_wgt[2:0] != 0 || f_syqa[2:0] != 0 ||
                 f_stats[2:0] != 0) begin
      ck_err = ErrAlign;
    end else if (is_pool) begin
      if (f_pad != 0 || f_m != f_c || 18'(f_r) > 18'(f_h) || 18'(f_s) > 18'(f_w) ||
          d_ue + 48'(f_r) > 48'(f_h) || d_ue + 48'(f_r) + 48'(f_stride) <= 48'(f_h) ||
          d_uf + 48'(f_s) > 48'(f_w) || d_uf + 48'(f_s) + 48'(f_stride) <= 48'(f_w)) begin
        ck_err = ErrShape;
      end else if (f_abits == 0 || f_abits > 4'd8 || f_omode != 2'd0 || f_syq) begin
        ck_err = ErrMode;
      end else if (d_chw > 48'(ActDepth) || d_mef > 48'(ActDepth)) begin
        ck_err = ErrSize;
      end
    end else begin
      if (is_fc && (f_h != 1 || f_w != 1 || f_r != 1 || f_s != 1 || f_e != 1 || f_f != 1 ||
                    f_stride != 1 || f_pad != 0)) begin
        ck_err = ErrShape;
      end else if (is_conv && (18'(f_pad) >= 18'(f_r) || 18'(f_pad) >= 18'(f_s) ||
                               18'(f_r) > hp || 18'(f_s) > wp ||
                               d_ue + 48'(f_r) > 48'(hp) || d_ue + 48'(f_r) + 48'(f_stride) <= 48'(hp) ||
                               d_uf + 48'(f_s) > 48'(wp) || d_uf + 48'(f_s) + 48'(f_stride) <= 48'(wp))) begin
        ck_err = ErrShape;
      end else if (f_wtype > 3'd6 || !Formats[5'(f_fmt)] || f_fmt > 3'd4 ||
                   f_abits == 0 || f_abits > 4'd8 ||
                   (f_bserial && (!BitSerial || xnor_mode)) ||
                   (!f_bserial && !MacTypes[5'(f_wtype)]) ||
                   f_omode == 2'd3 || f_obits == 0 || f_obits > 4'd8 ||
                   (f_omode == 2'd1 && f_obits > 4'd2) || (f_syq && !Syq)) begin
        ck_err = ErrMode;
      end else if (d_chw > 48'(ActDepth) || (f_omode != 2'd2 && d_mef > 48'(ActDepth)) ||
                   d_crs > 48'(MaxRowLen)) begin
        ck_err = ErrSize;
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // Memory read port: the controller (DESC, LOAD) or the weight fetcher (RUN)
  logic        c_rd_valid;
  logic [31:0] c_rd_addr;
  logic        wf_rd_valid;
  logic [31:0] wf_rd_addr;
  logic        in_run;
  logic        rd_fire, rd_rsp_fire, wr_fire, wr_rsp_fire;
  logic [15:0] rd_out_q, wr_out_q;   // outstanding requests (survive soft reset)
  logic        quiesce;              // error/abort: issue nothing, drain responses

  // A request once presented stays presented until accepted (AXI rule). If the engine stops driving
  // it (error, soft reset) after it was refused, it becomes an orphan: the port keeps presenting it
  // until accepted, the engine's own requests wait, and its response is counted off and dropped.
  logic        rd_pres_q, wr_pres_q;          // a request was presented and refused last cycle
  logic        rd_orph_q, wr_orph_q, rd_orph, wr_orph;
  logic [31:0] rd_hold_addr_q, wr_hold_addr_q;
  logic [63:0] wr_hold_data_q;
  logic        rd_raw_valid, wr_raw_valid;
  logic [31:0] rd_raw_addr, wr_raw_addr;
  logic [63:0] wr_raw_data;
  logic        rd_cfire, wr_cfire;            // the engine's own requests accepted
  assign in_run         = state_q == StRun;
  assign rd_raw_valid   = !quiesce && (in_run ? wf_rd_valid : c_rd_valid);
  assign rd_raw_addr    = in_run ? wf_rd_addr : c_rd_addr;
  assign rd_orph        = rd_orph_q || (rd_pres_q && !rd_raw_valid);
  assign wr_orph        = wr_orph_q || (wr_pres_q && !wr_raw_valid);
  assign rd_req_valid_o = rd_orph || rd_raw_valid;
  assign rd_req_addr_o  = rd_orph ? rd_hold_addr_q : rd_raw_addr;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_pres_q <= 1'b0;
      wr_pres_q <= 1'b0;
      rd_orph_q <= 1'b0;
      wr_orph_q <= 1'b0;
    end else begin
      rd_pres_q <= rd_req_valid_o && !rd_req_ready_i;
      wr_pres_q <= wr_req_valid_o && !wr_req_ready_i;
      rd_orph_q <= rd_orph && !rd_req_ready_i;
      wr_orph_q <= wr_orph && !wr_req_ready_i;
    end
    if (!rd_orph) rd_hold_addr_q <= rd_req_addr_o;
    if (!wr_orph) begin
      wr_hold_addr_q <= wr_req_addr_o;
      wr_hold_data_q <= wr_req_data_o;
    end
  end
  assign rd_rsp_ready_o = 1'b1;
  assign wr_rsp_ready_o = 1'b1;
  assign rd_fire        = rd_req_valid_o && rd_req_ready_i;
  assign rd_cfire       = rd_fire && !rd_orph;
  assign rd_rsp_fire    = rd_rsp_valid_i;
  assign wr_fire        = wr_req_valid_o && wr_req_ready_i;
  assign wr_cfire       = wr_fire && !wr_orph;
  assign wr_rsp_fire    = wr_rsp_valid_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_out_q <= '0;
      wr_out_q <= '0;
    end else begin
      rd_out_q <= rd_out_q + 16'(rd_fire) - 16'(rd_rsp_fire && rd_out_q != 0);
      wr_out_q <= wr_out_q + 16'(wr_fire) - 16'(wr_rsp_fire && wr_out_q != 0);
    end
  end

  // Responses belong to the current phase unless the engine is draining after an error, or they
  // answer requests of an aborted run (soft reset or timeout): those are counted off and dropped.
  logic        rsp_ok;
  logic [15:0] flush_q, wflush_q;
  assign rsp_ok = rd_rsp_valid_i && !rd_rsp_err_i && state_q != StErr && state_q != StIdle && flush_q == 0;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      flush_q  <= '0;
      wflush_q <= '0;
    end else if (state_q != StIdle && state_d == StIdle) begin
      // outstanding responses, plus the request still being presented (it will be answered too)
      flush_q  <= rd_out_q + 16'(rd_fire) - 16'(rd_rsp_fire && rd_out_q != 0) +
                  16'(rd_req_valid_o && !rd_req_ready_i);
      wflush_q <= wr_out_q + 16'(wr_fire) - 16'(wr_rsp_fire && wr_out_q != 0) +
                  16'(wr_req_valid_o && !wr_req_ready_i);
    end else begin
      if (rd_rsp_fire && flush_q != 0) flush_q <= flush_q - 16'd1;
      if (wr_rsp_fire && wflush_q != 0) wflush_q <= wflush_q - 16'd1;
    end
  end

  // ------------------------------------------------------------------------------------------
  // Activation banks, index table, weight cache
  logic          ab_we;
  logic          ab_wbank;
  logic [AW-1:0] ab_waddr;
  logic [LW-1:0] ab_wdata;
  logic          ab_re;
  logic [AW-1:0] ab_raddr;
  logic [LW-1:0] ab_rdata0, ab_rdata1, ab_rdata;
  logic          rd_bank;  // bank the current layer reads

  tern_ram_1r1w #(.Width(LW), .Depth(ActDepth)) i_act0 (
    .clk_i, .we_i(ab_we && !ab_wbank), .waddr_i(ab_waddr), .wdata_i(ab_wdata),
    .re_i(ab_re), .raddr_i(ab_raddr), .rdata_o(ab_rdata0)
  );
  tern_ram_1r1w #(.Width(LW), .Depth(ActDepth)) i_act1 (
    .clk_i, .we_i(ab_we && ab_wbank), .waddr_i(ab_waddr), .wdata_i(ab_wdata),
    .re_i(ab_re), .raddr_i(ab_raddr), .rdata_o(ab_rdata1)
  );
  assign ab_rdata = rd_bank ? ab_rdata1 : ab_rdata0;
  assign rd_bank  = f_inbank;

  logic            tab_we;
  logic [KW-1:0]   tab_waddr;
  logic [TabW-1:0] tab_wdata;
  logic            tab_re;
  logic [KW-1:0]   tab_raddr;
  logic [TabW-1:0] tab_rdata;
  tern_ram_1r1w #(.Width(TabW), .Depth(MaxRowLen)) i_tab (
    .clk_i, .we_i(tab_we), .waddr_i(tab_waddr), .wdata_i(tab_wdata),
    .re_i(tab_re), .raddr_i(tab_raddr), .rdata_o(tab_rdata)
  );

  logic          wc_we;
  logic          wc_wbank;
  logic [CW-1:0] wc_waddr;
  logic [63:0]   wc_wdata;
  logic          wc_re;
  logic [CW:0]   wc_raddr;
  logic [63:0]   wc_rdata;
  tern_ram_1r1w #(.Width(64), .Depth(2 * CacheWords)) i_cache (
    .clk_i, .we_i(wc_we), .waddr_i({wc_wbank, wc_waddr}), .wdata_i(wc_wdata),
    .re_i(wc_re), .raddr_i(wc_raddr), .rdata_o(wc_rdata)
  );

  // ------------------------------------------------------------------------------------------
  // Weight fetcher
  logic [1:0]    wf_full, wf_release;
  logic [31:0]   wf_rw, wf_nz;
  logic [191:0]  wf_par;
  logic          wf_busy, wf_err, wf_start;
  tern_wfetch #(.CacheWords(CacheWords)) i_wfetch (
    .clk_i, .rst_ni,
    .start_i    (wf_start),
    .abort_i    (quiesce || soft_reset_i),
    .base_i     (f_wgt),
    .num_i      (f_m),
    .req_valid_o(wf_rd_valid),
    .req_ready_i(rd_req_ready_i && !quiesce && !rd_orph),
    .req_addr_o (wf_rd_addr),
    .rsp_valid_i(rsp_ok && in_run),
    .rsp_data_i (rd_rsp_data_i),
    .cwe_o      (wc_we),
    .cbank_o    (wc_wbank),
    .caddr_o    (wc_waddr),
    .cdata_o    (wc_wdata),
    .full_o     (wf_full),
    .release_i  (wf_release),
    .row_words_o(wf_rw),
    .nnz_o      (wf_nz),
    .params_o   (wf_par),
    .busy_o     (wf_busy),
    .err_o      (wf_err)
  );

  // ------------------------------------------------------------------------------------------
  // Per-layer run constants
  logic [31:0] reps_per_filter_q;  // E*F*planes
  logic [3:0]  planes;
  assign planes = f_bserial ? f_abits : 4'd1;

  // ------------------------------------------------------------------------------------------
  // RUN: feeder (weight cache -> word FIFO), filter by filter, each row replayed
  logic        fd_active_q;
  logic [15:0] fd_m_q;        // filter being fed
  logic [31:0] fd_rep_q;      // replay within the filter
  logic [15:0] fd_w_q;        // word within the row
  logic        fd_rd_q;       // a cache read is in flight (data next cycle)
  logic        fd_rd_last_q;
  logic [1:0]  wq_count;
  logic        wq_in_ready, pf_in_ready, of_in_ready;
  logic        wq_valid, wq_ready, wq_last;
  logic [63:0] wq_word;
  logic        fd_can_read, fd_start_filter;
  logic [15:0] fd_rw;
  logic        pf_push, pf_pop, pf_full, pf_valid;
  logic [95:0] pf_head;

  assign fd_rw           = fd_m_q[0] ? wf_rw[31:16] : wf_rw[15:0];
  assign fd_start_filter = in_run && !fd_active_q && fd_m_q < f_m && wf_full[fd_m_q[0]] && !pf_full;
  assign fd_can_read     = in_run && fd_active_q && (32'(wq_count) + 32'(fd_rd_q) < 32'd2);
  assign wc_re           = fd_can_read;
  assign wc_raddr        = {fd_m_q[0], fd_w_q[CW-1:0]};
  assign pf_push         = fd_start_filter;

  always_comb begin
    wf_release = '0;
    if (fd_can_read && fd_w_q == fd_rw - 16'd1 && fd_rep_q == reps_per_filter_q - 32'd1) begin
      wf_release[fd_m_q[0]] = 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || state_q != StRun) begin
      fd_active_q <= 1'b0;
      fd_m_q      <= '0;
      fd_rd_q     <= 1'b0;
    end else begin
      fd_rd_q <= fd_can_read;
      if (fd_start_filter) begin
        fd_active_q <= 1'b1;
        fd_rep_q    <= '0;
        fd_w_q      <= '0;
      end else if (fd_can_read) begin
        if (fd_w_q == fd_rw - 16'd1) begin
          fd_w_q <= '0;
          if (fd_rep_q == reps_per_filter_q - 32'd1) begin
            fd_active_q <= 1'b0;
            fd_m_q      <= fd_m_q + 16'd1;
          end else begin
            fd_rep_q <= fd_rep_q + 32'd1;
          end
        end else begin
          fd_w_q <= fd_w_q + 16'd1;
        end
      end
    end
    fd_rd_last_q <= fd_can_read && fd_w_q == fd_rw - 16'd1;
  end

  tern_fifo #(.Width(65), .Depth(2)) i_wq (
    .clk_i, .rst_ni,
    .clr_i  (state_q != StRun),
    .valid_i(fd_rd_q),
    .ready_o(wq_in_ready),  // never low: at most two words are requested ahead
    .data_i ({fd_rd_last_q, wc_rdata}),
    .valid_o(wq_valid),
    .ready_i(wq_ready),
    .data_o ({wq_last, wq_word}),
    .count_o(wq_count)
  );

  // Parameters of each started filter, consumed by requantisation in filter order.
  logic [2:0] pf_count;
  tern_fifo #(.Width(96), .Depth(4)) i_pf (
    .clk_i, .rst_ni,
    .clr_i  (state_q != StRun),
    .valid_i(pf_push),
    .ready_o(pf_in_ready),  // never low: pushes wait for !pf_full
    .data_i (fd_m_q[0] ? wf_par[191:96] : wf_par[95:0]),
    .valid_o(pf_valid),
    .ready_i(pf_pop),
    .data_o (pf_head),
    .count_o(pf_count)
  );
  assign pf_full = pf_count == 3'd4;

  // ------------------------------------------------------------------------------------------
  // Decompressor
  logic             dc_start, dc_busy, dc_valid, dc_ready, dc_last, dc_empty, dc_err;
  logic [7:0]       dc_code;
  logic [15:0]      dc_index;
  logic [2:0]       dc_errc;
  logic [31:0]      st_cnt_q;   // replays started
  logic [31:0]      reps_total_q;

  tern_dec_mux #(
    .Formats(Formats)
  ) i_dec (
    .clk_i, .rst_ni,
    .fmt_i       (f_fmt),
    .start_i     (dc_start),
    .row_len_i   (17'(d_crs)),
    .code_bits_i (code_bits),
    .wtype_i     (f_wtype),
    .word_valid_i(wq_valid),
    .word_ready_o(wq_ready),
    .word_i      (wq_word),
    .word_last_i (wq_last),
    .valid_o     (dc_valid),
    .ready_i     (dc_ready),
    .code_o      (dc_code),
    .index_o     (dc_index),
    .last_o      (dc_last),
    .empty_o     (dc_empty),
    .busy_o      (dc_busy),
    .err_o       (dc_err),
    .err_code_o  (dc_errc),
    .clear_i     (state_q != StRun)
  );

  logic dc_fire, dc_fire_last;
  assign dc_fire      = dc_valid && dc_ready;
  assign dc_fire_last = dc_fire && dc_last;
  // Rows run back to back: a start is taken while idle or with the final entry of the previous row.
  assign dc_start     = in_run && state_q != StErr && st_cnt_q < reps_total_q && (!dc_busy || dc_fire_last);

  always_ff @(posedge clk_i) begin
    if (state_q != StRun) st_cnt_q <= '0;
    else if (dc_start) st_cnt_q <= st_cnt_q + 32'd1;
  end

  // Weight decode at S0 (shared by all lanes)
  logic [11:0] dc_wval;
  logic        dc_wnz, dc_wres;
  tern_wdecode i_wdec (
    .wtype_i   (f_wtype),
    .code_i    (dc_code),
    .value_o   (dc_wval),
    .nonzero_o (dc_wnz),
    .reserved_o(dc_wres)
  );

  // ------------------------------------------------------------------------------------------
  // Output context of the replay whose entries leave the decompressor
  logic [15:0]         cx_m_q, cx_y_q, cx_x_q;
  logic [3:0]          cx_plane_q;
  logic                cx_first_q;               // next entry is the first of its replay
  logic signed [SW-1:0] cx_iy0_q, cx_ix0_q, cx_row_q;  // y*U-pad, x*U-pad, (y*U-pad)*W
  logic [15:0]         cx_nz_q;                  // non-zero entries in this replay
  logic [16:0]         cx_ent_q;                 // entries (excluding an empty-row marker) in this replay
  logic signed [SW-1:0] uw_q, padw_q;             // U*W, pad*W
  logic                cx_last_pix, cx_last_filter, cx_last_plane;
  logic                run_done_q;              // every filter's entries issued

  assign cx_last_plane  = cx_plane_q == planes - 4'd1;
  assign cx_last_pix    = dc_last && cx_last_plane;
  assign cx_last_filter = cx_last_pix && cx_y_q == f_e - 16'd1 && cx_x_q == f_f - 16'd1;

  always_ff @(posedge clk_i) begin
    if (state_q == StSetup || state_q == StCheck) begin
      uw_q   <= SW'(32'(f_stride) * 32'(f_w));
      padw_q <= SW'(32'(f_pad) * 32'(f_w));
    end
  end

  always_ff @(posedge clk_i) begin
    if (state_q != StRun) begin
      cx_m_q     <= '0;
      cx_y_q     <= '0;
      cx_x_q     <= '0;
      cx_plane_q <= '0;
      cx_first_q <= 1'b1;
      cx_iy0_q   <= -(SW'(f_pad));
      cx_ix0_q   <= -(SW'(f_pad));
      cx_row_q   <= -padw_q;
      cx_nz_q    <= '0;
      cx_ent_q   <= '0;
      run_done_q <= 1'b0;
    end else if (dc_fire) begin
      cx_first_q <= dc_last;
      cx_nz_q    <= dc_last ? '0 : cx_nz_q + 16'(!dc_empty && dc_wnz);
      cx_ent_q   <= dc_last ? '0 : cx_ent_q + 17'(!dc_empty);
      if (dc_last) begin
        if (!cx_last_plane) begin
          cx_plane_q <= cx_plane_q + 4'd1;
        end else begin
          cx_plane_q <= '0;
          if (cx_x_q != f_f - 16'd1) begin
            cx_x_q   <= cx_x_q + 16'd1;
            cx_ix0_q <= cx_ix0_q + SW'(f_stride);
          end else begin
            cx_x_q   <= '0;
            cx_ix0_q <= -(SW'(f_pad));
            if (cx_y_q != f_e - 16'd1) begin
              cx_y_q   <= cx_y_q + 16'd1;
              cx_iy0_q <= cx_iy0_q + SW'(f_stride);
              cx_row_q <= cx_row_q + uw_q;
            end else begin
              cx_y_q   <= '0;
              cx_iy0_q <= -(SW'(f_pad));
              cx_row_q <= -padw_q;
              cx_m_q   <= cx_m_q + 16'd1;
              if (cx_m_q == f_m - 16'd1) run_done_q <= 1'b1;
            end
          end
        end
      end
    end
  end

  // nnz of the filter whose entries are leaving (block header), checked at each replay end. The
  // bank may be refilled before that filter's last entries leave, so it travels in a FIFO.
  logic [15:0] cx_nnz;
  logic [2:0]  nz_count;
  logic        nz_in_ready, nz_valid;
  tern_fifo #(.Width(16), .Depth(4)) i_nzq (
    .clk_i, .rst_ni,
    .clr_i  (state_q != StRun),
    .valid_i(pf_push),
    .ready_o(nz_in_ready),  // never low: same pushes as the parameter FIFO
    .data_i (fd_m_q[0] ? wf_nz[31:16] : wf_nz[15:0]),
    .valid_o(nz_valid),
    .ready_i(dc_fire && cx_last_filter),
    .data_o (cx_nnz),
    .count_o(nz_count)
  );

  // ------------------------------------------------------------------------------------------
  // Pipeline S0 -> S1 -> S2
  logic                 s1_v_q, s2_v_q;
  logic                 s1_first_q, s1_shift_q, s1_neg_q, s1_lastpix_q, s1_lastf_q, s1_empty_q;
  logic [2:0]           s1_bit_q;
  logic [7:0]           s1_code_q;
  logic [11:0]          s1_wval_q;
  logic [20:0]          s1_weff;      // weight value times its SYQ scale (S1)
  logic                 s1_wnz_q;
  logic [KW-1:0]        s1_k_q;
  logic signed [SW-1:0] s1_iy0_q, s1_ix0_q, s1_pix_q;
  logic                 s2_first_q, s2_shift_q, s2_neg_q, s2_lastpix_q, s2_lastf_q, s2_ok_q;
  logic [2:0]           s2_bit_q;
  logic [7:0]           s2_code_q;
  logic [20:0]          s2_wval_q;
  logic                 s2_wnz_q;

  assign tab_re    = dc_fire;
  assign tab_raddr = KW'(dc_index);

  always_ff @(posedge clk_i) begin
    if (state_q != StRun) s1_v_q <= 1'b0;
    else s1_v_q <= dc_fire;
    if (dc_fire) begin
      s1_first_q   <= cx_first_q && cx_plane_q == 4'd0;
      s1_shift_q   <= cx_first_q && cx_plane_q != 4'd0;
      s1_neg_q     <= f_bserial && f_asigned && cx_plane_q == 4'd0;
      s1_bit_q     <= 3'(f_abits - 4'd1 - cx_plane_q);
      s1_lastpix_q <= cx_last_pix;
      s1_lastf_q   <= cx_last_filter;
      s1_empty_q   <= dc_empty;
      s1_code_q    <= dc_code;
      s1_wval_q    <= dc_wval;
      s1_wnz_q     <= dc_wnz && !dc_empty;
      s1_k_q       <= KW'(dc_index);
      s1_iy0_q     <= cx_iy0_q;
      s1_ix0_q     <= cx_ix0_q;
      s1_pix_q     <= cx_row_q + cx_ix0_q;
    end
  end

  // S1: index table -> address, bounds
  logic [OW-1:0]        t_off;
  logic [2:0]           t_r, t_s;
  logic [5:0]           t_rs;
  logic signed [SW-1:0] s1_iy, s1_ix, s1_addr;
  logic                 s1_inb;
  always_comb begin
    if (is_fc) begin
      t_off = OW'(s1_k_q);
      t_r   = '0;
      t_s   = '0;
      t_rs  = '0;
    end else begin
      {t_off, t_r, t_s, t_rs} = tab_rdata;
    end
    s1_iy   = s1_iy0_q + SW'(t_r);
    s1_ix   = s1_ix0_q + SW'(t_s);
    s1_addr = SW'(t_off) + s1_pix_q;
    s1_inb  = s1_iy >= 0 && s1_iy < SW'(f_h) && s1_ix >= 0 && s1_ix < SW'(f_w);
  end

  // SYQ: the weight value times the scale of its kernel position (one multiplier for all lanes).
  logic [8:0] s1_q;
  if (Syq) begin : gen_syq_scale
    assign s1_q    = f_syq ? {1'b0, syq_q[t_rs*8+:8]} : 9'd1;
    assign s1_weff = 21'($signed(s1_wval_q) * $signed(s1_q));
  end else begin : gen_no_syq_scale
    assign s1_q    = 9'd1;
    assign s1_weff = 21'($signed(s1_wval_q));
  end

  always_ff @(posedge clk_i) begin
    if (state_q != StRun) s2_v_q <= 1'b0;
    else s2_v_q <= s1_v_q;
    if (s1_v_q) begin
      s2_first_q   <= s1_first_q;
      s2_shift_q   <= s1_shift_q;
      s2_neg_q     <= s1_neg_q;
      s2_bit_q     <= s1_bit_q;
      s2_lastpix_q <= s1_lastpix_q;
      s2_lastf_q   <= s1_lastf_q;
      s2_ok_q      <= s1_inb && !s1_empty_q;
      s2_code_q    <= s1_code_q;
      s2_wval_q    <= s1_weff;
      s2_wnz_q     <= s1_wnz_q;
    end
  end

  // ------------------------------------------------------------------------------------------
  // Lanes (S2) and requantisation (S3..S5, result valid at S6)
  logic [Lanes*AccBits-1:0] acc;
  logic [Lanes*32-1:0]      rq_y;
  for (genvar l = 0; l < Lanes; l++) begin : gen_lane
    tern_lane #(
      .MacTypes (MacTypes),
      .BitSerial(BitSerial),
      .Syq      (Syq),
      .AccBits  (AccBits)
    ) i_lane (
      .clk_i,
      .en_i        (s2_v_q),
      .first_i     (s2_first_q),
      .shift_i     (s2_shift_q),
      .neg_i       (s2_neg_q),
      .plane_i     (s2_bit_q),
      .bitserial_i (f_bserial),
      .syq_i       (f_syq),
      .xnor_i      (xnor_mode),
      .act_signed_i(f_asigned),
      .wtype_i     (f_wtype),
      .code_i      (s2_code_q),
      .wval_i      (s2_wval_q),
      .wnz_i       (s2_wnz_q),
      .act_i       (ab_rdata[l*8+:8]),
      .act_ok_i    (s2_ok_q),
      .acc_o       (acc[l*AccBits+:AccBits])
    );
    tern_requant #(.AccBits(AccBits)) i_rq (
      .clk_i,
      .acc_i       (acc[l*AccBits+:AccBits]),
      .mode_i      (f_omode),
      .out_bits_i  (f_obits),
      .out_signed_i(f_osigned),
      .q0_i        (pf_head[31:0]),
      .q1_i        (pf_head[63:32]),
      .q2_i        (pf_head[95:64]),
      .y_o         (rq_y[l*32+:32])
    );
  end

  // Token pipeline for pixel ends: S3 (requant stage 1 samples acc and params) .. S6 (output)
  logic s3_v_q, s4_v_q, s5_v_q, s6_v_q, s3_lastf_q;
  always_ff @(posedge clk_i) begin
    if (state_q != StRun) begin
      s3_v_q <= 1'b0;
      s4_v_q <= 1'b0;
      s5_v_q <= 1'b0;
      s6_v_q <= 1'b0;
    end else begin
      s3_v_q <= s2_v_q && s2_lastpix_q;
      s4_v_q <= s3_v_q;
      s5_v_q <= s4_v_q;
      s6_v_q <= s5_v_q;
    end
    s3_lastf_q <= s2_lastf_q;
  end
  assign pf_pop = s3_v_q && s3_lastf_q;

  // ------------------------------------------------------------------------------------------
  // POOL: window reads -> running max -> output
  logic [15:0]   pl_c_q, pl_y_q, pl_x_q;
  logic [3:0]    pl_r_q, pl_s_q;
  logic [AW+3:0] pl_base_q, pl_row_q, pl_cb_q, pl_off_q;  // window base, row base, channel base, r*W+s
  logic          pl_issue, pl_done_q, pl_first, pl_last;
  logic          p1_v_q, p1_first_q, p1_last_q, p2_v_q;
  logic [LW-1:0] p_max_q;

  assign pl_first = pl_r_q == 0 && pl_s_q == 0;
  assign pl_last  = pl_r_q == f_r - 4'd1 && pl_s_q == f_s - 4'd1;

  // ------------------------------------------------------------------------------------------
  // Output stage: S6 (RUN) or P2 (POOL) -> activation bank write + memory write FIFO
  logic          out_v;
  logic [Lanes*32-1:0] out_y;
  logic [AW-1:0] oidx_q;
  logic [3:0]    inflight_q;
  logic          of_push, of_valid, of_ready;
  logic [3:0]    of_count;
  logic [Lanes*32-1:0] of_data;
  logic          credit_ok;

  assign out_v = (state_q == StRun && s6_v_q) || (state_q == StPool && p2_v_q);
  always_comb begin
    out_y = rq_y;
    if (state_q == StPool) begin
      out_y = '0;
      for (int l = 0; l < Lanes; l++) out_y[l*32+:8] = p_max_q[l*8+:8];
    end
  end
  assign of_push   = out_v && f_store;
  // room for every pixel already in the pipeline plus one more
  assign credit_ok = !f_store || (32'(of_count) + 32'(inflight_q) < OFifo);

  tern_fifo #(.Width(Lanes * 32), .Depth(OFifo)) i_of (
    .clk_i, .rst_ni,
    .clr_i  (state_q == StIdle || state_q == StErr),
    .valid_i(of_push),
    .ready_o(of_in_ready),  // never low: credits keep a free entry for every pixel in flight
    .data_i (out_y),
    .valid_o(of_valid),
    .ready_i(of_ready),
    .data_o (of_data),
    .count_o(of_count)
  );

  // Pixel ends in flight between acceptance and the output stage.
  logic pix_in, pix_out;
  assign pix_in  = (state_q == StRun && dc_fire && cx_last_pix) || (state_q == StPool && pl_issue && pl_last);
  assign pix_out = out_v;
  always_ff @(posedge clk_i) begin
    if (state_q != StRun && state_q != StPool) inflight_q <= '0;
    else inflight_q <= inflight_q + 4'(pix_in) - 4'(pix_out);
  end

  // Output counter and activation-bank writes (RUN/POOL) or input writes (LOAD)
  logic [31:0]   ld_rsp_q;  // LOAD responses written
  always_comb begin
    ab_we    = 1'b0;
    ab_wbank = !f_inbank;
    ab_waddr = oidx_q;
    ab_wdata = '0;
    for (int l = 0; l < Lanes; l++) ab_wdata[l*8+:8] = out_y[l*32+:8];
    if (state_q == StLoad) begin
      ab_we    = rsp_ok;
      ab_wbank = f_inbank;
      ab_waddr = AW'(ld_rsp_q);
      ab_wdata = rd_rsp_data_i[LW-1:0];
    end else if (out_v && f_omode != 2'd2) begin
      ab_we = 1'b1;
    end
  end

  // Memory writer: one word per element (bytes), or Lanes/2 words (raw int32)
  logic [31:0] wr_addr_q;
  logic [2:0]  wr_sub_q;
  logic [2:0]  wpe;  // words per element - 1
  logic [63:0] wr_word;
  logic        st_valid;
  logic [31:0] st_addr;
  logic [63:0] st_data;
  assign wpe = (f_omode == 2'd2 && Lanes > 2) ? 3'(Lanes / 2 - 1) : 3'd0;
  always_comb begin
    wr_word = '0;
    if (f_omode == 2'd2) begin
      for (int j = 0; j < 2; j++) begin
        for (int l = 0; l < Lanes; l++) begin
          if (l == 32'(wr_sub_q) * 2 + j) wr_word[j*32+:32] = of_data[l*32+:32];
        end
      end
    end else begin
      for (int l = 0; l < Lanes; l++) wr_word[l*8+:8] = of_data[l*32+:8];
    end
  end
  assign wr_raw_valid   = !quiesce && state_q != StIdle && (st_valid || of_valid);  // none after a soft reset
  assign wr_raw_addr    = st_valid ? st_addr : wr_addr_q;
  assign wr_raw_data    = st_valid ? st_data : wr_word;
  assign wr_req_valid_o = wr_orph || wr_raw_valid;
  assign wr_req_addr_o  = wr_orph ? wr_hold_addr_q : wr_raw_addr;
  assign wr_req_data_o  = wr_orph ? wr_hold_data_q : wr_raw_data;
  assign of_ready       = !st_valid && wr_req_ready_i && !quiesce && !wr_orph && wr_sub_q == wpe;

  always_ff @(posedge clk_i) begin
    if (state_q == StCheck) begin
      wr_addr_q <= f_out;
      wr_sub_q  <= '0;
    end else if (!st_valid && of_valid && wr_cfire) begin
      wr_addr_q <= wr_addr_q + 32'd8;
      wr_sub_q  <= (wr_sub_q == wpe) ? 3'd0 : wr_sub_q + 3'd1;
    end
  end

  // ------------------------------------------------------------------------------------------
  // Counters: per layer (statistics record) and per run (registers)
  logic [63:0] lc_cycles_q, lc_entries_q, lc_skip_q, lc_st_fetch_q, lc_st_out_q, lc_st_dec_q,
               lc_rd_q, lc_wr_q;
  logic [63:0] rc_cycles_q, rc_entries_q, rc_layers_q, rc_rd_q, rc_wr_q, rc_st_fetch_q,
               rc_st_out_q, rc_st_dec_q;
  logic        run_stall_fetch, run_stall_out, run_stall_dec;
  logic [3:0]  stq_q;  // statistics words requested

  // RUN stall causes (cycles in which no entry was accepted)
  assign run_stall_out   = in_run && !run_done_q && dc_valid && !dc_ready;
  assign run_stall_fetch = in_run && !run_done_q && !dc_fire && !dc_valid && !wq_valid &&
                           fd_m_q < f_m && !fd_active_q && !wf_full[fd_m_q[0]];
  assign run_stall_dec   = in_run && !run_done_q && !dc_fire && !run_stall_out && !run_stall_fetch;

  // A layer's counters cover every cycle from its first descriptor request to the end of DRAIN.
  logic lc_first, lc_on;
  logic [63:0] lc_skip_inc;
  assign lc_first    = state_q == StDesc && dreq_q == 4'd0 && drsp_q == 4'd0;
  assign lc_on       = state_q != StIdle && state_q != StStats && state_q != StErr;
  assign lc_skip_inc = dc_fire_last ? 64'(d_crs) - 64'(cx_ent_q) - 64'(!dc_empty) : 64'd0;
  always_ff @(posedge clk_i) begin
    if (lc_on) begin
      lc_cycles_q   <= (lc_first ? 64'd0 : lc_cycles_q) + 64'd1;
      lc_entries_q  <= (lc_first ? 64'd0 : lc_entries_q) + 64'(dc_fire && !dc_empty);
      lc_skip_q     <= (lc_first ? 64'd0 : lc_skip_q) + lc_skip_inc;
      lc_st_fetch_q <= (lc_first ? 64'd0 : lc_st_fetch_q) + 64'(run_stall_fetch);
      lc_st_out_q   <= (lc_first ? 64'd0 : lc_st_out_q) + 64'(run_stall_out);
      lc_st_dec_q   <= (lc_first ? 64'd0 : lc_st_dec_q) + 64'(run_stall_dec);
      lc_rd_q       <= (lc_first ? 64'd0 : lc_rd_q) + (rd_cfire ? 64'd8 : 64'd0);
      lc_wr_q       <= (lc_first ? 64'd0 : lc_wr_q) + (wr_cfire ? 64'd8 : 64'd0);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || (start_i && state_q == StIdle)) begin
      rc_cycles_q   <= '0;
      rc_entries_q  <= '0;
      rc_layers_q   <= '0;
      rc_rd_q       <= '0;
      rc_wr_q       <= '0;
      rc_st_fetch_q <= '0;
      rc_st_out_q   <= '0;
      rc_st_dec_q   <= '0;
    end else if (state_q != StIdle) begin
      rc_cycles_q   <= rc_cycles_q + 64'd1;
      rc_entries_q  <= rc_entries_q + 64'(dc_fire && !dc_empty);
      rc_rd_q       <= rc_rd_q + (rd_cfire ? 64'd8 : 64'd0);
      rc_wr_q       <= rc_wr_q + (wr_cfire ? 64'd8 : 64'd0);
      rc_st_fetch_q <= rc_st_fetch_q + 64'(run_stall_fetch);
      rc_st_out_q   <= rc_st_out_q + 64'(run_stall_out);
      rc_st_dec_q   <= rc_st_dec_q + 64'(run_stall_dec);
      if (state_q == StStats && state_d == StDesc) rc_layers_q <= rc_layers_q + 64'd1;
    end
  end
  assign ctrs_o = {rc_st_dec_q, rc_st_out_q, rc_st_fetch_q, rc_wr_q, rc_rd_q, rc_layers_q,
                   rc_entries_q, rc_cycles_q};

  // Statistics record writes (StStats)
  always_comb begin
    st_valid = state_q == StStats && f_stats != 0 && stq_q < 4'd8;
    st_addr  = f_stats + {25'd0, stq_q[2:0], 3'd0} + 32'd0;
    unique case (stq_q[2:0])
      3'd0: st_data = lc_cycles_q;
      3'd1: st_data = lc_entries_q;
      3'd2: st_data = lc_skip_q;
      3'd3: st_data = lc_st_fetch_q;
      3'd4: st_data = lc_st_out_q;
      3'd5: st_data = lc_st_dec_q;
      3'd6: st_data = lc_rd_q;
      default: st_data = lc_wr_q;
    endcase
  end

  // ------------------------------------------------------------------------------------------
  // Controller FSM
  logic [31:0] ld_req_q;        // LOAD words requested
  logic [KW:0] tb_k_q;          // SETUP: table entries written
  logic [3:0]  tb_r_q, tb_s_q;
  logic [5:0]  tb_rs_q;
  logic [OW-1:0] tb_cb_q, tb_rb_q;
  logic [31:0] to_cnt_q;        // cycles without a response while waiting
  logic        waiting;
  logic        run_finished;

  // Waiting on the memory: a request not accepted, or responses due and none arriving.
  // (the hold registers mark a request refused in the previous cycle; registered, to keep the error
  // logic free of combinational loops through the request valids)
  assign waiting = (rd_pres_q && !rd_req_ready_i) || (wr_pres_q && !wr_req_ready_i) ||
                   (rd_out_q != 0 && !rd_rsp_valid_i) || (wr_out_q != 0 && !wr_rsp_valid_i);
  assign run_finished = run_done_q && !s1_v_q && !s2_v_q && !s3_v_q && !s4_v_q && !s5_v_q &&
                        !s6_v_q && !of_valid && wr_out_q == 0;

  // DESC / LOAD read requests
  always_comb begin
    c_rd_valid = 1'b0;
    c_rd_addr  = desc_ptr_q + {25'd0, dreq_q[2:0], 3'd0};
    if (state_q == StDesc && dreq_q < 4'd8) c_rd_valid = 1'b1;
    if (state_q == StSyq && sq_req_q < sq_words) begin
      c_rd_valid = 1'b1;
      c_rd_addr  = f_syqa + {25'd0, sq_req_q[2:0], 3'b000};
    end
    if (state_q == StLoad && ld_req_q < d_chw[31:0]) begin
      c_rd_valid = 1'b1;
      c_rd_addr  = f_in + {ld_req_q[28:0], 3'b000};
    end
  end

  // POOL address issue
  assign pl_issue = state_q == StPool && !pl_done_q && credit_ok;
  always_comb begin
    ab_re    = 1'b0;
    ab_raddr = '0;
    if (state_q == StRun) begin
      ab_re    = s1_v_q;
      ab_raddr = AW'(s1_addr);
    end else if (state_q == StPool) begin
      ab_re    = pl_issue;
      ab_raddr = AW'(pl_base_q + pl_off_q);
    end
  end
  assign dc_ready = credit_ok && state_q != StErr;  // not err_set: that depends on dc_fire

  // Errors
  always_comb begin
    err_set = 1'b0;
    err_new = '0;
    if (state_q != StIdle && state_q != StErr) begin
      if (rd_rsp_valid_i && rd_rsp_err_i && flush_q == 0) begin
        err_set = 1'b1;
        err_new = {ErrMemRd, 4'd0};
      end else if (wr_rsp_valid_i && wr_rsp_err_i && wflush_q == 0) begin
        err_set = 1'b1;
        err_new = {ErrMemWr, 4'd0};
      end else if (timeout_i != 0 && waiting && to_cnt_q >= timeout_i) begin
        err_set = 1'b1;
        err_new = {ErrTime, 4'd0};
      end else if (state_q == StCheck && ck_q == 4'd8 && ck_err != 0) begin
        err_set = 1'b1;
        err_new = {ck_err, 4'd0};
      end else if (in_run && wf_err) begin
        err_set = 1'b1;
        err_new = {ErrBlock, 4'd1};
      end else if (in_run && dc_err) begin
        err_set = 1'b1;
        err_new = {ErrStream, 1'b0, dc_errc};
      end else if (in_run && dc_fire && !dc_empty && dc_wres) begin
        err_set = 1'b1;
        err_new = {ErrStream, 4'd8};
      end else if (in_run && dc_fire_last && (cx_nz_q + 16'(!dc_empty && dc_wnz)) != cx_nnz) begin
        err_set = 1'b1;
        err_new = {ErrBlock, 4'd2};
      end
    end
  end
  assign quiesce = state_q == StErr || err_set;

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle:  if (start_i) state_d = StDesc;
      StDesc:  if (drsp_q == 4'd8) state_d = (f_op == OpEnd) ? StIdle : StCheck;
      StCheck: if (ck_q == 4'd8) begin
                 state_d = f_syq ? StSyq : is_conv ? StSetup : (f_load ? StLoad : (is_pool ? StPool : StRun));
               end
      StSyq:   if (sq_rsp_q == sq_words) state_d = is_conv ? StSetup : (f_load ? StLoad : StRun);
      StSetup: if (32'(tb_k_q) == d_crs[31:0]) state_d = f_load ? StLoad : StRun;
      StLoad:  if (ld_rsp_q == d_chw[31:0]) state_d = is_pool ? StPool : StRun;
      StRun:   if (run_finished) state_d = StDrain;
      StPool:  if (pl_done_q && !p1_v_q && !p2_v_q && !of_valid && wr_out_q == 0) state_d = StDrain;
      StDrain: if (wr_out_q == 0 && rd_out_q == 0) state_d = StStats;
      StStats: if ((f_stats == 0 || stq_q == 4'd8) && wr_out_q == 0) state_d = StDesc;
      StErr:   if ((rd_out_q == 0 && wr_out_q == 0 && !rd_req_valid_o && !wr_req_valid_o) ||
                   (timeout_i != 0 && to_cnt_q >= timeout_i)) begin
                 state_d = StIdle;
               end
      default: state_d = StIdle;
    endcase
    if (err_set) state_d = StErr;
    if (soft_reset_i) state_d = StIdle;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      err_code_q <= '0;
      layer_q    <= '0;
    end else begin
      state_q <= state_d;
      if (state_q == StIdle && start_i) begin
        layer_q    <= '0;
        err_code_q <= '0;
      end
      if (err_set) err_code_q <= err_new;
      if (state_q == StStats && state_d == StDesc) layer_q <= layer_q + 16'd1;
    end
  end

  // Datapath/sequencing registers of the controller
  always_ff @(posedge clk_i) begin
    if (!waiting || state_q == StIdle) to_cnt_q <= '0;
    else to_cnt_q <= to_cnt_q + 32'd1;

    unique case (state_q)
      StIdle: begin
        desc_ptr_q <= prog_base_i;
        dreq_q     <= '0;
        drsp_q     <= '0;
      end
      StDesc: begin
        if (rd_cfire) dreq_q <= dreq_q + 4'd1;
        if (rsp_ok) begin
          desc_q[drsp_q[2:0]] <= rd_rsp_data_i;
          drsp_q              <= drsp_q + 4'd1;
        end
      end
      default: ;
    endcase
    if (state_q == StStats && state_d == StDesc) begin
      desc_ptr_q <= desc_ptr_q + 32'd64;
      dreq_q     <= '0;
      drsp_q     <= '0;
    end

    // CHECK sequencing
    if (state_q == StCheck) ck_q <= ck_q + 4'd1;
    else ck_q <= '0;

    // SETUP: index table, entries in c, r, s order: off = c*H*W + r*W + s
    if (state_q != StSetup) begin
      tb_k_q  <= '0;
      tb_rs_q <= '0;
      tb_r_q  <= '0;
      tb_s_q  <= '0;
      tb_cb_q <= '0;
      tb_rb_q <= '0;
    end else if (32'(tb_k_q) != d_crs[31:0]) begin
      tb_k_q  <= tb_k_q + 1'b1;
      tb_rs_q <= (tb_s_q == f_s - 4'd1 && tb_r_q == f_r - 4'd1) ? 6'd0 : tb_rs_q + 6'd1;
      if (tb_s_q != f_s - 4'd1) begin
        tb_s_q <= tb_s_q + 4'd1;
      end else begin
        tb_s_q <= '0;
        if (tb_r_q != f_r - 4'd1) begin
          tb_r_q  <= tb_r_q + 4'd1;
          tb_rb_q <= tb_rb_q + OW'(f_w);
        end else begin
          tb_r_q  <= '0;
          tb_rb_q <= '0;
          tb_cb_q <= tb_cb_q + OW'(d_hw);
        end
      end
    end

    // SYQ scales
    if (state_q != StSyq) begin
      sq_req_q <= '0;
      sq_rsp_q <= '0;
    end else begin
      if (rd_cfire) sq_req_q <= sq_req_q + 4'd1;
      if (rsp_ok) begin
        sq_rsp_q                       <= sq_rsp_q + 4'd1;
        syq_q[sq_rsp_q[2:0]*64+:64]    <= rd_rsp_data_i;
      end
    end

    // LOAD
    if (state_q != StLoad) begin
      ld_req_q <= '0;
      ld_rsp_q <= '0;
    end else begin
      if (rd_cfire) ld_req_q <= ld_req_q + 32'd1;
      if (rsp_ok) ld_rsp_q <= ld_rsp_q + 32'd1;
    end

    // Statistics
    if (state_q != StStats) begin
      stq_q <= '0;
    end else if (st_valid && wr_cfire) begin
      stq_q <= stq_q + 4'd1;
    end

    // Output element counter
    if (state_q == StCheck) oidx_q <= '0;
    else if (out_v) oidx_q <= oidx_q + 1'b1;

    // Run constants
    if (state_q == StCheck) begin
      reps_per_filter_q <= d_ef[31:0] * 32'(planes);
      reps_total_q      <= d_mef[31:0] * 32'(planes);
    end
  end

  assign tab_we    = state_q == StSetup && 32'(tb_k_q) != d_crs[31:0];
  assign tab_waddr = KW'(tb_k_q);
  assign tab_wdata = {tb_cb_q + tb_rb_q + OW'(tb_s_q), tb_r_q[2:0], tb_s_q[2:0], tb_rs_q};
  assign wf_start  = state_q != StRun && state_d == StRun;

  // POOL sequencing: c, y, x (output), r, s (window)
  always_ff @(posedge clk_i) begin
    if (state_q != StPool) begin
      pl_c_q    <= '0;
      pl_y_q    <= '0;
      pl_x_q    <= '0;
      pl_r_q    <= '0;
      pl_s_q    <= '0;
      pl_base_q <= '0;
      pl_row_q  <= '0;
      pl_cb_q   <= '0;
      pl_off_q  <= '0;
      pl_done_q <= 1'b0;
    end else if (pl_issue) begin
      if (!pl_last) begin
        if (pl_s_q != f_s - 4'd1) begin
          pl_s_q   <= pl_s_q + 4'd1;
          pl_off_q <= pl_off_q + 1'b1;
        end else begin
          pl_s_q   <= '0;
          pl_r_q   <= pl_r_q + 4'd1;
          pl_off_q <= pl_off_q + (AW+4)'(f_w) - (AW+4)'(f_s) + 1'b1;
        end
      end else begin
        pl_r_q   <= '0;
        pl_s_q   <= '0;
        pl_off_q <= '0;
        if (pl_x_q != f_f - 16'd1) begin
          pl_x_q    <= pl_x_q + 16'd1;
          pl_base_q <= pl_base_q + (AW+4)'(f_stride);
        end else begin
          pl_x_q <= '0;
          if (pl_y_q != f_e - 16'd1) begin
            pl_y_q    <= pl_y_q + 16'd1;
            pl_row_q  <= pl_row_q + (AW+4)'(uw_q);
            pl_base_q <= pl_row_q + (AW+4)'(uw_q);
          end else begin
            pl_y_q <= '0;
            if (pl_c_q != f_c - 16'd1) begin
              pl_c_q    <= pl_c_q + 16'd1;
              pl_cb_q   <= pl_cb_q + (AW+4)'(d_hw);
              pl_row_q  <= pl_cb_q + (AW+4)'(d_hw);
              pl_base_q <= pl_cb_q + (AW+4)'(d_hw);
            end else begin
              pl_done_q <= 1'b1;
            end
          end
        end
      end
    end
  end

  // POOL datapath: P1 (data) -> running max -> P2 (output)
  logic pool_signed;
  assign pool_signed = f_asigned && f_abits != 4'd1;
  always_ff @(posedge clk_i) begin
    if (state_q != StPool) begin
      p1_v_q <= 1'b0;
      p2_v_q <= 1'b0;
    end else begin
      p1_v_q <= pl_issue;
      p2_v_q <= p1_v_q && p1_last_q;
    end
    p1_first_q <= pl_first;
    p1_last_q  <= pl_last;
    if (p1_v_q) begin
      for (int l = 0; l < Lanes; l++) begin
        if (p1_first_q) begin
          p_max_q[l*8+:8] <= ab_rdata[l*8+:8];
        end else if (pool_signed ? ($signed(ab_rdata[l*8+:8]) > $signed(p_max_q[l*8+:8]))
                                 : (ab_rdata[l*8+:8] > p_max_q[l*8+:8])) begin
          p_max_q[l*8+:8] <= ab_rdata[l*8+:8];
        end
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // Outputs
  assign busy_o      = state_q != StIdle;
  assign done_o      = state_q == StDesc && state_d == StIdle && !err_set;
  assign error_o     = err_set && state_q != StErr;
  assign err_code_o  = err_set ? err_new : err_code_q;
  assign err_layer_o = layer_q;

  // Unused bits
  // Upper product bits beyond the checked ranges, FIFO status the protocol makes redundant, and the
  // index (only used through the table).
  logic unused;
  assign unused = ^{wf_busy, d_crs[47:32], d_chw[47:32], d_mef[47:32], d_ef[47:32], d_rs[47:32],
                    d_hw[47:AW+4], pf_valid, dc_index, wq_in_ready, pf_in_ready, of_in_ready,
                    s1_addr[SW-1:AW], nz_count, nz_in_ready, nz_valid};
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // Memory ports (docs/architecture.md "Memory interface"): a refused request stays presented,
  // unchanged; addresses of checked descriptor fields are word aligned; a response answers an
  // outstanding request (environment rule: a memory reset with the engine drops its responses).
  a_rd_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_req_valid_o && !rd_req_ready_i |=> rd_req_valid_o && $stable(rd_req_addr_o))
    else tern_sva_fail($sformatf("%m"));
  a_wr_req_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_req_valid_o && !wr_req_ready_i |=> wr_req_valid_o && $stable(wr_req_addr_o) &&
                                          $stable(wr_req_data_o)) else tern_sva_fail($sformatf("%m"));
  a_rd_req_aligned: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_raw_valid && state_q != StDesc |-> rd_raw_addr[2:0] == 3'd0) else tern_sva_fail($sformatf("%m"));
  a_wr_req_aligned: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_raw_valid |-> wr_raw_addr[2:0] == 3'd0) else tern_sva_fail($sformatf("%m"));
  a_rd_rsp_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_rsp_valid_i |-> rd_out_q != '0) else tern_sva_fail($sformatf("%m"));
  a_wr_rsp_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
    wr_rsp_valid_i |-> wr_out_q != '0) else tern_sva_fail($sformatf("%m"));
  a_outstanding_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    rd_out_q != '1 && wr_out_q != '1) else tern_sva_fail($sformatf("%m"));
  // Control: legal state; done and error exclusive; an error has a code; nothing of the engine's
  // own is requested while idle or stopped by an error (orphans excepted, by design)
  a_state_legal: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q <= StErr) else tern_sva_fail($sformatf("%m"));
  a_done_xor_error: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(done_o && error_o)) else tern_sva_fail($sformatf("%m"));
  a_error_coded: assert property (@(posedge clk_i) disable iff (!rst_ni)
    error_o |-> err_code_o != '0) else tern_sva_fail($sformatf("%m"));
  a_idle_quiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q == StIdle |-> !rd_raw_valid && !wr_raw_valid) else tern_sva_fail($sformatf("%m"));
  a_err_quiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
    state_q == StErr |-> !rd_raw_valid && !wr_raw_valid) else tern_sva_fail($sformatf("%m"));
  // FIFOs whose ready is never looked at: never pushed when full, never popped when empty
  a_wq_no_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    fd_rd_q && in_run |-> wq_in_ready) else tern_sva_fail($sformatf("%m"));
  a_pf_no_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    pf_push |-> pf_in_ready) else tern_sva_fail($sformatf("%m"));
  a_nz_no_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    pf_push |-> nz_in_ready) else tern_sva_fail($sformatf("%m"));
  a_of_no_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    of_push |-> of_in_ready) else tern_sva_fail($sformatf("%m"));
  a_pf_no_underflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    pf_pop && in_run |-> pf_valid) else tern_sva_fail($sformatf("%m"));
  a_nz_no_underflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    dc_fire && cx_last_filter && in_run |-> nz_valid) else tern_sva_fail($sformatf("%m"));
  a_credit: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (state_q == StRun || state_q == StPool) |-> 32'(of_count) + 32'(inflight_q) <= OFifo) else tern_sva_fail($sformatf("%m"));
  a_inflight_no_underflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
    pix_out && (state_q == StRun || state_q == StPool) |-> inflight_q != '0 || pix_in)
    else tern_sva_fail($sformatf("%m"));
  // Indices and addresses: entry index inside the row, activation reads inside the input tensor,
  // writes inside the output/input tensor, weight-cache and index-table accesses inside the block
  a_entry_in_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
    dc_fire && !dc_empty && in_run |-> 48'(dc_index) < d_crs) else tern_sva_fail($sformatf("%m"));
  a_act_read_in_tensor: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s1_v_q && in_run && s1_inb && !s1_empty_q |-> s1_addr >= 0 && 48'(s1_addr) < d_chw)
    else tern_sva_fail($sformatf("%m"));
  a_act_write_in_tensor: assert property (@(posedge clk_i) disable iff (!rst_ni)
    ab_we |-> (state_q == StLoad) ? 48'(ld_rsp_q) < d_chw : 48'(oidx_q) < d_mef)
    else tern_sva_fail($sformatf("%m"));
  a_feed_in_block: assert property (@(posedge clk_i) disable iff (!rst_ni)
    fd_can_read |-> fd_w_q < fd_rw && 32'(fd_rw) <= CacheWords) else tern_sva_fail($sformatf("%m"));
  a_table_in_range: assert property (@(posedge clk_i) disable iff (!rst_ni)
    tab_we |-> 32'(tb_k_q) < MaxRowLen) else tern_sva_fail($sformatf("%m"));
  a_release_full: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (wf_release & ~wf_full) == 2'b00) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
endmodule : tern_engine

`default_nettype wire
