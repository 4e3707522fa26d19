// Engine v2 descriptors, layouts and the model-to-program compiler (docs/architecture.md).
#include "golden/accel/program.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <numeric>
#include <sstream>

namespace tern {

namespace {

[[noreturn]] void fail(const Layer& L, size_t i, const std::string& what) {
  std::ostringstream os;
  os << "layer " << i << " '" << L.name << "': " << what;
  throw CompileError(os.str());
}

uint32_t align64(uint64_t a) {
  const uint64_t r = (a + 63) & ~uint64_t{63};
  if (r > 0xffffffffull) throw CompileError("program does not fit a 32-bit address space");
  return static_cast<uint32_t>(r);
}

bool pow2(int64_t v) {
  return v > 0 && (v & (v - 1)) == 0;
}

constexpr int32_t kHole = INT32_MIN;  // an fc row position with no input element

// Geometry of the tensor a layer reads, in the producer's stored channel order.
struct InView {
  int C = 0, H = 0, W = 0;  // producer output (or model input) shape
  std::vector<int> perm;    // stored channel -> model channel
};

}  // namespace

std::string HwConfig::describe() const {
  std::ostringstream os;
  os << cols << "x" << lanes << " pack" << pack << " bank" << bank_bytes << " cache" << cache_words << " row"
     << max_conv_row << " acc" << acc_bits << " types0x" << std::hex << mac_types << " fmts0x" << formats << std::dec
     << (bitserial ? " bitserial" : "") << (syq ? " syq" : "") << (stats ? " stats" : "") << " rq" << rq_units
     << (rq_serial ? " rqserial" : "");
  return os.str();
}

void check_config(const HwConfig& hw) {
  auto bad = [](const std::string& s) { throw std::invalid_argument("build parameters: " + s); };
  if (!pow2(hw.cols) || hw.cols > 16) bad("Cols must be 1, 2, 4, 8 or 16");
  if (!pow2(hw.lanes) || hw.lanes > 8) bad("Lanes must be 1, 2, 4 or 8");
  if (hw.pack != 1 && hw.pack != 8) bad("Pack must be 1 or 8");
  if (!pow2(hw.bank_bytes) || hw.bank_bytes < 64 || hw.bank_bytes > (1 << 20))
    bad("BankBytes must be a power of two, 64..2^20");
  if (!pow2(hw.cache_words) || hw.cache_words < 4 || hw.cache_words > 32768)
    bad("CacheWords must be a power of two, 4..32768");
  if (!pow2(hw.max_conv_row) || hw.max_conv_row < 16 || hw.max_conv_row > 65536)
    bad("MaxConvRow must be a power of two, 16..65536");
  if (hw.acc_bits < 24 || hw.acc_bits > 48) bad("AccBits must be 24..48");
  if (!pow2(hw.rq_units) || hw.rq_units > 8 || hw.cols % hw.rq_units != 0)
    bad("RqUnits must be 1, 2, 4 or 8 and divide Cols");
  if ((hw.formats & 0x1f) == 0 || (hw.formats & ~0x1fu) != 0) bad("Formats must be a non-empty subset of 0x1f");
  if ((hw.mac_types & ~0x7fu) != 0 || ((hw.mac_types & 0x7f) == 0 && !hw.bitserial))
    bad("MacTypes must be a subset of 0x7f, non-empty unless BitSerial");
}

uint64_t get_field(const std::array<uint64_t, 8>& w, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned b = 0; b < width; ++b) v |= ((w[(lsb + b) / 64] >> ((lsb + b) % 64)) & 1u) << b;
  return v;
}

void set_field(std::array<uint64_t, 8>& w, unsigned lsb, unsigned width, uint64_t v) {
  for (unsigned b = 0; b < width; ++b) {
    const uint64_t bit = uint64_t{1} << ((lsb + b) % 64);
    if ((v >> b) & 1u)
      w[(lsb + b) / 64] |= bit;
    else
      w[(lsb + b) / 64] &= ~bit;
  }
}

std::array<uint64_t, 8> Descriptor::encode() const {
  using namespace hw;
  std::array<uint64_t, 8> w{};
  set_field(w, DfOp, DwOp, static_cast<uint64_t>(op));
  set_field(w, DfWtype, DwWtype, wtype);
  set_field(w, DfFmt, DwFmt, fmt);
  set_field(w, DfActBits, DwActBits, act_bits);
  set_field(w, DfActSigned, DwActSigned, act_signed);
  set_field(w, DfBitserial, DwBitserial, bitserial);
  set_field(w, DfOutMode, DwOutMode, out_mode);
  set_field(w, DfOutBits, DwOutBits, out_bits);
  set_field(w, DfOutSigned, DwOutSigned, out_signed);
  set_field(w, DfSyq, DwSyq, syq);
  set_field(w, DfLoad, DwLoad, load_input);
  set_field(w, DfStore, DwStore, store_output);
  set_field(w, DfInSide, DwInSide, in_side);
  set_field(w, DfPack, DwPack, pack);
  set_field(w, DfOutFc, DwOutFc, out_fc);
  set_field(w, DfOutBanks, DwOutBanks, out_banks);
  set_field(w, DfC, DwC, C);
  set_field(w, DfH, DwH, H);
  set_field(w, DfW, DwW, W);
  set_field(w, DfM, DwM, M);
  set_field(w, DfE, DwE, E);
  set_field(w, DfF, DwF, F);
  set_field(w, DfR, DwR, R);
  set_field(w, DfS, DwS, S);
  set_field(w, DfStride, DwStride, stride);
  set_field(w, DfPad, DwPad, pad);
  set_field(w, DfInAddr, DwInAddr, in_addr);
  set_field(w, DfOutAddr, DwOutAddr, out_addr);
  set_field(w, DfWgtAddr, DwWgtAddr, wgt_addr);
  set_field(w, DfSyqAddr, DwSyqAddr, syq_addr);
  set_field(w, DfStatsAddr, DwStatsAddr, stats_addr);
  set_field(w, DfEb, DwEb, eb);
  set_field(w, DfOutEb, DwOutEb, out_eb);
  set_field(w, DfOutR, DwOutR, out_r);
  set_field(w, DfOutStride, DwOutStride, out_stride);
  set_field(w, DfOutPad, DwOutPad, out_pad);
  set_field(w, DfOutE, DwOutE, out_e);
  return w;
}

Descriptor Descriptor::decode(const std::array<uint64_t, 8>& w) {
  using namespace hw;
  auto f = [&](unsigned lsb, unsigned width) { return get_field(w, lsb, width); };
  Descriptor d;
  d.op = static_cast<Op>(f(DfOp, DwOp));
  d.wtype = static_cast<uint8_t>(f(DfWtype, DwWtype));
  d.fmt = static_cast<uint8_t>(f(DfFmt, DwFmt));
  d.act_bits = static_cast<uint8_t>(f(DfActBits, DwActBits));
  d.act_signed = f(DfActSigned, DwActSigned);
  d.bitserial = f(DfBitserial, DwBitserial);
  d.out_mode = static_cast<uint8_t>(f(DfOutMode, DwOutMode));
  d.out_bits = static_cast<uint8_t>(f(DfOutBits, DwOutBits));
  d.out_signed = f(DfOutSigned, DwOutSigned);
  d.syq = f(DfSyq, DwSyq);
  d.load_input = f(DfLoad, DwLoad);
  d.store_output = f(DfStore, DwStore);
  d.in_side = f(DfInSide, DwInSide);
  d.pack = f(DfPack, DwPack);
  d.out_fc = f(DfOutFc, DwOutFc);
  d.out_banks = f(DfOutBanks, DwOutBanks);
  d.C = static_cast<uint16_t>(f(DfC, DwC));
  d.H = static_cast<uint16_t>(f(DfH, DwH));
  d.W = static_cast<uint16_t>(f(DfW, DwW));
  d.M = static_cast<uint16_t>(f(DfM, DwM));
  d.E = static_cast<uint16_t>(f(DfE, DwE));
  d.F = static_cast<uint16_t>(f(DfF, DwF));
  d.R = static_cast<uint8_t>(f(DfR, DwR));
  d.S = static_cast<uint8_t>(f(DfS, DwS));
  d.stride = static_cast<uint8_t>(f(DfStride, DwStride));
  d.pad = static_cast<uint8_t>(f(DfPad, DwPad));
  d.in_addr = static_cast<uint32_t>(f(DfInAddr, DwInAddr));
  d.out_addr = static_cast<uint32_t>(f(DfOutAddr, DwOutAddr));
  d.wgt_addr = static_cast<uint32_t>(f(DfWgtAddr, DwWgtAddr));
  d.syq_addr = static_cast<uint32_t>(f(DfSyqAddr, DwSyqAddr));
  d.stats_addr = static_cast<uint32_t>(f(DfStatsAddr, DwStatsAddr));
  d.eb = static_cast<uint16_t>(f(DfEb, DwEb));
  d.out_eb = static_cast<uint16_t>(f(DfOutEb, DwOutEb));
  d.out_r = static_cast<uint8_t>(f(DfOutR, DwOutR));
  d.out_stride = static_cast<uint8_t>(f(DfOutStride, DwOutStride));
  d.out_pad = static_cast<uint8_t>(f(DfOutPad, DwOutPad));
  d.out_e = static_cast<uint16_t>(f(DfOutE, DwOutE));
  return d;
}

Pitch pitch_of(int C, int W) {
  Pitch p;
  p.lpix = clog2c(C);
  p.lrow = std::max(3, clog2c(W) + p.lpix);
  return p;
}

Band band_of(int lane, int eb, int E, int stride, int pad, int R) {
  Band b;
  b.y0 = lane * eb;
  b.rows = std::clamp(E - b.y0, 0, eb);
  b.lo = int64_t{b.y0} * stride - pad;
  b.in_rows = int64_t{eb - 1} * stride + R;
  return b;
}

int64_t band_bytes(int eb, int stride, int R, const Pitch& p) {
  return (int64_t{eb - 1} * stride + R) << p.lrow;
}

int stream_code_bits(WeightType t) {
  return code_bits(t, 8);
}

Program compile(const Model& m, const HwConfig& hw, const CompileOptions& opt) {
  check_config(hw);
  Program p;
  p.hw = hw;
  const size_t n = m.layers.size();
  if (n == 0) throw CompileError("model has no layers");
  if (n > 4096) throw CompileError("more than 4096 layers");
  p.in_C = m.in_C;
  p.in_H = m.in_H;
  p.in_W = m.in_W;
  p.input_pitch = pitch_of(m.in_C, m.in_W);

  // Address plan: descriptors, statistics records, input tensor, output tensors, weight regions.
  p.prog_base = 0x1000;
  uint64_t addr = p.prog_base + 64 * (n + 1);
  const uint32_t stats_base = align64(addr);
  const uint64_t stats_stride = 8 * hw::StatsWords;
  addr = stats_base + stats_stride * n;
  p.input_addr = align64(addr);
  addr = p.input_addr + (static_cast<uint64_t>(m.in_H) << p.input_pitch.lrow);

  InView in;
  in.C = m.in_C;
  in.H = m.in_H;
  in.W = m.in_W;
  in.perm.resize(static_cast<size_t>(m.in_C));
  std::iota(in.perm.begin(), in.perm.end(), 0);

  p.layers.resize(n);
  std::vector<std::vector<std::vector<int32_t>>> rows(n);  // per layer, per slot: codes of the stored row
  for (size_t i = 0; i < n; ++i) {
    const Layer& L = m.layers[i];
    CompiledLayer& cl = p.layers[i];
    cl.model_layer = i;
    Descriptor& d = cl.desc;
    const LayerChoice ch = i < opt.layers.size() ? opt.layers[i] : opt.dflt;
    if (L.C > 65535 || L.H > 65535 || L.W > 65535 || L.M > 65535) fail(L, i, "a dimension exceeds 65535");
    if (L.R > 7 || L.S > 7) fail(L, i, "kernel " + std::to_string(L.R) + "x" + std::to_string(L.S) + " exceeds 7x7");
    if (L.stride > 4) fail(L, i, "stride " + std::to_string(L.stride) + " exceeds 4");
    d.op = L.type == LayerType::kConv ? Op::kConv : (L.type == LayerType::kFc ? Op::kFc : Op::kPool);
    d.load_input = i == 0;
    d.in_side = (i % 2) == 1;
    d.store_output = opt.store_all || i + 1 == n;
    d.in_addr = i == 0 ? p.input_addr : 0;
    d.stats_addr = hw.stats ? stats_base + static_cast<uint32_t>(stats_stride * i) : 0;
    const Pitch in_pitch = pitch_of(in.C, in.W);
    if (d.op == Op::kFc) {
      // The fc row runs over the producer's stored tensor (C, H, W) in its holey HWC order: row index
      // k = (y << lrow) | (x << lpix) | c; positions with x >= W or c >= C are holes (never non-zero).
      const int64_t k = static_cast<int64_t>(in.H) << in_pitch.lrow;
      if (int64_t{in.C} * in.H * in.W != L.C) fail(L, i, "input size does not match the previous layer");
      if (k > 65535) fail(L, i, "fc input of " + std::to_string(k) + " stored bytes exceeds 65535");
      if (k > hw.bank_bytes) {
        fail(L, i,
             "fc input of " + std::to_string(k) + " bytes (power-of-two pitches) exceeds the lane bank (" +
                 std::to_string(hw.bank_bytes) + " bytes)");
      }
      d.C = static_cast<uint16_t>(in.C);
      d.H = static_cast<uint16_t>(in.H);
      d.W = static_cast<uint16_t>(in.W);
      d.E = d.F = 1;
      d.R = d.S = 1;
      d.stride = 1;
      d.pad = 0;
      d.M = static_cast<uint16_t>(L.M);
    } else {
      d.C = static_cast<uint16_t>(L.C);
      d.H = static_cast<uint16_t>(L.H);
      d.W = static_cast<uint16_t>(L.W);
      d.M = static_cast<uint16_t>(L.M);
      d.E = static_cast<uint16_t>(L.E);
      d.F = static_cast<uint16_t>(L.F);
      d.R = static_cast<uint8_t>(L.R);
      d.S = static_cast<uint8_t>(L.S);
      d.stride = static_cast<uint8_t>(L.stride);
      d.pad = static_cast<uint8_t>(L.pad);
      d.eb = static_cast<uint16_t>((L.E + hw.lanes - 1) / hw.lanes);
      const int64_t bb = band_bytes(d.eb, d.stride, d.R, in_pitch);
      if (bb > hw.bank_bytes) {
        fail(L, i,
             "input band of " + std::to_string(bb) + " bytes (" + std::to_string(d.eb) +
                 " output rows per lane) exceeds the lane bank (" + std::to_string(hw.bank_bytes) + " bytes)");
      }
    }
    d.act_bits = static_cast<uint8_t>(L.act_bits);
    d.act_signed = L.act_signed;
    if (L.type == LayerType::kMaxPool) {
      // bits of the tensor being pooled: those of the previous layer's output (or the input image)
      int b = m.in_bits;
      bool sg = false;
      for (size_t j = i; j-- > 0;) {
        if (m.layers[j].type != LayerType::kMaxPool) {
          b = m.layers[j].out_bits;
          sg = m.layers[j].out_signed;
          break;
        }
      }
      // A 1-bit signed output ({-1, 0}, stored as 0xFF / 0x00) is pooled as the 8-bit signed bytes it is
      // stored as: the engine compares 1-bit signed activations unsigned, as XNOR codes (1 = +1 > 0 = -1).
      if (b == 1 && sg) b = 8;
      d.act_bits = static_cast<uint8_t>(b);
      d.act_signed = sg;
      d.out_signed = sg;
      d.out_bits = static_cast<uint8_t>(b);
      d.out_mode = 0;
      cl.out_perm = in.perm;  // pooling keeps the channel order
    } else {
      if (!(hw.mac_types >> static_cast<int>(L.wtype) & 1u) && !(ch.bitserial && hw.bitserial)) {
        fail(L, i, "weight type " + to_string(L.wtype) + " is not in this build (MacTypes)");
      }
      if (L.syq != SyqMode::kNone && !hw.syq) fail(L, i, "SYQ kernel-position scales are not in this build");
      d.syq = L.syq != SyqMode::kNone;
      if (ch.bitserial && !hw.bitserial) fail(L, i, "bit-serial requested but the build has no bit-serial datapath");
      if (ch.bitserial && L.act_bits == 1 && L.act_signed)
        fail(L, i, "binary (+-1) activations run bit-parallel (XNOR)");
      d.wtype = static_cast<uint8_t>(L.wtype);
      d.bitserial = ch.bitserial;
      Format f = ch.format;
      // rle8 carries ternary and binary codes only: the automatic choice falls back to RLE for other types.
      const bool r8_type = L.wtype == WeightType::kTernary || L.wtype == WeightType::kBinary;
      if (ch.auto_format && L.wtype == WeightType::kInt8) {
        f = Format::kDense;
        cl.format_note = "int8 layers are stored dense";
      } else if (ch.auto_format && L.wtype == WeightType::kBinary && f != Format::kRleAligned) {
        f = Format::kDense;
        cl.format_note = "binary weights have no zeros to skip: dense (1 bit per weight) is smallest";
      } else if (f == Format::kRleAligned && !r8_type) {
        if (!ch.auto_format)
          fail(L, i, "format rle8 carries ternary and binary weights only, not " + to_string(L.wtype));
        f = Format::kRle;
        cl.format_note = "rle8 carries ternary and binary weights only, not " + to_string(L.wtype);
      }
      if (f == ch.format) cl.format_note.clear();
      if (!(hw.formats >> static_cast<int>(f) & 1u)) fail(L, i, "format " + to_string(f) + " is not in this build");
      d.fmt = static_cast<uint8_t>(f);
      d.pack = ch.pack && hw.pack == 8 && f == Format::kDense && r8_type && !d.bitserial && !d.syq && d.C % 8 == 0;
      d.out_mode = static_cast<uint8_t>(L.mode);
      d.out_bits = static_cast<uint8_t>(L.mode == RequantMode::kRaw ? 8 : L.out_bits);
      d.out_signed = L.out_signed;
      if (d.op == Op::kConv && L.row_len() > hw.max_conv_row) {
        fail(L, i,
             "row length C*R*S = " + std::to_string(L.row_len()) + " exceeds the build's MaxConvRow " +
                 std::to_string(hw.max_conv_row));
      }
      // Filters sorted by non-zero count (descending), so that the Cols filters of a pass are alike.
      std::vector<int64_t> nz(static_cast<size_t>(L.M), 0);
      for (int mm = 0; mm < L.M; ++mm) {
        for (int64_t k = 0; k < L.row_len(); ++k) nz[mm] += L.weights[static_cast<size_t>(mm * L.row_len() + k)] != 0;
      }
      cl.out_perm.resize(static_cast<size_t>(L.M));
      std::iota(cl.out_perm.begin(), cl.out_perm.end(), 0);
      if (opt.balance) {
        std::stable_sort(cl.out_perm.begin(), cl.out_perm.end(), [&](int a, int b) { return nz[a] > nz[b]; });
      }
    }
    cl.out_elem_bytes = (d.op != Op::kPool && d.out_mode == hw::OutRaw) ? 4 : 1;
    cl.out_pitch = pitch_of(d.M, d.F);
    cl.out_bytes = (static_cast<int64_t>(d.E) << cl.out_pitch.lrow) * cl.out_elem_bytes;
    d.out_addr = align64(addr);
    addr = d.out_addr + static_cast<uint64_t>(cl.out_bytes);

    // Stored rows in slot order: conv (r, s, c) with c in the input's stored order; fc over the holey
    // stored input index.
    if (L.has_weights()) {
      const int64_t K = d.op == Op::kFc ? (static_cast<int64_t>(d.H) << in_pitch.lrow) : int64_t{d.C} * d.R * d.S;
      auto& lr = rows[i];
      for (int slot = 0; slot < L.M; ++slot) {
        const int mm = cl.out_perm[static_cast<size_t>(slot)];
        // weight values; fc holes keep kHole and are stored as code 0 (their activations are masked)
        std::vector<int32_t> w(static_cast<size_t>(K), d.op == Op::kFc ? kHole : 0);
        if (d.op == Op::kFc) {
          for (int y = 0; y < in.H; ++y)
            for (int x = 0; x < in.W; ++x)
              for (int c = 0; c < in.C; ++c) {
                const int64_t model_k = (int64_t{in.perm[static_cast<size_t>(c)]} * in.H + y) * in.W + x;
                w[static_cast<size_t>(in_pitch.index(y, x, c))] = L.weights[static_cast<size_t>(mm * L.C + model_k)];
              }
        } else {
          for (int r = 0; r < L.R; ++r)
            for (int s = 0; s < L.S; ++s)
              for (int c = 0; c < L.C; ++c)
                w[static_cast<size_t>((r * L.S + s) * L.C + c)] = L.weight(mm, in.perm[static_cast<size_t>(c)], r, s);
        }
        lr.push_back(std::move(w));
      }
    }
    // the next layer reads this output
    in.C = d.M;
    in.H = d.E;
    in.W = d.F;
    in.perm = cl.out_perm;
  }

  // Output layouts: each layer writes the next one's input bands (or its fc vector) unless it is the last
  // layer or its output is raw.
  for (size_t i = 0; i < n; ++i) {
    Descriptor& d = p.layers[i].desc;
    const bool raw = d.op != Op::kPool && d.out_mode == hw::OutRaw;
    if (i + 1 < n) {
      if (raw) fail(m.layers[i], i, "a raw (int32) output can only be the last layer's");
      const Descriptor& nx = p.layers[i + 1].desc;
      d.out_banks = true;
      d.out_fc = nx.op == Op::kFc;
      if (!d.out_fc) {
        d.out_eb = nx.eb;
        d.out_r = nx.R;
        d.out_stride = nx.stride;
        d.out_pad = nx.pad;
        d.out_e = nx.E;
      }
    }
  }

  // Weight regions: blocks in slot order (pass-major, column-minor).
  std::vector<std::vector<uint64_t>> regions(n);
  std::vector<std::pair<size_t, std::vector<uint64_t>>> syq_regions;
  for (size_t i = 0; i < n; ++i) {
    const Layer& L = m.layers[i];
    CompiledLayer& cl = p.layers[i];
    Descriptor& d = cl.desc;
    if (!L.has_weights()) continue;
    const auto f = static_cast<Format>(d.fmt);
    const int cb = stream_code_bits(L.wtype);
    const int64_t amax = (L.act_bits == 1 && L.act_signed) ? 1
                         : L.act_signed                    ? (int64_t{1} << (L.act_bits - 1))
                                                           : (int64_t{1} << L.act_bits) - 1;
    cl.dense_weights = int64_t{L.M} * L.row_len();
    auto& region = regions[i];
    for (int slot = 0; slot < L.M; ++slot) {
      const int mm = cl.out_perm[static_cast<size_t>(slot)];
      const auto& w = rows[i][static_cast<size_t>(slot)];
      std::vector<uint32_t> codes(w.size());
      int64_t sum_abs = 0, nz = 0;
      for (size_t k = 0; k < w.size(); ++k) {
        codes[k] = w[k] == kHole ? 0 : *encode_weight(L.wtype, w[k]);
        nz += w[k] == kHole ? (decode_weight(L.wtype, 0).value_or(0) != 0) : (w[k] != 0);
        cl.model_nnz += w[k] != kHole && w[k] != 0;
      }
      for (int c = 0; c < L.C; ++c)
        for (int r = 0; r < L.R; ++r)
          for (int s = 0; s < L.S; ++s) sum_abs += std::abs(L.eff_weight(mm, c, r, s));
      if (sum_abs * amax >= (int64_t{1} << (hw.acc_bits - 1))) {
        fail(L, i,
             "filter " + std::to_string(mm) + " can overflow the " + std::to_string(hw.acc_bits) +
                 "-bit accumulator (sum|w|*max|a| = " + std::to_string(sum_abs * amax) + ")");
      }
      std::vector<uint64_t> words;
      try {
        words = encode_row(f, codes, L.wtype, cb, opt.fparams);
      } catch (const std::exception& e) {
        fail(L, i, std::string("cannot encode filter ") + std::to_string(mm) + ": " + e.what());
      }
      if (static_cast<int64_t>(words.size()) > hw.cache_words - 2) {
        fail(L, i,
             "filter " + std::to_string(mm) + " needs " + std::to_string(words.size()) +
                 " stream words, more than a weight-cache bank holds after its 2 header words (" +
                 std::to_string(hw.cache_words - 2) + ")");
      }
      if (nz > 65535) fail(L, i, "more than 65535 non-zeros in one filter");
      cl.slot_nnz.push_back(nz);
      cl.slot_words.push_back(static_cast<int64_t>(words.size()));
      cl.nnz += nz;
      uint64_t q0 = 0, q1 = 0, q2 = 0;
      if (L.mode == RequantMode::kLinear) {
        q0 = static_cast<uint32_t>(L.bias[mm]);
        q1 = static_cast<uint32_t>(L.mult[mm]);
        q2 = static_cast<uint32_t>(L.shift[mm]);
      } else if (L.mode == RequantMode::kThreshold) {
        const int nt = (1 << L.out_bits) - 1;
        q0 = static_cast<uint32_t>(L.thresholds[static_cast<size_t>(mm) * nt]);
        if (nt > 1) {
          q1 = static_cast<uint32_t>(L.thresholds[static_cast<size_t>(mm) * nt + 1]);
          q2 = static_cast<uint32_t>(L.thresholds[static_cast<size_t>(mm) * nt + 2]);
        }
      } else {
        q0 = static_cast<uint32_t>(L.bias[mm]);
      }
      region.push_back(words.size() | (static_cast<uint64_t>(nz) << 16) | (q0 << 32));
      region.push_back(q1 | (q2 << 32));
      region.insert(region.end(), words.begin(), words.end());
    }
    d.wgt_addr = align64(addr);
    cl.weight_words = static_cast<int64_t>(region.size());
    addr = d.wgt_addr + 8 * region.size();
    if (d.syq) {  // R*S scale bytes, 8 per word
      d.syq_addr = align64(addr);
      std::vector<uint64_t> sq((L.syq_scales.size() + 7) / 8, 0);
      for (size_t k = 0; k < L.syq_scales.size(); ++k)
        sq[k / 8] |= static_cast<uint64_t>(L.syq_scales[k]) << (8 * (k % 8));
      syq_regions.emplace_back(i, sq);
      addr = d.syq_addr + 8 * sq.size();
    }
  }

  p.image.assign(align64(addr) / 8, 0);
  for (size_t i = 0; i < n; ++i) {
    const auto w = p.layers[i].desc.encode();
    std::copy(w.begin(), w.end(), p.image.begin() + (p.prog_base / 8 + 8 * i));
    std::copy(regions[i].begin(), regions[i].end(), p.image.begin() + p.layers[i].desc.wgt_addr / 8);
  }
  for (const auto& [i, sq] : syq_regions)
    std::copy(sq.begin(), sq.end(), p.image.begin() + p.layers[i].desc.syq_addr / 8);
  return p;
}

namespace {

uint8_t get_byte(const std::vector<uint64_t>& mem, uint64_t a) {
  return static_cast<uint8_t>(mem.at(a / 8) >> (8 * (a % 8)));
}
void put_byte(std::vector<uint64_t>& mem, uint64_t a, uint8_t b) {
  uint64_t& w = mem.at(a / 8);
  w = (w & ~(uint64_t{0xff} << (8 * (a % 8)))) | (static_cast<uint64_t>(b) << (8 * (a % 8)));
}

}  // namespace

void place_input(Program& p, const std::vector<uint8_t>& image) {
  if (image.size() != static_cast<size_t>(p.in_C) * p.in_H * p.in_W)
    throw std::invalid_argument("image size does not match the model input");
  for (int c = 0; c < p.in_C; ++c)
    for (int y = 0; y < p.in_H; ++y)
      for (int x = 0; x < p.in_W; ++x)
        put_byte(p.image, p.input_addr + static_cast<uint64_t>(p.input_pitch.index(y, x, c)),
                 image[(static_cast<size_t>(c) * p.in_H + y) * p.in_W + x]);
}

std::vector<int32_t> read_output(const Program& p, const std::vector<uint64_t>& mem, size_t i) {
  const CompiledLayer& cl = p.layers.at(i);
  const Descriptor& d = cl.desc;
  std::vector<int32_t> out(static_cast<size_t>(d.M) * d.E * d.F);
  for (int s = 0; s < d.M; ++s) {
    const int mm = cl.out_perm[static_cast<size_t>(s)];
    for (int y = 0; y < d.E; ++y) {
      for (int x = 0; x < d.F; ++x) {
        const uint64_t a = d.out_addr + static_cast<uint64_t>(cl.out_pitch.index(y, x, s)) * cl.out_elem_bytes;
        int32_t v;
        if (cl.out_elem_bytes == 4) {
          uint32_t u = 0;
          for (int b = 0; b < 4; ++b) u |= static_cast<uint32_t>(get_byte(mem, a + b)) << (8 * b);
          v = static_cast<int32_t>(u);
        } else {
          const uint8_t b = get_byte(mem, a);
          v = d.out_signed ? static_cast<int8_t>(b) : b;
        }
        out[(static_cast<size_t>(mm) * d.E + y) * d.F + x] = v;
      }
    }
  }
  return out;
}

LayerStats read_stats(const Program& p, const std::vector<uint64_t>& mem, size_t i) {
  LayerStats s;
  const size_t a = p.layers.at(i).desc.stats_addr / 8;
  if (a == 0) return s;
  for (unsigned k = 0; k < hw::StatsWords; ++k) s.w[k] = mem.at(a + k);
  return s;
}

std::string to_string(const LayerStats& s) {
  static const char* names[hw::StatsWords] = {"cycles",    "run",       "entries", "groups",   "stall_fetch",
                                              "stall_out", "stall_dec", "balance", "bytes_rd", "bytes_wr"};
  std::ostringstream os;
  for (unsigned k = 0; k < hw::StatsWords; ++k) os << (k ? " " : "") << names[k] << "=" << s.w[k];
  return os.str();
}

}  // namespace tern
