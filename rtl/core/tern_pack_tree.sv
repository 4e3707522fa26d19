// Packed 8-term tree of a Pack = 8 MAC lane (tern_pe): the dot product of eight ternary / binary codes
// and the eight activation bytes of a word, in one cycle (combinational).
//
// Contract: sum_o = sum over j of w_j * a_j, where w_j is code j (ternary: 2-bit code 00 = 0, 01 = +1,
// 11 = -1, 10 = 0; binary (bin_i): 1-bit code 1 = +1, 0 = -1) and a_j is byte j of act_i read as
// unsigned, signed (act_signed_i) or +-1 (xnor_i: bit 0 set = +1). A subtracted byte enters the tree as
// its complement ~a and its +1 as a carry-in (-a = ~a + 1): the tree has no negation adders. A binary-only
// build computes XNOR layers as 2 * popcount(agreeing bits) - 8 beside the tree.
// Timing: combinational (tern_pe registers sum_o in its P stage).
`default_nettype none

module tern_pack_tree #(
  parameter bit Ternary = 1'b1,  // ternary codes decoded
  parameter bit Binary  = 1'b1   // binary codes decoded (only one of the two built: bin_i is ignored)
) (
  input  logic        bin_i,         // binary codes (else ternary), when both types are built
  input  logic        xnor_i,        // bytes read as -1 / +1
  input  logic        act_signed_i,  // bytes read as signed
  input  logic [15:0] codes_i,       // 8 x 2 bits (ternary) or 8 x 1 bit in [7:0] (binary)
  input  logic [63:0] act_i,         // eight activation bytes
  output logic [12:0] sum_o          // signed: |sum| <= 8 * 256
);
  if (!Ternary && !Binary) begin : gen_check_types
    $error("tern_pack_tree: Ternary or Binary must be set");
  end
  localparam bit XnorPop = Binary && !Ternary;
  logic            bin;
  logic [8*10-1:0] term;
  logic [7:0]      negs;
  assign bin = Ternary && Binary ? bin_i : Binary;
  for (genvar j = 0; j < 8; j++) begin : gen_term
    logic [9:0] a;
    logic       nz, neg;
    // bytes as +-1 in an XNOR layer, unless the popcount below takes it
    assign a              = (!XnorPop && xnor_i) ? (act_i[j*8] ? 10'd1 : 10'h3ff)
                                                 : {{2{act_signed_i && act_i[j*8+7]}}, act_i[j*8+:8]};
    assign nz             = bin ? 1'b1 : codes_i[2*j];
    assign neg            = bin ? !codes_i[j] : codes_i[2*j+1];
    assign term[j*10+:10] = nz ? (a ^ {10{neg}}) : '0;
    assign negs[j]        = nz && neg;
  end
  // three levels; the eight +1s ride as carry-ins: four on the first level, two on the second, two on the last
  logic [4*11-1:0] s1;
  logic [2*12-1:0] s2;
  for (genvar j = 0; j < 4; j++) begin : gen_s1
    assign s1[j*11+:11] = 11'($signed(term[2*j*10+:10])) + 11'($signed(term[(2*j+1)*10+:10])) + 11'(negs[2*j]);
  end
  for (genvar j = 0; j < 2; j++) begin : gen_s2
    assign s2[j*12+:12] = 12'($signed(s1[2*j*11+:11])) + 12'($signed(s1[(2*j+1)*11+:11])) + 12'(negs[2*j+1]);
  end
  logic [12:0] tree;
  assign tree = 13'($signed(s2[11:0])) + 13'($signed(s2[23:12])) + 13'(negs[5]) + 13'(negs[7]);
  // binary-only build, XNOR layer (bytes read as -1 / +1 by bit 0): 2 * (products equal to +1) - 8,
  // which keeps the +-1 mux out of the terms (in a build with ternary codes too it costs more than it saves)
  if (XnorPop) begin : gen_xnor
    logic [7:0] agree;
    logic [3:0] cnt;
    for (genvar j = 0; j < 8; j++) begin : gen_agree
      assign agree[j] = act_i[j*8] == codes_i[j];
    end
    assign cnt   = 4'($countones(agree));
    assign sum_o = xnor_i ? 13'({cnt, 1'b0}) - 13'd8 : tree;
  end else begin : gen_no_xnor
    assign sum_o = tree;
  end
endmodule : tern_pack_tree

`default_nettype wire
