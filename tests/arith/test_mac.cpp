// tern_mac against its cycle model (golden/mac_model.hpp) every cycle, under random valid/ready
// stalls, plus the functional result against golden dot products and accumulator-width corners.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "golden/mac_model.hpp"
#include "tb/bits.hpp"
#include "tb/sim.hpp"
#include "tb/stall.hpp"
#include "tern_vm_arith_configs.hpp"

namespace {

using tern::ActKind;
using tern::WeightType;

struct Beat {
  std::vector<int64_t> acts;
  std::vector<uint64_t> raw_acts;
  std::vector<uint32_t> codes;
  bool last = false;
};

template <class Cfg>
class MacTest : public ::testing::Test {
 protected:
  static constexpr auto kType = static_cast<WeightType>(Cfg::WgtType);
  static constexpr auto kKind = static_cast<ActKind>(Cfg::ActKind);
  static int cbits() { return tern::code_bits(kType, Cfg::IntBits); }
  static int abits() {
    const int min = tern::act_acc_bits(kType, Cfg::IntBits, Cfg::ActBits, kKind, Cfg::MaxLen);
    return Cfg::AccWidth ? static_cast<int>(Cfg::AccWidth) : min;
  }
  static int64_t act_of(uint64_t raw) { return tern::act_decode(kKind, raw, Cfg::ActBits, Cfg::ActSigned != 0); }

  // Random vector of `len` beats; `zero_p` is the probability of a zero weight code.
  static std::vector<Beat> random_vector(std::mt19937_64& rng, int len, double zero_p) {
    std::vector<Beat> v(static_cast<size_t>(len));
    const auto values = tern::weight_values(kType, Cfg::IntBits);
    std::uniform_int_distribution<size_t> pick(0, values.size() - 1);
    std::uniform_int_distribution<uint64_t> araw(0, (uint64_t{1} << Cfg::ActBits) - 1);
    std::bernoulli_distribution zero(zero_p);
    for (int i = 0; i < len; ++i) {
      Beat& b = v[static_cast<size_t>(i)];
      for (int l = 0; l < Cfg::Lanes; ++l) {
        int32_t w = values[pick(rng)];
        if (zero(rng) && tern::encode_weight(kType, 0, Cfg::IntBits)) w = 0;
        b.codes.push_back(*tern::encode_weight(kType, w, Cfg::IntBits));
        const uint64_t r = araw(rng);
        b.raw_acts.push_back(r);
        b.acts.push_back(act_of(r));
      }
      b.last = (i == len - 1);
    }
    return v;
  }

  static void drive(typename Cfg::Model& m, const Beat& b) {
    for (int l = 0; l < Cfg::Lanes; ++l) {
      tern::tb::set_bits(m.act_i, static_cast<unsigned>(l * Cfg::ActBits), Cfg::ActBits, b.raw_acts[l]);
      tern::tb::set_bits(m.wgt_i, static_cast<unsigned>(l * cbits()), static_cast<unsigned>(cbits()), b.codes[l]);
    }
    m.last_i = b.last;
  }

  // Runs `vectors` through RTL and model in lockstep; returns the sums the RTL produced.
  static std::vector<int64_t> run(const std::vector<std::vector<Beat>>& vectors, double p_in, double p_out,
                                  uint64_t seed, const std::string& name) {
    tern::tb::Sim<typename Cfg::Model> sim(name);
    tern::MacModel model(kType, Cfg::IntBits, Cfg::Lanes);
    tern::tb::Stall in_go(p_in, seed * 2 + 1), out_go(p_out, seed * 2 + 2);
    std::deque<Beat> pending;
    for (const auto& v : vectors) pending.insert(pending.end(), v.begin(), v.end());
    sim->valid_i = 0;
    sim->ready_i = 0;
    sim.reset();
    model.reset();
    std::vector<int64_t> sums;
    const Beat idle{std::vector<int64_t>(Cfg::Lanes, 0), std::vector<uint64_t>(Cfg::Lanes, 0),
                    std::vector<uint32_t>(Cfg::Lanes, 0), false};
    bool hold = false;  // valid stays up until the beat is taken
    uint64_t guard = 0;
    while ((!pending.empty() || sums.size() < vectors.size()) && guard++ < 1000000) {
      const bool valid = !pending.empty() && (hold || in_go.next());
      const bool ready = out_go.next();
      const Beat& b = valid ? pending.front() : idle;
      sim->valid_i = valid;
      sim->ready_i = ready;
      drive(sim.model(), b);
      sim.settle();
      model.set_ready_in(ready);
      const uint64_t cyc = sim.cycle();
      EXPECT_EQ(static_cast<bool>(sim->ready_o), model.ready()) << name << " ready_o, cycle " << cyc;
      EXPECT_EQ(static_cast<bool>(sim->valid_o), model.valid()) << name << " valid_o, cycle " << cyc;
      if (sim->valid_o && model.valid()) {
        const int64_t got = tern::tb::sext(tern::tb::get_bits(sim->acc_o, 0, abits()), abits());
        EXPECT_EQ(got, model.acc()) << name << " acc_o, cycle " << cyc;
        if (ready) sums.push_back(got);
      }
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << "first mismatch at cycle " << cyc << (sim.wave_file().empty() ? " (TERN_WAVES=1 dumps an FST)"
                                                                                       : " waves: " + sim.wave_file());
        return sums;
      }
      const bool accept = valid && sim->ready_o;
      model.step(valid, b.acts, b.codes, b.last);
      sim.tick();
      hold = valid && !accept;
      if (accept) pending.pop_front();
    }
    EXPECT_LT(guard, 1000000u) << "no progress";
    return sums;
  }
};
TYPED_TEST_SUITE(MacTest, tern_mac_configs);

TYPED_TEST(MacTest, LockstepUnderRandomStalls) {
  using Cfg = TypeParam;
  using T = MacTest<Cfg>;
  const std::pair<double, double> stalls[] = {{1.0, 1.0}, {0.5, 1.0}, {1.0, 0.3}, {0.7, 0.6}};
  uint64_t seed = 11;
  for (auto [p_in, p_out] : stalls) {
    std::mt19937_64 rng(seed);
    std::vector<std::vector<Beat>> vectors;
    std::vector<int64_t> want;
    std::uniform_int_distribution<int> len(1, std::min<int>(40, Cfg::MaxLen / Cfg::Lanes));
    for (int i = 0; i < 60; ++i) {
      const double zero_p = (i % 3 == 0) ? 0.9 : (i % 3 == 1 ? 0.0 : 0.5);
      vectors.push_back(T::random_vector(rng, len(rng), zero_p));
      int64_t s = 0;
      for (const auto& b : vectors.back()) s += tern::dot(T::kType, b.codes, b.acts, Cfg::IntBits);
      want.push_back(s);
    }
    const auto got = T::run(vectors, p_in, p_out, seed,
                            std::string(Cfg::kName) + "_stall_" + std::to_string(static_cast<int>(p_in * 10)) + "_" +
                                std::to_string(static_cast<int>(p_out * 10)));
    ASSERT_EQ(got, want) << Cfg::kName;
    ++seed;
  }
}

TYPED_TEST(MacTest, NoOverflowAtMaxLength) {
  using Cfg = TypeParam;
  using T = MacTest<Cfg>;
  // Largest-magnitude products in both directions over the documented maximum length: the extreme
  // weights times the extreme activations (every raw activation code is tried for the extremes).
  const auto values = tern::weight_values(T::kType, Cfg::IntBits);
  uint64_t raw_lo = 0, raw_hi = 0;
  for (uint64_t r = 0; r < (uint64_t{1} << Cfg::ActBits); ++r) {
    if (T::act_of(r) < T::act_of(raw_lo)) raw_lo = r;
    if (T::act_of(r) > T::act_of(raw_hi)) raw_hi = r;
  }
  int64_t max_abs = 0;
  for (int32_t w : {values.front(), values.back()}) {
    for (uint64_t raw : {raw_lo, raw_hi}) {
      std::vector<Beat> v(Cfg::MaxLen / Cfg::Lanes);
      int64_t want = 0;
      for (size_t i = 0; i < v.size(); ++i) {
        for (int l = 0; l < Cfg::Lanes; ++l) {
          v[i].codes.push_back(*tern::encode_weight(T::kType, w, Cfg::IntBits));
          v[i].raw_acts.push_back(raw);
          v[i].acts.push_back(T::act_of(raw));
          want += v[i].acts.back() * w;
        }
        v[i].last = (i + 1 == v.size());
      }
      const auto got = T::run({v}, 1.0, 1.0, 3, std::string(Cfg::kName) + "_maxlen");
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], want) << Cfg::kName << " w=" << w << " act=" << T::act_of(raw);
      max_abs = std::max(max_abs, want < 0 ? -want : want);
    }
  }
  // Sze's 2N+M rule for the INT MAC at minimum width is tight: the largest sum needs every bit, so one
  // bit less would overflow (the other types use a fixed value width with slack).
  if (T::kType == WeightType::kInt8 && T::kKind == ActKind::kInt && Cfg::AccWidth == 0 &&
      (Cfg::MaxLen & (Cfg::MaxLen - 1)) == 0) {
    EXPECT_GE(max_abs, int64_t{1} << (T::abits() - 2)) << Cfg::kName << " accumulator wider than needed";
    EXPECT_LT(max_abs, int64_t{1} << (T::abits() - 1)) << Cfg::kName;
  }
}

}  // namespace
