// Accelerator programs: hardware configuration, layer descriptors (docs/architecture.md) and the
// compiler that turns a Tern model into a memory image the engine runs.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/formats/format.hpp"
#include "golden/net/model.hpp"

namespace tern {

// Build parameters of tern_top (readable from the CONFIG registers).
struct HwConfig {
  int lanes = 8;
  int64_t act_depth = 32768;
  int64_t max_row_len = 4096;
  int64_t cache_words = 1024;
  int acc_bits = 32;
  uint32_t mac_types = 0x7f;  // bit t: bit-parallel multiplier for weight type t
  uint32_t formats = 0x1f;    // bit f: decompressor for Format f
  bool bitserial = true;
  bool syq = true;            // SYQ per-kernel-position scales
};

enum class Op : uint8_t { kEnd = 0, kConv = 1, kFc = 2, kPool = 3 };

// One 64-byte layer descriptor, field by field.
struct Descriptor {
  Op op = Op::kEnd;
  uint8_t wtype = 0, fmt = 0, act_bits = 8, out_mode = 0, out_bits = 8;
  bool act_signed = false, bitserial = false, out_signed = false, syq = false;
  bool load_input = false, store_output = false, in_bank = false;
  uint16_t C = 0, H = 0, W = 0, M = 0, E = 0, F = 0;
  uint8_t R = 0, S = 0, stride = 0, pad = 0;
  uint32_t in_addr = 0, out_addr = 0, wgt_addr = 0, syq_addr = 0, stats_addr = 0;

  std::array<uint64_t, 8> encode() const;
  static Descriptor decode(const std::array<uint64_t, 8>& w);
};

// A program that does not fit the build or the model: the message names the layer and the limit.
class CompileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Per-layer choices the compiler cannot infer from the model.
struct LayerChoice {
  Format format = Format::kRle;  // weight stream format (dense for int8/binary layers by default)
  bool bitserial = false;
  bool auto_format = true;  // pick dense for int8 and (unless `format` is rle8) binary, else `format`
};

struct CompileOptions {
  std::vector<LayerChoice> layers;  // per model layer; missing entries use `dflt`
  LayerChoice dflt;
  bool store_all = true;  // store every layer's output (tensor-by-tensor checks); else only the last
  FormatParams fparams;
};

// Where everything of one compiled layer lives.
struct CompiledLayer {
  Descriptor desc;
  size_t model_layer = 0;
  int64_t weight_words = 0;      // words of the weight region (headers + rows)
  int64_t nnz = 0;               // non-zero weights
  int64_t dense_weights = 0;     // M * C * R * S
  std::vector<int64_t> row_nnz;  // per filter
  std::vector<int64_t> row_words;
  std::vector<int64_t> row_entries;  // decompressor output entries per row replay
  std::vector<int64_t> row_cycles;   // decompressor zero-stall cycles per row replay
  int64_t out_elems = 0;           // M * E * F
  int out_words_per_elem = 1;      // 1, or lanes/2 for raw int32 outputs
  std::string format_note;         // why the automatic choice did not use the requested format (else empty)
};

struct Program {
  HwConfig hw;
  uint32_t prog_base = 0;
  uint32_t input_addr = 0;
  std::vector<CompiledLayer> layers;
  std::vector<uint64_t> image;  // memory words from address 0 (descriptors, weights, space for tensors)
  uint32_t image_bytes() const { return static_cast<uint32_t>(image.size() * 8); }
};

// Code width a weight type uses in the streams.
int stream_code_bits(WeightType t);

// Compiles `m` for `hw`; throws CompileError naming the layer and the limit it breaks.
Program compile(const Model& m, const HwConfig& hw, const CompileOptions& opt = {});

// Writes up to hw.lanes images (lane p = images[p]) into the program's input tensor.
void place_inputs(Program& p, const std::vector<std::vector<uint8_t>>& images);

// Reads lane `lane`'s output tensor of compiled layer `i` from a memory image (C,H,W order).
std::vector<int32_t> read_output(const Program& p, const std::vector<uint64_t>& mem, size_t i, int lane);

// Per-layer statistics record written by the engine (docs/registers.md).
struct LayerStats {
  uint64_t cycles = 0, entries = 0, skipped = 0, stall_fetch = 0, stall_out = 0, stall_dec = 0;
  uint64_t bytes_read = 0, bytes_written = 0;
};
LayerStats read_stats(const Program& p, const std::vector<uint64_t>& mem, size_t i);

}  // namespace tern
