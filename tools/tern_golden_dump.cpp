// tern_golden_dump: every layer's output of the golden model (golden/net/reference) for N images, as one binary
// file the hardened-pipeline testbench (scripts/harden/tb_harden.cpp) compares against.
//
//   tern_golden_dump MODEL.tnm OUT.bin [--images N] [--random SEED]
//
// Images: the first N test images of the model's data set, or N random images (pixels 0..255) with --random.
// File (little-endian): "THGD" u32 n_images u32 n_layers u32 in_elems u32 out_elems[n_layers], then per image:
// i32 label (-1 for random images), u8 pixels[in_elems], i32 outputs of each layer in [M][E][F] order.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "golden/net/dataset.hpp"
#include "golden/net/model.hpp"
#include "golden/net/random_model.hpp"
#include "golden/net/reference.hpp"

namespace {

void put_u32(std::ofstream& f, uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); }
void put_i32(std::ofstream& f, int32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tern_golden_dump MODEL.tnm OUT.bin [--images N] [--random SEED]\n");
    return 2;
  }
  const std::string model_path = argv[1], out_path = argv[2];
  int n = 4;
  bool random = false;
  uint64_t seed = 0;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--images" && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else if (a == "--random" && i + 1 < argc) {
      random = true;
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "tern_golden_dump: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  try {
    const tern::Model m = tern::load_model(model_path);
    const size_t in_elems = static_cast<size_t>(m.in_C) * m.in_H * m.in_W;
    std::vector<std::vector<uint8_t>> images;
    std::vector<int> labels;
    if (random) {
      std::mt19937_64 rng(seed);
      for (int i = 0; i < n; ++i) {
        images.push_back(tern::random_image(rng, m));
        labels.push_back(-1);
      }
    } else {
      const char* root = std::getenv("TERN_ROOT");
      const tern::Dataset ds = tern::load_dataset(m.dataset, root ? root : ".");
      for (int i = 0; i < n && i < static_cast<int>(ds.images.size()); ++i) {
        images.push_back(ds.images[static_cast<size_t>(i)]);
        labels.push_back(ds.labels[static_cast<size_t>(i)]);
      }
    }
    std::ofstream f(out_path, std::ios::binary);
    f.write("THGD", 4);
    put_u32(f, static_cast<uint32_t>(images.size()));
    put_u32(f, static_cast<uint32_t>(m.layers.size()));
    put_u32(f, static_cast<uint32_t>(in_elems));
    for (const auto& L : m.layers) put_u32(f, static_cast<uint32_t>(L.out_elems()));
    for (size_t i = 0; i < images.size(); ++i) {
      if (images[i].size() != in_elems) throw std::runtime_error("image size does not match the model input");
      put_i32(f, labels[i]);
      f.write(reinterpret_cast<const char*>(images[i].data()), static_cast<std::streamsize>(in_elems));
      for (const auto& out : tern::run_reference(m, images[i])) {
        for (int32_t v : out) put_i32(f, v);
      }
    }
    if (!f) throw std::runtime_error("cannot write " + out_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tern_golden_dump: %s\n", e.what());
    return 1;
  }
  return 0;
}
