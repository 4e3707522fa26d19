// Fuzz target: layer descriptors (raw words, or fields drawn from small and boundary values, optionally
// with a flipped bit) as the first descriptor of a program on the Verilated accelerator (Vaccel_small).
// The RTL's CHECK verdict must equal check_descriptor() of the functional model: the same error code
// for an illegal descriptor, no descriptor error (classes 1..6) for a legal one; no assertion may fail
// and the engine must not hang.
#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "tb/accel_driver.hpp"
#include "tern_vm_accel_configs.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace tern;

namespace {

HwConfig small_hw() {
  HwConfig hw;
  hw.cols = static_cast<int>(Vaccel_small_cfg::Cols);
  hw.lanes = static_cast<int>(Vaccel_small_cfg::Lanes);
  hw.pack = static_cast<int>(Vaccel_small_cfg::Pack);
  hw.bank_bytes = Vaccel_small_cfg::BankBytes;
  hw.max_conv_row = Vaccel_small_cfg::MaxConvRow;
  hw.cache_words = Vaccel_small_cfg::CacheWords;
  hw.rq_units = static_cast<int>(Vaccel_small_cfg::RqUnits);
  return hw;
}

// A field value: mostly small, sometimes a boundary or anything.
uint32_t pick(fuzz::Bytes& b, uint32_t small, uint32_t bits) {
  const uint8_t k = b.u8();
  if (k < 200) return b.below(small + 1);
  if (k < 230) return (k & 1) ? (1u << bits) - 1 : small + 1;
  return b.u32() & ((bits >= 32) ? ~0u : (1u << bits) - 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes b(data, size);
  std::array<uint64_t, 8> w{};
  if (b.u8() & 1) {
    for (auto& x : w) x = b.u64();
  } else {
    Descriptor d;
    d.op = static_cast<Op>(1 + b.below(4));
    d.wtype = static_cast<uint8_t>(pick(b, 6, 3));
    d.fmt = static_cast<uint8_t>(pick(b, 3, 3));
    d.act_bits = static_cast<uint8_t>(pick(b, 8, 4));
    d.act_signed = b.u8() & 1;
    d.bitserial = b.u8() & 1;
    d.out_mode = static_cast<uint8_t>(pick(b, 2, 2));
    d.out_bits = static_cast<uint8_t>(pick(b, 8, 4));
    d.out_signed = b.u8() & 1;
    d.syq = b.u8() & 1;
    d.load_input = b.u8() & 1;
    d.store_output = b.u8() & 1;
    d.in_side = b.u8() & 1;
    d.pack = b.u8() < 40;
    d.out_banks = b.u8() & 1;
    d.out_fc = d.out_banks && b.u8() < 60;
    d.C = static_cast<uint16_t>(pick(b, 8, 16));
    d.H = static_cast<uint16_t>(pick(b, 16, 16));
    d.W = static_cast<uint16_t>(pick(b, 16, 16));
    d.M = static_cast<uint16_t>(pick(b, 8, 16));
    d.R = static_cast<uint8_t>(pick(b, 7, 4));
    d.S = static_cast<uint8_t>(pick(b, 7, 4));
    d.stride = static_cast<uint8_t>(pick(b, 4, 3));
    d.pad = static_cast<uint8_t>(pick(b, 3, 3));
    if (b.u8() & 1) {  // consistent output size most of the time
      const int st = d.stride ? d.stride : 1;
      d.E = static_cast<uint16_t>((d.H + 2 * d.pad - d.R) / st + 1);
      d.F = static_cast<uint16_t>((d.W + 2 * d.pad - d.S) / st + 1);
    } else {
      d.E = static_cast<uint16_t>(pick(b, 16, 16));
      d.F = static_cast<uint16_t>(pick(b, 16, 16));
    }
    d.eb = static_cast<uint16_t>(b.u8() & 1 ? (d.E + 3) / 4 : pick(b, 8, 16));
    if (d.out_banks && !d.out_fc) {
      d.out_r = static_cast<uint8_t>(pick(b, 7, 4));
      d.out_stride = static_cast<uint8_t>(pick(b, 4, 3));
      d.out_pad = static_cast<uint8_t>(pick(b, 3, 3));
      d.out_e = static_cast<uint16_t>(pick(b, 16, 16));
      d.out_eb = static_cast<uint16_t>(b.u8() & 1 ? (d.out_e + 3) / 4 : pick(b, 8, 16));
    }
    d.in_addr = 0x4000 + 8 * b.below(64) + (b.u8() < 20 ? 4 : 0);
    d.out_addr = 0x8000 + 8 * b.below(64) + (b.u8() < 20 ? 2 : 0);
    d.wgt_addr = 0xc000 + (b.u8() < 20 ? 1 : 0);
    d.syq_addr = 0xe000 + (b.u8() < 20 ? 6 : 0);
    d.stats_addr = (b.u8() & 1) ? 0xf000 : 0;
    w = d.encode();
    if (b.u8() < 40) {
      const uint32_t bit = b.below(512);
      w[bit / 64] ^= 1ull << (bit % 64);
    }
  }
  const HwConfig hw = small_hw();
  const Descriptor d = Descriptor::decode(w);
  const bool end = (w[0] & 0xf) == 0;
  const int want = end ? 0 : static_cast<int>(check_descriptor(d, w, hw, ChainState{}));
  std::vector<uint64_t> image(0x10000 / 8, 0);
  const uint32_t base = 0x100;
  for (int i = 0; i < 8; ++i) image[base / 8 + i] = w[i];  // followed by zeros: an END descriptor
  try {
    tb::AccelDriver<Vaccel_small> drv(image, tb::MemTiming::ideal(), 1, "fuzz_desc");
    drv.write32(tb::reg::kTimeout, 1000);
    drv.write32(tb::reg::kProg, base);
    drv.write32(tb::reg::kCtrl, 1);
    // DESC (10 cycles) and CHECK (24) take 34 cycles with an ideal memory: 60 is past the verdict.
    for (int i = 0; i < 60 && drv.sim().model().rootp->tern_top__DOT__busy; ++i) drv.step();
    int got = 0;
    if (!drv.sim().model().rootp->tern_top__DOT__busy) {
      const uint32_t st = drv.read32(tb::reg::kStatus);
      if ((st >> 2) & 1) got = static_cast<int>((st >> 8) & 0xff);
      if (end) fuzz::check(st == 0x2, "END descriptor: status " + std::to_string(st));
    } else {
      fuzz::check(!end, "END descriptor: engine still busy");
    }
    if ((got >> 4) > 6) got = 0;  // memory, stream or block errors come after CHECK passed
    fuzz::check(got == want, "CHECK verdict: RTL code " + std::to_string(got) + ", check_descriptor code " +
                                 std::to_string(want));
    // Stop a layer that passed CHECK: soft reset, the engine must be idle soon after.
    drv.write32(tb::reg::kCtrl, 2);
    for (int i = 0; i < 1100 && drv.sim().model().rootp->tern_top__DOT__busy; ++i) drv.step();
    fuzz::check(!drv.sim().model().rootp->tern_top__DOT__busy, "engine busy after soft reset");
  } catch (const tb::AssertionFailure& e) {
    fuzz::fail(e.what());
  }
  return 0;
}
