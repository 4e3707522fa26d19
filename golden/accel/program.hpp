// Engine v2 programs: build configuration, layer descriptors, tensor layouts (bands, power-of-two pitches)
// and the compiler that turns a Tern model into the memory image the engine runs (docs/architecture.md).
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/contract.hpp"
#include "golden/formats/format.hpp"
#include "golden/net/model.hpp"

namespace tern {

// Build parameters of tern_top (readable from the CONFIG registers).
struct HwConfig {
  int cols = 8;                 // columns: filters in parallel, each with its own weight stream
  int lanes = 8;                // lanes per column: output-row bands of the same image
  int pack = 8;                 // 1, or 8: dense ternary/binary rows read 8 codes per lane per cycle
  int64_t bank_bytes = 4096;    // activation bytes per lane bank and side (input or output of a layer)
  int64_t cache_words = 512;    // 64-bit words per weight-cache bank (one filter's row); two banks per column
  int64_t max_conv_row = 1024;  // index-table entries: longest conv row C*R*S
  int acc_bits = 32;
  uint32_t mac_types = 0x7f;  // bit t: bit-parallel multiplier for weight type t
  uint32_t formats = 0x1f;    // bit f: decompressor for Format f
  bool bitserial = true;
  bool syq = true;         // SYQ per-kernel-position scales
  bool stats = true;       // per-layer statistics record and run counters
  int rq_units = 4;        // shared requantisers: 1, 2, 4 or 8, dividing cols
  bool rq_serial = false;  // serial requantisers (tern_requant_ser): one chunk per 24 cycles, less area

  int macs() const { return cols * lanes; }
  std::string describe() const;  // "8x8 pack1 ..." one line
};

// Checks that the parameters form a legal build (the RTL's elaboration checks); throws invalid_argument.
void check_config(const HwConfig& hw);

enum class Op : uint8_t { kEnd = 0, kConv = 1, kFc = 2, kPool = 3 };

// One 64-byte layer descriptor, field by field (positions: golden/contract.hpp).
struct Descriptor {
  Op op = Op::kEnd;
  uint8_t wtype = 0, fmt = 0, act_bits = 8, out_mode = 0, out_bits = 8;
  bool act_signed = false, bitserial = false, out_signed = false, syq = false;
  bool load_input = false, store_output = false, in_side = false, pack = false, out_fc = false, out_banks = false;
  uint16_t C = 0, H = 0, W = 0, M = 0, E = 0, F = 0;
  uint8_t R = 0, S = 0, stride = 0, pad = 0;
  uint32_t in_addr = 0, out_addr = 0, wgt_addr = 0, syq_addr = 0, stats_addr = 0;
  uint16_t eb = 0;  // output rows per lane band (conv/pool)
  // the next layer's input layout (written by this layer into the banks when out_banks)
  uint16_t out_eb = 0, out_e = 0;
  uint8_t out_r = 0, out_stride = 0, out_pad = 0;

  std::array<uint64_t, 8> encode() const;
  static Descriptor decode(const std::array<uint64_t, 8>& w);
};

// Field access by (lsb, width) of the contract.
uint64_t get_field(const std::array<uint64_t, 8>& w, unsigned lsb, unsigned width);
void set_field(std::array<uint64_t, 8>& w, unsigned lsb, unsigned width, uint64_t v);

// Power-of-two pitches of an HWC tensor with C channels and W columns: byte index of (y, x, c) is
// (y << lrow) | (x << lpix) | c. Rows are at least 8 bytes (a word never spans two rows).
struct Pitch {
  int lpix = 0, lrow = 3;
  int64_t index(int64_t y, int64_t x, int64_t c) const { return (y << lrow) | (x << lpix) | c; }
};
Pitch pitch_of(int C, int W);

// Band of lane l of a conv/pool layer (output rows [y0, y0+rows), input rows [lo, lo+in_rows)).
struct Band {
  int y0 = 0, rows = 0;  // rows = 0: lane idle
  int64_t lo = 0, in_rows = 0;
};
Band band_of(int lane, int eb, int E, int stride, int pad, int R);
// Bytes a lane bank needs for a conv/pool input: ((eb-1)*stride + R) rows of 2^lrow bytes.
int64_t band_bytes(int eb, int stride, int R, const Pitch& p);

// A program that does not fit the build or the model: the message names the layer and the limit.
class CompileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Per-layer choices the compiler cannot infer from the model.
struct LayerChoice {
  Format format = Format::kRle;  // weight stream format (dense for int8/binary layers by default)
  bool bitserial = false;
  bool auto_format = true;  // pick dense for int8/binary, else `format`
  bool pack = true;         // packed dense rows where the build and the layer allow it
};

struct CompileOptions {
  std::vector<LayerChoice> layers;  // per model layer; missing entries use `dflt`
  LayerChoice dflt;
  bool store_all = true;  // store every layer's output (tensor-by-tensor checks); else only the last
  bool balance = true;    // sort filters by non-zero count into passes (else model order)
  FormatParams fparams;
};

// Where everything of one compiled layer lives.
struct CompiledLayer {
  Descriptor desc;
  size_t model_layer = 0;
  std::vector<int> out_perm;      // stored output channel -> model channel
  Pitch out_pitch;                // layout of the output tensor (memory and banks)
  int64_t weight_words = 0;       // words of the weight region (headers + rows)
  int64_t nnz = 0;                // non-zeros the streams decode to (block headers; incl. fc hole codes)
  int64_t model_nnz = 0;          // non-zero weights of the model (holes excluded): the MAC count basis
  int64_t dense_weights = 0;      // M * C * R * S (model shape)
  std::vector<int64_t> slot_nnz;  // per slot (pass * cols + column)
  std::vector<int64_t> slot_words;
  int out_elem_bytes = 1;   // 1, or 4 for raw int32 outputs
  int64_t out_bytes = 0;    // bytes of the stored output tensor region (holes included)
  std::string format_note;  // why the automatic choice did not use the requested format (else empty)
};

struct Program {
  HwConfig hw;
  uint32_t prog_base = 0;
  uint32_t input_addr = 0;
  Pitch input_pitch;
  int in_C = 0, in_H = 0, in_W = 0;
  std::vector<CompiledLayer> layers;
  std::vector<uint64_t> image;  // memory words from address 0 (descriptors, weights, space for tensors)
  uint32_t image_bytes() const { return static_cast<uint32_t>(image.size() * 8); }
};

// Code width a weight type uses in the streams.
int stream_code_bits(WeightType t);

// Compiles `m` for `hw`; throws CompileError naming the layer and the limit it breaks.
Program compile(const Model& m, const HwConfig& hw, const CompileOptions& opt = {});

// Writes one image (C,H,W order, the model's input shape) into the program's input tensor.
void place_input(Program& p, const std::vector<uint8_t>& image);

// Reads the output tensor of compiled layer `i` from a memory image, in the model's C,H,W order.
std::vector<int32_t> read_output(const Program& p, const std::vector<uint64_t>& mem, size_t i);

// Per-layer statistics record written by the engine (docs/registers.md), word StX at index X.
struct LayerStats {
  std::array<uint64_t, hw::StatsWords> w{};
  uint64_t operator[](unsigned i) const { return w.at(i); }
  bool operator==(const LayerStats& o) const { return w == o.w; }
  bool operator!=(const LayerStats& o) const { return w != o.w; }
};
LayerStats read_stats(const Program& p, const std::vector<uint64_t>& mem, size_t i);
std::string to_string(const LayerStats& s);

}  // namespace tern
