// Functional accelerator model: descriptor checks, weight-block decoding and per-lane arithmetic.
#include "golden/accel/exec.hpp"

#include <algorithm>
#include <sstream>

#include "golden/arith.hpp"
#include "golden/net/reference.hpp"

namespace tern {

const char* to_string(EngineError e) {
  switch (e) {
    case EngineError::kNone: return "none";
    case EngineError::kOp: return "unknown opcode";
    case EngineError::kMode: return "mode invalid or not in this build";
    case EngineError::kShape: return "inconsistent shape";
    case EngineError::kSize: return "tensor or row beyond the buffers";
    case EngineError::kAlign: return "misaligned address";
    case EngineError::kReserved: return "reserved descriptor bits set";
    case EngineError::kStream: return "malformed weight stream";
    case EngineError::kBlock: return "malformed weight block header";
    case EngineError::kMemRead: return "memory read error";
    case EngineError::kMemWrite: return "memory write error";
    case EngineError::kTimeout: return "memory timeout";
  }
  return "unknown";
}

namespace {

// floor((n - k) / u) + 1 == e, with n >= k
bool out_extent_ok(int64_t n, int64_t k, int64_t u, int64_t e) {
  return n >= k && (e - 1) * u + k <= n && (e - 1) * u + k + u > n;
}

int code_bits_of(uint8_t wtype) { return stream_code_bits(static_cast<WeightType>(wtype)); }

}  // namespace

EngineError check_descriptor(const Descriptor& d, const std::array<uint64_t, 8>& raw, const HwConfig& hw) {
  if ((raw[0] >> 27) != 0 || (raw[2] >> 46) != 0 || (raw[5] >> 32) != 0 || raw[6] != 0 || raw[7] != 0) {
    return EngineError::kReserved;
  }
  const bool conv = d.op == Op::kConv, fc = d.op == Op::kFc, pool = d.op == Op::kPool;
  if (!(conv || fc || pool)) return EngineError::kOp;
  if (d.C == 0 || d.H == 0 || d.W == 0 || d.M == 0 || d.E == 0 || d.F == 0 || d.R == 0 || d.S == 0 || d.R > 7 ||
      d.S > 7 || d.stride == 0 || d.stride > 4) {
    return EngineError::kShape;
  }
  if ((d.in_addr | d.out_addr | d.wgt_addr | d.syq_addr | d.stats_addr) & 7u) return EngineError::kAlign;
  const int64_t chw = int64_t{d.C} * d.H * d.W, mef = int64_t{d.M} * d.E * d.F, crs = int64_t{d.C} * d.R * d.S;
  if (pool) {
    if (d.pad != 0 || d.M != d.C || d.R > d.H || d.S > d.W || !out_extent_ok(d.H, d.R, d.stride, d.E) ||
        !out_extent_ok(d.W, d.S, d.stride, d.F)) {
      return EngineError::kShape;
    }
    if (d.act_bits == 0 || d.act_bits > 8 || d.out_mode != 0 || d.syq) return EngineError::kMode;
    if (chw > hw.act_depth || mef > hw.act_depth) return EngineError::kSize;
    return EngineError::kNone;
  }
  const int64_t hp = d.H + 2 * d.pad, wp = d.W + 2 * d.pad;
  if (fc && (d.H != 1 || d.W != 1 || d.R != 1 || d.S != 1 || d.E != 1 || d.F != 1 || d.stride != 1 || d.pad != 0)) {
    return EngineError::kShape;
  }
  if (conv && (d.pad >= d.R || d.pad >= d.S || d.R > hp || d.S > wp || !out_extent_ok(hp, d.R, d.stride, d.E) ||
               !out_extent_ok(wp, d.S, d.stride, d.F))) {
    return EngineError::kShape;
  }
  const bool xnor = d.act_bits == 1 && d.act_signed;
  if (d.wtype > 6 || d.fmt > 4 || !((hw.formats >> d.fmt) & 1u) || d.act_bits == 0 || d.act_bits > 8 ||
      (d.bitserial && (!hw.bitserial || xnor)) || (!d.bitserial && !((hw.mac_types >> d.wtype) & 1u)) ||
      d.out_mode == 3 || d.out_bits == 0 || d.out_bits > 8 || (d.out_mode == 1 && d.out_bits > 2) ||
      (d.syq && !hw.syq)) {
    return EngineError::kMode;
  }
  if (chw > hw.act_depth || (d.out_mode != 2 && mef > hw.act_depth) || crs > hw.max_row_len) return EngineError::kSize;
  return EngineError::kNone;
}

ExecResult execute(std::vector<uint64_t>& mem, uint32_t prog_base, const HwConfig& hw, const FormatParams& fp) {
  ExecResult res;
  const int P = hw.lanes;
  std::vector<uint64_t> bank[2] = {std::vector<uint64_t>(static_cast<size_t>(hw.act_depth), 0),
                                   std::vector<uint64_t>(static_cast<size_t>(hw.act_depth), 0)};
  const uint64_t lane_mask = P >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * P)) - 1;
  auto rd = [&](uint64_t addr) -> uint64_t {
    if (addr / 8 >= mem.size()) throw EngineError::kMemRead;
    return mem[addr / 8];
  };
  auto wr = [&](uint64_t addr, uint64_t v) {
    if (addr / 8 >= mem.size()) throw EngineError::kMemWrite;
    mem[addr / 8] = v;
  };
  uint64_t ptr = prog_base;
  int layer = 0;
  try {
    for (;; ++layer, ptr += 64) {
      std::array<uint64_t, 8> raw{};
      for (int i = 0; i < 8; ++i) raw[i] = rd(ptr + 8 * i);
      const Descriptor d = Descriptor::decode(raw);
      if (d.op == Op::kEnd) break;
      const EngineError ce = check_descriptor(d, raw, hw);
      if (ce != EngineError::kNone) throw ce;
      const int ib = d.in_bank ? 1 : 0;
      auto& in = bank[ib];
      auto& out = bank[1 - ib];
      const int64_t hw_ = int64_t{d.H} * d.W, chw = d.C * hw_;
      if (d.load_input) {
        for (int64_t e = 0; e < chw; ++e) in[e] = rd(d.in_addr + 8 * e) & lane_mask;
      }
      auto lane_byte = [&](uint64_t w, int l) { return static_cast<uint8_t>(w >> (8 * l)); };
      auto store = [&](int64_t idx, const std::vector<int32_t>& y, bool raw_out) {
        if (!raw_out) {
          uint64_t w = 0;
          for (int l = 0; l < P; ++l) w |= static_cast<uint64_t>(static_cast<uint8_t>(y[l])) << (8 * l);
          out[idx] = w;
          if (d.store_output) wr(d.out_addr + 8 * idx, w);
        } else if (d.store_output) {
          const int wpe = P > 2 ? P / 2 : 1;
          for (int j = 0; j < wpe; ++j) {
            uint64_t w = static_cast<uint32_t>(y[2 * j]);
            if (2 * j + 1 < P) w |= static_cast<uint64_t>(static_cast<uint32_t>(y[2 * j + 1])) << 32;
            wr(d.out_addr + 8 * (idx * wpe + j), w);
          }
        }
      };
      if (d.op == Op::kPool) {
        const bool sg = d.act_signed && d.act_bits != 1;
        for (int c = 0; c < d.C; ++c) {
          for (int y = 0; y < d.E; ++y) {
            for (int x = 0; x < d.F; ++x) {
              std::vector<int32_t> mx(P, 0);
              for (int r = 0; r < d.R; ++r) {
                for (int s = 0; s < d.S; ++s) {
                  const uint64_t w = in[c * hw_ + (y * d.stride + r) * d.W + x * d.stride + s];
                  for (int l = 0; l < P; ++l) {
                    const int32_t v = sg ? static_cast<int8_t>(lane_byte(w, l)) : lane_byte(w, l);
                    if ((r == 0 && s == 0) || v > mx[l]) mx[l] = v;
                  }
                }
              }
              store((int64_t{c} * d.E + y) * d.F + x, mx, false);
            }
          }
        }
        continue;
      }
      const auto wt = static_cast<WeightType>(d.wtype);
      const int cb = code_bits_of(d.wtype);
      const int64_t crs = int64_t{d.C} * d.R * d.S;
      const bool xnor = d.act_bits == 1 && d.act_signed;
      std::vector<int64_t> scale(static_cast<size_t>(d.R) * d.S, 1);
      if (d.syq) {
        for (size_t k = 0; k < scale.size(); ++k) scale[k] = static_cast<uint8_t>(rd(d.syq_addr + 8 * (k / 8)) >> (8 * (k % 8)));
      }
      uint64_t waddr = d.wgt_addr;
      for (int m = 0; m < d.M; ++m) {
        const uint64_t h0 = rd(waddr), h1 = rd(waddr + 8);
        const int64_t row_words = static_cast<int64_t>(h0 & 0xffff), nnz = static_cast<int64_t>((h0 >> 16) & 0xffff);
        if (row_words == 0 || row_words > hw.cache_words) throw EngineError::kBlock;
        const auto q0 = static_cast<int32_t>(h0 >> 32), q1 = static_cast<int32_t>(h1), q2 = static_cast<int32_t>(h1 >> 32);
        std::vector<uint64_t> words(static_cast<size_t>(row_words));
        for (int64_t i = 0; i < row_words; ++i) words[i] = rd(waddr + 16 + 8 * i);
        waddr += 16 + 8 * static_cast<uint64_t>(row_words);
        const DecodeResult dr = decode_row(static_cast<Format>(d.fmt), words, crs, wt, cb, fp);
        if (!dr.ok()) {
          res.message = dr.message;
          throw EngineError::kStream;
        }
        int64_t nz = 0;
        for (const Entry& e : dr.entries) {
          if (e.empty) continue;
          if (code_reserved(wt, e.code, cb)) throw EngineError::kStream;
          nz += decode_weight(wt, e.code).value_or(0) != 0;
        }
        if (nz != nnz) throw EngineError::kBlock;
        for (int y = 0; y < d.E; ++y) {
          for (int x = 0; x < d.F; ++x) {
            std::vector<int64_t> acc(P, 0);
            for (const Entry& e : dr.entries) {
              if (e.empty) continue;
              const int64_t k = e.index;
              const int c = static_cast<int>(k / (d.R * d.S)), r = static_cast<int>(k / d.S % d.R),
                        s = static_cast<int>(k % d.S);
              const int iy = y * d.stride - d.pad + r, ix = x * d.stride - d.pad + s;
              if (iy < 0 || iy >= d.H || ix < 0 || ix >= d.W) continue;
              const uint64_t aw = in[c * hw_ + int64_t{iy} * d.W + ix];
              const int64_t w = decode_weight(wt, e.code).value_or(0) * scale[static_cast<size_t>(r) * d.S + s];
              for (int l = 0; l < P; ++l) {
                const uint8_t b = lane_byte(aw, l);
                int64_t a;
                if (xnor) a = (b & 1u) ? 1 : -1;
                else if (d.bitserial) a = act_value(b, d.act_bits, d.act_signed);  // only the low act_bits bits
                else a = d.act_signed ? static_cast<int8_t>(b) : b;
                acc[l] += w * a;
              }
            }
            std::vector<int32_t> yv(P);
            for (int l = 0; l < P; ++l) {
              yv[l] = requantise_q(d.out_mode, d.out_mode == 2 ? 32 : d.out_bits, d.out_signed, q0, q1, q2,
                                   wrap_signed(acc[l], hw.acc_bits));
            }
            store((int64_t{m} * d.E + y) * d.F + x, yv, d.out_mode == 2);
          }
        }
      }
    }
  } catch (EngineError e) {
    res.ok = false;
    res.err_code = static_cast<uint8_t>(static_cast<uint8_t>(e) << 4);
    res.layer = layer;
    std::ostringstream os;
    os << "layer " << layer << ": " << to_string(e) << (res.message.empty() ? "" : " (" + res.message + ")");
    res.message = os.str();
    return res;
  }
  res.layer = layer;
  return res;
}

}  // namespace tern
