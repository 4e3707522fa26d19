// Benchmark workloads: the LeNet-style CNN, the thesis MLP and CIFAR VGG shapes as models with random
// weights of one type at a given sparsity (values do not affect timing; arithmetic is tested elsewhere).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/net/model.hpp"

namespace tern {

struct LayerSpec {
  LayerType type;
  int M = 0, R = 1, stride = 1, pad = 0;  // conv/fc: M outputs; pool: R = kernel
};

// conv5x5-32 pad2, pool2, conv5x5-64 pad2, pool2, fc512, fc10 on 28x28x1.
std::vector<LayerSpec> lenet_specs();
// The thesis MLP (Table 3.2): 784-1024-1024-1024-10.
std::vector<LayerSpec> mlp_specs();
// The thesis CIFAR-10 VGG (BinaryConnect): 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-1024FC-1024FC-10 on 32x32x3.
std::vector<LayerSpec> vgg_specs();

// A valid model of the given shape: weights of type `wt` with zeros at probability `sparsity` (binary has
// none), hidden activations of `act_bits` bits, raw int32 logits. With `int8_ends`, the first and last
// weight layers are dense int8 (as in the bundled models).
Model synth_model(const std::string& name, int C, int H, int W, const std::vector<LayerSpec>& specs, WeightType wt,
                  double sparsity, int act_bits, uint64_t seed, bool int8_ends = false);

}  // namespace tern
