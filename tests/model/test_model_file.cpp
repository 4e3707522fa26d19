// Model files: bundled models load; malformed, truncated and adversarial files give a ModelError naming
// the problem (never a crash or another exception); the golden model's accuracy on real test images.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "golden/net/dataset.hpp"
#include "golden/net/gzip_file.hpp"
#include "golden/net/model.hpp"
#include "golden/net/reference.hpp"

namespace {

using namespace tern;
namespace fs = std::filesystem;

std::string root() {
  const char* r = std::getenv("TERN_ROOT");
  return r ? r : ".";
}

std::vector<std::string> bundled() {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(root() + "/models")) {
    if (e.path().extension() == ".tnm") v.push_back(e.path().string());
  }
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<uint8_t> gunzip(const std::string& path) {
  return gunzip_file(path, SIZE_MAX);
}

struct Container {
  nlohmann::json header;
  std::vector<uint8_t> blob;
};

Container split(const std::vector<uint8_t>& raw) {
  const uint32_t jlen = raw[12] | (raw[13] << 8) | (raw[14] << 16) | (static_cast<uint32_t>(raw[15]) << 24);
  Container c;
  c.header = nlohmann::json::parse(std::string(raw.begin() + 16, raw.begin() + 16 + jlen));
  size_t b = (16 + jlen + 7) & ~size_t{7};
  c.blob.assign(raw.begin() + static_cast<int64_t>(b), raw.end());
  return c;
}

std::vector<uint8_t> join(const Container& c) {
  const std::string js = c.header.dump();
  std::vector<uint8_t> out = {'T', 'E', 'R', 'N', 'M', 'D', 'L', 0, 1, 0, 0, 0};
  const auto n = static_cast<uint32_t>(js.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), js.begin(), js.end());
  while (out.size() % 8) out.push_back(0);
  out.insert(out.end(), c.blob.begin(), c.blob.end());
  return out;
}

// Expects parse_model to throw a ModelError whose message contains `what`.
void expect_error(const std::vector<uint8_t>& raw, const std::string& what, const std::string& label) {
  try {
    parse_model(raw, "test.tnm");
    ADD_FAILURE() << label << ": accepted";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << label << ": message was: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": wrong exception type: " << e.what();
  }
}

TEST(ModelFile, BundledModelsLoadAndValidate) {
  const auto files = bundled();
  ASSERT_FALSE(files.empty()) << "no models/*.tnm";
  for (const auto& f : files) {
    const Model m = load_model(f);
    EXPECT_FALSE(m.layers.empty()) << f;
    EXPECT_EQ(m.classes, 10) << f;
  }
}

TEST(ModelFile, MalformedContainers) {
  const auto raw = gunzip(bundled().front());
  auto bad = raw;
  bad[0] = 'X';
  expect_error(bad, "bad magic", "magic");
  bad = raw;
  bad[8] = 2;
  expect_error(bad, "version 2", "version");
  bad = raw;
  bad[15] = 0x7f;
  expect_error(bad, "header length", "json length");
  expect_error(std::vector<uint8_t>(raw.begin(), raw.begin() + 10), "too short", "short");
  expect_error(std::vector<uint8_t>(raw.begin(), raw.begin() + 40), "runs past the end", "cut in header");
  expect_error(std::vector<uint8_t>(raw.begin(), raw.end() - 100), "outside the blob", "cut in blob");
  bad = raw;
  bad[16] = 'x';  // the JSON text starts here
  expect_error(bad, "JSON header", "broken json");
}

// The first bundled model, split; and the same with its JSON header changed by `edit`, joined again.
const Container& first_model() {
  static const Container c = split(gunzip(bundled().front()));
  return c;
}
template <class Edit>
std::vector<uint8_t> with(Edit edit) {
  Container c = first_model();
  edit(c.header);
  return join(c);
}

TEST(ModelFile, MalformedHeaders) {
  const Container& good = first_model();
  expect_error(with([](auto& h) { h.erase("layers"); }), "missing field 'layers'", "no layers");
  expect_error(with([](auto& h) { h["layers"][0]["type"] = "deconv"; }), "unknown type 'deconv'", "type");
  expect_error(with([](auto& h) { h["layers"][0]["weight_type"] = "quaternary"; }), "unknown weight_type", "wtype");
  expect_error(with([](auto& h) { h["layers"][0]["in"] = {1, 28}; }), "field 'in'", "in dims");
  expect_error(with([](auto& h) { h["layers"][0]["act_bits"] = 9; }), "act_bits", "act bits");
  expect_error(with([](auto& h) { h["layers"][0]["weights"]["dtype"] = "f32"; }), "dtype", "dtype");
  expect_error(with([](auto& h) { h["layers"][0]["weights"]["offset"] = 1ll << 38; }), "outside the blob", "offset");
  expect_error(with([](auto& h) { h["layers"][0]["weights"]["shape"][0] = 31; }), "does not match", "shape");
  expect_error(with([](auto& h) { h["layers"][0]["requant"]["mode"] = "float"; }), "mode 'float'", "requant mode");
  expect_error(with([](auto& h) { h["layers"][0]["stride"] = 2; }), "output size", "stride");
  expect_error(with([](auto& h) { h["classes"] = 11; }), "classes", "classes");
  expect_error(with([](auto& h) { h["layers"][0]["out"][0] = 31; }), "layer", "chain");
  // The activation-precision rule (docs/model_format.md) is stated where it is broken: layer 2 reads the
  // 8-bit unsigned output of layers 0-1; 4 bits or a signed 8 bits are rejected, naming the rule.
  ASSERT_EQ(good.header["layers"][2]["act_bits"], 8);
  expect_error(with([](auto& h) { h["layers"][2]["act_bits"] = 4; }),
               "act_bits/act_signed 4u must equal the previous output's 8u", "narrower act bits");
  expect_error(with([](auto& h) { h["layers"][2]["act_signed"] = true; }), "'Activation precision'", "act signed");
}

// docs/model_format.md, "Unknown keys": rejected inside the objects the format defines (a misspelt optional key
// would otherwise fall back to its default), ignored at the top level (provenance such as "train", "import").
TEST(ModelFile, UnknownKeys) {
  expect_error(with([](auto& h) { h["layers"][0]["act_sigend"] = true; }), "unknown key 'act_sigend'", "layer");
  expect_error(with([](auto& h) { h["layers"][1]["padding"] = 0; }), "unknown key 'padding'", "maxpool");
  expect_error(with([](auto& h) { h["layers"][0]["requant"]["round"] = 1; }), "requant: unknown key 'round'",
               "requant");
  expect_error(with([](auto& h) { h["layers"][0]["weights"]["order"] = "C"; }), "weights: unknown key 'order'",
               "tensor");
  expect_error(with([](auto& h) { h["input"]["scale"] = 1; }), "input: unknown key 'scale'", "input");
  const Model m = parse_model(with([](auto& h) { h["import"] = {{"source", "net.onnx"}}; }), "top.tnm");
  EXPECT_EQ(m.layers.size(), parse_model(join(first_model()), "raw.tnm").layers.size());
}

// The other rules docs/model_format.md states for writers (issue 13): 8-bit unsigned input, square max-pool
// kernels, E = floor((H - K) / stride) + 1 for max-pools.
TEST(ModelFile, DocumentedRules) {
  const Container& good = first_model();
  ASSERT_EQ(good.header["layers"][1]["type"], "maxpool");
  expect_error(with([](auto& h) { h["input"]["bits"] = 4; }), "field 'bits' = 4 outside 8..8", "input bits");
  expect_error(with([](auto& h) { h["layers"][1]["kernel"] = {2, 3}; }), "square", "pool kernel");
  // [32,28,28] pooled 3x3 / 2: floor(25 / 2) + 1 = 13 is accepted only with the next layer's input changed
  expect_error(with([](auto& h) {
                 h["layers"][1]["kernel"] = {3, 3};
                 h["layers"][1]["out"] = {32, 14, 14};
               }),
               "should be [13,13]", "pool size");
}

TEST(ModelFile, IllegalTensorValues) {
  // The first bundled model with a ternary layer: put a 2 into that layer's weights.
  for (const std::string& file : bundled()) {
    const auto raw = gunzip(file);
    Container c = split(raw);
    for (size_t i = 0; i < c.header["layers"].size(); ++i) {
      auto& L = c.header["layers"][i];
      if (L.value("weight_type", "") != "ternary") continue;
      const size_t off = L["weights"]["offset"].get<size_t>();
      Container d = c;
      d.blob[off] = 2;
      d.blob[off + 1] = 0;
      expect_error(join(d), "is not a ternary weight", "ternary value");
      // mult out of range
      if (L["requant"]["mode"] == "linear") {
        const size_t moff = L["requant"]["mult"]["offset"].get<size_t>();
        Container e = c;
        e.blob[moff] = e.blob[moff + 1] = e.blob[moff + 2] = 0;
        e.blob[moff + 3] = 0;
        expect_error(join(e), "mult", "mult range");
      }
      return;
    }
  }
  FAIL() << "no bundled model has a ternary layer";
}

TEST(ModelFile, RandomCorruptionNeverCrashes) {
  const auto raw = gunzip(bundled().front());
  std::mt19937_64 rng(1);
  int rejected = 0;
  for (int t = 0; t < 400; ++t) {
    auto bad = raw;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) {
      // mostly in the header, where structure lives
      const size_t pos = (rng() % 4) ? 8 + rng() % std::min<size_t>(bad.size() - 8, 4096) : rng() % bad.size();
      bad[pos] = static_cast<uint8_t>(rng());
    }
    if (rng() % 5 == 0) bad.resize(rng() % bad.size());
    try {
      parse_model(bad, "fuzz.tnm");
    } catch (const ModelError&) {
      ++rejected;
    } catch (const std::exception& e) {
      FAIL() << "case " << t << ": unexpected exception " << e.what();
    }
  }
  EXPECT_GT(rejected, 300);
}

TEST(ModelFile, TruncatedAndCorruptGzip) {
  const std::string src = bundled().front();
  std::ifstream in(src, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path tmp = fs::temp_directory_path() / ("tern_trunc_" + std::to_string(::getpid()) + ".tnm");
  // load_model's ModelError message for the file holding `b`
  auto error_of = [&](const std::vector<char>& b) -> std::string {
    {
      std::ofstream out(tmp, std::ios::binary);
      out.write(b.data(), static_cast<std::streamsize>(b.size()));
    }
    try {
      load_model(tmp.string());
    } catch (const ModelError& e) {
      return e.what();
    }
    return "accepted";
  };
  const std::string half = error_of(std::vector<char>(bytes.begin(), bytes.begin() + bytes.size() / 2));
  EXPECT_NE(half.find("gzip stream is truncated"), std::string::npos) << half;
  const std::string no_trailer = error_of(std::vector<char>(bytes.begin(), bytes.end() - 8));  // CRC and length
  EXPECT_NE(no_trailer.find("gzip stream is truncated"), std::string::npos) << no_trailer;
  auto b = bytes;
  for (size_t i = 100; i < 200 && i < b.size(); ++i) b[i] = static_cast<char>(b[i] ^ 0x5a);
  const std::string flipped = error_of(b);
  EXPECT_NE(flipped.find("gzip stream is corrupt"), std::string::npos) << flipped;
  EXPECT_THROW(load_model("/nonexistent/model.tnm"), ModelError);
  fs::remove(tmp);
}

TEST(ModelFile, GoldenAccuracyOnFashionMnistSubset) {
  const std::string path = root() + "/models/cnn_fmnist_ternary.tnm";
  if (!fs::exists(path)) GTEST_SKIP() << "model not bundled yet";
  const Model m = load_model(path);
  const Dataset ds = load_fmnist(fmnist_dir(), "test");
  ASSERT_EQ(ds.images.size(), 10000u);
  int correct = 0;
  const int n = 200;
  for (int i = 0; i < n; ++i) correct += argmax(run_reference(m, ds.images[i]).back()) == ds.labels[i];
  // The model's measured accuracy on all 10,000 images is in docs/training.md (~92%); 200 images
  // must not fall below 88%.
  EXPECT_GE(correct, n * 88 / 100) << correct << "/" << n;
}

}  // namespace
