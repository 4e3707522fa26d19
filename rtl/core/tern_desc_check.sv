// Descriptor check of engine v2 (CHECK phase): validates a layer descriptor against the build and the
// previous layer's output layout, and derives the layer's constants (pitches, row length, passes,
// groups, replays, per-lane band rows and read windows, the next layer's band rows).
//
// Contract: start_i (one cycle) begins a fixed schedule of CheckCycles cycles; done_o is high in the
// last one; from the next cycle err_o (error code, 0 = none; the same classes in the same order as
// golden/accel/exec.cpp check_descriptor) and the derived outputs are valid until the next start.
// Products use one 36 x 4-bit multiplier, a nibble of the second operand per cycle.
// Lane l of a conv/pool layer computes output rows [l*eb, l*eb+eb); its bank holds input rows from
// lo = l*eb*U - pad on; a tap in band row v (= group row * U - pad + r) is inside the input when
// win_lo <= v < win_hi (win_lo = -l*eb*U, win_hi = H - l*eb*U).
// The chain signature ch_sig_i is the previous layer's {out_eb, out_e, out_r, out_stride, out_pad, M, E,
// F} (16, 16, 4, 3, 3, 16, 16, 16 bits): the layout it wrote and the shape of its output.
`default_nettype none

module tern_desc_check #(
  parameter int unsigned Cols       = 8,
  parameter int unsigned Lanes      = 8,
  parameter int unsigned Pack       = 1,
  parameter int unsigned BankBytes  = 4096,
  parameter int unsigned MaxConvRow = 1024,
  parameter int unsigned MacTypes   = 32'h7f,
  parameter int unsigned Formats    = 32'h1f,
  parameter bit          BitSerial  = 1'b1,
  parameter bit          Syq        = 1'b1,
  localparam int unsigned CheckCycles = 23
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                start_i,
  input  logic [511:0]        desc_i,
  input  logic                ch_valid_i,   // a previous layer of this run wrote the banks
  input  logic                ch_side_i,    // the side it wrote
  input  logic                ch_fc_i,
  input  logic [89:0]         ch_sig_i,     // {eb, e, r, stride, pad, M, E, F} of its output layout
  output logic                done_o,
  output logic [7:0]          err_o,
  output logic [4:0]          lpix_o, lrow_o,      // input pitch
  output logic [4:0]          olpix_o, olrow_o,    // output pitch
  output logic [16:0]         row_len_o,
  output logic [15:0]         passes_o,            // passes of column 0: ceil(M / Cols)
  output logic [15:0]         rem_o,               // columns active in the last pass (1..Cols)
  output logic [15:0]         gy_n_o, gx_n_o,      // groups per pass: band rows x columns
  output logic [31:0]         reps_o,              // replays per pass: groups x planes
  output logic [3:0]          planes_o,
  output logic [Lanes*18-1:0] lo_o, hi_o,          // this layer's input bands (LOAD)
  output logic [Lanes*18-1:0] win_lo_o, win_hi_o,  // read windows
  output logic [Lanes*18-1:0] olo_o, ohi_o,        // the next layer's bands (writer)
  output logic [Lanes-1:0]    act_o,               // lanes with output rows (this layer)
  output logic [Lanes-1:0]    oact_o               // the next layer's lanes with output rows
);
  localparam int unsigned LogCols = $clog2(Cols);
  localparam int unsigned LogL    = $clog2(Lanes);
  if ((Cols & (Cols - 1)) != 0 || Cols > 16) begin : gen_check_cols
    $error("tern_desc_check: Cols must be 1, 2, 4, 8 or 16");
  end

  // ------------------------------------------------------------------ fields
  logic [3:0]  f_op, f_abits, f_obits, f_r, f_s, f_or;
  logic [2:0]  f_wtype, f_fmt, f_u, f_pad, f_ou, f_opad;
  logic [1:0]  f_omode;
  logic        f_asg, f_bs, f_syq, f_load, f_side, f_pack, f_ofc, f_obanks;
  logic [15:0] f_c, f_h, f_w, f_m, f_e, f_f, f_eb, f_oeb, f_oe;
  logic [31:0] f_addr_or;
  always_comb begin
    f_op      = desc_i[tern_pkg::DfOp+:tern_pkg::DwOp];
    f_wtype   = desc_i[tern_pkg::DfWtype+:tern_pkg::DwWtype];
    f_fmt     = desc_i[tern_pkg::DfFmt+:tern_pkg::DwFmt];
    f_abits   = desc_i[tern_pkg::DfActBits+:tern_pkg::DwActBits];
    f_asg     = desc_i[tern_pkg::DfActSigned];
    f_bs      = desc_i[tern_pkg::DfBitserial];
    f_omode   = desc_i[tern_pkg::DfOutMode+:tern_pkg::DwOutMode];
    f_obits   = desc_i[tern_pkg::DfOutBits+:tern_pkg::DwOutBits];
    f_syq     = desc_i[tern_pkg::DfSyq];
    f_load    = desc_i[tern_pkg::DfLoad];
    f_side    = desc_i[tern_pkg::DfInSide];
    f_pack    = desc_i[tern_pkg::DfPack];
    f_ofc     = desc_i[tern_pkg::DfOutFc];
    f_obanks  = desc_i[tern_pkg::DfOutBanks];
    f_c       = desc_i[tern_pkg::DfC+:16];
    f_h       = desc_i[tern_pkg::DfH+:16];
    f_w       = desc_i[tern_pkg::DfW+:16];
    f_m       = desc_i[tern_pkg::DfM+:16];
    f_e       = desc_i[tern_pkg::DfE+:16];
    f_f       = desc_i[tern_pkg::DfF+:16];
    f_r       = desc_i[tern_pkg::DfR+:4];
    f_s       = desc_i[tern_pkg::DfS+:4];
    f_u       = desc_i[tern_pkg::DfStride+:3];
    f_pad     = desc_i[tern_pkg::DfPad+:3];
    f_eb      = desc_i[tern_pkg::DfEb+:16];
    f_oeb     = desc_i[tern_pkg::DfOutEb+:16];
    f_or      = desc_i[tern_pkg::DfOutR+:4];
    f_ou      = desc_i[tern_pkg::DfOutStride+:3];
    f_opad    = desc_i[tern_pkg::DfOutPad+:3];
    f_oe      = desc_i[tern_pkg::DfOutE+:16];
    f_addr_or = desc_i[tern_pkg::DfInAddr+:32] | desc_i[tern_pkg::DfOutAddr+:32] |
                desc_i[tern_pkg::DfWgtAddr+:32] | desc_i[tern_pkg::DfSyqAddr+:32] |
                desc_i[tern_pkg::DfStatsAddr+:32];
  end
  logic is_conv, is_fc, is_pool, xnor_m, narrow, raw_out;
  assign is_conv = f_op == 4'(tern_pkg::OpConv);
  assign is_fc   = f_op == 4'(tern_pkg::OpFc);
  assign is_pool = f_op == 4'(tern_pkg::OpPool);
  assign xnor_m  = f_abits == 4'd1 && f_asg;
  assign narrow  = f_wtype == 3'(tern_pkg::WtTernary) || f_wtype == 3'(tern_pkg::WtBinary);
  assign raw_out = !is_pool && f_omode == 2'(tern_pkg::OutRaw);

  // ceil(log2(n)) for the pitches
  function automatic logic [4:0] clog2_16(input logic [15:0] n);
    clog2_16 = 5'd0;
    for (int b = 0; b < 16; b++) begin
      if (n > (16'd1 << b)) clog2_16 = 5'(b + 1);
    end
  endfunction
  logic [4:0] lpix, lrow, olpix, olrow;
  logic [3:0] planes;
  assign planes = (f_bs && BitSerial) ? f_abits : 4'd1;
  always_comb begin
    lpix  = clog2_16(f_c);
    lrow  = clog2_16(f_w) + lpix;
    if (lrow < 5'd3) lrow = 5'd3;
    olpix = clog2_16(f_m);
    olrow = clog2_16(f_f) + olpix;
    if (olrow < 5'd3) olrow = 5'd3;
  end

  // ------------------------------------------------------------------ schedule and multiplier
  logic [4:0]  ck_q;
  logic        busy_q;
  logic [35:0] mac_q;   // running product
  logic [35:0] mul_a;
  logic [3:0]  mul_b;
  logic [1:0]  nib;
  logic [35:0] mul_p;
  logic [17:0] p_eu, p_fu, p_ebu1, p_ebu, p_oebu1, p_oebu;
  logic [6:0]  p_rs;
  logic [23:0] p_crs;
  logic [31:0] p_g;
  logic [35:0] p_reps;
  logic [15:0] ro_e1, ro_f1, ro_eb1, ro_oeb1;
  logic [17:0] lt_q, olt_q;   // running l*eb*U and l*oeb*oU
  logic [2:0]  li_q;          // lane of the band step
  assign ro_e1   = f_e - 16'd1;
  assign ro_f1   = f_f - 16'd1;
  assign ro_eb1  = f_eb - 16'd1;
  assign ro_oeb1 = f_oeb - 16'd1;

  always_comb begin
    mul_a = '0;
    mul_b = '0;
    nib   = '0;
    unique case (ck_q)
      5'd0:  begin mul_a = 36'(ro_e1);   mul_b = {1'b0, f_u}; end
      5'd1:  begin mul_a = 36'(ro_f1);   mul_b = {1'b0, f_u}; end
      5'd2:  begin mul_a = 36'(ro_eb1);  mul_b = {1'b0, f_u}; end
      5'd3:  begin mul_a = 36'(f_eb);    mul_b = {1'b0, f_u}; end
      5'd4:  begin mul_a = 36'(ro_oeb1); mul_b = {1'b0, f_ou}; end
      5'd5:  begin mul_a = 36'(f_oeb);   mul_b = {1'b0, f_ou}; end
      5'd6:  begin mul_a = 36'(f_r);     mul_b = f_s; end
      5'd7:  begin mul_a = 36'(f_c);     mul_b = p_rs[3:0]; end
      5'd8:  begin mul_a = 36'(f_c);     mul_b = {1'b0, p_rs[6:4]}; nib = 2'd1; end
      5'd9:  begin mul_a = 36'(f_eb);    mul_b = f_f[3:0]; end
      5'd10: begin mul_a = 36'(f_eb);    mul_b = f_f[7:4]; nib = 2'd1; end
      5'd11: begin mul_a = 36'(f_eb);    mul_b = f_f[11:8]; nib = 2'd2; end
      5'd12: begin mul_a = 36'(f_eb);    mul_b = f_f[15:12]; nib = 2'd3; end
      5'd13: begin mul_a = 36'(p_g);     mul_b = planes; end
      default: ;
    endcase
    mul_p = (mul_a * 36'(mul_b)) << (4 * nib);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
    end else if (start_i) begin
      ck_q   <= '0;
      busy_q <= 1'b1;
    end else if (busy_q) begin
      ck_q <= ck_q + 5'd1;
      if (ck_q == 5'(CheckCycles - 1)) busy_q <= 1'b0;
    end
    mac_q <= (ck_q == 5'd8 || (ck_q >= 5'd10 && ck_q <= 5'd12)) ? mac_q + mul_p : mul_p;
    unique case (ck_q)
      5'd0:  p_eu    <= mul_p[17:0];
      5'd1:  p_fu    <= mul_p[17:0];
      5'd2:  p_ebu1  <= mul_p[17:0];
      5'd3:  p_ebu   <= mul_p[17:0];
      5'd4:  p_oebu1 <= mul_p[17:0];
      5'd5:  p_oebu  <= mul_p[17:0];
      5'd6:  p_rs    <= mul_p[6:0];
      5'd8:  p_crs   <= 24'(mac_q + mul_p);
      5'd12: p_g     <= 32'(mac_q + mul_p);
      5'd13: p_reps  <= mul_p;
      default: ;
    endcase
    // band rows, one lane per cycle from cycle 14: lo = l*eb*U - pad etc.
    if (ck_q == 5'd13) begin
      lt_q  <= '0;
      olt_q <= '0;
      li_q  <= '0;
    end else if (ck_q >= 5'd14 && ck_q < 5'd22) begin
      lt_q  <= lt_q + p_ebu;
      olt_q <= olt_q + p_oebu;
      li_q  <= li_q + 3'd1;
      for (int l = 0; l < Lanes; l++) begin
        if (32'(li_q) == l) begin
          lo_o[l*18+:18]     <= lt_q - 18'(f_pad);
          hi_o[l*18+:18]     <= lt_q - 18'(f_pad) + p_ebu1 + 18'(f_r) - 18'd1;
          win_lo_o[l*18+:18] <= -lt_q;
          win_hi_o[l*18+:18] <= 18'(f_h) - lt_q;
          olo_o[l*18+:18]    <= olt_q - 18'(f_opad);
          ohi_o[l*18+:18]    <= olt_q - 18'(f_opad) + p_oebu1 + 18'(f_or) - 18'd1;
          act_o[l]           <= 32'(l) * 32'(f_eb) < 32'(f_e);
          oact_o[l]          <= f_ofc ? (l == 0) : (32'(l) * 32'(f_oeb) < 32'(f_oe));
        end
      end
    end
  end

  logic unused;
  assign unused = ^{f_addr_or[31:3], p_reps[35:32]};
  assign done_o = busy_q && ck_q == 5'(CheckCycles - 1);

  // ------------------------------------------------------------------ verdict (valid at done_o)
  logic [17:0] hp, wp, in_rows, out_rows, in_sz, out_sz;
  logic        bands_ok, oband_ok, ext_h, ext_w, chain_ok, outf, rsvd;
  logic [31:0] kfc, need_in, need_out;
  logic [3:0]  cls, det;
  always_comb begin
    hp       = (is_pool ? 18'(f_h) : 18'(f_h) + 18'({f_pad, 1'b0}));
    wp       = (is_pool ? 18'(f_w) : 18'(f_w) + 18'({f_pad, 1'b0}));
    ext_h    = hp >= 18'(f_r) && p_eu + 18'(f_r) <= hp && p_eu + 18'(f_r) + 18'(f_u) > hp;
    ext_w    = wp >= 18'(f_s) && p_fu + 18'(f_s) <= wp && p_fu + 18'(f_s) + 18'(f_u) > wp;
    bands_ok = f_eb != 0 && f_eb <= f_e && (32'(f_eb) << LogL) >= 32'(f_e);
    oband_ok = f_oeb != 0 && f_oe != 0 && f_or != 0 && f_or <= 4'd7 && f_ou != 0 && f_ou <= 3'd4 &&
               4'(f_opad) < f_or && f_oeb <= f_oe && (32'(f_oeb) << LogL) >= 32'(f_oe);
    in_rows  = p_ebu1 + 18'(f_r);
    out_rows = p_oebu1 + 18'(f_or);
    // one shifter per layout (the fc and banded sizes share it)
    in_sz    = is_fc ? 18'(f_h) : in_rows;
    out_sz   = f_ofc ? 18'(f_e) : out_rows;
    need_in  = 32'(in_sz) << lrow;
    kfc      = need_in;   // fc: H << lrow (read only when is_fc)
    need_out = 32'(out_sz) << olrow;
    outf     = f_ofc || f_oeb != 0 || f_or != 0 || f_ou != 0 || f_opad != 0 || f_oe != 0;
    rsvd     = desc_i[tern_pkg::DfRsvd0+:tern_pkg::DwRsvd0] != '0 ||
               desc_i[tern_pkg::DfRsvd2+:tern_pkg::DwRsvd2] != '0 ||
               desc_i[tern_pkg::DfRsvd6+:tern_pkg::DwRsvd6] != '0 || (!f_obanks && outf) ||
               (f_obanks && f_ofc && (f_oeb != 0 || f_or != 0 || f_ou != 0 || f_opad != 0 || f_oe != 0));
    chain_ok = ch_valid_i && f_side == ch_side_i && ch_fc_i == is_fc && f_c == ch_sig_i[47:32] &&
               f_h == ch_sig_i[31:16] && f_w == ch_sig_i[15:0] &&
               (is_fc || (ch_sig_i[89:74] == f_eb && ch_sig_i[73:58] == f_e && ch_sig_i[57:54] == f_r &&
                          ch_sig_i[53:51] == f_u && ch_sig_i[50:48] == f_pad));
    cls = '0;
    det = '0;
    if (rsvd) cls = 4'(tern_pkg::ErrRsvd);
    else if (!(is_conv || is_fc || is_pool)) cls = 4'(tern_pkg::ErrOp);
    else if (f_c == 0 || f_h == 0 || f_w == 0 || f_m == 0 || f_e == 0 || f_f == 0 || f_r == 0 ||
             f_s == 0 || f_r > 4'd7 || f_s > 4'd7 || f_u == 0 || f_u > 3'd4) cls = 4'(tern_pkg::ErrShape);
    else if (f_addr_or[2:0] != 3'd0) cls = 4'(tern_pkg::ErrAlign);
    else if (is_pool && (f_pad != 0 || f_m != f_c || 16'(f_r) > f_h || 16'(f_s) > f_w || !ext_h ||
                         !ext_w || !bands_ok)) cls = 4'(tern_pkg::ErrShape);
    else if (is_fc && (f_r != 1 || f_s != 1 || f_e != 1 || f_f != 1 || f_u != 1 || f_pad != 0 ||
                       f_eb != 0)) cls = 4'(tern_pkg::ErrShape);
    else if (is_conv && (4'(f_pad) >= f_r || 4'(f_pad) >= f_s || 18'(f_r) > hp || 18'(f_s) > wp ||
                         !ext_h || !ext_w || !bands_ok)) cls = 4'(tern_pkg::ErrShape);
    else if (f_obanks && !f_ofc && !oband_ok) cls = 4'(tern_pkg::ErrShape);
    else if (is_pool && (f_abits == 0 || f_abits > 4'd8 || f_omode != 0 || f_syq || f_pack || f_bs))
      cls = 4'(tern_pkg::ErrMode);
    else if (!is_pool && (f_wtype > 3'd6 || f_fmt > 3'd4 || !Formats[5'(f_fmt)] || f_abits == 0 ||
                          f_abits > 4'd8 || (f_bs && (!BitSerial || xnor_m)) ||
                          (!f_bs && !MacTypes[5'(f_wtype)]) || f_omode == 2'd3 || f_obits == 0 ||
                          f_obits > 4'd8 || (f_omode == 2'(tern_pkg::OutThreshold) && f_obits > 4'd2) ||
                          (f_syq && !Syq) ||
                          (f_pack && (Pack != 8 || f_fmt != 3'(tern_pkg::FmtDense) || !narrow || f_bs ||
                                      f_syq || f_c[2:0] != 3'd0)) ||
                          (raw_out && f_obanks))) cls = 4'(tern_pkg::ErrMode);
    else if (need_in > BankBytes || (is_conv && 32'(p_crs) > MaxConvRow) || (is_fc && kfc > 32'd65535))
      cls = 4'(tern_pkg::ErrSize);
    else if (f_obanks && (need_out > BankBytes || (f_ofc && need_out > 32'd65535)))
      cls = 4'(tern_pkg::ErrSize);
    else if (!f_load && !chain_ok) begin
      cls = 4'(tern_pkg::ErrShape);
      det = 4'd1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (done_o) begin
      err_o     <= {cls, det};
      lpix_o    <= lpix;
      lrow_o    <= lrow;
      olpix_o   <= olpix;
      olrow_o   <= olrow;
      row_len_o <= is_fc ? 17'(kfc) : 17'(p_crs);
      passes_o  <= 16'((32'(f_m) + 32'(Cols - 1)) >> LogCols);
      rem_o     <= (f_m & 16'(Cols - 1)) == 16'd0 ? 16'(Cols) : (f_m & 16'(Cols - 1));
      gy_n_o    <= is_fc ? 16'd1 : f_eb;
      gx_n_o    <= is_fc ? 16'd1 : f_f;
      reps_o    <= is_fc ? 32'(planes) : p_reps[31:0];
      planes_o  <= planes;
    end
  end
endmodule : tern_desc_check

`default_nettype wire
