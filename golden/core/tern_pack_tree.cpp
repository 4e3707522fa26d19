// C++ twin of rtl/core/tern_pack_tree.sv: see the header.
#include "golden/core/tern_pack_tree.hpp"

#include <stdexcept>

namespace tern {

int32_t pack_tree_sum(bool ternary, bool binary, bool bin, bool xnor, bool act_signed, uint16_t codes, uint64_t act) {
  if (!ternary && !binary) throw std::invalid_argument("pack_tree_sum: ternary or binary must be built");
  const bool b = ternary && binary ? bin : binary;
  int32_t sum = 0;
  for (int j = 0; j < 8; ++j) {
    const uint32_t byte = static_cast<uint32_t>(act >> (8 * j)) & 0xffu;
    const int32_t a = xnor         ? ((byte & 1u) ? 1 : -1)
                      : act_signed ? static_cast<int32_t>(static_cast<int8_t>(byte))
                                   : static_cast<int32_t>(byte);
    const bool nz = b || ((codes >> (2 * j)) & 1u);                             // ternary 00 / 10: zero
    const bool neg = b ? !((codes >> j) & 1u) : ((codes >> (2 * j + 1)) & 1u);  // ternary 11: -1; binary 0: -1
    if (nz) sum += neg ? -a : a;
  }
  return sum;
}

}  // namespace tern
