// Tern shared constants: weight-type encoding and the width rules every datapath block uses.
// Yosys 0.23: functions assign to their own name (no `return`), no automatic locals.
// Waiver: each module uses only some of the shared constants, so Verilator's per-instance
// unused-parameter check does not apply to this package.
/* verilator lint_off UNUSEDPARAM */
package tern_pkg;

  // Weight types (layer descriptor field `wtype`, MAC parameter `WgtType`); see docs/formats.md.
  localparam int unsigned WtInt8    = 0;  // two's complement, WgtBits wide (default 8)
  localparam int unsigned WtTernary = 1;  // 2-bit code: 00 = 0, 01 = +1, 11 = -1, 10 reserved
  localparam int unsigned WtBinary  = 2;  // 1-bit code: 1 = +1, 0 = -1
  localparam int unsigned WtLog2    = 3;  // 4-bit code {sign, f}: f = 0 zero, else +-2^(f-1)
  localparam int unsigned WtAddNet2 = 4;  // 4-bit index into the 2-Add coefficient set (15 values)
  localparam int unsigned WtAddNet3 = 5;  // 6-bit index into the 3-Add set (59 values)
  localparam int unsigned WtAddNet4 = 6;  // 8-bit index into the 4-Add set (207 values)
  localparam int unsigned WtCount   = 7;

  // Width of a weight code in bits (int8 codes are `int_bits` wide).
  function automatic int unsigned code_bits(input int unsigned wt, input int unsigned int_bits);
    case (wt)
      WtInt8:    code_bits = int_bits;
      WtTernary: code_bits = 2;
      WtBinary:  code_bits = 1;
      WtLog2:    code_bits = 4;
      WtAddNet2: code_bits = 4;
      WtAddNet3: code_bits = 6;
      WtAddNet4: code_bits = 8;
      default:   code_bits = 8;
    endcase
  endfunction

  // Signed width that holds every weight value of the type.
  function automatic int unsigned value_bits(input int unsigned wt, input int unsigned int_bits);
    case (wt)
      WtInt8:    value_bits = int_bits;
      WtTernary: value_bits = 2;   // -1..1
      WtBinary:  value_bits = 2;   // -1, +1
      WtLog2:    value_bits = 8;   // +-64
      WtAddNet2: value_bits = 8;   // +-92
      WtAddNet3: value_bits = 9;   // +-128
      WtAddNet4: value_bits = 12;  // +-1214
      default:   value_bits = 12;
    endcase
  endfunction

  // Signed width of one product: an A-bit activation (signed or unsigned) times a weight value.
  function automatic int unsigned prod_bits(input int unsigned wt, input int unsigned int_bits,
                                            input int unsigned act_bits);
    prod_bits = act_bits + value_bits(wt, int_bits);
  endfunction

  // ceil(log2(n)) for n >= 1 (0 for n = 1).
  function automatic int unsigned clog2c(input int unsigned n);
    clog2c = (n <= 1) ? 0 : $clog2(n);
  endfunction

  // Accumulator width (Sze's 2N+M rule): product width plus log2 of the longest dot product, so
  // that `max_len` products of any value can be summed without overflow.
  function automatic int unsigned acc_bits(input int unsigned wt, input int unsigned int_bits,
                                           input int unsigned act_bits, input int unsigned max_len);
    acc_bits = prod_bits(wt, int_bits, act_bits) + clog2c(max_len);
  endfunction

  // Activation kinds (MAC parameter `ActKind`): how an activation lane of act_i is read.
  localparam int unsigned AkInt     = 0;  // ActBits-wide integer, two's complement if ActSigned
  // AkLog2: 4-bit code {sign, f} as WtLog2 (f = 0 zero, else +-2^(f-1); 1000 reserved = 0), only
  // with WtLog2 weights. AkBipolar: 1 bit, 1 = +1 and 0 = -1, only with WtBinary weights (XNOR).
  localparam int unsigned AkLog2    = 1;
  localparam int unsigned AkBipolar = 2;
  localparam int unsigned AkCount   = 3;

  // Signed width of one product for an activation kind (AkInt: prod_bits). Log x log products are
  // +-2^(0..12), bipolar products +-1.
  function automatic int unsigned act_prod_bits(input int unsigned wt, input int unsigned int_bits,
                                                input int unsigned act_bits,
                                                input int unsigned act_kind);
    case (act_kind)
      AkLog2:    act_prod_bits = 14;
      AkBipolar: act_prod_bits = 2;
      default:   act_prod_bits = prod_bits(wt, int_bits, act_bits);
    endcase
  endfunction

  // Accumulator width for an activation kind (the 2N+M rule on act_prod_bits).
  function automatic int unsigned act_acc_bits(input int unsigned wt, input int unsigned int_bits,
                                               input int unsigned act_bits,
                                               input int unsigned act_kind,
                                               input int unsigned max_len);
    act_acc_bits = act_prod_bits(wt, int_bits, act_bits, act_kind) + clog2c(max_len);
  endfunction

  // Weight-code checks of the decompressors (rtl/decomp; C++: golden/formats/format.cpp). `code`
  // holds a code in its low bits, zero above the code width.
  // Reserved codes: ternary 10, log2 1000 ("-0"), AddNet indices above 2 x (set size - 1).
  function automatic logic code_reserved(input int unsigned wt, input logic [7:0] code);
    case (wt)
      WtTernary: code_reserved = (code == 8'd2);
      WtLog2:    code_reserved = (code == 8'd8);
      WtAddNet2: code_reserved = (code > 8'd14);
      WtAddNet3: code_reserved = (code > 8'd58);
      WtAddNet4: code_reserved = (code > 8'd206);
      default:   code_reserved = 1'b0;
    endcase
  endfunction

  // A code of value zero (binary has none).
  function automatic logic code_zero(input int unsigned wt, input logic [7:0] code);
    code_zero = (code == 8'd0) && (wt != WtBinary);
  endfunction

  // Legal runtime code width of a weight type: int8 1..8 bits, every other type its fixed width.
  function automatic logic code_bits_ok(input int unsigned wt, input int unsigned cb);
    if (wt == WtInt8)      code_bits_ok = (cb >= 1) && (cb <= 8);
    else if (wt < WtCount) code_bits_ok = (cb == code_bits(wt, 8));
    else                   code_bits_ok = 1'b0;
  endfunction

  // Weight types a build with codes up to `max_code_bits` wide can run (bit t = type t): int8
  // always (at 1..max_code_bits bits), every other type if its fixed width fits. Lets synthesis
  // drop the code checks of types the build rejects at start.
  function automatic logic [7:0] types_fitting(input int unsigned max_code_bits);
    types_fitting = '0;
    for (int t = 0; t < WtCount; t++) begin
      types_fitting[t] = (t == WtInt8) || (code_bits(t, 8) <= max_code_bits);
    end
  endfunction

  // Decompressor error codes (err_code_o of rtl/decomp/tern_decomp_*; docs/formats.md).
  localparam int unsigned DecErrNone   = 0;
  localparam int unsigned DecErrConfig = 1;  // start_i with a bad row length, code width or type
  localparam int unsigned DecErrStart  = 2;  // start_i while a row is being decoded
  localparam int unsigned DecErrTrunc  = 3;  // the row's last word ends before the row does
  localparam int unsigned DecErrNoEnd  = 4;  // the row ends before its last word (row end missing)
  localparam int unsigned DecErrIndex  = 5;  // index/escape/padding/block at or past the row length
  localparam int unsigned DecErrCode   = 6;  // reserved code, or a zero code stored as a non-zero
  localparam int unsigned DecErrField  = 7;  // illegal format field (header, padding, mask)

endpackage : tern_pkg
/* verilator lint_on UNUSEDPARAM */
