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

  // ---------------------------------------------------------------------------------------------
  // Hardware/software contract of the accelerator (engine v2). The C++ side is golden/contract.hpp,
  // with the same names; tests/contract Verilates these values and compares them with it.

  // Weight-stream formats (descriptor field `fmt`, build mask `Formats`; docs/formats.md).
  localparam int unsigned FmtDense  = 0;
  localparam int unsigned FmtRle    = 1;
  localparam int unsigned FmtBitmap = 2;
  localparam int unsigned FmtCsc    = 3;
  localparam int unsigned FmtRle8   = 4;
  localparam int unsigned FmtCount  = 5;

  // Layer opcodes (descriptor field `op`).
  localparam int unsigned OpEnd  = 0;
  localparam int unsigned OpConv = 1;
  localparam int unsigned OpFc   = 2;
  localparam int unsigned OpPool = 3;

  // Output modes (descriptor field `out_mode`).
  localparam int unsigned OutLinear    = 0;
  localparam int unsigned OutThreshold = 1;
  localparam int unsigned OutRaw       = 2;

  // Layer descriptor: 8 words of 64 bits = 512 bits; field F occupies bits [DfF +: DwF]
  // (bit b of the descriptor is bit b % 64 of word b / 64). docs/architecture.md lists the meanings.
  localparam int unsigned DescWords = 8;
  localparam int unsigned DfOp = 0,          DwOp = 4;
  localparam int unsigned DfWtype = 4,       DwWtype = 3;
  localparam int unsigned DfFmt = 7,         DwFmt = 3;
  localparam int unsigned DfActBits = 10,    DwActBits = 4;
  localparam int unsigned DfActSigned = 14,  DwActSigned = 1;
  localparam int unsigned DfBitserial = 15,  DwBitserial = 1;
  localparam int unsigned DfOutMode = 16,    DwOutMode = 2;
  localparam int unsigned DfOutBits = 18,    DwOutBits = 4;
  localparam int unsigned DfOutSigned = 22,  DwOutSigned = 1;
  localparam int unsigned DfSyq = 23,        DwSyq = 1;
  localparam int unsigned DfLoad = 24,       DwLoad = 1;
  localparam int unsigned DfStore = 25,      DwStore = 1;
  localparam int unsigned DfInSide = 26,     DwInSide = 1;
  localparam int unsigned DfPack = 27,       DwPack = 1;
  localparam int unsigned DfOutFc = 28,      DwOutFc = 1;
  localparam int unsigned DfOutBanks = 29,   DwOutBanks = 1;
  localparam int unsigned DfRsvd0 = 30,      DwRsvd0 = 34;   // must be zero
  localparam int unsigned DfC = 64,          DwC = 16;
  localparam int unsigned DfH = 80,          DwH = 16;
  localparam int unsigned DfW = 96,          DwW = 16;
  localparam int unsigned DfM = 112,         DwM = 16;
  localparam int unsigned DfE = 128,         DwE = 16;
  localparam int unsigned DfF = 144,         DwF = 16;
  localparam int unsigned DfR = 160,         DwR = 4;
  localparam int unsigned DfS = 164,         DwS = 4;
  localparam int unsigned DfStride = 168,    DwStride = 3;
  localparam int unsigned DfPad = 171,       DwPad = 3;
  localparam int unsigned DfRsvd2 = 174,     DwRsvd2 = 18;   // must be zero
  localparam int unsigned DfInAddr = 192,    DwInAddr = 32;
  localparam int unsigned DfOutAddr = 224,   DwOutAddr = 32;
  localparam int unsigned DfWgtAddr = 256,   DwWgtAddr = 32;
  localparam int unsigned DfSyqAddr = 288,   DwSyqAddr = 32;
  localparam int unsigned DfStatsAddr = 320, DwStatsAddr = 32;
  localparam int unsigned DfEb = 352,        DwEb = 16;     // output rows per lane band
  localparam int unsigned DfOutEb = 368,     DwOutEb = 16;  // next layer: its band rows
  localparam int unsigned DfOutR = 384,      DwOutR = 4;    // next layer: kernel rows
  localparam int unsigned DfOutStride = 388, DwOutStride = 3;
  localparam int unsigned DfOutPad = 391,    DwOutPad = 3;
  localparam int unsigned DfOutE = 394,      DwOutE = 16;   // next layer: output rows
  localparam int unsigned DfRsvd6 = 410,     DwRsvd6 = 102; // words 6 (upper bits) and 7: zero

  // Host registers (AXI4-Lite, 32-bit, byte offsets; docs/registers.md).
  localparam int unsigned RegId      = 'h000;
  localparam int unsigned RegVersion = 'h004;
  localparam int unsigned RegCtrl    = 'h008;
  localparam int unsigned RegStatus  = 'h00c;
  localparam int unsigned RegProg    = 'h010;
  localparam int unsigned RegIrq     = 'h014;
  localparam int unsigned RegTimeout = 'h018;
  localparam int unsigned RegConfig0 = 'h020;
  localparam int unsigned RegConfig1 = 'h024;
  localparam int unsigned RegConfig2 = 'h028;
  localparam int unsigned RegConfig3 = 'h02c;
  localparam int unsigned RegConfig4 = 'h030;
  localparam int unsigned RegCtrBase = 'h040;  // counter i: low word at + 8i, high word at + 8i + 4
  localparam int unsigned IdValue    = 'h5445_524e;  // "TERN"
  localparam int unsigned VersionValue = 2;

  // Statistics record of one layer (StatsWords 64-bit words at stats_addr) and the run counters
  // (CTR[i] = record word i summed over the run's layers, CTR[CtrLayers] = layers completed).
  localparam int unsigned StCycles       = 0;  // first descriptor request .. end of DRAIN
  localparam int unsigned StRunCycles    = 1;  // cycles of the RUN or POOL phase
  localparam int unsigned StEntries      = 2;  // entries the columns issued (non-zeros, or dense codes)
  localparam int unsigned StGroups       = 3;  // pixel groups drained (all columns of a pass together)
  localparam int unsigned StStallFetch   = 4;  // column-cycles waiting for a weight block
  localparam int unsigned StStallOut     = 5;  // column-cycles waiting for the requantisers/writer
  localparam int unsigned StStallDec     = 6;  // other column-cycles without an entry
  localparam int unsigned StStallBalance = 7;  // column-cycles waiting for slower columns (imbalance)
  localparam int unsigned StBytesRead    = 8;
  localparam int unsigned StBytesWritten = 9;
  localparam int unsigned StatsWords     = 10;
  localparam int unsigned CtrLayers      = 10;
  localparam int unsigned NumCtrs        = 11;

  // Engine error codes: class in [7:4], detail in [3:0] (docs/registers.md).
  localparam int unsigned ErrOp     = 'h1;  // unknown opcode
  localparam int unsigned ErrMode   = 'h2;  // mode field invalid or not in this build
  localparam int unsigned ErrShape  = 'h3;  // shape fields inconsistent (detail 1: does not chain)
  localparam int unsigned ErrSize   = 'h4;  // tensor, band or row beyond the buffers
  localparam int unsigned ErrAlign  = 'h5;  // address not a multiple of 8
  localparam int unsigned ErrRsvd   = 'h6;  // reserved descriptor bits set
  localparam int unsigned ErrStream = 'h7;  // decompressor error (detail = its code), 8 = reserved code
  localparam int unsigned ErrBlock  = 'h8;  // weight block header invalid (1) / nnz mismatch (2)
  localparam int unsigned ErrMemRd  = 'h9;
  localparam int unsigned ErrMemWr  = 'ha;
  localparam int unsigned ErrTime   = 'hb;  // memory response timeout

endpackage : tern_pkg
/* verilator lint_on UNUSEDPARAM */
