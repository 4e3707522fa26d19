// Layer descriptors and the model-to-program compiler (docs/architecture.md: memory layout, blocks).
#include "golden/accel/program.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace tern {

namespace {

uint64_t bits(uint64_t v, int lo, int n) {
  return (v >> lo) & ((n >= 64) ? ~uint64_t{0} : ((uint64_t{1} << n) - 1));
}
uint64_t put(uint64_t v, int lo) {
  return v << lo;
}

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

}  // namespace

std::array<uint64_t, 8> Descriptor::encode() const {
  std::array<uint64_t, 8> w{};
  w[0] = put(static_cast<uint64_t>(op), 0) | put(wtype & 7u, 4) | put(fmt & 7u, 7) | put(act_bits & 15u, 10) |
         put(act_signed, 14) | put(bitserial, 15) | put(out_mode & 3u, 16) | put(out_bits & 15u, 18) |
         put(out_signed, 22) | put(syq, 23) | put(load_input, 24) | put(store_output, 25) | put(in_bank, 26);
  w[1] = put(C, 0) | put(H, 16) | put(W, 32) | put(uint64_t{M}, 48);
  w[2] = put(E, 0) | put(F, 16) | put(R & 15u, 32) | put(S & 15u, 36) | put(stride & 7u, 40) | put(pad & 7u, 43);
  w[3] = put(in_addr, 0) | put(uint64_t{out_addr}, 32);
  w[4] = put(wgt_addr, 0) | put(uint64_t{syq_addr}, 32);
  w[5] = stats_addr;
  return w;
}

Descriptor Descriptor::decode(const std::array<uint64_t, 8>& w) {
  Descriptor d;
  d.op = static_cast<Op>(bits(w[0], 0, 4));
  d.wtype = static_cast<uint8_t>(bits(w[0], 4, 3));
  d.fmt = static_cast<uint8_t>(bits(w[0], 7, 3));
  d.act_bits = static_cast<uint8_t>(bits(w[0], 10, 4));
  d.act_signed = bits(w[0], 14, 1);
  d.bitserial = bits(w[0], 15, 1);
  d.out_mode = static_cast<uint8_t>(bits(w[0], 16, 2));
  d.out_bits = static_cast<uint8_t>(bits(w[0], 18, 4));
  d.out_signed = bits(w[0], 22, 1);
  d.syq = bits(w[0], 23, 1);
  d.load_input = bits(w[0], 24, 1);
  d.store_output = bits(w[0], 25, 1);
  d.in_bank = bits(w[0], 26, 1);
  d.C = static_cast<uint16_t>(bits(w[1], 0, 16));
  d.H = static_cast<uint16_t>(bits(w[1], 16, 16));
  d.W = static_cast<uint16_t>(bits(w[1], 32, 16));
  d.M = static_cast<uint16_t>(bits(w[1], 48, 16));
  d.E = static_cast<uint16_t>(bits(w[2], 0, 16));
  d.F = static_cast<uint16_t>(bits(w[2], 16, 16));
  d.R = static_cast<uint8_t>(bits(w[2], 32, 4));
  d.S = static_cast<uint8_t>(bits(w[2], 36, 4));
  d.stride = static_cast<uint8_t>(bits(w[2], 40, 3));
  d.pad = static_cast<uint8_t>(bits(w[2], 43, 3));
  d.in_addr = static_cast<uint32_t>(bits(w[3], 0, 32));
  d.out_addr = static_cast<uint32_t>(bits(w[3], 32, 32));
  d.wgt_addr = static_cast<uint32_t>(bits(w[4], 0, 32));
  d.syq_addr = static_cast<uint32_t>(bits(w[4], 32, 32));
  d.stats_addr = static_cast<uint32_t>(bits(w[5], 0, 32));
  return d;
}

int stream_code_bits(WeightType t) {
  return code_bits(t, 8);
}

Program compile(const Model& m, const HwConfig& hw, const CompileOptions& opt) {
  Program p;
  p.hw = hw;
  const size_t n = m.layers.size();
  if (n == 0) throw CompileError("model has no layers");
  if (n > 4096) throw CompileError("more than 4096 layers");
  if (hw.lanes != 1 && hw.lanes != 2 && hw.lanes != 4 && hw.lanes != 8)
    throw CompileError("lanes must be 1, 2, 4 or 8");

  // Address plan: descriptors, statistics, input tensor, output tensors, weight regions.
  p.prog_base = 0x1000;
  uint64_t addr = p.prog_base + 64 * (n + 1);
  const uint32_t stats_base = align64(addr);
  addr = stats_base + 64 * n;
  p.input_addr = align64(addr);
  const int64_t in_elems = int64_t{m.in_C} * m.in_H * m.in_W;
  addr = p.input_addr + 8 * static_cast<uint64_t>(in_elems);

  p.layers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Layer& L = m.layers[i];
    CompiledLayer& cl = p.layers[i];
    cl.model_layer = i;
    Descriptor& d = cl.desc;
    const LayerChoice ch = i < opt.layers.size() ? opt.layers[i] : opt.dflt;
    if (L.C > 65535 || L.H > 65535 || L.W > 65535 || L.M > 65535) fail(L, i, "a dimension exceeds 65535");
    d.op = L.type == LayerType::kConv ? Op::kConv : (L.type == LayerType::kFc ? Op::kFc : Op::kPool);
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
    d.load_input = i == 0;
    d.in_bank = (i % 2) == 1;
    d.store_output = opt.store_all || i + 1 == n;
    d.in_addr = i == 0 ? p.input_addr : 0;
    d.stats_addr = stats_base + static_cast<uint32_t>(64 * i);
    d.act_bits = static_cast<uint8_t>(L.type == LayerType::kMaxPool ? (i == 0 ? m.in_bits : 0) : L.act_bits);
    d.act_signed = L.act_signed;
    if (L.R > 7 || L.S > 7) fail(L, i, "kernel " + std::to_string(L.R) + "x" + std::to_string(L.S) + " exceeds 7x7");
    if (L.stride > 4) fail(L, i, "stride " + std::to_string(L.stride) + " exceeds 4");
    if (L.in_elems() > hw.act_depth) {
      fail(L, i,
           "input tensor of " + std::to_string(L.in_elems()) + " elements exceeds the activation buffer (" +
               std::to_string(hw.act_depth) + ")");
    }
    cl.out_elems = L.out_elems();
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
      if (cl.out_elems > hw.act_depth) fail(L, i, "output tensor exceeds the activation buffer");
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
      d.out_mode = static_cast<uint8_t>(L.mode);
      d.out_bits = static_cast<uint8_t>(L.mode == RequantMode::kRaw ? 8 : L.out_bits);
      d.out_signed = L.out_signed;
      if (L.row_len() > hw.max_row_len) {
        fail(L, i,
             "row length C*R*S = " + std::to_string(L.row_len()) + " exceeds the build's MaxRowLen " +
                 std::to_string(hw.max_row_len));
      }
      if (L.mode != RequantMode::kRaw && cl.out_elems > hw.act_depth) {
        fail(L, i,
             "output tensor of " + std::to_string(cl.out_elems) + " elements exceeds the activation buffer (" +
                 std::to_string(hw.act_depth) + ")");
      }
      if (L.mode == RequantMode::kRaw) cl.out_words_per_elem = hw.lanes > 2 ? hw.lanes / 2 : 1;
    }
    d.out_addr = align64(addr);
    addr = d.out_addr + 8 * static_cast<uint64_t>(cl.out_elems) * cl.out_words_per_elem;
  }

  // Weight regions
  std::vector<std::vector<uint64_t>> regions(n);
  std::vector<std::pair<size_t, std::vector<uint64_t>>> syq_regions;
  for (size_t i = 0; i < n; ++i) {
    const Layer& L = m.layers[i];
    CompiledLayer& cl = p.layers[i];
    Descriptor& d = cl.desc;
    if (L.type == LayerType::kMaxPool) continue;
    const int cb = stream_code_bits(L.wtype);
    const auto f = static_cast<Format>(d.fmt);
    // Accumulator bound: sum |w| * max |a| must fit AccBits (signed).
    const int64_t amax = (L.act_bits == 1 && L.act_signed) ? 1
                         : L.act_signed                    ? (int64_t{1} << (L.act_bits - 1))
                                                           : (int64_t{1} << L.act_bits) - 1;
    cl.dense_weights = int64_t{L.M} * L.row_len();
    auto& region = regions[i];
    for (int mm = 0; mm < L.M; ++mm) {
      std::vector<uint32_t> codes(static_cast<size_t>(L.row_len()));
      int64_t sum_abs = 0, nz = 0;
      for (int c = 0; c < L.C; ++c) {
        for (int r = 0; r < L.R; ++r) {
          for (int s = 0; s < L.S; ++s) {
            const int32_t w = L.weight(mm, c, r, s);
            codes[(static_cast<size_t>(c) * L.R + r) * L.S + s] = *encode_weight(L.wtype, w);
            sum_abs += std::abs(L.eff_weight(mm, c, r, s));
            nz += w != 0;
          }
        }
      }
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
      if (static_cast<int64_t>(words.size()) > hw.cache_words) {
        fail(L, i,
             "filter " + std::to_string(mm) + " needs " + std::to_string(words.size()) +
                 " stream words, more than the weight cache's " + std::to_string(hw.cache_words));
      }
      if (nz > 65535) fail(L, i, "more than 65535 non-zeros in one filter");
      const DecodeResult dr = decode_row(f, words, L.row_len(), L.wtype, cb, opt.fparams);
      if (!dr.ok()) fail(L, i, "internal: filter " + std::to_string(mm) + " does not decode: " + dr.message);
      cl.row_entries.push_back(static_cast<int64_t>(dr.entries.size()));
      cl.row_cycles.push_back(zero_stall_cycles(dr));
      cl.row_nnz.push_back(nz);
      cl.row_words.push_back(static_cast<int64_t>(words.size()));
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
  for (const auto& [i, sq] : syq_regions) {
    std::copy(sq.begin(), sq.end(), p.image.begin() + p.layers[i].desc.syq_addr / 8);
  }
  // END descriptor: all zero words, already in place.
  return p;
}

void place_inputs(Program& p, const std::vector<std::vector<uint8_t>>& images) {
  if (static_cast<int>(images.size()) > p.hw.lanes) throw std::invalid_argument("more images than lanes");
  const Descriptor& d = p.layers.front().desc;
  const size_t elems = static_cast<size_t>(d.op == Op::kFc ? d.C : int64_t{d.C} * d.H * d.W);
  for (size_t e = 0; e < elems; ++e) {
    uint64_t w = 0;
    for (size_t l = 0; l < images.size(); ++l) {
      if (images[l].size() != elems) throw std::invalid_argument("image size does not match the first layer");
      w |= static_cast<uint64_t>(images[l][e]) << (8 * l);
    }
    p.image[p.input_addr / 8 + e] = w;
  }
}

std::vector<int32_t> read_output(const Program& p, const std::vector<uint64_t>& mem, size_t i, int lane) {
  const CompiledLayer& cl = p.layers.at(i);
  const Descriptor& d = cl.desc;
  std::vector<int32_t> out(static_cast<size_t>(cl.out_elems));
  const bool raw = d.op != Op::kPool && d.out_mode == 2;
  for (int64_t e = 0; e < cl.out_elems; ++e) {
    if (raw) {
      const uint64_t w = mem.at(d.out_addr / 8 + e * cl.out_words_per_elem + lane / 2);
      out[e] = static_cast<int32_t>(static_cast<uint32_t>(w >> (32 * (lane % 2))));
    } else {
      const auto b = static_cast<uint8_t>(mem.at(d.out_addr / 8 + e) >> (8 * lane));
      // Signed outputs of every width, 1 bit included ({-1, 0}), are stored sign-extended to the byte.
      out[e] = d.out_signed ? static_cast<int8_t>(b) : b;
    }
  }
  return out;
}

LayerStats read_stats(const Program& p, const std::vector<uint64_t>& mem, size_t i) {
  const size_t a = p.layers.at(i).desc.stats_addr / 8;
  LayerStats s;
  s.cycles = mem.at(a);
  s.entries = mem.at(a + 1);
  s.skipped = mem.at(a + 2);
  s.stall_fetch = mem.at(a + 3);
  s.stall_out = mem.at(a + 4);
  s.stall_dec = mem.at(a + 5);
  s.bytes_read = mem.at(a + 6);
  s.bytes_written = mem.at(a + 7);
  return s;
}

}  // namespace tern
