// Synthesis-only slice of the layer engine's MAC stage for iCE40 place and route (synth/ppa.py):
// the weight decoder (engine stage S0), the engine's S1 weight register and SYQ scale multiplier
// (when Syq), the S2 weight register, and Lanes MAC lanes (stage S2), so its timing paths are those
// of the engine's lanes. Not used by the RTL.
`default_nettype none

module tern_ppa_mac #(
  parameter int unsigned Lanes     = 8,
  parameter int unsigned MacTypes  = 32'h7f,
  parameter bit          BitSerial = 1'b1,
  parameter bit          Syq       = 1'b1,
  parameter int unsigned AccBits   = 32
) (
  input  logic                     clk_i,
  input  logic                     en_i,
  input  logic                     first_i,
  input  logic                     shift_i,
  input  logic                     neg_i,
  input  logic [2:0]               plane_i,
  input  logic                     bitserial_i,
  input  logic                     syq_i,
  input  logic [7:0]               scale_i,
  input  logic                     xnor_i,
  input  logic                     act_signed_i,
  input  logic [2:0]               wtype_i,
  input  logic [7:0]               code_i,
  input  logic [Lanes*8-1:0]       act_i,
  input  logic                     act_ok_i,
  output logic                     reserved_o,
  output logic [Lanes*AccBits-1:0] acc_o
);
  logic [11:0] wval;
  logic        wnz, wres;
  tern_wdecode i_wdec (
    .wtype_i   (wtype_i),
    .code_i    (code_i),
    .value_o   (wval),
    .nonzero_o (wnz),
    .reserved_o(wres)
  );

  // S0 -> S1 -> S2 weight registers and the SYQ scale multiplier between them (as in tern_engine)
  logic [7:0]  code1_q, code2_q;
  logic [11:0] wval1_q;
  logic [20:0] weff, wval2_q;
  logic        wnz1_q, wnz2_q;
  if (Syq) begin : gen_syq
    assign weff = 21'($signed(wval1_q) * $signed(syq_i ? {1'b0, scale_i} : 9'd1));
  end else begin : gen_no_syq
    assign weff = 21'($signed(wval1_q));
  end
  always_ff @(posedge clk_i) begin
    code1_q <= code_i;
    wval1_q <= wval;
    wnz1_q  <= wnz;
    code2_q <= code1_q;
    wval2_q <= weff;
    wnz2_q  <= wnz1_q;
  end
  assign reserved_o = wres;

  for (genvar l = 0; l < Lanes; l++) begin : gen_lane
    tern_lane #(
      .MacTypes (MacTypes),
      .BitSerial(BitSerial),
      .Syq      (Syq),
      .AccBits  (AccBits)
    ) i_lane (
      .clk_i,
      .en_i        (en_i),
      .first_i     (first_i),
      .shift_i     (shift_i),
      .neg_i       (neg_i),
      .plane_i     (plane_i),
      .bitserial_i (bitserial_i),
      .syq_i       (syq_i),
      .xnor_i      (xnor_i),
      .act_signed_i(act_signed_i),
      .wtype_i     (wtype_i),
      .code_i      (code2_q),
      .wval_i      (wval2_q),
      .wnz_i       (wnz2_q),
      .act_i       (act_i[l*8+:8]),
      .act_ok_i    (act_ok_i),
      .acc_o       (acc_o[l*AccBits+:AccBits])
    );
  end
endmodule : tern_ppa_mac

`default_nettype wire
