// Fuzz target driver for builds without libFuzzer (the normal test build): replays every file of the
// given corpus folders, then `--mutate N` deterministic random mutations of them (bit flips, byte
// changes, insertions, deletions, truncation, splices) within `--seconds S`. A finding aborts.
//   fuzz_<target> DIR|FILE... [--mutate N] [--seed S] [--seconds S]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_common.hpp"

namespace {

std::vector<uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::vector<uint8_t> mutate(const std::vector<std::vector<uint8_t>>& pool, std::mt19937_64& rng) {
  std::vector<uint8_t> v = pool[rng() % pool.size()];
  const int steps = 1 + static_cast<int>(rng() % 8);
  for (int s = 0; s < steps; ++s) {
    const size_t n = v.size();
    switch (rng() % 7) {
      case 0:
        if (n) v[rng() % n] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (n) v[rng() % n] = static_cast<uint8_t>(rng());
        break;
      case 2:
        v.insert(v.begin() + static_cast<std::ptrdiff_t>(n ? rng() % (n + 1) : 0), static_cast<uint8_t>(rng()));
        break;
      case 3:
        if (n) v.erase(v.begin() + static_cast<std::ptrdiff_t>(rng() % n));
        break;
      case 4:
        if (n) v.resize(rng() % n);
        break;
      case 5: {  // splice with another input
        const auto& o = pool[rng() % pool.size()];
        if (!o.empty()) {
          const size_t at = n ? rng() % n : 0, from = rng() % o.size();
          const size_t len = std::min<size_t>(o.size() - from, 1 + rng() % 16);
          v.resize(std::max(v.size(), at + len));
          std::copy(o.begin() + static_cast<std::ptrdiff_t>(from), o.begin() + static_cast<std::ptrdiff_t>(from + len),
                    v.begin() + static_cast<std::ptrdiff_t>(at));
        }
        break;
      }
      default:  // interesting values
        if (n >= 2) {
          static const uint16_t kVals[] = {0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff};
          const uint16_t val = kVals[rng() % std::size(kVals)];
          const size_t at = rng() % (n - 1);
          v[at] = static_cast<uint8_t>(val);
          v[at + 1] = static_cast<uint8_t>(val >> 8);
        }
    }
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::vector<uint8_t>> pool;
  long mutations = 0, seconds = 0;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mutate" && i + 1 < argc) {
      mutations = std::stol(argv[++i]);
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::stol(argv[++i]);
    } else if (std::filesystem::is_directory(a)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(a)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) pool.push_back(read_file(f));
    } else if (std::filesystem::is_regular_file(a)) {
      pool.push_back(read_file(a));
    } else {
      std::fprintf(stderr, "replay: no such corpus '%s'\n", a.c_str());
      return 2;
    }
  }
  if (pool.empty()) pool.push_back({});
  auto run = [](const std::vector<uint8_t>& v) {
    tern::fuzz::replay_input() = v;
    LLVMFuzzerTestOneInput(v.data(), v.size());
  };
  for (const auto& v : pool) run(v);
  std::printf("replayed %zu corpus inputs\n", pool.size());
  std::mt19937_64 rng(seed);
  const auto t0 = std::chrono::steady_clock::now();
  long done = 0;
  for (; done < mutations; ++done) {
    if (seconds > 0 && std::chrono::steady_clock::now() - t0 > std::chrono::seconds(seconds)) break;
    run(mutate(pool, rng));
  }
  std::printf("ran %ld mutated inputs (seed %llu)\n", done, static_cast<unsigned long long>(seed));
  return 0;
}
