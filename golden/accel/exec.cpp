// Functional model of the v2 engine: descriptor checks, chaining, weight blocks and the layer arithmetic.
#include "golden/accel/exec.hpp"

#include <algorithm>
#include <sstream>

#include "golden/arith.hpp"
#include "golden/net/reference.hpp"

namespace tern {

const char* error_name(uint8_t err_class) {
  switch (err_class) {
    case hw::ErrOp: return "unknown opcode";
    case hw::ErrMode: return "mode invalid or not in this build";
    case hw::ErrShape: return "inconsistent shape";
    case hw::ErrSize: return "tensor, band or row beyond the buffers";
    case hw::ErrAlign: return "misaligned address";
    case hw::ErrRsvd: return "reserved descriptor bits set";
    case hw::ErrStream: return "malformed weight stream";
    case hw::ErrBlock: return "malformed weight block header";
    case hw::ErrMemRd: return "memory read error";
    case hw::ErrMemWr: return "memory write error";
    case hw::ErrTime: return "memory timeout";
    default: return "unknown";
  }
}

namespace {

// floor((n - k) / u) + 1 == e, with n >= k
bool out_extent_ok(int64_t n, int64_t k, int64_t u, int64_t e) {
  return n >= k && (e - 1) * u + k <= n && (e - 1) * u + k + u > n;
}

uint8_t code(unsigned cls, unsigned detail = 0) {
  return static_cast<uint8_t>(cls << 4 | detail);
}

struct Thrown {
  uint8_t code;
  std::string message;
};

}  // namespace

uint8_t check_descriptor(const Descriptor& d, const std::array<uint64_t, 8>& raw, const HwConfig& hw,
                         const ChainState& chain) {
  using namespace tern::hw;
  const bool out_fields = d.out_fc || d.out_eb || d.out_r || d.out_stride || d.out_pad || d.out_e;
  if (get_field(raw, DfRsvd0, DwRsvd0) || get_field(raw, DfRsvd2, DwRsvd2) || get_field(raw, DfRsvd6, 54) ||
      raw[7] != 0 || (!d.out_banks && out_fields) ||
      (d.out_banks && d.out_fc && (d.out_eb || d.out_r || d.out_stride || d.out_pad || d.out_e))) {
    return code(ErrRsvd);
  }
  const bool conv = d.op == Op::kConv, fc = d.op == Op::kFc, pool = d.op == Op::kPool;
  if (!(conv || fc || pool)) return code(ErrOp);
  if (d.C == 0 || d.H == 0 || d.W == 0 || d.M == 0 || d.E == 0 || d.F == 0 || d.R == 0 || d.S == 0 || d.R > 7 ||
      d.S > 7 || d.stride == 0 || d.stride > 4) {
    return code(ErrShape);
  }
  if ((d.in_addr | d.out_addr | d.wgt_addr | d.syq_addr | d.stats_addr) & 7u) return code(ErrAlign);
  const int L = hw.lanes;
  const Pitch pin = pitch_of(d.C, d.W), pout = pitch_of(d.M, d.F);
  const bool bands_ok = d.eb >= 1 && d.eb <= d.E && int64_t{d.eb} * L >= d.E;
  const bool raw_out = !pool && d.out_mode == OutRaw;
  // shape
  if (pool) {
    if (d.pad != 0 || d.M != d.C || d.R > d.H || d.S > d.W || !out_extent_ok(d.H, d.R, d.stride, d.E) ||
        !out_extent_ok(d.W, d.S, d.stride, d.F) || !bands_ok) {
      return code(ErrShape);
    }
  } else if (fc) {
    if (d.R != 1 || d.S != 1 || d.E != 1 || d.F != 1 || d.stride != 1 || d.pad != 0 || d.eb != 0) return code(ErrShape);
  } else {
    const int64_t hp = d.H + 2 * d.pad, wp = d.W + 2 * d.pad;
    if (d.pad >= d.R || d.pad >= d.S || d.R > hp || d.S > wp || !out_extent_ok(hp, d.R, d.stride, d.E) ||
        !out_extent_ok(wp, d.S, d.stride, d.F) || !bands_ok) {
      return code(ErrShape);
    }
  }
  if (d.out_banks && !d.out_fc &&
      (d.out_eb == 0 || d.out_e == 0 || d.out_r == 0 || d.out_r > 7 || d.out_stride == 0 || d.out_stride > 4 ||
       d.out_pad >= d.out_r || d.out_eb > d.out_e || int64_t{d.out_eb} * L < d.out_e)) {
    return code(ErrShape);
  }
  // mode
  if (pool) {
    if (d.act_bits == 0 || d.act_bits > 8 || d.out_mode != 0 || d.syq || d.pack || d.bitserial) return code(ErrMode);
  } else {
    const bool xnor = d.act_bits == 1 && d.act_signed;
    const bool narrow =
        d.wtype == static_cast<uint8_t>(WeightType::kTernary) || d.wtype == static_cast<uint8_t>(WeightType::kBinary);
    if (d.wtype > 6 || d.fmt > 4 || !((hw.formats >> d.fmt) & 1u) || d.act_bits == 0 || d.act_bits > 8 ||
        (d.bitserial && (!hw.bitserial || xnor)) || (!d.bitserial && !((hw.mac_types >> d.wtype) & 1u)) ||
        d.out_mode == 3 || d.out_bits == 0 || d.out_bits > 8 || (d.out_mode == OutThreshold && d.out_bits > 2) ||
        (d.syq && !hw.syq) ||
        (d.pack && (hw.pack != 8 || d.fmt != FmtDense || !narrow || d.bitserial || d.syq || d.C % 8 != 0)) ||
        (raw_out && d.out_banks)) {
      return code(ErrMode);
    }
  }
  // size
  if (pool || conv) {
    if (band_bytes(d.eb, d.stride, d.R, pin) > hw.bank_bytes) return code(ErrSize);
    if (conv && int64_t{d.C} * d.R * d.S > hw.max_conv_row) return code(ErrSize);
  } else {
    const int64_t k = static_cast<int64_t>(d.H) << pin.lrow;
    if (k > 65535 || k > hw.bank_bytes) return code(ErrSize);
  }
  if (d.out_banks) {
    const int64_t need =
        d.out_fc ? (static_cast<int64_t>(d.E) << pout.lrow) : band_bytes(d.out_eb, d.out_stride, d.out_r, pout);
    if (need > hw.bank_bytes || (d.out_fc && need > 65535)) return code(ErrSize);
  }
  // chaining: a layer that does not load its input reads what the previous layer wrote, in its layout
  if (!d.load_input) {
    const bool ok = chain.valid && d.in_side == chain.side && chain.fc == fc && d.C == chain.M && d.H == chain.E &&
                    d.W == chain.F &&
                    (fc || (chain.eb == d.eb && chain.e == d.E && chain.r == d.R && chain.stride == d.stride &&
                            chain.pad == d.pad));
    if (!ok) return code(ErrShape, 1);
  }
  return 0;
}

ChainState chain_after(const Descriptor& d) {
  ChainState c;
  c.valid = d.out_banks;
  c.side = !d.in_side;
  c.fc = d.out_fc;
  c.eb = d.out_eb;
  c.e = d.out_e;
  c.r = d.out_r;
  c.stride = d.out_stride;
  c.pad = d.out_pad;
  c.M = d.M;
  c.E = d.E;
  c.F = d.F;
  return c;
}

ExecResult execute(std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw, const FormatParams& fp) {
  using namespace tern::hw;
  ExecResult res;
  auto rd = [&](uint64_t addr) -> uint64_t {
    if (addr / 8 >= mem.size()) throw Thrown{code(ErrMemRd), "read outside memory"};
    return mem[addr / 8];
  };
  auto wr_byte = [&](uint64_t addr, uint8_t b) {
    if (addr / 8 >= mem.size()) throw Thrown{code(ErrMemWr), "write outside memory"};
    uint64_t& w = mem[addr / 8];
    w = (w & ~(uint64_t{0xff} << (8 * (addr % 8)))) | (static_cast<uint64_t>(b) << (8 * (addr % 8)));
  };
  ChainState chain;
  std::vector<uint8_t> cur;  // the tensor the next layer reads: stored (C, H, W) bytes, C,H,W order
  uint64_t ptr = prog_base;
  int layer = 0;
  try {
    for (;; ++layer, ptr += 64) {
      std::array<uint64_t, 8> raw{};
      for (int i = 0; i < 8; ++i) raw[i] = rd(ptr + 8 * i);
      const Descriptor d = Descriptor::decode(raw);
      if (d.op == Op::kEnd) break;
      const uint8_t ce = check_descriptor(d, raw, hw, chain);
      if (ce != 0) throw Thrown{ce, ""};
      const Pitch pin = pitch_of(d.C, d.W), pout = pitch_of(d.M, d.F);
      const int64_t hw_ = int64_t{d.H} * d.W;
      std::vector<uint8_t> in;
      if (d.load_input) {
        in.assign(static_cast<size_t>(d.C * hw_), 0);
        // the loader reads whole rows of the holey layout
        const int64_t words = ((static_cast<int64_t>(d.H) << pin.lrow) + 7) / 8;
        for (int64_t wi = 0; wi < words; ++wi) (void)rd(d.in_addr + 8 * static_cast<uint64_t>(wi));
        for (int c = 0; c < d.C; ++c)
          for (int y = 0; y < d.H; ++y)
            for (int x = 0; x < d.W; ++x) {
              const uint64_t a = d.in_addr + static_cast<uint64_t>(pin.index(y, x, c));
              in[(static_cast<size_t>(c) * d.H + y) * d.W + x] =
                  static_cast<uint8_t>(rd(a & ~uint64_t{7}) >> (8 * (a % 8)));
            }
      } else {
        in = cur;
      }
      const bool raw_out = d.op != Op::kPool && d.out_mode == OutRaw;
      const int eb = raw_out ? 4 : 1;
      std::vector<int32_t> outv(static_cast<size_t>(d.M) * d.E * d.F, 0);
      if (d.op == Op::kPool) {
        const bool sg = d.act_signed && d.act_bits != 1;
        for (int c = 0; c < d.C; ++c)
          for (int y = 0; y < d.E; ++y)
            for (int x = 0; x < d.F; ++x) {
              int32_t mx = 0;
              for (int r = 0; r < d.R; ++r)
                for (int s = 0; s < d.S; ++s) {
                  const uint8_t b = in[static_cast<size_t>(c * hw_ + (y * d.stride + r) * d.W + x * d.stride + s)];
                  const int32_t v = sg ? static_cast<int8_t>(b) : b;
                  if ((r == 0 && s == 0) || v > mx) mx = v;
                }
              outv[(static_cast<size_t>(c) * d.E + y) * d.F + x] = mx;
            }
      } else {
        const auto wt = static_cast<WeightType>(d.wtype);
        const int cb = stream_code_bits(wt);
        const bool fc = d.op == Op::kFc;
        const int64_t K = fc ? (static_cast<int64_t>(d.H) << pin.lrow) : int64_t{d.C} * d.R * d.S;
        const bool xnor = d.act_bits == 1 && d.act_signed;
        std::vector<int64_t> scale(static_cast<size_t>(d.R) * d.S, 1);
        if (d.syq) {
          for (size_t k = 0; k < scale.size(); ++k)
            scale[k] = static_cast<uint8_t>(rd(d.syq_addr + 8 * (k / 8)) >> (8 * (k % 8)));
        }
        auto act = [&](uint8_t b) -> int64_t {
          if (xnor) return (b & 1u) ? 1 : -1;
          if (d.bitserial) return act_value(b, d.act_bits, d.act_signed);
          return d.act_signed ? static_cast<int8_t>(b) : b;
        };
        uint64_t waddr = d.wgt_addr;
        for (int slot = 0; slot < d.M; ++slot) {
          const uint64_t h0 = rd(waddr), h1 = rd(waddr + 8);
          const int64_t row_words = static_cast<int64_t>(h0 & 0xffff), nnz = static_cast<int64_t>((h0 >> 16) & 0xffff);
          if (row_words == 0 || row_words > hw.cache_words - 2)
            throw Thrown{code(ErrBlock, 1), "slot " + std::to_string(slot)};
          const auto q0 = static_cast<int32_t>(h0 >> 32), q1 = static_cast<int32_t>(h1),
                     q2 = static_cast<int32_t>(h1 >> 32);
          std::vector<uint64_t> words(static_cast<size_t>(row_words));
          for (int64_t i = 0; i < row_words; ++i)
            words[static_cast<size_t>(i)] = rd(waddr + 16 + 8 * static_cast<uint64_t>(i));
          waddr += 16 + 8 * static_cast<uint64_t>(row_words);
          const DecodeResult dr = decode_row(static_cast<Format>(d.fmt), words, K, wt, cb, fp);
          if (!dr.ok()) throw Thrown{code(ErrStream, static_cast<unsigned>(dr.error)), dr.message};
          int64_t nz = 0;
          for (const Entry& e : dr.entries) {
            if (e.empty) continue;
            if (code_reserved(wt, e.code, cb)) throw Thrown{code(ErrStream, 8), "reserved code"};
            nz += decode_weight(wt, e.code).value_or(0) != 0;
          }
          if (nz != nnz) throw Thrown{code(ErrBlock, 2), "slot " + std::to_string(slot)};
          for (int y = 0; y < d.E; ++y) {
            for (int x = 0; x < d.F; ++x) {
              int64_t acc = 0;
              for (const Entry& e : dr.entries) {
                if (e.empty) continue;
                const int64_t k = e.index;
                int c, iy, ix, rs;
                if (fc) {
                  iy = static_cast<int>(k >> pin.lrow);
                  ix = static_cast<int>((k >> pin.lpix) & ((int64_t{1} << (pin.lrow - pin.lpix)) - 1));
                  c = static_cast<int>(k & ((int64_t{1} << pin.lpix) - 1));
                  rs = 0;
                  if (ix >= d.W || c >= d.C) continue;  // a hole
                } else {
                  c = static_cast<int>(k % d.C);
                  rs = static_cast<int>(k / d.C);
                  const int r = rs / d.S, s = rs % d.S;
                  iy = y * d.stride - d.pad + r;
                  ix = x * d.stride - d.pad + s;
                  if (iy < 0 || iy >= d.H || ix < 0 || ix >= d.W) continue;  // padding
                }
                const int64_t w = decode_weight(wt, e.code).value_or(0) * scale[static_cast<size_t>(rs)];
                acc += w * act(in[static_cast<size_t>(c * hw_ + int64_t{iy} * d.W + ix)]);
              }
              outv[(static_cast<size_t>(slot) * d.E + y) * d.F + x] = requantise_q(
                  d.out_mode, raw_out ? 32 : d.out_bits, d.out_signed, q0, q1, q2, wrap_signed(acc, hw.acc_bits));
            }
          }
        }
      }
      if (d.store_output) {
        for (int mm = 0; mm < d.M; ++mm)
          for (int y = 0; y < d.E; ++y)
            for (int x = 0; x < d.F; ++x) {
              const int32_t v = outv[(static_cast<size_t>(mm) * d.E + y) * d.F + x];
              const uint64_t a = d.out_addr + static_cast<uint64_t>(pout.index(y, x, mm)) * eb;
              for (int b = 0; b < eb; ++b) wr_byte(a + b, static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * b)));
            }
      }
      cur.assign(outv.size(), 0);
      for (size_t i = 0; i < outv.size(); ++i) cur[i] = static_cast<uint8_t>(outv[i]);
      chain = chain_after(d);
    }
  } catch (const Thrown& t) {
    res.ok = false;
    res.err_code = t.code;
    res.layer = layer;
    std::ostringstream os;
    os << "layer " << layer << ": " << error_name(static_cast<uint8_t>(t.code >> 4)) << " (code 0x" << std::hex
       << int{t.code} << ")" << (t.message.empty() ? "" : ": " + t.message);
    res.message = os.str();
    return res;
  }
  res.layer = layer;
  return res;
}

}  // namespace tern
