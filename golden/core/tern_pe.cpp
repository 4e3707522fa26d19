// C++ twin of rtl/core/tern_pe.sv: see the header.
#include "golden/core/tern_pe.hpp"

#include <stdexcept>

#include "golden/arith.hpp"
#include "golden/core/tern_pack_tree.hpp"
#include "golden/weights.hpp"

namespace tern {

PeModel::PeModel(uint32_t mac_types, bool bitserial, bool syq, int pack, int acc_bits)
    : mac_types_(mac_types), bitserial_(bitserial), syq_(syq), pack_(pack), acc_bits_(acc_bits),
      mask_(acc_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << acc_bits) - 1) {
  if (acc_bits < 24 || acc_bits > 48) throw std::invalid_argument("PeModel: AccBits outside 24..48");
  if (pack != 1 && pack != 8) throw std::invalid_argument("PeModel: Pack must be 1 or 8");
}

uint64_t PeModel::contribution(const PeIn& in) const {
  auto to_acc = [&](int64_t v) { return static_cast<uint64_t>(v) & mask_; };
  auto act_of = [&](uint32_t byte) -> int64_t {  // a byte as the layer reads it
    if (in.xnor) return (byte & 1u) ? 1 : -1;
    return in.act_signed ? static_cast<int64_t>(static_cast<int8_t>(byte)) : static_cast<int64_t>(byte);
  };
  if (pack_ == 8 && in.pack) {
    if (!in.ok) return 0;
    // a build with only one of ternary / binary decodes packed codes as that type
    const bool has_bin = (mac_types_ >> static_cast<int>(WeightType::kBinary)) & 1u;
    const bool has_ter = ((mac_types_ >> static_cast<int>(WeightType::kTernary)) & 1u) || !has_bin;
    const int64_t sum = pack_tree_sum(has_ter, has_bin, (in.wtype & 7) == static_cast<int>(WeightType::kBinary),
                                      in.xnor, in.act_signed, in.pcodes, in.act);
    return to_acc(sum);
  }
  const uint32_t byte = static_cast<uint32_t>(in.act >> (8 * (in.bsel & 7))) & 0xffu;
  const int64_t wval = wrap_signed(in.wval, 21);
  if (bitserial_ && in.bitserial) {
    if (!in.ok || !((byte >> (in.plane & 7)) & 1u)) return 0;
    return to_acc(in.neg ? -wval : wval);
  }
  const int64_t op = in.ok ? act_of(byte) : 0;
  if (syq_ && in.syq) return to_acc(op * wval);
  const int t = in.wtype & 7;
  if (t >= kWeightTypeCount || !((mac_types_ >> t) & 1u)) return 0;
  const auto wt = static_cast<WeightType>(t);
  const uint32_t code = in.code & ((1u << code_bits(wt, 8)) - 1);
  return to_acc(product(wt, code, op, 8));
}

void PeModel::tick(const PeIn& in) {
  // A stage (from the P-stage registers)
  if (upd_) {
    const int p = par_ ? 1 : 0;
    const uint64_t base = first_ ? 0 : shift_ ? (acc_[p] << 1) & mask_ : acc_[p];
    acc_[p] = (base + prod_) & mask_;
  }
  // P stage
  upd_ = in.en && (in.first || in.shift || (in.ok && (in.pack || in.wnz)));
  prod_ = contribution(in);
  first_ = in.first;
  shift_ = in.shift;
  par_ = in.par;
}

}  // namespace tern
