// tern_pe against its C++ twin golden/core/tern_pe every cycle under random entries (every weight type with
// legal codes, SYQ, bit-serial planes, packed ternary / binary / XNOR words, padding, first / shift / parity
// control), on a full build, a small one and two packed builds with one narrow type; and the contract: after a
// run of plain or packed entries the accumulator holds the dot product of the reference arithmetic
// (golden/arith product(), golden/weights decode_weight()).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "golden/arith.hpp"
#include "golden/core/tern_pe.hpp"
#include "golden/weights.hpp"
#include "tb/sim.hpp"
#include "tern_vm_pe_configs.hpp"

namespace {

using tern::PeIn;
using tern::PeModel;
using tern::WeightType;

template <class Cfg>
class PeTest : public ::testing::Test {};
using Configs = ::testing::Types<Vpe_full_cfg, Vpe_small_cfg, Vpe_pk_bin_cfg, Vpe_pk_ter_cfg>;
TYPED_TEST_SUITE(PeTest, Configs);

// A legal code of weight type t (what a decompressor emits), or any byte for an out-of-range type.
uint32_t legal_code(std::mt19937_64& rng, int t) {
  if (t >= tern::kWeightTypeCount) return static_cast<uint32_t>(rng() & 0xff);
  const auto wt = static_cast<WeightType>(t);
  const auto vals = tern::weight_values(wt, 8);
  return tern::encode_weight(wt, vals[rng() % vals.size()], 8).value();
}

template <class M>
void drive(M& m, const PeIn& in) {
  m.bitserial_i = in.bitserial;
  m.syq_i = in.syq;
  m.xnor_i = in.xnor;
  m.act_signed_i = in.act_signed;
  m.pack_i = in.pack;
  m.wtype_i = static_cast<uint8_t>(in.wtype);
  m.en_i = in.en;
  m.first_i = in.first;
  m.shift_i = in.shift;
  m.neg_i = in.neg;
  m.plane_i = static_cast<uint8_t>(in.plane);
  m.par_i = in.par;
  m.code_i = static_cast<uint8_t>(in.code);
  m.wval_i = static_cast<uint32_t>(in.wval) & 0x1fffffu;
  m.wnz_i = in.wnz;
  m.pcodes_i = in.pcodes;
  m.act_i = in.act;
  m.bsel_i = static_cast<uint8_t>(in.bsel);
  m.ok_i = in.ok;
  m.dpar_i = in.dpar;
}

// Ends a run of entries (no entry for two cycles) and reads the run's accumulator (parity in.par) as a signed value.
template <class Cfg, class S>
int64_t drain_acc(S& sim, PeIn in) {
  in.en = false;
  in.dpar = in.par;
  drive(sim.model(), in);
  sim.tick();
  sim.tick();
  sim.settle();
  return tern::wrap_signed(static_cast<int64_t>(sim.model().acc_o), static_cast<int>(Cfg::AccBits));
}

template <class Cfg>
PeModel twin_of() {
  return PeModel(static_cast<uint32_t>(Cfg::MacTypes), Cfg::BitSerial != 0, Cfg::Syq != 0, static_cast<int>(Cfg::Pack),
                 static_cast<int>(Cfg::AccBits));
}

TYPED_TEST(PeTest, LockstepWithTwin) {
  using Cfg = TypeParam;
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_lockstep");
  auto& m = sim.model();
  PeModel twin = twin_of<Cfg>();
  std::mt19937_64 rng(3 + static_cast<uint64_t>(Cfg::Pack));
  bool init[2] = {false, false};  // accumulators start undefined: compared once written from 0
  bool pend[2][2] = {{false, false}, {false, false}};  // first-entry in the P stage / A stage, per parity
  int checked = 0, modes[4] = {0, 0, 0, 0};
  PeIn in;
  for (int t = 0; t < 80000; ++t) {
    if (t % 50 == 0) {  // a new layer: its constants
      in.bitserial = rng() % 4 == 0;
      in.syq = rng() % 4 == 0;
      in.pack = rng() % 3 == 0;
      in.xnor = rng() % 4 == 0;
      in.act_signed = rng() % 2;
      in.wtype = static_cast<int>(rng() % 8);
    }
    in.en = rng() % 4 != 0;
    in.first = rng() % 6 == 0;
    in.shift = !in.first && rng() % 8 == 0;
    in.neg = rng() % 2;
    in.plane = static_cast<int>(rng() % 8);
    in.par = rng() % 2;
    in.code = legal_code(rng, in.wtype);
    in.wval = static_cast<int32_t>(rng() % (1u << 21)) - (1 << 20);
    in.wnz = rng() % 5 != 0;
    in.pcodes = static_cast<uint16_t>(rng());
    in.act = rng();
    in.bsel = static_cast<int>(rng() % 8);
    in.ok = rng() % 8 != 0;
    in.dpar = rng() % 2;
    drive(m, in);
    sim.settle();
    if (init[in.dpar ? 1 : 0]) {
      ASSERT_EQ(static_cast<uint64_t>(m.acc_o), twin.acc(in.dpar)) << Cfg::kName << " cycle " << t;
      ++checked;
    }
    // a parity is defined once an update with first = 1 has gone through both stages
    for (int p = 0; p < 2; ++p) {
      if (pend[p][1]) init[p] = true;
      pend[p][1] = pend[p][0];
      pend[p][0] = in.en && in.first && (in.par ? 1 : 0) == p;
    }
    ++modes[(Cfg::Pack == 8 && in.pack) ? 0 : (Cfg::BitSerial && in.bitserial) ? 1 : (Cfg::Syq && in.syq) ? 2 : 3];
    sim.tick();
    twin.tick(in);
  }
  EXPECT_GT(checked, 70000);
  for (int k = 0; k < 4; ++k) {
    const bool built = k == 0 ? Cfg::Pack == 8 : k == 1 ? Cfg::BitSerial != 0 : k == 2 ? Cfg::Syq != 0 : true;
    if (built) EXPECT_GT(modes[k], 1000) << "mode " << k;
  }
}

// Plain bit-parallel entries of one output value: the accumulator equals the reference dot product.
TYPED_TEST(PeTest, AccumulatesTheReferenceDotProduct) {
  using Cfg = TypeParam;
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_dot");
  auto& m = sim.model();
  std::mt19937_64 rng(9);
  int checked = 0;
  for (int value = 0; value < 400; ++value) {
    int t = static_cast<int>(rng() % tern::kWeightTypeCount);
    while (!((Cfg::MacTypes >> t) & 1)) t = (t + 1) % tern::kWeightTypeCount;
    const auto wt = static_cast<WeightType>(t);
    PeIn in;
    in.wtype = t;
    in.act_signed = rng() % 2;
    in.par = rng() % 2;
    in.dpar = in.par;
    const int n = 1 + static_cast<int>(rng() % 40);
    int64_t want = 0;
    for (int k = 0; k < n; ++k) {
      in.en = true;
      in.first = k == 0;
      in.ok = true;
      in.code = legal_code(rng, t);
      in.wnz = tern::decode_weight(wt, in.code, 8).value_or(0) != 0;
      in.act = rng();
      in.bsel = static_cast<int>(rng() % 8);
      const uint32_t byte = static_cast<uint32_t>(in.act >> (8 * in.bsel)) & 0xffu;
      want += tern::product(wt, in.code, tern::act_value(byte, 8, in.act_signed), 8);
      drive(m, in);
      sim.tick();
    }
    ASSERT_EQ(drain_acc<Cfg>(sim, in), want) << Cfg::kName << " value " << value << " type " << tern::to_string(wt);
    ++checked;
  }
  EXPECT_EQ(checked, 400);
}

// Packed entries (Pack 8 builds) of each narrow type the build has: eight codes times the eight activation bytes
// per entry, summed over a run of entries, equal the reference dot product (XNOR: bytes read as -1 / +1).
TYPED_TEST(PeTest, PackedEntriesAccumulateTheReferenceDotProduct) {
  using Cfg = TypeParam;
  if (Cfg::Pack != 8) GTEST_SKIP() << "no packed tree in " << Cfg::kName;
  tern::tb::Sim<typename Cfg::Model> sim(std::string(Cfg::kName) + "_packed");
  auto& m = sim.model();
  std::mt19937_64 rng(11);
  int checked = 0;
  for (const WeightType wt : {WeightType::kTernary, WeightType::kBinary}) {
    if (!((Cfg::MacTypes >> static_cast<int>(wt)) & 1)) continue;
    const int bits = wt == WeightType::kBinary ? 1 : 2;
    for (int value = 0; value < 300; ++value) {
      PeIn in;
      in.pack = true;
      in.wtype = static_cast<int>(wt);
      in.xnor = wt == WeightType::kBinary && rng() % 3 == 0;
      in.act_signed = in.xnor || rng() % 2;
      in.par = rng() % 2;
      in.dpar = in.par;
      const int n = 1 + static_cast<int>(rng() % 30);
      int64_t want = 0;
      for (int k = 0; k < n; ++k) {
        in.en = true;
        in.first = k == 0;
        in.ok = true;
        in.act = rng();
        in.pcodes = 0;
        for (int j = 0; j < 8; ++j) {
          const uint32_t code = legal_code(rng, static_cast<int>(wt));
          in.pcodes = static_cast<uint16_t>(in.pcodes | (code << (bits * j)));
          const uint32_t byte = static_cast<uint32_t>(in.act >> (8 * j)) & 0xffu;
          const int64_t a = in.xnor ? ((byte & 1u) ? 1 : -1) : tern::act_value(byte, 8, in.act_signed);
          want += tern::decode_weight(wt, code, 8).value() * a;
        }
        drive(m, in);
        sim.tick();
      }
      ASSERT_EQ(drain_acc<Cfg>(sim, in), want)
          << Cfg::kName << " value " << value << " type " << tern::to_string(wt) << " xnor " << in.xnor;
      ++checked;
    }
  }
  EXPECT_GE(checked, 300);
}

}  // namespace
