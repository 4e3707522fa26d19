// The hardware/software contract of the accelerator: descriptor fields, opcodes, formats, register map,
// statistics record and error codes. Mirror of rtl/common/tern_pkg.sv with the same names; the test
// tests/contract Verilates the package and checks every value here against it.
#pragma once

#include <cstdint>

namespace tern::hw {

// Hardware/software contract of the accelerator (engine v2). The RTL side is tern_pkg.

// Weight-stream formats (descriptor field `fmt`, build mask `Formats`; docs/formats.md).
inline constexpr unsigned FmtDense = 0;
inline constexpr unsigned FmtRle = 1;
inline constexpr unsigned FmtBitmap = 2;
inline constexpr unsigned FmtCsc = 3;
inline constexpr unsigned FmtRle8 = 4;
inline constexpr unsigned FmtCount = 5;

// Layer opcodes (descriptor field `op`).
inline constexpr unsigned OpEnd = 0;
inline constexpr unsigned OpConv = 1;
inline constexpr unsigned OpFc = 2;
inline constexpr unsigned OpPool = 3;

// Output modes (descriptor field `out_mode`).
inline constexpr unsigned OutLinear = 0;
inline constexpr unsigned OutThreshold = 1;
inline constexpr unsigned OutRaw = 2;

// Layer descriptor: 8 words of 64 bits = 512 bits; field F occupies bits [DfF +: DwF]
// (bit b of the descriptor is bit b % 64 of word b / 64). docs/architecture.md lists the meanings.
inline constexpr unsigned DescWords = 8;
inline constexpr unsigned DfOp = 0, DwOp = 4;
inline constexpr unsigned DfWtype = 4, DwWtype = 3;
inline constexpr unsigned DfFmt = 7, DwFmt = 3;
inline constexpr unsigned DfActBits = 10, DwActBits = 4;
inline constexpr unsigned DfActSigned = 14, DwActSigned = 1;
inline constexpr unsigned DfBitserial = 15, DwBitserial = 1;
inline constexpr unsigned DfOutMode = 16, DwOutMode = 2;
inline constexpr unsigned DfOutBits = 18, DwOutBits = 4;
inline constexpr unsigned DfOutSigned = 22, DwOutSigned = 1;
inline constexpr unsigned DfSyq = 23, DwSyq = 1;
inline constexpr unsigned DfLoad = 24, DwLoad = 1;
inline constexpr unsigned DfStore = 25, DwStore = 1;
inline constexpr unsigned DfInSide = 26, DwInSide = 1;
inline constexpr unsigned DfPack = 27, DwPack = 1;
inline constexpr unsigned DfOutFc = 28, DwOutFc = 1;
inline constexpr unsigned DfOutBanks = 29, DwOutBanks = 1;
inline constexpr unsigned DfRsvd0 = 30, DwRsvd0 = 34;  // must be zero
inline constexpr unsigned DfC = 64, DwC = 16;
inline constexpr unsigned DfH = 80, DwH = 16;
inline constexpr unsigned DfW = 96, DwW = 16;
inline constexpr unsigned DfM = 112, DwM = 16;
inline constexpr unsigned DfE = 128, DwE = 16;
inline constexpr unsigned DfF = 144, DwF = 16;
inline constexpr unsigned DfR = 160, DwR = 4;
inline constexpr unsigned DfS = 164, DwS = 4;
inline constexpr unsigned DfStride = 168, DwStride = 3;
inline constexpr unsigned DfPad = 171, DwPad = 3;
inline constexpr unsigned DfRsvd2 = 174, DwRsvd2 = 18;  // must be zero
inline constexpr unsigned DfInAddr = 192, DwInAddr = 32;
inline constexpr unsigned DfOutAddr = 224, DwOutAddr = 32;
inline constexpr unsigned DfWgtAddr = 256, DwWgtAddr = 32;
inline constexpr unsigned DfSyqAddr = 288, DwSyqAddr = 32;
inline constexpr unsigned DfStatsAddr = 320, DwStatsAddr = 32;
inline constexpr unsigned DfEb = 352, DwEb = 16;        // output rows per lane band
inline constexpr unsigned DfOutEb = 368, DwOutEb = 16;  // next layer: its band rows
inline constexpr unsigned DfOutR = 384, DwOutR = 4;     // next layer: kernel rows
inline constexpr unsigned DfOutStride = 388, DwOutStride = 3;
inline constexpr unsigned DfOutPad = 391, DwOutPad = 3;
inline constexpr unsigned DfOutE = 394, DwOutE = 16;     // next layer: output rows
inline constexpr unsigned DfRsvd6 = 410, DwRsvd6 = 102;  // words 6 (upper bits) and 7: zero

// Host registers (AXI4-Lite, 32-bit, byte offsets; docs/registers.md).
inline constexpr unsigned RegId = 0x000;
inline constexpr unsigned RegVersion = 0x004;
inline constexpr unsigned RegCtrl = 0x008;
inline constexpr unsigned RegStatus = 0x00c;
inline constexpr unsigned RegProg = 0x010;
inline constexpr unsigned RegIrq = 0x014;
inline constexpr unsigned RegTimeout = 0x018;
inline constexpr unsigned RegConfig0 = 0x020;
inline constexpr unsigned RegConfig1 = 0x024;
inline constexpr unsigned RegConfig2 = 0x028;
inline constexpr unsigned RegConfig3 = 0x02c;
inline constexpr unsigned RegConfig4 = 0x030;
inline constexpr unsigned RegCtrBase = 0x040;    // counter i: low word at + 8i, high word at + 8i + 4
inline constexpr unsigned IdValue = 0x5445524e;  // "TERN"
inline constexpr unsigned VersionValue = 2;

// Statistics record of one layer (StatsWords 64-bit words at stats_addr) and the run counters
// (CTR[i] = record word i summed over the run's layers, CTR[CtrLayers] = layers completed).
inline constexpr unsigned StCycles = 0;        // first descriptor request .. end of DRAIN
inline constexpr unsigned StRunCycles = 1;     // cycles of the RUN or POOL phase
inline constexpr unsigned StEntries = 2;       // entries the columns issued (non-zeros, or dense codes)
inline constexpr unsigned StGroups = 3;        // pixel groups drained (all columns of a pass together)
inline constexpr unsigned StStallFetch = 4;    // column-cycles waiting for a weight block
inline constexpr unsigned StStallOut = 5;      // column-cycles waiting for the requantisers/writer
inline constexpr unsigned StStallDec = 6;      // other column-cycles without an entry
inline constexpr unsigned StStallBalance = 7;  // column-cycles waiting for slower columns (imbalance)
inline constexpr unsigned StBytesRead = 8;
inline constexpr unsigned StBytesWritten = 9;
inline constexpr unsigned StatsWords = 10;
inline constexpr unsigned CtrLayers = 10;
inline constexpr unsigned NumCtrs = 11;

// Engine error codes: class in [7:4], detail in [3:0] (docs/registers.md).
inline constexpr unsigned ErrOp = 0x1;      // unknown opcode
inline constexpr unsigned ErrMode = 0x2;    // mode field invalid or not in this build
inline constexpr unsigned ErrShape = 0x3;   // shape fields inconsistent (detail 1: does not chain)
inline constexpr unsigned ErrSize = 0x4;    // tensor, band or row beyond the buffers
inline constexpr unsigned ErrAlign = 0x5;   // address not a multiple of 8
inline constexpr unsigned ErrRsvd = 0x6;    // reserved descriptor bits set
inline constexpr unsigned ErrStream = 0x7;  // decompressor error (detail = its code), 8 = reserved code
inline constexpr unsigned ErrBlock = 0x8;   // weight block header invalid (1) / nnz mismatch (2)
inline constexpr unsigned ErrMemRd = 0x9;
inline constexpr unsigned ErrMemWr = 0xa;
inline constexpr unsigned ErrTime = 0xb;  // memory response timeout

}  // namespace tern::hw
