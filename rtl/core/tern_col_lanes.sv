// Entry pipeline of one engine v2 column after the decompressor: index table, address and validity, the
// column's copy of the activation banks (one RAM per lane) and its Lanes MAC lanes (tern_pe).
//
// Contract: an entry (ent_* with ent_valid_i, from tern_column's D stage) is taken every cycle it is offered;
// nothing stalls. The index table is written in SETUP (tab_we_i) and read by conv entries. Bank writes
// (loader, writer) arrive on a bus shared by all columns; pool_re_i reads the banks outside RUN.
// Timing of an entry offered in cycle D:
//   D   index-table read (conv)
//   S1  table data -> byte address (group base + tap offset), column validity, band row v = rb + r,
//       SYQ-scaled weight value
//   S2  activation-bank read (all lanes, one address); per-lane row validity (lane window on v)
//   S3  lanes: product;  S4  lanes: accumulate;  S5  done_grp_o for an entry that ends a group (ent_lastg_i)
`default_nettype none

module tern_col_lanes #(
  parameter int unsigned Lanes      = 8,       // lanes (row bands): 1, 2, 4 or 8
  parameter int unsigned Pack       = 1,       // 1, or 8: packed dense ternary/binary rows
  parameter int unsigned BankBytes  = 4096,    // bytes per lane bank and side
  parameter int unsigned MaxConvRow = 1024,    // index-table entries
  parameter int unsigned AccBits    = 32,      // accumulator width
  parameter int unsigned MacTypes   = 32'h7f,  // bit t: bit-parallel multiplier for weight type t
  parameter bit          BitSerial  = 1'b1,    // bit-serial lanes built
  parameter bit          Syq        = 1'b1,    // SYQ scales built
  localparam int unsigned BA        = $clog2(BankBytes / 8) + 1,  // bank word address incl. side
  localparam int unsigned OW        = $clog2(BankBytes),          // byte offset within a side
  localparam int unsigned KW        = $clog2(MaxConvRow),
  localparam int unsigned TabW      = OW + 12
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     run_i,
  // layer constants
  input  logic [2:0]               wtype_i,
  input  logic                     act_signed_i,
  input  logic                     xnor_i,
  input  logic                     bitserial_i,
  input  logic                     syq_i,
  input  logic                     pack_i,
  input  logic                     fc_i,
  input  logic                     side_i,
  input  logic [15:0]              in_c_i,
  input  logic [15:0]              in_w_i,
  input  logic [4:0]               lpix_i,
  input  logic [4:0]               lrow_i,
  input  logic [Lanes*18-1:0]      win_lo_i,      // per lane: band rows v with lo <= v < hi are inside
  input  logic [Lanes*18-1:0]      win_hi_i,
  input  logic [511:0]             syq_q_i,
  // index table (SETUP)
  input  logic                     tab_we_i,
  input  logic [KW-1:0]            tab_waddr_i,
  input  logic [TabW-1:0]          tab_wdata_i,
  // entries (D stage)
  input  logic                     ent_valid_i,
  input  logic                     ent_first_i,   // first entry of a replay's first plane: clear
  input  logic                     ent_shift_i,   // first entry of a later plane: shift the sum
  input  logic                     ent_neg_i,
  input  logic                     ent_par_i,
  input  logic                     ent_lastg_i,   // the entry ends a group
  input  logic                     ent_empty_i,
  input  logic [2:0]               ent_bit_i,
  input  logic [7:0]               ent_code_i,
  input  logic [15:0]              ent_pcodes_i,
  input  logic [11:0]              ent_wval_i,
  input  logic                     ent_wnz_i,
  input  logic [15:0]              ent_k_i,       // row index
  input  logic signed [31:0]       ent_base_i,
  input  logic signed [17:0]       ent_ix0_i,
  input  logic signed [17:0]       ent_rb_i,
  // activation banks: write bus, pool read
  input  logic [Lanes-1:0]         bwe_i,
  input  logic [Lanes*BA-1:0]      bwaddr_i,
  input  logic [63:0]              bwdata_i,
  input  logic [7:0]               bwbe_i,
  input  logic                     pool_re_i,
  input  logic [BA-1:0]            pool_raddr_i,
  output logic [Lanes*64-1:0]      rdata_o,
  // accumulators, group completion
  input  logic                     dpar_i,
  output logic [Lanes*AccBits-1:0] acc_o,
  output logic                     done_grp_o
);
  if (Lanes != 1 && Lanes != 2 && Lanes != 4 && Lanes != 8) begin : gen_check_lanes
    $error("tern_col_lanes: Lanes must be 1, 2, 4 or 8");
  end

  logic            tab_re;
  logic [TabW-1:0] tab_rdata;
  assign tab_re = ent_valid_i && !fc_i;
  tern_ram_1r1w #(.Width(TabW), .Depth(MaxConvRow)) i_tab (
    .clk_i, .we_i(tab_we_i), .waddr_i(tab_waddr_i), .wdata_i(tab_wdata_i),
    .re_i(tab_re), .raddr_i(KW'(ent_k_i)), .rdata_o(tab_rdata)
  );

  // ------------------------------------------------------------------ S1
  logic               s1_v, s1_first, s1_shift, s1_neg, s1_par, s1_lastg, s1_empty, s1_wnz;
  logic [2:0]         s1_bit;
  logic [7:0]         s1_code;
  logic [15:0]        s1_pc, s1_k;
  logic [11:0]        s1_wval;
  logic signed [31:0] s1_base;
  logic signed [17:0] s1_ix0, s1_rb;
  always_ff @(posedge clk_i) begin
    s1_v <= run_i && ent_valid_i;
    if (ent_valid_i) begin
      {s1_first, s1_shift, s1_neg, s1_par, s1_lastg, s1_empty} <=
          {ent_first_i, ent_shift_i, ent_neg_i, ent_par_i, ent_lastg_i, ent_empty_i};
      s1_bit  <= ent_bit_i;
      s1_code <= ent_code_i;
      s1_pc   <= ent_pcodes_i;
      s1_wval <= ent_wval_i;
      s1_wnz  <= ent_wnz_i;
      s1_k    <= ent_k_i;
      s1_base <= ent_base_i;
      s1_ix0  <= ent_ix0_i;
      s1_rb   <= ent_rb_i;
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
    logic unused_syq;
    assign unused_syq = ^{syq_i, syq_q_i, t_rs};
    assign s1_weff    = 21'($signed(s1_wval));
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
    s4_v       <= run_i && s3_v;
    s4_lastg   <= s3_lastg;
    done_grp_o <= run_i && s4_v && s4_lastg;
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
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_no_pool_in_run: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(pool_re_i && s2_v)) else tern_sva_fail($sformatf("%m"));
  a_act_read_in_band: assert property (@(posedge clk_i) disable iff (!rst_ni)
    s1_v && s1_ok && run_i |-> s1_addr >= 0 && s1_addr < 32'(BankBytes))
    else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_col_lanes

`default_nettype wire
