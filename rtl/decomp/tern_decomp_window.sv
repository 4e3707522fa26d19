// Bit window of the decompressors: two memory-word slots used as a ring and read LSB first at a bit
// pointer. It shows the next PeekBits stream bits, says whether an entry of need_i bits is complete
// and whether it ends inside the row's last word, consumes need_i bits per cycle and takes one word
// per cycle.
//
// Timing: free_o is registered (a slot is empty and the row's last word has not been taken). With
// 2*PeekBits <= WordBits and HeadMax + PeekBits <= WordBits (checked by the users) a source that
// offers a word whenever free_o is high never starves the decoder: an entry never waits for a word.
`default_nettype none

(* keep_hierarchy *)
module tern_decomp_window #(
  parameter int unsigned WordBits = 64,  // power of two
  parameter int unsigned PeekBits = 16,  // widest entry read in one cycle (<= WordBits)
  localparam int unsigned PtrBits  = $clog2(WordBits) + 1,
  localparam int unsigned NeedBits = $clog2(PeekBits + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                flush_i,      // row start: empty the window, pointer to flush_ptr_i
  input  logic [PtrBits-1:0]  flush_ptr_i,
  input  logic                load_i,       // take word_i (only when free_o or flush_i)
  input  logic [WordBits-1:0] word_i,
  input  logic                word_last_i,
  output logic                free_o,       // a slot is free and the row's last word is not in yet
  output logic                first_o,      // load_i takes the row's first word (its header)
  output logic                got_last_o,   // the row's last word has been taken
  output logic                cur_valid_o,  // the slot under the pointer holds a word
  output logic [PeekBits-1:0] peek_o,       // stream bits from the pointer on
  input  logic [NeedBits-1:0] need_i,       // bits of the pending entry
  output logic                have_o,       // need_i bits are in the window
  output logic                end_ok_o,     // ... and they end inside the row's last word
  input  logic                consume_i     // advance the pointer by need_i
);
  localparam int unsigned OffBits = PtrBits - 1;

  if (WordBits < 8 || (WordBits & (WordBits - 1)) != 0) begin : gen_check_word
    $error("tern_decomp_window: WordBits must be a power of two >= 8");
  end
  if (PeekBits < 1 || PeekBits > WordBits) begin : gen_check_peek
    $error("tern_decomp_window: PeekBits must be 1..WordBits");
  end

  logic [WordBits-1:0] slot0_q, slot1_q;
  logic [1:0]          valid_q, valid_d;  // slot holds a word
  logic [1:0]          last_q, last_d;    // slot's word is the row's last
  logic                wr_q, wr_d;        // slot the next word goes to
  logic                got_last_q, got_last_d;
  logic                first_q, first_d;  // no word taken since the flush
  logic [PtrBits-1:0]  ptr_q, ptr_d;      // bit pointer into the 2-word ring
  logic                load0, load1;

  logic               cur;      // slot under the pointer
  logic [OffBits-1:0] off;      // bit offset inside that slot
  logic [PtrBits-1:0] end_pos;  // off + need_i
  logic               fits;     // the entry ends inside the current slot
  logic               retire;   // the current slot is used up by this consume

  assign cur     = ptr_q[PtrBits-1];
  assign off     = ptr_q[OffBits-1:0];
  assign end_pos = {1'b0, off} + PtrBits'(need_i);
  assign fits    = (end_pos <= PtrBits'(WordBits));
  assign retire  = consume_i && (end_pos >= PtrBits'(WordBits));

  assign cur_valid_o = cur ? valid_q[1] : valid_q[0];
  assign have_o      = cur_valid_o && (fits || (cur ? valid_q[0] : valid_q[1]));
  // The entry's last bit lies in the current slot if it fits, else in the other one.
  assign end_ok_o    = (fits ? cur : !cur) ? last_q[1] : last_q[0];
  assign free_o      = !got_last_q && !(wr_q ? valid_q[1] : valid_q[0]);
  assign got_last_o  = got_last_q;
  assign first_o     = load_i && (flush_i || first_q);

  // Ring read: bits ptr .. ptr+PeekBits-1 of {slot1, slot0}, wrapping into slot 0. A funnel built
  // from the pointer's MSB down: stage s rotates by 2**s (a constant part-select of the doubled stage
  // above: wiring and one mux per bit) and only its low 2**s - 1 + PeekBits bits are used later, so
  // synthesis keeps about (2*WordBits + PtrBits*PeekBits) muxes. (A generic `>>` becomes a full-width
  // barrel shifter: 2.5x the LUTs in Yosys 0.23.) Whole-vector stages also keep Verilator's code
  // word-wide (a bit-by-bit loop here was half of the default build's simulation time).
  localparam int unsigned StBits = WordBits + PeekBits - 1;  // stage width (upper bits unused)
  logic [StBits-1:0]   st;   // the stage being built
  logic [2*StBits-1:0] dbl;  // the stage above, twice
  always_comb begin
    // top stage: the ring {slot1, slot0} or the ring rotated by WordBits
    st  = ptr_q[PtrBits-1] ? StBits'({slot0_q, slot1_q}) : StBits'({slot1_q, slot0_q});
    dbl = '0;
    for (int s = PtrBits - 2; s >= 0; s--) begin
      dbl = {2{st}};
      if (ptr_q[s]) st = dbl[(1 << s) +: StBits];
    end
  end
  assign peek_o = st[PeekBits-1:0];

  always_comb begin
    valid_d    = valid_q;
    last_d     = last_q;
    wr_d       = wr_q;
    got_last_d = got_last_q;
    first_d    = first_q && !load_i;
    ptr_d      = ptr_q;
    load0      = 1'b0;
    load1      = 1'b0;
    if (flush_i) begin
      valid_d    = 2'b00;
      got_last_d = 1'b0;
      wr_d       = 1'b0;
      first_d    = !load_i;
      ptr_d      = flush_ptr_i;
      if (load_i) begin
        load0      = 1'b1;
        valid_d[0] = 1'b1;
        last_d[0]  = word_last_i;
        got_last_d = word_last_i;
        wr_d       = 1'b1;
      end
    end else begin
      if (consume_i) begin
        ptr_d = ptr_q + PtrBits'(need_i);
        if (retire) begin
          if (cur) valid_d[1] = 1'b0;
          else     valid_d[0] = 1'b0;
        end
      end
      if (load_i) begin
        load0      = !wr_q;
        load1      = wr_q;
        if (wr_q) begin
          valid_d[1] = 1'b1;
          last_d[1]  = word_last_i;
        end else begin
          valid_d[0] = 1'b1;
          last_d[0]  = word_last_i;
        end
        wr_d       = !wr_q;
        got_last_d = got_last_q || word_last_i;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q    <= 2'b00;
      got_last_q <= 1'b0;
      wr_q       <= 1'b0;
      first_q    <= 1'b0;
    end else begin
      valid_q    <= valid_d;
      got_last_q <= got_last_d;
      wr_q       <= wr_d;
      first_q    <= first_d;
    end
  end

  // Datapath: words, their last flags and the pointer are only meaningful while valid.
  always_ff @(posedge clk_i) begin
    last_q <= last_d;
    ptr_q  <= ptr_d;
    if (load0) slot0_q <= word_i;
    if (load1) slot1_q <= word_i;
  end
  // ---- assertions (simulation only; a failure calls tern_sva_fail: tb/sva, docs/robustness.md) ----
`ifndef SYNTHESIS
  import "DPI-C" function void tern_sva_fail(input string name);
  // a word is taken only into a free slot (or at a row start); bits are consumed only when present
  a_load_free: assert property (@(posedge clk_i) disable iff (!rst_ni)
    load_i |-> free_o || flush_i) else tern_sva_fail($sformatf("%m"));
  a_consume_have: assert property (@(posedge clk_i) disable iff (!rst_ni)
    consume_i && !flush_i |-> have_o) else tern_sva_fail($sformatf("%m"));
`endif
  // ---- end of assertions ----
  // ---- formal strengthening invariants (formal/, docs/formal.md): reachable-state facts that the
  // k-induction proofs of the decompressors' port properties need; not read by simulation or synthesis
`ifdef FORMAL
  `include "f_macros.svh"
  `F_RESET_GATE
  // no word taken since the flush: both slots empty
  `F_NOW_ASSERT(f_first_empty, first_q, valid_q == 2'b00 && !got_last_q)

`endif
endmodule : tern_decomp_window

`default_nettype wire
