// Random valid Tern models (shapes, weight types, sparsity, precisions, requant modes) for tests.
#pragma once

#include <cstdint>
#include <random>

#include "golden/net/model.hpp"

namespace tern {

struct RandomModelSpec {
  int min_layers = 1, max_layers = 4;
  int max_hw = 12;                 // input height/width upper bound
  int max_c = 4;                   // input channels upper bound
  int max_m = 8;                   // output channels per layer upper bound
  uint32_t weight_types = 0x7f;    // allowed weight types (bit t)
  bool allow_pool = true, allow_fc = true, allow_threshold = true, allow_signed = true, allow_syq = true;
  double max_sparsity = 0.95;
  double m_mult8 = 0.0;            // probability that a layer's M is a multiple of 8 (packed rows)
};

// A model that passes validate_model(); deterministic for a given rng state.
Model random_model(std::mt19937_64& rng, const RandomModelSpec& spec = {});

// A random image for the model's input (0..255 pixels).
std::vector<uint8_t> random_image(std::mt19937_64& rng, const Model& m);

}  // namespace tern
