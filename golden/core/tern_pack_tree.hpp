// C++ twin of rtl/core/tern_pack_tree.sv (the packed 8-term tree of a Pack = 8 MAC lane): the dot product of
// eight ternary / binary codes and the eight activation bytes of a word. Checked by tests/core/test_pack_tree.cpp;
// PeModel (golden/core/tern_pe) uses it.
#pragma once

#include <cstdint>

namespace tern {

// Build parameters of the RTL (ternary / binary codes decoded: at least one; with only one, `bin` is ignored)
// and the module's inputs (bin_i, xnor_i, act_signed_i, codes_i, act_i); returns sum_o as a signed value.
int32_t pack_tree_sum(bool ternary, bool binary, bool bin, bool xnor, bool act_signed, uint16_t codes, uint64_t act);

}  // namespace tern
