// Writer of engine v2: places output chunks (up to 8 channels of one output pixel, from the
// requantisers or the pooling unit) and input words (LOAD) into the activation banks of every column,
// in the layout of the layer that will read them, and into memory when the layer stores its output.
//
// Layout (docs/architecture.md): byte index of (y, x, c) = (y << lrow) | (x << lpix) | c. Banded
// reader: lane l holds rows lo_l..hi_l at bank byte ((y - lo_l) << lrow) | (x << lpix) | c (a row in a
// halo goes to several lanes, in the same cycle); fc reader: lane 0 holds the whole tensor.
// Memory: out_addr + byte index (x 4 for raw int32 elements).
//
// Contract: chunks arrive on a FIFO of Depth entries; its producers (tern_rq_pool, tern_pool) keep
// credit from ck_count_o and the chunks they have in flight, so a chunk is never refused. Each chunk is popped when the store FIFO has room for its memory words; a byte chunk
// (at most 8 bytes, never crossing a word) takes one cycle, a raw chunk one cycle per memory word.
// LOAD words (ld_valid_i) bypass the chunk FIFO and are written the cycle they arrive. Raw (int32)
// chunks use channels 0..RawCh-1 only (the requantiser pool's RqUnits), so the FIFO keeps 8 bytes
// plus the upper 24 bits of RawCh channels.
// Timing: the bank write happens in the cycle after the pop (registered addresses); memory words enter
// the store FIFO in that cycle and are offered to the memory port from the next.
`default_nettype none

module tern_writer #(
  parameter int unsigned Lanes     = 8,
  parameter int unsigned BankBytes = 4096,
  parameter int unsigned Depth     = 8,        // chunk FIFO entries (power of two)
  parameter int unsigned RawCh     = 8,        // channels of a raw chunk (1..8)
  localparam int unsigned BA       = $clog2(BankBytes / 8) + 1,
  localparam int unsigned CntW     = $clog2(Depth) + 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                clr_i,          // end of a phase / error: flush
  // layout of the tensor being written
  input  logic                fc_i,
  input  logic                banks_i,        // write the banks
  input  logic                store_i,        // write memory
  input  logic                raw_i,          // elements are int32 (memory only)
  input  logic                side_i,
  input  logic [4:0]          lpix_i,
  input  logic [4:0]          lrow_i,
  input  logic [Lanes*18-1:0] lo_i,
  input  logic [Lanes*18-1:0] hi_i,
  input  logic [Lanes-1:0]    act_i,
  input  logic [31:0]         out_addr_i,
  // chunks
  input  logic                ck_valid_i,
  input  logic [15:0]         ck_y_i,
  input  logic [15:0]         ck_x_i,
  input  logic [15:0]         ck_m_i,         // first channel
  input  logic [7:0]          ck_mask_i,      // channels present (bit j: channel m + j)
  input  logic [255:0]        ck_data_i,      // channel j at [32j +: 32] (bytes: the low 8 bits)
  output logic [CntW-1:0]     ck_count_o,     // chunks in the FIFO
  // LOAD words: byte index (multiple of 8) and data
  input  logic                ld_valid_i,
  input  logic [31:0]         ld_index_i,
  input  logic [63:0]         ld_data_i,
  // activation-bank write bus
  output logic [Lanes-1:0]    bwe_o,
  output logic [Lanes*BA-1:0] bwaddr_o,
  output logic [63:0]         bwdata_o,
  output logic [7:0]          bwbe_o,
  // memory store requests
  output logic                st_valid_o,
  input  logic                st_ready_i,
  output logic [31:0]         st_addr_o,
  output logic [63:0]         st_data_o,
  output logic [7:0]          st_strb_o,
  output logic                idle_o          // nothing queued, nothing to store
);
  localparam int unsigned StDepth = 4;
  localparam int unsigned DW      = 64 + 24 * RawCh;   // chunk data kept in the FIFO
  if (RawCh < 1 || RawCh > 8) begin : gen_check_raw
    $error("tern_writer: RawCh must be 1..8");
  end

  // ------------------------------------------------------------------ chunk FIFO
  logic         cv, cpop, in_ready;
  logic [15:0]  cy, cx, cm;
  logic [7:0]   cmask;
  logic [255:0] cdata;
  logic [DW-1:0] pk_in, pk_out;   // bytes of the 8 channels, then bits 31:8 of channels 0..RawCh-1
  always_comb begin
    pk_in = '0;
    cdata = '0;
    for (int j = 0; j < 8; j++) begin
      pk_in[j*8+:8]   = ck_data_i[j*32+:8];
      cdata[j*32+:8]  = pk_out[j*8+:8];
    end
    for (int j = 0; j < RawCh; j++) begin
      pk_in[64+j*24+:24]  = ck_data_i[j*32+8+:24];
      cdata[j*32+8+:24]   = pk_out[64+j*24+:24];
    end
  end
  tern_fifo #(.Width(16 * 3 + 8 + DW), .Depth(Depth)) i_ck (
    .clk_i, .rst_ni, .clr_i,
    .valid_i(ck_valid_i), .ready_o(in_ready),  // never low: producers hold credit
    .data_i({ck_y_i, ck_x_i, ck_m_i, ck_mask_i, pk_in}),
    .valid_o(cv), .ready_i(cpop), .data_o({cy, cx, cm, cmask, pk_out}), .count_o(ck_count_o)
  );

  // ------------------------------------------------------------------ pop: addresses, raw words
  logic [31:0] idx;        // byte index of the chunk's first channel
  logic [1:0]  sub_q;      // raw: memory word of the chunk
  logic [1:0]  nwords;     // raw: memory words of the chunk - 1
  logic [2:0]  nch;        // channels in the chunk
  logic [2:0]  st_count;
  logic        st_room;
  always_comb begin
    idx = (32'(cy) << lrow_i) | (32'(cx) << lpix_i) | 32'(cm);
    nch = '0;
    for (int j = 0; j < 8; j++) if (cmask[j]) nch = 3'(j);
    nwords = 2'(({2'b00, nch} + 5'(idx[0])) >> 1);  // 4-byte elements: 2 per word
  end
  // room for this word and the one in the register stage
  assign st_room = !store_i || 32'(st_count) + 32'(w_v_q && w_mem_q) < StDepth;
  assign cpop    = cv && st_room && (!raw_i || sub_q == nwords);

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clr_i) sub_q <= '0;
    else if (cv && st_room && raw_i) sub_q <= (sub_q == nwords) ? 2'd0 : sub_q + 2'd1;
  end

  // ------------------------------------------------------------------ register stage
  logic                w_v_q, w_mem_q;
  logic [Lanes-1:0]    w_we_q;
  logic [Lanes*BA-1:0] w_addr_q;
  logic [63:0]         w_data_q;
  logic [7:0]          w_be_q;
  logic [31:0]         w_maddr_q;
  logic [63:0]         bdata, rdata;
  logic [7:0]          bbe, rbe;
  logic [31:0]         wi;      // index of the word written (bytes), LOAD or chunk
  logic [15:0]         wy;
  always_comb begin
    // channel j goes to byte (idx + j) mod 8 of the word: a byte rotation of the chunk (constant
    // part-selects per rotation; computed ones would become shifters over the word)
    bdata = '0;
    bbe   = '0;
    for (int r = 0; r < 8; r++) begin
      if (idx[2:0] == 3'(r)) begin
        for (int j = 0; j < 8; j++) begin
          if (cmask[j]) begin
            bdata[(r + j) % 8 * 8+:8] = cdata[j*32+:8];
            bbe[(r + j) % 8]          = 1'b1;
          end
        end
      end
    end
    // raw: elements idx/.. as int32, two per word; word sub_q of the chunk
    rdata = '0;
    rbe   = '0;
    for (int r = 0; r < 2; r++) begin
      if (32'(idx[0]) == r) begin
        for (int j = 0; j < RawCh; j++) begin
          if (cmask[j] && 2'((r + j) >> 1) == sub_q) begin
            rdata[(r + j) % 2 * 32+:32] = cdata[j*32+:32];
            rbe[(r + j) % 2 * 4+:4]     = 4'hf;
          end
        end
      end
    end
    wi = ld_valid_i ? ld_index_i : idx;
    wy = 16'(wi >> lrow_i);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clr_i) begin
      w_v_q   <= 1'b0;
      w_we_q  <= '0;
      w_mem_q <= 1'b0;
    end else begin
      w_v_q   <= ld_valid_i || (cv && st_room);
      w_mem_q <= !ld_valid_i && cv && st_room && store_i;
      for (int l = 0; l < Lanes; l++) begin
        w_we_q[l] <= (ld_valid_i || cpop) && banks_i && !raw_i && act_i[l] &&
                     (fc_i ? (l == 0) : ($signed({2'b00, wy}) >= $signed(lo_i[l*18+:18]) &&
                                         $signed({2'b00, wy}) <= $signed(hi_i[l*18+:18])));
      end
    end
    for (int l = 0; l < Lanes; l++) begin
      w_addr_q[l*BA+:BA] <= {side_i, (BA-1)'(fc_i ? (wi >> 3)
                                             : (((32'(wy) - 32'($signed(lo_i[l*18+:18]))) << lrow_i) |
                                                (wi & ((32'd1 << lrow_i) - 32'd1))) >> 3)};
    end
    w_data_q  <= ld_valid_i ? ld_data_i : bdata;
    w_be_q    <= ld_valid_i ? 8'hff : (raw_i ? rbe : bbe);
    w_maddr_q <= out_addr_i + (raw_i ? ((idx << 2) & ~32'd7) + (32'(sub_q) << 3) : (idx & ~32'd7));
    if (raw_i) w_data_q <= rdata;
  end
  assign bwe_o    = w_we_q;
  assign bwaddr_o = w_addr_q;
  assign bwdata_o = w_data_q;
  assign bwbe_o   = w_be_q;

  // ------------------------------------------------------------------ store FIFO
  logic st_in_ready;
  tern_fifo #(.Width(32 + 64 + 8), .Depth(StDepth)) i_st (
    .clk_i, .rst_ni, .clr_i,
    .valid_i(w_v_q && w_mem_q), .ready_o(st_in_ready),  // never low: pops wait for room
    .data_i({w_maddr_q, w_data_q, w_be_q}),
    .valid_o(st_valid_o), .ready_i(st_ready_i), .data_o({st_addr_o, st_data_o, st_strb_o}),
    .count_o(st_count)
  );

  assign idle_o = !cv && !w_v_q && !st_valid_o;

  logic unused;
  assign unused = ^{in_ready, st_in_ready};
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  a_ck_room: assert property (@(posedge clk_i) disable iff (!rst_ni)
    ck_valid_i |-> in_ready) else tern_sva_fail($sformatf("%m"));
  a_st_room: assert property (@(posedge clk_i) disable iff (!rst_ni)
    w_v_q && w_mem_q |-> st_in_ready) else tern_sva_fail($sformatf("%m"));
  a_no_ld_and_chunk: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !(ld_valid_i && cv)) else tern_sva_fail($sformatf("%m"));
  a_chunk_in_word: assert property (@(posedge clk_i) disable iff (!rst_ni)
    cv && !raw_i |-> 32'(idx[2:0]) + 32'(nch) < 8) else tern_sva_fail($sformatf("%m"));
  a_raw_channels: assert property (@(posedge clk_i) disable iff (!rst_ni)
    cv && raw_i |-> 32'(cmask) < (32'd1 << RawCh)) else tern_sva_fail($sformatf("%m"));
`endif
endmodule : tern_writer

`default_nettype wire
