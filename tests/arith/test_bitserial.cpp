// Bit-serial MAC (tern_mac_bitserial, plane interface) and its word version (feeder + MAC) against
// their cycle models (golden/bitserial_model.hpp) every cycle under random valid/ready stalls, plus
// the results against the bit-parallel golden dot product, latency/throughput and overflow corners.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>

#include "golden/bitserial_model.hpp"
#include "tb/bits.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_arith_configs.hpp"

namespace {

using tern::BitPlane;
using tern::WeightType;
using tern::WordBeat;

// One dot product: its beats and the bit-parallel golden result.
struct Vec {
  std::vector<WordBeat> beats;
  int64_t want = 0;
};

template <class Cfg>
struct BsTraits {
  static constexpr auto kType = static_cast<WeightType>(Cfg::WgtType);
  static constexpr int kLanes = static_cast<int>(Cfg::Lanes);
  static constexpr int kMaxBits = static_cast<int>(Cfg::MaxBits);
  static int cbits() { return tern::code_bits(kType, Cfg::IntBits); }
  static int abits() {
    return Cfg::AccWidth ? static_cast<int>(Cfg::AccWidth)
                         : tern::acc_bits(kType, Cfg::IntBits, kMaxBits, Cfg::MaxLen);
  }

  // A random vector of `len` beats at precision `nbits` (0: a random precision per beat).
  static Vec random_vector(std::mt19937_64& rng, int len, double zero_p, int nbits, bool is_signed) {
    Vec v;
    const auto values = tern::weight_values(kType, Cfg::IntBits);
    std::uniform_int_distribution<size_t> pick(0, values.size() - 1);
    std::uniform_int_distribution<int> bits(1, kMaxBits);
    std::bernoulli_distribution zero(zero_p);
    for (int i = 0; i < len; ++i) {
      WordBeat b;
      b.nbits = nbits ? nbits : bits(rng);
      b.is_signed = is_signed;
      b.last = (i == len - 1);
      for (int l = 0; l < kLanes; ++l) {
        int32_t w = values[pick(rng)];
        if (zero(rng) && tern::encode_weight(kType, 0, Cfg::IntBits)) w = 0;
        b.codes.push_back(*tern::encode_weight(kType, w, Cfg::IntBits));
        const uint64_t raw = rng() & ((uint64_t{1} << b.nbits) - 1);
        b.raw_acts.push_back(raw);
        v.want += w * tern::act_value(raw, b.nbits, is_signed);
      }
      v.beats.push_back(b);
    }
    return v;
  }

  // The planes of a beat, most significant first.
  static std::vector<BitPlane> planes(const WordBeat& b) {
    std::vector<BitPlane> out;
    const int nb = tern::bitserial_bits(b.nbits, kMaxBits);
    for (int j = nb - 1; j >= 0; --j) {
      BitPlane p;
      for (int l = 0; l < kLanes; ++l) p.bits.push_back(static_cast<uint8_t>((b.raw_acts[l] >> j) & 1u));
      p.codes = b.codes;
      p.nbits = b.nbits;
      p.is_signed = b.is_signed;
      p.last = b.last;
      out.push_back(p);
    }
    return out;
  }
};

// Drives `items` (planes or words) into the DUT and its model in lockstep, comparing the handshake
// and the result every cycle; returns the sums the DUT produced (stops at the first mismatch).
template <class Cfg, class RefModel, class Item, class Drive>
std::vector<int64_t> run_lockstep(RefModel& model, std::deque<Item> pending, size_t nvec, const Item& idle,
                                  Drive drive, double p_in, double p_out, uint64_t seed, const std::string& name,
                                  std::vector<uint64_t>* out_cycles = nullptr) {
  tern::tb::Sim<typename Cfg::Model> sim(name);
  tern::tb::Stall in_go(p_in, seed * 2 + 1), out_go(p_out, seed * 2 + 2);
  const int abits = BsTraits<Cfg>::abits();
  sim->valid_i = 0;
  sim->ready_i = 0;
  sim.reset();
  model.reset();
  std::vector<int64_t> sums;
  bool hold = false;
  uint64_t guard = 0;
  while ((!pending.empty() || sums.size() < nvec) && guard++ < 2000000) {
    const bool valid = !pending.empty() && (hold || in_go.next());
    const bool ready = out_go.next();
    const Item& it = valid ? pending.front() : idle;
    sim->valid_i = valid;
    sim->ready_i = ready;
    drive(sim.model(), it);
    sim.settle();
    model.set_ready_in(ready);
    const uint64_t cyc = sim.cycle();
    EXPECT_EQ(static_cast<bool>(sim->ready_o), model.ready()) << name << " ready_o, cycle " << cyc;
    EXPECT_EQ(static_cast<bool>(sim->valid_o), model.valid()) << name << " valid_o, cycle " << cyc;
    if (sim->valid_o && model.valid()) {
      const int64_t got = tern::tb::sext(tern::tb::get_bits(sim->acc_o, 0, abits), abits);
      EXPECT_EQ(got, model.acc()) << name << " acc_o, cycle " << cyc;
      if (ready) {
        sums.push_back(got);
        if (out_cycles) out_cycles->push_back(cyc);
      }
    }
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "first mismatch at cycle " << cyc
                    << (sim.wave_file().empty() ? " (TERN_WAVES=1 dumps an FST)" : " waves: " + sim.wave_file());
      return sums;
    }
    const bool accept = valid && sim->ready_o;
    model.step(valid, it);
    sim.tick();
    hold = valid && !accept;
    if (accept) pending.pop_front();
  }
  EXPECT_LT(guard, 2000000u) << "no progress";
  return sums;
}

// ------------------------------------------------------------------ plane interface (MAC alone)

template <class Cfg>
class BitSerialMacTest : public ::testing::Test {
 protected:
  using T = BsTraits<Cfg>;

  static void drive(typename Cfg::Model& m, const BitPlane& p) {
    for (int l = 0; l < T::kLanes; ++l) {
      tern::tb::set_bits(m.abit_i, static_cast<unsigned>(l), 1, p.bits[l]);
      tern::tb::set_bits(m.wgt_i, static_cast<unsigned>(l * T::cbits()), static_cast<unsigned>(T::cbits()),
                         p.codes[l]);
    }
    m.bits_i = static_cast<uint8_t>(p.nbits);
    m.signed_i = p.is_signed;
    m.last_i = p.last;
  }

  static std::vector<int64_t> run(const std::vector<Vec>& vecs, double p_in, double p_out, uint64_t seed,
                                  const std::string& name, std::vector<uint64_t>* out_cycles = nullptr) {
    std::deque<BitPlane> pending;
    for (const auto& v : vecs) {
      for (const auto& b : v.beats) {
        for (auto& p : T::planes(b)) pending.push_back(p);
      }
    }
    BitPlane idle;
    idle.bits.assign(T::kLanes, 0);
    idle.codes.assign(T::kLanes, 0);
    tern::BitSerialMacModel model(T::kType, Cfg::IntBits, T::kLanes, T::kMaxBits);
    return run_lockstep<Cfg>(model, pending, vecs.size(), idle, drive, p_in, p_out, seed, name, out_cycles);
  }
};
TYPED_TEST_SUITE(BitSerialMacTest, tern_mac_bitserial_configs);

template <class Cfg, class Runner>
void lockstep_all_precisions(Runner run) {
  using T = BsTraits<Cfg>;
  const std::pair<double, double> stalls[] = {{1.0, 1.0}, {0.5, 1.0}, {1.0, 0.3}, {0.6, 0.6}};
  uint64_t seed = 21;
  for (auto [p_in, p_out] : stalls) {
    std::mt19937_64 rng(seed);
    std::vector<Vec> vecs;
    std::vector<int64_t> want;
    std::uniform_int_distribution<int> len(1, std::min<int>(12, Cfg::MaxLen / Cfg::Lanes));
    // Every precision 1..MaxBits, signed and unsigned, then vectors mixing precisions per beat.
    for (int nb = 0; nb <= T::kMaxBits; ++nb) {
      for (int sg = 0; sg < 2; ++sg) {
        for (int r = 0; r < 3; ++r) {
          const double zero_p = r == 0 ? 0.0 : (r == 1 ? 0.5 : 0.95);
          vecs.push_back(T::random_vector(rng, len(rng), zero_p, nb, sg != 0));
          want.push_back(vecs.back().want);
        }
      }
    }
    const std::string name = std::string(Cfg::kName) + "_stall_" + std::to_string(static_cast<int>(p_in * 10)) +
                             "_" + std::to_string(static_cast<int>(p_out * 10));
    const auto got = run(vecs, p_in, p_out, seed, name);
    ASSERT_EQ(got, want) << name;
    ++seed;
  }
}

TYPED_TEST(BitSerialMacTest, LockstepUnderRandomStalls) {
  using Cfg = TypeParam;
  lockstep_all_precisions<Cfg>([](auto&&... a) { return BitSerialMacTest<Cfg>::run(a...); });
}

// Latency = bits (first plane accepted in cycle t -> acc_o valid in cycle t + bits) and throughput =
// one beat per `bits` cycles, with no stalls.
TYPED_TEST(BitSerialMacTest, LatencyIsBitsAndThroughputOneBeatPerBits) {
  using Cfg = TypeParam;
  using T = BsTraits<Cfg>;
  std::mt19937_64 rng(7);
  for (int nb = 1; nb <= T::kMaxBits; ++nb) {
    for (int beats : {1, 5}) {
      if (beats * T::kLanes > Cfg::MaxLen) continue;
      const Vec v = T::random_vector(rng, beats, 0.0, nb, true);
      std::vector<uint64_t> cycles;
      const auto got = BitSerialMacTest<Cfg>::run({v}, 1.0, 1.0, 1, std::string(Cfg::kName) + "_latency", &cycles);
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], v.want);
      // After reset() the first plane is accepted in cycle 2 (two reset edges).
      EXPECT_EQ(cycles[0], 2u + static_cast<uint64_t>(beats * nb)) << Cfg::kName << " bits=" << nb;
    }
  }
}

template <class Cfg, class Runner>
void max_length_corners(Runner run) {
  using T = BsTraits<Cfg>;
  const auto values = tern::weight_values(T::kType, Cfg::IntBits);
  const int nb = T::kMaxBits;
  // Extreme activations: unsigned 2^b - 1, signed -2^(b-1).
  const struct {
    uint64_t raw;
    bool sg;
  } acts[] = {{(uint64_t{1} << nb) - 1, false}, {uint64_t{1} << (nb - 1), true}};
  for (int32_t w : {values.front(), values.back()}) {
    for (auto a : acts) {
      Vec v;
      const int beats = Cfg::MaxLen / T::kLanes;
      for (int i = 0; i < beats; ++i) {
        WordBeat b;
        b.nbits = nb;
        b.is_signed = a.sg;
        b.last = (i + 1 == beats);
        for (int l = 0; l < T::kLanes; ++l) {
          b.codes.push_back(*tern::encode_weight(T::kType, w, Cfg::IntBits));
          b.raw_acts.push_back(a.raw);
          v.want += w * tern::act_value(a.raw, nb, a.sg);
        }
        v.beats.push_back(b);
      }
      const auto got = run(std::vector<Vec>{v}, 1.0, 1.0, 3, std::string(Cfg::kName) + "_maxlen");
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], v.want) << Cfg::kName << " w=" << w << " signed=" << a.sg;
    }
  }
}

TYPED_TEST(BitSerialMacTest, NoOverflowAtMaxLength) {
  using Cfg = TypeParam;
  max_length_corners<Cfg>([](auto&&... a) { return BitSerialMacTest<Cfg>::run(a...); });
}

// ------------------------------------------------------------------ word interface (feeder + MAC)

template <class Cfg>
class BitSerialWordTest : public ::testing::Test {
 protected:
  using T = BsTraits<Cfg>;

  static void drive(typename Cfg::Model& m, const WordBeat& b) {
    for (int l = 0; l < T::kLanes; ++l) {
      tern::tb::set_bits(m.act_i, static_cast<unsigned>(l * T::kMaxBits), T::kMaxBits, b.raw_acts[l]);
      tern::tb::set_bits(m.wgt_i, static_cast<unsigned>(l * T::cbits()), static_cast<unsigned>(T::cbits()),
                         b.codes[l]);
    }
    m.bits_i = static_cast<uint8_t>(b.nbits);
    m.signed_i = b.is_signed;
    m.last_i = b.last;
  }

  static std::vector<int64_t> run(const std::vector<Vec>& vecs, double p_in, double p_out, uint64_t seed,
                                  const std::string& name, std::vector<uint64_t>* out_cycles = nullptr) {
    std::deque<WordBeat> pending;
    for (const auto& v : vecs) pending.insert(pending.end(), v.beats.begin(), v.beats.end());
    WordBeat idle;
    idle.raw_acts.assign(T::kLanes, 0);
    idle.codes.assign(T::kLanes, 0);
    tern::BitSerialWordMacModel model(T::kType, Cfg::IntBits, T::kLanes, T::kMaxBits);
    return run_lockstep<Cfg>(model, pending, vecs.size(), idle, drive, p_in, p_out, seed, name, out_cycles);
  }
};
TYPED_TEST_SUITE(BitSerialWordTest, tern_mac_bitserial_word_configs);

TYPED_TEST(BitSerialWordTest, LockstepUnderRandomStalls) {
  using Cfg = TypeParam;
  lockstep_all_precisions<Cfg>([](auto&&... a) { return BitSerialWordTest<Cfg>::run(a...); });
}

// Word latency = bits + 1 (the feeder's register); throughput one word per `bits` cycles.
TYPED_TEST(BitSerialWordTest, LatencyIsBitsPlusOne) {
  using Cfg = TypeParam;
  using T = BsTraits<Cfg>;
  std::mt19937_64 rng(9);
  for (int nb = 1; nb <= T::kMaxBits; ++nb) {
    for (int beats : {1, 4}) {
      const Vec v = T::random_vector(rng, beats, 0.0, nb, false);
      std::vector<uint64_t> cycles;
      const auto got = BitSerialWordTest<Cfg>::run({v}, 1.0, 1.0, 1, std::string(Cfg::kName) + "_latency", &cycles);
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], v.want);
      EXPECT_EQ(cycles[0], 2u + static_cast<uint64_t>(beats * nb + 1)) << Cfg::kName << " bits=" << nb;
    }
  }
}

TYPED_TEST(BitSerialWordTest, NoOverflowAtMaxLength) {
  using Cfg = TypeParam;
  max_length_corners<Cfg>([](auto&&... a) { return BitSerialWordTest<Cfg>::run(a...); });
}

}  // namespace
