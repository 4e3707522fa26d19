// Layer sequencer of engine v2: runs a program of descriptors (docs/architecture.md "Layer sequence").
// Phases per layer: DESC (8 words) -> CHECK (tern_desc_check) -> SYQ (scale words) -> SETUP (index
// table, conv) -> LOAD (input words, when the layer loads its input) -> RUN (conv/fc) or POOL ->
// DRAIN (write responses) -> STATS (record words, run counters) -> next descriptor; END finishes.
//
// Contract: the sequencer owns the state register (nothing else in it), the descriptor, the chain
// state (the previous layer's output layout), the error code and the layer index. It drives the read
// client of the memory port in DESC, SYQ and LOAD (the core gives the port to the fetcher in RUN) and
// the record writes in STATS. The first error (err_set_i from the core's priority list) stops the run:
// ERR issues nothing, waits for outstanding responses (or the timeout), then IDLE. soft_reset_i
// returns to IDLE at once.
// Timing (ideal memory): DESC 10 cycles, CHECK CheckCycles + 1, SYQ ceil(R*S/8) + 2, SETUP C*R*S + 1,
// LOAD words + 3, DRAIN >= 1, STATS StatsWords + 4 (or 4 without a record); see golden/accel/cycle_model.
`default_nettype none

module tern_seq #(
  parameter int unsigned MaxConvRow = 1024,
  parameter int unsigned BankBytes  = 4096,
  parameter bit          Stats      = 1'b1,
  localparam int unsigned KW        = $clog2(MaxConvRow),
  localparam int unsigned OW        = $clog2(BankBytes),
  localparam int unsigned TabW      = OW + 12
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic              soft_reset_i,
  input  logic [31:0]       prog_base_i,
  input  logic [31:0]       timeout_i,
  output logic              busy_o,
  output logic              done_o,        // pulse
  output logic              error_o,       // pulse
  output logic [7:0]        err_code_o,
  output logic [15:0]       err_layer_o,
  // descriptor and phase
  output logic [511:0]      desc_o,
  output logic [511:0]      syq_o,
  output logic              ph_check_o, ph_setup_o, ph_load_o, ph_run_o, ph_pool_o, ph_stats_o,
  output logic              ph_err_o, ph_idle_o,
  output logic              run_start_o,   // first cycle of RUN / POOL
  output logic              layer_first_o, // first cycle of a layer
  output logic              layer_on_o,    // the layer's counted cycles
  output logic              layer_done_o,  // pulse: layer completed
  // check unit
  output logic              chk_start_o,
  input  logic              chk_done_i,
  input  logic [7:0]        chk_err_i,
  output logic              ch_valid_o, ch_side_o, ch_fc_o,
  output logic [89:0]       ch_sig_o,
  input  logic [4:0]        lpix_i, lrow_i,
  input  logic [16:0]       row_len_i,     // C*R*S of a conv layer (the check unit's row length)
  // error from the core (memory, timeout, fetch, columns), priority already applied
  input  logic              err_set_i,
  input  logic [7:0]        err_new_i,
  output logic              waiting_check_o, // the check verdict is being looked at this cycle
  // memory read client (DESC, SYQ, LOAD)
  output logic              rd_valid_o,
  output logic [31:0]       rd_addr_o,
  input  logic              rd_fire_i,
  input  logic              rsp_ok_i,
  input  logic [63:0]       rsp_data_i,
  input  logic [15:0]       rd_out_i,
  input  logic [15:0]       wr_out_i,
  input  logic              wr_busy_i,     // a memory write is requested (orphans included)
  input  logic              rd_busy_i,
  // loader -> writer
  output logic              ld_valid_o,
  output logic [31:0]       ld_index_o,
  output logic [63:0]       ld_data_o,
  // index table (SETUP)
  output logic              tab_we_o,
  output logic [KW-1:0]     tab_waddr_o,
  output logic [TabW-1:0]   tab_wdata_o,
  // RUN / POOL completion (units done, writer idle)
  input  logic              run_done_i,
  // statistics record
  output logic              rec_valid_o,
  output logic [31:0]       rec_addr_o,
  output logic [3:0]        rec_idx_o,
  input  logic              rec_fire_i,
  output logic              rec_take_o,
  input  logic              mem_wait_i,    // the memory port is waiting (refused request, response due)
  output logic              timed_out_o,
  output logic              to_idle_o      // the run ends this cycle (done, error drained, soft reset)
);
  typedef enum logic [3:0] {
    StIdle, StDesc, StCheck, StVerdict, StSyq, StSetup, StLoad, StRun, StPool, StDrain, StStats, StErr
  } state_e;
  state_e state_q, state_d;

  logic [63:0] desc_q [8];
  logic [3:0]  dreq_q, drsp_q;
  logic [31:0] ptr_q;
  logic [15:0] layer_q;
  logic [7:0]  err_q;
  logic [31:0] to_q;

  always_comb for (int i = 0; i < 8; i++) desc_o[i*64+:64] = desc_q[i];

  logic        is_conv, is_pool, f_load, f_syq, f_side, f_obanks, f_ofc;
  logic [15:0] f_c, f_h, f_m, f_e, f_f;
  logic [3:0]  f_r, f_s;
  logic [31:0] f_in, f_syqa, f_stats;
  assign is_conv  = desc_o[tern_pkg::DfOp+:4] == 4'(tern_pkg::OpConv);
  assign is_pool  = desc_o[tern_pkg::DfOp+:4] == 4'(tern_pkg::OpPool);
  assign f_load   = desc_o[tern_pkg::DfLoad];
  assign f_syq    = desc_o[tern_pkg::DfSyq];
  assign f_side   = desc_o[tern_pkg::DfInSide];
  assign f_obanks = desc_o[tern_pkg::DfOutBanks];
  assign f_ofc    = desc_o[tern_pkg::DfOutFc];
  assign f_c      = desc_o[tern_pkg::DfC+:16];
  assign f_h      = desc_o[tern_pkg::DfH+:16];
  assign f_m      = desc_o[tern_pkg::DfM+:16];
  assign f_e      = desc_o[tern_pkg::DfE+:16];
  assign f_f      = desc_o[tern_pkg::DfF+:16];
  assign f_r      = desc_o[tern_pkg::DfR+:4];
  assign f_s      = desc_o[tern_pkg::DfS+:4];
  assign f_in     = desc_o[tern_pkg::DfInAddr+:32];
  assign f_syqa   = desc_o[tern_pkg::DfSyqAddr+:32];
  assign f_stats  = Stats ? desc_o[tern_pkg::DfStatsAddr+:32] : 32'd0;

  // ------------------------------------------------------------------ per-phase counters
  logic [3:0]  sq_req_q, sq_rsp_q, sq_words;
  logic [31:0] ld_req_q, ld_rsp_q, ld_words;
  logic [KW:0] tk_q;
  logic [3:0]  tr_q, ts_q;
  logic [5:0]  trs_q;
  logic [15:0] tc_q;
  logic [OW-1:0] tb_q, trb_q;  // SETUP: (r << lrow) + (s << lpix) and r << lrow, modulo the bank size
  logic [3:0]  rq_q;   // STATS: record words written; then settle cycles
  logic [2:0]  settle_q;
  assign sq_words = 4'((6'(f_r) * 6'(f_s) + 6'd7) >> 3);
  assign ld_words = (32'(f_h) << lrow_i) >> 3;

  // ------------------------------------------------------------------ next state
  logic last_stat, setup_done;
  assign setup_done = 17'(tk_q) == row_len_i;
  assign last_stat  = (f_stats == 0 || rq_q == 4'(tern_pkg::StatsWords)) && settle_q == 3'd4;
  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle:    if (start_i) state_d = StDesc;
      StDesc:    if (drsp_q == 4'd8) begin
                   state_d = (desc_o[tern_pkg::DfOp+:4] == 4'(tern_pkg::OpEnd)) ? StIdle : StCheck;
                 end
      StCheck:   if (chk_done_i) state_d = StVerdict;
      StVerdict: state_d = f_syq ? StSyq : is_conv ? StSetup : f_load ? StLoad : is_pool ? StPool : StRun;
      StSyq:     if (sq_rsp_q == sq_words) state_d = is_conv ? StSetup : f_load ? StLoad : StRun;
      StSetup:   if (setup_done) state_d = f_load ? StLoad : StRun;
      StLoad:    if (ld_rsp_q == ld_words && settle_q == 3'd1) state_d = is_pool ? StPool : StRun;
      StRun:     if (run_done_i && wr_out_i == 0 && !wr_busy_i) state_d = StDrain;
      StPool:    if (run_done_i && wr_out_i == 0 && !wr_busy_i) state_d = StDrain;
      StDrain:   if (wr_out_i == 0 && rd_out_i == 0) state_d = StStats;
      StStats:   if (last_stat && wr_out_i == 0) state_d = StDesc;
      StErr:     if ((rd_out_i == 0 && wr_out_i == 0 && !rd_busy_i && !wr_busy_i) ||
                     (timeout_i != 0 && to_q >= timeout_i)) state_d = StIdle;
      default:   state_d = StIdle;
    endcase
    if (err_set_i) state_d = StErr;
    if (soft_reset_i) state_d = StIdle;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      err_q   <= '0;
      layer_q <= '0;
    end else begin
      state_q <= state_d;
      if (state_q == StIdle && start_i) begin
        layer_q <= '0;
        err_q   <= '0;
      end
      if (err_set_i) err_q <= err_new_i;
      if (layer_done_o) layer_q <= layer_q + 16'd1;
    end
  end

  // ------------------------------------------------------------------ registers of the phases
  always_ff @(posedge clk_i) begin
    if (state_q == StIdle) begin
      ptr_q    <= prog_base_i;
      dreq_q   <= '0;
      drsp_q   <= '0;
      ch_valid_o <= 1'b0;
    end
    if (state_q == StDesc) begin
      if (rd_fire_i) dreq_q <= dreq_q + 4'd1;
      if (rsp_ok_i) begin
        desc_q[drsp_q[2:0]] <= rsp_data_i;
        drsp_q              <= drsp_q + 4'd1;
      end
    end
    if (layer_done_o) begin
      ptr_q      <= ptr_q + 32'd64;
      dreq_q     <= '0;
      drsp_q     <= '0;
      ch_valid_o <= f_obanks;
      ch_side_o  <= !f_side;
      ch_fc_o    <= f_ofc;
      ch_sig_o   <= {desc_o[tern_pkg::DfOutEb+:16], desc_o[tern_pkg::DfOutE+:16],
                     desc_o[tern_pkg::DfOutR+:4], desc_o[tern_pkg::DfOutStride+:3],
                     desc_o[tern_pkg::DfOutPad+:3], f_m, f_e, f_f};
    end
    // SYQ
    if (state_q != StSyq) begin
      sq_req_q <= '0;
      sq_rsp_q <= '0;
    end else begin
      if (rd_fire_i) sq_req_q <= sq_req_q + 4'd1;
      if (rsp_ok_i) begin
        sq_rsp_q             <= sq_rsp_q + 4'd1;
        for (int w = 0; w < 8; w++) begin  // decoded (a computed part-select costs ~2k LUTs)
          if (sq_rsp_q[2:0] == 3'(w)) syq_o[w*64+:64] <= rsp_data_i;
        end
      end
    end
    // SETUP: entry k = (r*S + s)*C + c -> {(r << lrow) + (s << lpix) + c, r, s, r*S + s}, the offset
    // kept incrementally in tb_q (no shifter)
    if (state_q != StSetup) begin
      tk_q  <= '0;
      tr_q  <= '0;
      ts_q  <= '0;
      tc_q  <= '0;
      trs_q <= '0;
      tb_q  <= '0;
      trb_q <= '0;
    end else if (!setup_done) begin
      tk_q <= tk_q + 1'b1;
      if (tc_q != f_c - 16'd1) begin
        tc_q <= tc_q + 16'd1;
      end else begin
        tc_q  <= '0;
        trs_q <= trs_q + 6'd1;
        if (ts_q != f_s - 4'd1) begin
          ts_q <= ts_q + 4'd1;
          tb_q <= tb_q + (OW'(1) << lpix_i);
        end else begin
          ts_q  <= '0;
          tr_q  <= tr_q + 4'd1;
          trb_q <= trb_q + (OW'(1) << lrow_i);
          tb_q  <= trb_q + (OW'(1) << lrow_i);
        end
      end
    end
    // LOAD
    if (state_q != StLoad) begin
      ld_req_q <= '0;
      ld_rsp_q <= '0;
    end else begin
      if (rd_fire_i) ld_req_q <= ld_req_q + 32'd1;
      if (rsp_ok_i) ld_rsp_q <= ld_rsp_q + 32'd1;
    end
    // STATS: words, then settle cycles (LOAD: one cycle for the last word's bank write)
    if (state_q != StStats) rq_q <= '0;
    else if (rec_fire_i) rq_q <= rq_q + 4'd1;
    if (state_q != StStats && state_q != StLoad) settle_q <= '0;
    else if (settle_q != 3'd4 && (state_q == StStats || ld_rsp_q == ld_words)) settle_q <= settle_q + 3'd1;
    // timeout
    if (!mem_wait_i || state_q == StIdle) to_q <= '0;
    else to_q <= to_q + 32'd1;
  end

  // ------------------------------------------------------------------ outputs
  always_comb begin
    rd_valid_o = 1'b0;
    rd_addr_o  = ptr_q + {25'd0, dreq_q[2:0], 3'd0};
    if (state_q == StDesc && dreq_q < 4'd8) rd_valid_o = 1'b1;
    if (state_q == StSyq && sq_req_q < sq_words) begin
      rd_valid_o = 1'b1;
      rd_addr_o  = f_syqa + {25'd0, sq_req_q[2:0], 3'b000};
    end
    if (state_q == StLoad && ld_req_q < ld_words) begin
      rd_valid_o = 1'b1;
      rd_addr_o  = f_in + {ld_req_q[28:0], 3'b000};
    end
  end
  assign ld_valid_o  = state_q == StLoad && rsp_ok_i;
  assign ld_index_o  = {ld_rsp_q[28:0], 3'b000};
  assign ld_data_o   = rsp_data_i;
  assign tab_we_o    = state_q == StSetup && !setup_done;
  assign tab_waddr_o = KW'(tk_q);
  assign tab_wdata_o = {tb_q + OW'(tc_q), tr_q[2:0], ts_q[2:0], trs_q};
  assign rec_valid_o = state_q == StStats && f_stats != 0 && rq_q < 4'(tern_pkg::StatsWords) &&
                       settle_q == 3'd4;
  assign rec_addr_o  = f_stats + {25'd0, rq_q, 3'd0};
  assign rec_idx_o   = rq_q;
  assign rec_take_o  = Stats && state_q == StStats && settle_q == 3'd4 &&
                       rq_q < 4'(tern_pkg::StatsWords) && (f_stats == 0 || rec_fire_i);

  assign chk_start_o     = state_q == StDesc && state_d == StCheck;
  assign waiting_check_o = state_q == StVerdict;
  assign ph_check_o      = state_q == StCheck || state_q == StVerdict;
  assign ph_setup_o      = state_q == StSetup;
  assign ph_load_o       = state_q == StLoad;
  assign ph_run_o        = state_q == StRun;
  assign ph_pool_o       = state_q == StPool;
  assign ph_stats_o      = state_q == StStats;
  assign ph_err_o        = state_q == StErr;
  assign ph_idle_o       = state_q == StIdle;
  assign run_start_o     = (state_q != StRun && state_d == StRun) || (state_q != StPool && state_d == StPool);
  assign layer_first_o   = state_q == StDesc && dreq_q == 4'd0 && drsp_q == 4'd0;
  assign layer_on_o      = state_q != StIdle && state_q != StStats && state_q != StErr;
  assign layer_done_o    = state_q == StStats && state_d == StDesc;
  assign busy_o          = state_q != StIdle;
  assign done_o          = state_q == StDesc && state_d == StIdle && !err_set_i && !soft_reset_i;
  assign error_o         = err_set_i && state_q != StErr;
  assign err_code_o      = err_set_i ? err_new_i : err_q;
  assign err_layer_o     = layer_q;
  assign timed_out_o     = timeout_i != 0 && to_q >= timeout_i;
  assign to_idle_o       = state_q != StIdle && state_d == StIdle;

  logic unused;
  assign unused = ^{chk_err_i, f_e};
endmodule : tern_seq

`default_nettype wire
