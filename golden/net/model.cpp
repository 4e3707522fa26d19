// Loader of Tern model files: gzip container, JSON header, tensors, and full validation.
#include "golden/net/model.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>

#include "golden/net/gzip_file.hpp"

namespace tern {

namespace {

using nlohmann::json;

constexpr uint8_t kMagic[8] = {'T', 'E', 'R', 'N', 'M', 'D', 'L', 0};
constexpr uint32_t kMaxHeader = 16u << 20;
constexpr size_t kMaxFile = size_t{1} << 30;

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw ModelError(where + ": " + what); }

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

struct Blob {
  const uint8_t* data;
  size_t size;
};

// docs/model_format.md, "Unknown keys": the objects the format defines (input, layer, syq, requant, tensor
// descriptor) accept only their own keys, so a misspelt optional key cannot silently fall back to its default.
void check_keys(const json& obj, std::initializer_list<const char*> allowed, const std::string& where) {
  if (!obj.is_object()) fail(where, "expected an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      fail(where, "unknown key '" + it.key() + "' (allowed: " + list + ")");
    }
  }
}

const json& field(const json& obj, const char* key, const std::string& where) {
  if (!obj.is_object()) fail(where, "expected an object");
  const auto it = obj.find(key);
  if (it == obj.end()) fail(where, std::string("missing field '") + key + "'");
  return *it;
}

int64_t get_int(const json& obj, const char* key, const std::string& where, int64_t lo, int64_t hi) {
  const json& v = field(obj, key, where);
  if (!v.is_number_integer()) fail(where, std::string("field '") + key + "' must be an integer");
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) {
    std::ostringstream os;
    os << "field '" << key << "' = " << x << " outside " << lo << ".." << hi;
    fail(where, os.str());
  }
  return x;
}

bool get_bool(const json& obj, const char* key, const std::string& where, bool dflt) {
  const auto it = obj.find(key);
  if (it == obj.end()) return dflt;
  if (!it->is_boolean()) fail(where, std::string("field '") + key + "' must be true or false");
  return it->get<bool>();
}

std::string get_str(const json& obj, const char* key, const std::string& where) {
  const json& v = field(obj, key, where);
  if (!v.is_string()) fail(where, std::string("field '") + key + "' must be a string");
  return v.get<std::string>();
}

std::vector<int> get_dims(const json& obj, const char* key, const std::string& where, size_t n) {
  const json& v = field(obj, key, where);
  if (!v.is_array() || v.size() != n) fail(where, std::string("field '") + key + "' must be an array of " + std::to_string(n));
  std::vector<int> d;
  for (const auto& e : v) {
    if (!e.is_number_integer() || e.get<int64_t>() < 1 || e.get<int64_t>() > 65535) {
      fail(where, std::string("field '") + key + "' entries must be integers 1..65535");
    }
    d.push_back(e.get<int>());
  }
  return d;
}

// Reads a tensor descriptor; checks dtype, shape and bounds; returns its values widened to int32.
std::vector<int32_t> get_tensor(const json& obj, const char* key, const std::string& where, const Blob& blob,
                                const std::vector<int64_t>& want_shape, const char* want_dtype = nullptr) {
  const std::string w = where + "." + key;
  const json& t = field(obj, key, where);
  check_keys(t, {"dtype", "shape", "offset"}, w);
  const std::string dt = get_str(t, "dtype", w);
  size_t esz = 0;
  if (dt == "i16") esz = 2;
  else if (dt == "i32") esz = 4;
  else if (dt == "u8") esz = 1;
  else fail(w, "dtype '" + dt + "' is not i16, i32 or u8");
  if (want_dtype && dt != want_dtype) fail(w, "dtype must be " + std::string(want_dtype) + ", is " + dt);
  const json& shp = field(t, "shape", w);
  if (!shp.is_array()) fail(w, "shape must be an array");
  std::vector<int64_t> shape;
  int64_t count = 1;
  for (const auto& e : shp) {
    if (!e.is_number_integer() || e.get<int64_t>() < 0 || e.get<int64_t>() > (int64_t{1} << 30)) {
      fail(w, "shape entries must be integers 0..2^30");
    }
    shape.push_back(e.get<int64_t>());
    count *= shape.back();
    if (count > (int64_t{1} << 30)) fail(w, "tensor too large");
  }
  if (shape != want_shape) {
    std::ostringstream os;
    os << "shape [";
    for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
    os << "] does not match the layer, expected [";
    for (size_t i = 0; i < want_shape.size(); ++i) os << (i ? "," : "") << want_shape[i];
    os << "]";
    fail(w, os.str());
  }
  const int64_t off = get_int(t, "offset", w, 0, int64_t{1} << 40);
  if (off % static_cast<int64_t>(esz) != 0) fail(w, "offset not a multiple of the element size");
  const uint64_t end = static_cast<uint64_t>(off) + static_cast<uint64_t>(count) * esz;
  if (end > blob.size) {
    fail(w, "tensor [" + std::to_string(off) + ", " + std::to_string(end) + ") lies outside the blob of " +
                std::to_string(blob.size) + " bytes (file truncated?)");
  }
  std::vector<int32_t> out(static_cast<size_t>(count));
  const uint8_t* p = blob.data + off;
  for (int64_t i = 0; i < count; ++i) {
    if (esz == 1) {
      out[i] = p[i];
    } else if (esz == 2) {
      out[i] = static_cast<int16_t>(uint16_t{p[2 * i]} | (uint16_t{p[2 * i + 1]} << 8));
    } else {
      out[i] = static_cast<int32_t>(le32(p + 4 * i));
    }
  }
  return out;
}

Layer parse_layer(const json& j, size_t index, const Blob& blob, const std::string& origin) {
  Layer L;
  std::string where = origin + ": layer " + std::to_string(index);
  if (!j.is_object()) fail(where, "layer must be an object");
  if (j.contains("name") && j["name"].is_string()) {
    L.name = j["name"].get<std::string>();
    where += " '" + L.name + "'";
  }
  const std::string type = get_str(j, "type", where);
  if (type == "conv") L.type = LayerType::kConv;
  else if (type == "fc") L.type = LayerType::kFc;
  else if (type == "maxpool") L.type = LayerType::kMaxPool;
  else fail(where, "unknown type '" + type + "' (conv, fc, maxpool)");
  const auto in = get_dims(j, "in", where, 3);
  const auto out = get_dims(j, "out", where, 3);
  L.C = in[0], L.H = in[1], L.W = in[2];
  L.M = out[0], L.E = out[1], L.F = out[2];
  const auto k = get_dims(j, "kernel", where, 2);
  L.R = k[0], L.S = k[1];
  L.stride = static_cast<int>(get_int(j, "stride", where, 1, 64));
  L.pad = L.type == LayerType::kMaxPool && !j.contains("pad") ? 0 : static_cast<int>(get_int(j, "pad", where, 0, 64));
  if (L.type == LayerType::kMaxPool) {
    check_keys(j, {"name", "type", "in", "out", "kernel", "stride", "pad"}, where);
    if (L.pad != 0) fail(where, "maxpool has no padding");
    if (L.R != L.S) fail(where, "maxpool kernel must be square [K, K]");
    if (L.M != L.C) fail(where, "maxpool keeps the channel count");
    return L;
  }
  check_keys(j,
             {"name", "type", "in", "out", "kernel", "stride", "pad", "weight_type", "weights", "act_bits",
              "act_signed", "syq", "requant"},
             where);
  const std::string wt = get_str(j, "weight_type", where);
  const auto t = parse_weight_type(wt);
  if (!t) fail(where, "unknown weight_type '" + wt + "'");
  L.wtype = *t;
  L.act_bits = static_cast<int>(get_int(j, "act_bits", where, 1, 8));
  L.act_signed = get_bool(j, "act_signed", where, false);
  L.weights = get_tensor(j, "weights", where, blob, {L.M, L.C, L.R, L.S}, "i16");
  for (size_t i = 0; i < L.weights.size(); ++i) {
    if (!encode_weight(L.wtype, L.weights[i])) {
      fail(where + ".weights", "value " + std::to_string(L.weights[i]) + " at flat index " + std::to_string(i) +
                                   " is not a " + wt + " weight");
    }
  }
  if (j.contains("syq") && !j["syq"].is_null()) {
    const json& sq = j["syq"];
    check_keys(sq, {"mode", "scales"}, where + ".syq");
    const std::string mode = get_str(sq, "mode", where + ".syq");
    if (mode == "pixel") {
      L.syq = SyqMode::kPixel;
      L.syq_scales = get_tensor(sq, "scales", where + ".syq", blob, {int64_t{L.R} * L.S}, "u8");
    } else if (mode == "row") {
      L.syq = SyqMode::kRow;
      const auto rows = get_tensor(sq, "scales", where + ".syq", blob, {L.R}, "u8");
      for (int r = 0; r < L.R; ++r) {
        for (int s = 0; s < L.S; ++s) L.syq_scales.push_back(rows[r]);
      }
    } else {
      fail(where + ".syq", "mode must be 'pixel' or 'row'");
    }
    for (int32_t q : L.syq_scales) {
      if (q < 1 || q > 255) fail(where + ".syq", "scales must be 1..255");
    }
  }
  const json& rq = field(j, "requant", where);
  const std::string rw = where + ".requant";
  const std::string mode = get_str(rq, "mode", rw);
  const int64_t M = L.M;
  if (mode == "linear") {
    check_keys(rq, {"mode", "bias", "mult", "shift", "out_bits", "out_signed"}, rw);
    L.mode = RequantMode::kLinear;
    L.out_bits = static_cast<int>(get_int(rq, "out_bits", rw, 1, 8));
    L.out_signed = get_bool(rq, "out_signed", rw, false);
    L.bias = get_tensor(rq, "bias", rw, blob, {M}, "i32");
    L.mult = get_tensor(rq, "mult", rw, blob, {M}, "i32");
    L.shift = get_tensor(rq, "shift", rw, blob, {M}, "i32");
    for (int m = 0; m < L.M; ++m) {
      if (L.mult[m] < 1 || L.mult[m] > 65535) fail(rw + ".mult", "channel " + std::to_string(m) + ": outside 1..65535");
      if (L.shift[m] < 0 || L.shift[m] > 47) fail(rw + ".shift", "channel " + std::to_string(m) + ": outside 0..47");
    }
  } else if (mode == "threshold") {
    check_keys(rq, {"mode", "thresholds", "out_bits", "out_signed"}, rw);
    L.mode = RequantMode::kThreshold;
    L.out_bits = static_cast<int>(get_int(rq, "out_bits", rw, 1, 2));
    if (get_bool(rq, "out_signed", rw, false)) fail(rw, "threshold outputs are unsigned (out_signed must be false)");
    L.out_signed = false;
    const int64_t nt = (int64_t{1} << L.out_bits) - 1;
    L.thresholds = get_tensor(rq, "thresholds", rw, blob, {M, nt}, "i32");
    for (int m = 0; m < L.M; ++m) {
      for (int64_t i = 1; i < nt; ++i) {
        if (L.thresholds[m * nt + i] < L.thresholds[m * nt + i - 1]) {
          fail(rw + ".thresholds", "channel " + std::to_string(m) + ": thresholds not ascending");
        }
      }
    }
  } else if (mode == "raw") {
    check_keys(rq, {"mode", "bias"}, rw);
    L.mode = RequantMode::kRaw;
    L.out_bits = 32;
    L.out_signed = true;
    L.bias = get_tensor(rq, "bias", rw, blob, {M}, "i32");
  } else {
    fail(rw, "mode '" + mode + "' is not linear, threshold or raw");
  }
  return L;
}

}  // namespace

void validate_model(const Model& m, const std::string& origin) {
  if (m.layers.empty()) fail(origin, "no layers");
  int C = m.in_C, H = m.in_H, W = m.in_W, bits = m.in_bits;
  bool is_signed = false;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& L = m.layers[i];
    const std::string where = origin + ": layer " + std::to_string(i) + " '" + L.name + "'";
    const bool flat = L.type == LayerType::kFc && (L.H != 1 || L.W != 1);
    if (flat) fail(where, "fc input must be [C,1,1] (flatten C*H*W into C)");
    if (L.type == LayerType::kFc) {
      if (int64_t{L.C} != int64_t{C} * H * W) {
        fail(where, "input size " + std::to_string(L.C) + " does not match the previous output " +
                        std::to_string(int64_t{C} * H * W));
      }
      if (L.R != 1 || L.S != 1 || L.stride != 1 || L.pad != 0 || L.E != 1 || L.F != 1) {
        fail(where, "fc needs kernel [1,1], stride 1, pad 0, out [M,1,1]");
      }
    } else if (L.C != C || L.H != H || L.W != W) {
      fail(where, "input shape [" + std::to_string(L.C) + "," + std::to_string(L.H) + "," + std::to_string(L.W) +
                      "] does not match the previous output [" + std::to_string(C) + "," + std::to_string(H) + "," +
                      std::to_string(W) + "]");
    }
    const int pad = L.pad;
    if (L.H + 2 * pad < L.R || L.W + 2 * pad < L.S) fail(where, "kernel larger than the padded input");
    const int e = (L.H + 2 * pad - L.R) / L.stride + 1;
    const int f = (L.W + 2 * pad - L.S) / L.stride + 1;
    if (L.type != LayerType::kFc && (e != L.E || f != L.F)) {
      fail(where, "output size [" + std::to_string(L.E) + "," + std::to_string(L.F) + "] should be [" +
                      std::to_string(e) + "," + std::to_string(f) + "] for this kernel, stride and padding");
    }
    if (L.type == LayerType::kMaxPool) {
      C = L.M, H = L.E, W = L.F;
      continue;
    }
    if (L.act_bits != bits || L.act_signed != is_signed) {
      // A 1-bit signed layer reads {0,1} as {-1,+1}: it may follow an unsigned 1-bit output.
      const bool xnor_ok = L.act_bits == 1 && bits == 1 && L.act_signed && !is_signed;
      if (!xnor_ok) {
        fail(where, "act_bits/act_signed " + std::to_string(L.act_bits) + (L.act_signed ? "s" : "u") +
                        " must equal the previous output's " + std::to_string(bits) + (is_signed ? "s" : "u") +
                        ", even where a wider precision would hold every value (the one exception: 1s, XNOR, "
                        "after 1u; docs/model_format.md, 'Activation precision')");
      }
    }
    if (L.mode == RequantMode::kRaw && i + 1 != m.layers.size()) fail(where, "raw output is only allowed in the last layer");
    C = L.M, H = L.E, W = L.F;
    bits = L.out_bits;
    is_signed = L.out_signed;
  }
  if (int64_t{C} * H * W != m.classes) {
    fail(origin, "the last layer produces " + std::to_string(int64_t{C} * H * W) + " values, classes = " +
                     std::to_string(m.classes));
  }
}

Model parse_model(const std::vector<uint8_t>& raw, const std::string& origin) {
  if (raw.size() < 16) fail(origin, "file too short for a Tern model header (" + std::to_string(raw.size()) + " bytes)");
  if (std::memcmp(raw.data(), kMagic, 8) != 0) fail(origin, "bad magic: not a Tern model file (expected 'TERNMDL\\0')");
  const uint32_t version = le32(raw.data() + 8);
  if (version != 1) fail(origin, "format version " + std::to_string(version) + " not supported (expected 1)");
  const uint32_t jlen = le32(raw.data() + 12);
  if (jlen == 0 || jlen > kMaxHeader) fail(origin, "JSON header length " + std::to_string(jlen) + " outside 1..16 MiB");
  if (16 + static_cast<size_t>(jlen) > raw.size()) {
    fail(origin, "JSON header of " + std::to_string(jlen) + " bytes runs past the end of the file (truncated)");
  }
  const std::string js(reinterpret_cast<const char*>(raw.data() + 16), jlen);
  json h;
  try {
    h = json::parse(js);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers that overflow
    fail(origin, std::string("JSON header: ") + e.what());
  }
  size_t bstart = 16 + jlen;
  bstart = (bstart + 7) & ~size_t{7};
  const Blob blob{raw.data() + std::min(bstart, raw.size()), raw.size() > bstart ? raw.size() - bstart : 0};
  Model m;
  m.header_json = js;
  try {
    m.name = h.contains("name") && h["name"].is_string() ? h["name"].get<std::string>() : "";
    m.dataset = h.contains("dataset") && h["dataset"].is_string() ? h["dataset"].get<std::string>() : "";
    const json& in = field(h, "input", origin);
    check_keys(in, {"shape", "bits", "signed"}, origin + ": input");
    const auto shp = get_dims(in, "shape", origin + ": input", 3);
    m.in_C = shp[0], m.in_H = shp[1], m.in_W = shp[2];
    m.in_bits = static_cast<int>(get_int(in, "bits", origin + ": input", 8, 8));  // 8-bit pixels
    if (get_bool(in, "signed", origin + ": input", false)) fail(origin + ": input", "signed input is not supported");
    m.classes = static_cast<int>(get_int(h, "classes", origin, 1, 65535));
    const json& layers = field(h, "layers", origin);
    if (!layers.is_array()) fail(origin, "'layers' must be an array");
    if (layers.size() > 256) fail(origin, "more than 256 layers");
    for (size_t i = 0; i < layers.size(); ++i) m.layers.push_back(parse_layer(layers[i], i, blob, origin));
  } catch (const json::exception& e) {
    fail(origin, std::string("JSON header: ") + e.what());
  }
  validate_model(m, origin);
  return m;
}

Model load_model(const std::string& path) {
  std::vector<uint8_t> raw;
  try {
    raw = gunzip_file(path, kMaxFile);
  } catch (const GzipError& e) {
    fail(path, e.what());
  }
  return parse_model(raw, path);
}

}  // namespace tern
