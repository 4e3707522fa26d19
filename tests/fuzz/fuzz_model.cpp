// Fuzz target: model container bytes -> parse_model -> compile for a small build -> functional model vs
// reference inference. Bad input must end in ModelError or CompileError (any other exception, a crash or
// a hang is a finding); a program that compiles must run without error and match the reference.
#include <array>
#include <random>
#include <stdexcept>

#include "golden/accel/exec.hpp"
#include "golden/accel/program.hpp"
#include "golden/net/model.hpp"
#include "golden/net/reference.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace {

tern::HwConfig small_hw() {
  tern::HwConfig hw;
  hw.cols = 4;
  hw.lanes = 4;
  hw.bank_bytes = 4096;
  hw.max_conv_row = 512;
  hw.cache_words = 256;
  hw.rq_units = 2;
  return hw;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern;
  const std::vector<uint8_t> raw(data, data + size);
  Model m;
  try {
    m = parse_model(raw, "fuzz");
  } catch (const ModelError&) {
    return 0;
  }
  try {
    validate_model(m, "fuzz (re-validate)");
  } catch (const ModelError& e) {
    fuzz::fail(std::string("parse_model accepted a model validate_model rejects: ") + e.what());
  }
  const HwConfig hw = small_hw();
  Program p;
  try {
    CompileOptions opt;
    opt.dflt.format = static_cast<Format>(size % 4);
    p = compile(m, hw, opt);
  } catch (const CompileError&) {
    return 0;
  }
  ChainState chain;
  for (const CompiledLayer& cl : p.layers) {
    std::array<uint64_t, 8> w = cl.desc.encode();
    fuzz::check(check_descriptor(cl.desc, w, hw, chain) == 0, "compiled descriptor fails the CHECK rules");
    chain = chain_after(cl.desc);
  }
  int64_t work = 0;
  for (const Layer& L : m.layers) work += L.out_elems() * (L.has_weights() ? L.row_len() : L.R * L.S);
  if (work > 300000) return 0;  // keep one execution short
  std::mt19937_64 rng(size);
  std::vector<uint8_t> img(static_cast<size_t>(m.in_C) * m.in_H * m.in_W);
  for (auto& v : img) v = static_cast<uint8_t>(rng() & ((1u << m.in_bits) - 1));
  place_input(p, img);
  std::vector<uint64_t> mem = p.image;
  const ExecResult r = execute(mem, p.prog_base, hw);
  fuzz::check(r.ok, "a compiled program fails in the functional model: " + r.message);
  const auto ref = run_reference(m, img);
  fuzz::check(read_output(p, mem, p.layers.size() - 1) == ref.back(), "functional model != reference inference");
  return 0;
}
