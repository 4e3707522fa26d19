// Bad input and faults on the accelerator: illegal descriptors, malformed weight streams, memory
// error responses, a memory that stops answering, soft reset mid-layer, register writes while busy.
// Each case must give its documented error code, stop cleanly, and the next run must be bit-exact.
#include <gtest/gtest.h>

#include "tests/accel/rtl_fixture.hpp"

namespace {

using namespace tern;
using tern::test::small_hw;

struct Fixture {
  Model model;
  Program prog;
  std::vector<uint64_t> golden;  // memory after a correct run
};

Fixture make(uint64_t seed, int min_layers = 2) {
  const HwConfig hw = small_hw();
  std::mt19937_64 rng(seed);
  RandomModelSpec spec = tern::test::default_spec();
  spec.min_layers = min_layers;
  spec.allow_pool = false;  // every layer has a weight stream to corrupt
  for (;;) {
    Fixture f;
    f.model = random_model(rng, spec);
    CompileOptions opt = tern::test::random_choices(rng, f.model, hw);
    try {
      f.prog = compile(f.model, hw, opt);
    } catch (const CompileError&) {
      continue;
    }
    place_input(f.prog, random_image(rng, f.model));
    f.golden = f.prog.image;
    if (!execute(f.golden, f.prog.prog_base, hw).ok) continue;
    return f;
  }
}

// Outputs of every layer equal those of the correct run.
void expect_outputs(const Fixture& f, const std::vector<uint64_t>& mem, const std::string& what) {
  for (size_t i = 0; i < f.prog.layers.size(); ++i) {
    ASSERT_EQ(read_output(f.prog, mem, i), read_output(f.prog, f.golden, i)) << what << " layer " << i;
  }
}

// After an error: soft reset, restore the image, run again: must be bit-exact.
template <class D>
void recover_and_check(D& drv, const Fixture& f, const std::string& what) {
  drv.write32(tb::reg::kCtrl, 2);  // soft reset
  EXPECT_EQ(drv.read32(tb::reg::kStatus) & 0x7u, 0u) << what << ": status not cleared by soft reset";
  drv.mem().words() = f.prog.image;
  const tb::RunResult r = drv.run(f.prog.prog_base, 20000000, 5000);
  ASSERT_TRUE(r.finished && !r.error) << what << ": rerun failed, code 0x" << std::hex << int{r.err_code};
  expect_outputs(f, drv.mem().words(), what + " (rerun)");
}

TEST(AccelErrors, IllegalDescriptors) {
  const Fixture f = make(5);
  const HwConfig hw = small_hw();
  struct Corrupt {
    const char* name;
    int word;
    uint64_t mask, value;  // word = (word & ~mask) | value
  };
  const Corrupt cases[] = {
      {"unknown opcode", 0, 0xf, 0x7},
      {"weight type 7", 0, 0x7u << 4, 0x7u << 4},
      {"act_bits 0", 0, 0xfu << 10, 0},
      {"act_bits 9", 0, 0xfu << 10, 9u << 10},
      {"out_mode 3", 0, 0x3u << 16, 0x3u << 16},
      {"syq not built", 0, 1u << 23, 1u << 23},
      {"reserved bit", 0, 1ull << 40, 1ull << 40},
      {"reserved bit of word 6", 6, 1ull << 50, 1ull << 50},
      {"reserved word", 7, ~0ull, 1},
      {"C = 0", 1, 0xffff, 0},
      {"input band beyond the bank", 1, 0xffff, 0xffff},
      {"band rows eb = 0", 5, 0xffffull << 32, 0},
      {"next layer's band rows changed", 5, 0xffffull << 48, 0x7fffull << 48},
      {"output side flipped (does not chain)", 0, 1u << 26, 0},
      {"kernel 8", 2, 0xfull << 32, 8ull << 32},
      {"stride 0", 2, 0x7ull << 40, 0},
      {"E inconsistent", 2, 0xffff, 0x7000},
      {"misaligned out_addr", 3, 0xffffffffull << 32, 0x1004ull << 32},
      {"misaligned weights", 4, 0xffffffff, 0x2002},
  };
  int checked = 0;
  for (const Corrupt& c : cases) {
    for (size_t layer = 0; layer < f.prog.layers.size(); ++layer) {
      std::vector<uint64_t> img = f.prog.image;
      const size_t w = f.prog.prog_base / 8 + 8 * layer + static_cast<size_t>(c.word);
      img[w] = (img[w] & ~c.mask) | c.value;
      std::vector<uint64_t> gmem = img;
      const ExecResult want = execute(gmem, f.prog.prog_base, hw);
      if (want.ok) continue;  // this corruption is harmless for this layer
      tb::AccelDriver<Vaccel_small> drv(img, tb::MemTiming::ideal(), 3, "err_desc");
      const tb::RunResult r = drv.run(f.prog.prog_base, 5000000, 5000);
      const std::string what = std::string(c.name) + " in layer " + std::to_string(layer);
      ASSERT_TRUE(r.finished) << what << ": hang";
      ASSERT_TRUE(r.error) << what << ": no error";
      EXPECT_EQ(r.err_code, want.err_code) << what << " (" << want.message << ")";
      EXPECT_EQ(r.err_layer, want.layer) << what;
      recover_and_check(drv, f, what);
      ++checked;
    }
  }
  EXPECT_GE(checked, 15);
}

// Runs the corrupted image `img` of fixture f: it must end, with an error exactly when the functional
// model of the corrupted program reports one (same code and layer, then a bit-exact rerun after a soft
// reset), otherwise with every layer's output equal to that model's. Returns the error code (0: none).
int run_corrupted(const Fixture& f, const std::vector<uint64_t>& img, const std::string& what) {
  const HwConfig hw = small_hw();
  std::vector<uint64_t> gmem = img;
  const ExecResult want = execute(gmem, f.prog.prog_base, hw);
  tb::AccelDriver<Vaccel_small> drv(img, tb::MemTiming::ideal(), 5, "err_stream");
  const tb::RunResult r = drv.run(f.prog.prog_base, 5000000, 5000);
  EXPECT_TRUE(r.finished) << what << ": hang";
  EXPECT_EQ(r.error, !want.ok) << what << ": " << want.message;
  if (!r.finished || r.error == want.ok) return -1;
  if (want.ok) {
    // A harmless flip (e.g. in padding the decoder ignores, or a different valid weight): outputs
    // must match the functional model of the corrupted program.
    for (size_t i = 0; i < f.prog.layers.size(); ++i) {
      EXPECT_EQ(read_output(f.prog, drv.mem().words(), i), read_output(f.prog, gmem, i)) << what << " layer " << i;
    }
    return 0;
  }
  EXPECT_EQ(r.err_code, want.err_code) << what << " (" << want.message << ")";
  EXPECT_EQ(r.err_layer, want.layer) << what;
  recover_and_check(drv, f, what);
  return r.err_code;
}

TEST(AccelErrors, MalformedWeightStreamsMatchTheFunctionalModel) {
  std::mt19937_64 rng(17);
  int errors = 0, total = 0;
  for (int t = 0; t < 40; ++t) {
    const Fixture f = make(100 + t);
    const size_t layer = rng() % f.prog.layers.size();
    const CompiledLayer& cl = f.prog.layers[layer];
    std::vector<uint64_t> img = f.prog.image;
    const size_t base = cl.desc.wgt_addr / 8;
    const int kind = static_cast<int>(rng() % 4);
    if (kind == 0) {
      img[base] &= ~0xffffull;  // row_words = 0
    } else if (kind == 1) {
      img[base] = (img[base] & ~0xffffull) | 0xffff;  // row_words beyond the cache
    } else if (kind == 2) {
      img[base] ^= 1ull << 16;  // nnz off by one bit
    } else {
      const size_t w = base + 2 + rng() % static_cast<size_t>(cl.slot_words[0]);  // a stream word of filter 0
      img[w] ^= uint64_t{1} << (rng() % 64);
    }
    const int code = run_corrupted(f, img, "case " + std::to_string(t) + " kind " + std::to_string(kind));
    ASSERT_FALSE(::testing::Test::HasFailure());
    ++total;
    errors += code > 0;
  }
  EXPECT_GE(errors, 25) << "of " << total;
}

// Packed dense rows (8 codes per lane per cycle, read by the packed reader) with two adjacent bits of a
// stream word flipped (a ternary code turned reserved, or a different weight): same contract.
TEST(AccelErrors, MalformedPackedRowsMatchTheFunctionalModel) {
  std::mt19937_64 rng(23);
  int stream_errors = 0, harmless = 0;
  for (int t = 0; t < 24; ++t) {
    const tern::test::ProgramCase c =
        tern::test::make_case(rng, small_hw(), tern::test::packed_dense_spec(), tern::test::force_packed);
    std::vector<size_t> packed;
    for (size_t i = 0; i < c.prog.layers.size(); ++i) {
      if (c.prog.layers[i].desc.pack) packed.push_back(i);
    }
    if (packed.empty()) continue;
    const Fixture f{c.model, c.prog, c.golden_mem};
    const CompiledLayer& cl = f.prog.layers[packed[rng() % packed.size()]];
    std::vector<uint64_t> img = f.prog.image;
    const size_t w = cl.desc.wgt_addr / 8 + 2 + rng() % static_cast<size_t>(cl.slot_words[0]);
    img[w] ^= uint64_t{3} << (2 * (rng() % 32));
    const int code = run_corrupted(f, img, "packed case " + std::to_string(t));
    ASSERT_FALSE(::testing::Test::HasFailure());
    stream_errors += (code >> 4) == static_cast<int>(hw::ErrStream);
    harmless += code == 0;
  }
  EXPECT_GE(stream_errors, 4) << "packed rows rejected by the packed reader";
  EXPECT_GE(harmless, 1);
}

TEST(AccelErrors, MemoryErrorResponses) {
  const Fixture f = make(31, 3);
  uint64_t reads = 0, writes = 0;
  {
    tb::AccelDriver<Vaccel_small> clean(f.prog.image, tb::MemTiming::ideal(), 9, "err_mem_count");
    ASSERT_FALSE(clean.run(f.prog.prog_base).error);
    reads = clean.mem().reads();
    writes = clean.mem().writes();
  }
  ASSERT_GT(writes, 6u);
  for (int t = 0; t < 12; ++t) {
    tb::AccelDriver<Vaccel_small> drv(f.prog.image, tb::MemTiming::ideal(), 9, "err_mem");
    const bool rd = t % 2 == 0;
    // the first, the last, and requests spread in between
    if (rd)
      drv.mem().fail_read_at(1 + (reads - 1) * static_cast<uint64_t>(t / 2) / 5);
    else
      drv.mem().fail_write_at(1 + (writes - 1) * static_cast<uint64_t>(t / 2) / 5);
    const tb::RunResult r = drv.run(f.prog.prog_base, 5000000, 5000);
    ASSERT_TRUE(r.finished && r.error) << "case " << t;
    EXPECT_EQ(r.err_code, rd ? 0x90 : 0xa0) << "case " << t;
    drv.mem().fail_read_at(0);
    drv.mem().fail_write_at(0);
    recover_and_check(drv, f, "memory error case " + std::to_string(t));
  }
}

TEST(AccelErrors, MemoryThatNeverAnswersTimesOut) {
  const Fixture f = make(41, 2);
  uint64_t total = 0;
  {
    tb::AccelDriver<Vaccel_small> clean(f.prog.image, tb::MemTiming::ideal(), 11, "err_hang_len");
    total = clean.run(f.prog.prog_base).cycles;
  }
  ASSERT_GT(total, 100u);
  for (int t = 0; t < 6; ++t) {
    tb::AccelDriver<Vaccel_small> drv(f.prog.image, tb::MemTiming::ideal(), 11, "err_hang");
    drv.write32(tb::reg::kTimeout, 200);
    drv.write32(tb::reg::kProg, f.prog.prog_base);
    drv.write32(tb::reg::kCtrl, 1);
    // stop the memory at 1/7 .. 6/7 of the program
    for (uint64_t i = 0; i < total * static_cast<uint64_t>(t + 1) / 7; ++i) drv.step();
    // even cases: responses stop; odd cases: requests are refused forever
    if (t % 2 == 0)
      drv.mem().set_hang(true);
    else
      drv.mem().set_refuse(true);
    for (int i = 0; i < 2000; ++i) drv.step();
    const uint32_t st = drv.read32(tb::reg::kStatus);
    ASSERT_EQ(st & 1u, 0u) << "still busy: the engine hangs";
    ASSERT_EQ((st >> 2) & 1u, 1u) << "no error";
    EXPECT_EQ((st >> 8) & 0xffu, 0xb0u);
    // The memory wakes up and answers the old requests; they must be dropped.
    drv.mem().set_hang(false);
    drv.mem().set_refuse(false);
    recover_and_check(drv, f, "timeout case " + std::to_string(t));
  }
}

TEST(AccelErrors, SoftResetMidLayerThenBitExactRerun) {
  const Fixture f = make(51, 3);
  std::mt19937_64 rng(3);
  for (int t = 0; t < 8; ++t) {
    tb::MemTiming mt;
    mt.max_latency = 1 + t;
    tb::AccelDriver<Vaccel_small> drv(f.prog.image, mt, 13 + t, "reset_mid");
    drv.write32(tb::reg::kProg, f.prog.prog_base);
    drv.write32(tb::reg::kCtrl, 1);
    const int n = 20 + static_cast<int>(rng() % 3000);
    for (int i = 0; i < n; ++i) drv.step();
    recover_and_check(drv, f, "soft reset after " + std::to_string(n) + " cycles");
  }
}

// A soft reset in the first cycles of a run (the DESC phase of layer 0 among them) reports nothing: neither
// DONE nor an interrupt (tern_seq once pulsed done_o when a soft reset landed in DESC).
TEST(AccelErrors, SoftResetInDescReportsNothing) {
  const Fixture f = make(53, 3);
  for (int delay = 0; delay < 14; ++delay) {
    tb::AccelDriver<Vaccel_small> drv(f.prog.image, tb::MemTiming::ideal(), 31 + delay, "reset_desc");
    drv.write32(tb::reg::kProg, f.prog.prog_base);
    drv.write32(tb::reg::kCtrl, 0x5);  // start, interrupt enabled
    for (int i = 0; i < delay; ++i) drv.step();
    drv.write32(tb::reg::kCtrl, 0x6);  // soft reset, interrupt enabled
    for (int i = 0; i < 20; ++i) drv.step();
    EXPECT_EQ(drv.read32(tb::reg::kStatus) & 0x7u, 0u) << "soft reset " << delay << " cycles after start";
    EXPECT_EQ(drv.read32(tb::reg::kIrq) & 1u, 0u) << "interrupt after a soft reset " << delay << " cycles after start";
    recover_and_check(drv, f, "soft reset in DESC");
  }
}

TEST(AccelErrors, RegisterWritesWhileBusyAreRejected) {
  const Fixture f = make(61, 3);
  tb::AccelDriver<Vaccel_small> drv(f.prog.image, tb::MemTiming::ideal(), 17, "busy_writes");
  EXPECT_EQ(drv.read32(tb::reg::kId), 0x5445524eu);
  drv.write32(tb::reg::kProg, f.prog.prog_base);
  drv.write32(tb::reg::kCtrl, 1);
  for (int i = 0; i < 50; ++i) drv.step();
  ASSERT_EQ(drv.read32(tb::reg::kStatus) & 1u, 1u) << "expected busy";
  drv.write32(tb::reg::kProg, 0x40);  // ignored while busy
  drv.write32(tb::reg::kTimeout, 3);  // ignored while busy
  drv.write32(tb::reg::kCtrl, 1);     // start while busy: ignored
  EXPECT_EQ(drv.read32(tb::reg::kProg), f.prog.prog_base);
  EXPECT_EQ(drv.read32(tb::reg::kTimeout), 0u);
  EXPECT_EQ((drv.read32(tb::reg::kStatus) >> 3) & 1u, 1u) << "rejected flag";
  for (int i = 0; i < 10000000 && (drv.read32(tb::reg::kStatus) & 1u); ++i) {
    for (int k = 0; k < 200; ++k) drv.step();
  }
  const uint32_t st = drv.read32(tb::reg::kStatus);
  EXPECT_EQ(st & 0x7u, 0x2u) << "done without error";
  expect_outputs(f, drv.mem().words(), "busy writes");
  // Unmapped offsets answer SLVERR.
  drv.write32(0x7fc, 1);
  EXPECT_EQ(drv.last_bresp(), 2);
  drv.read32(0x7fc);
  EXPECT_EQ(drv.last_rresp(), 2);
}

}  // namespace
