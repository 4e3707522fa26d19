// Weight-code decoder: the signed integer value of any Tern weight code (docs/formats.md), plus
// zero and reserved-code flags. One instance serves all lanes (the weight is broadcast), so the
// AddNet coefficient tables (thesis Table 6.2, magnitudes below) cost little.
`default_nettype none

module tern_wdecode (
  input  logic [2:0]  wtype_i,
  input  logic [7:0]  code_i,
  output logic [11:0] value_o,     // signed
  output logic        nonzero_o,
  output logic        reserved_o   // code not defined for the type (decoded as 0)
);
  // Coefficient magnitudes of the 2/3/4-adder RCCMs, element j at [j*11 +: 11].
  localparam logic [87:0] Mags2 = {
    11'd92, 11'd44, 11'd36, 11'd28, 11'd8, 11'd2, 11'd1, 11'd0
  };
  localparam logic [329:0] Mags3 = {
    11'd128, 11'd126, 11'd125, 11'd119, 11'd96, 11'd94, 11'd93, 11'd87, 11'd72, 11'd70, 11'd69,
    11'd63, 11'd32, 11'd30, 11'd29, 11'd23, 11'd16, 11'd14, 11'd13, 11'd12, 11'd10, 11'd9, 11'd7,
    11'd6, 11'd5, 11'd4, 11'd3, 11'd2, 11'd1, 11'd0
  };
  localparam logic [1143:0] Mags4 = {
    11'd1214, 11'd830, 11'd782, 11'd766, 11'd710, 11'd694, 11'd686, 11'd670, 11'd662, 11'd654,
    11'd622, 11'd614, 11'd582, 11'd574, 11'd566, 11'd526, 11'd450, 11'd446, 11'd398, 11'd382,
    11'd334, 11'd326, 11'd318, 11'd310, 11'd302, 11'd286, 11'd278, 11'd270, 11'd262, 11'd258,
    11'd246, 11'd238, 11'd230, 11'd222, 11'd214, 11'd206, 11'd198, 11'd194, 11'd190, 11'd182,
    11'd174, 11'd166, 11'd150, 11'd142, 11'd134, 11'd126, 11'd118, 11'd114, 11'd102, 11'd96,
    11'd94, 11'd87, 11'd85, 11'd84, 11'd82, 11'd81, 11'd80, 11'd78, 11'd76, 11'd75, 11'd74,
    11'd71, 11'd70, 11'd69, 11'd64, 11'd58, 11'd54, 11'd48, 11'd46, 11'd40, 11'd39, 11'd38,
    11'd37, 11'd36, 11'd34, 11'd33, 11'd32, 11'd31, 11'd30, 11'd29, 11'd28, 11'd27, 11'd26,
    11'd25, 11'd24, 11'd23, 11'd22, 11'd21, 11'd20, 11'd19, 11'd18, 11'd16, 11'd15, 11'd14,
    11'd13, 11'd11, 11'd9, 11'd8, 11'd7, 11'd5, 11'd4, 11'd2, 11'd1, 11'd0
  };

  logic [10:0] mag;
  logic        neg;
  logic [6:0]  j;
  logic [3:0]  f;

  always_comb begin
    mag        = '0;
    neg        = 1'b0;
    reserved_o = 1'b0;
    j          = 7'((9'(code_i) + 9'd1) >> 1);  // reserved indices above 206 wrap; masked
    f          = {1'b0, code_i[2:0]};
    unique case (wtype_i)
      3'd0: begin  // int8: two's complement
        neg = code_i[7];
        mag = {3'b000, neg ? 8'(-code_i) : code_i};  // -128 -> magnitude 128
      end
      3'd1: begin  // ternary: 01 = +1, 11 = -1, 10 reserved
        mag        = {10'd0, code_i[0]};
        neg        = code_i[1] && code_i[0];
        reserved_o = code_i[1:0] == 2'b10 || code_i[7:2] != '0;
      end
      3'd2: begin  // binary: 1 = +1, 0 = -1
        mag        = 11'd1;
        neg        = !code_i[0];
        reserved_o = code_i[7:1] != '0;
      end
      3'd3: begin  // log2: {sign, f}, f = 0 zero (1000 reserved), else 2^(f-1)
        mag        = (f == 4'd0) ? 11'd0 : 11'd1 << (f - 4'd1);
        neg        = code_i[3] && f != 4'd0;
        reserved_o = (code_i[3:0] == 4'b1000) || code_i[7:4] != '0;
      end
      3'd4: begin  // 2-Add index: 0 -> 0, odd 2j-1 -> +mag[j], even 2j -> -mag[j]
        reserved_o = code_i > 8'd14;
        mag        = reserved_o ? 11'd0 : Mags2[j[2:0]*11+:11];
        neg        = !code_i[0] && code_i != 8'd0 && !reserved_o;
      end
      3'd5: begin  // 3-Add index
        reserved_o = code_i > 8'd58;
        mag        = reserved_o ? 11'd0 : Mags3[j[4:0]*11+:11];
        neg        = !code_i[0] && code_i != 8'd0 && !reserved_o;
      end
      3'd6: begin  // 4-Add index
        reserved_o = code_i > 8'd206;
        mag        = reserved_o ? 11'd0 : Mags4[j[6:0]*11+:11];
        neg        = !code_i[0] && code_i != 8'd0 && !reserved_o;
      end
      default: reserved_o = 1'b1;
    endcase
    if (reserved_o) begin
      mag = '0;
      neg = 1'b0;
    end
  end

  assign value_o   = neg ? -{1'b0, mag} : {1'b0, mag};
  assign nonzero_o = mag != '0;
endmodule : tern_wdecode

`default_nettype wire
