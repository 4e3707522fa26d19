// Bit-exact reference inference of a Tern model: every layer's output tensor (C,H,W order), Sze Eq. 1 loop nest.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/net/model.hpp"

namespace tern {

// Integer value an activation stored as `raw` contributes in a layer (1-bit signed: 0 -> -1, 1 -> +1).
int64_t act_operand(const Layer& L, int32_t raw);

// Exact accumulator of output (m, y, x) of a conv/fc layer over input tensor `in` (C,H,W).
int64_t accumulate(const Layer& L, const std::vector<int32_t>& in, int m, int y, int x);

// Requantisation of one accumulator of channel m (docs/model_format.md).
int32_t requantise(const Layer& L, int m, int64_t acc);

// The same from the three per-filter parameters the accelerator stores (linear: bias, mult, shift;
// threshold: t0, t1, t2; raw: bias); mode 0 linear, 1 threshold, 2 raw.
int32_t requantise_q(int mode, int out_bits, bool out_signed, int32_t q0, int32_t q1, int32_t q2, int64_t acc);

// Output tensor of one layer.
std::vector<int32_t> run_layer(const Layer& L, const std::vector<int32_t>& in);

// Outputs of every layer for one image (pixels 0..255, C,H,W order).
std::vector<std::vector<int32_t>> run_reference(const Model& m, const std::vector<uint8_t>& image);

// Index of the largest value, lowest index on ties.
int argmax(const std::vector<int32_t>& logits);

}  // namespace tern
