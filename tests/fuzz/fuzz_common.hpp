// Shared pieces of the fuzz targets: reading structured values from the fuzz input, and failing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace tern::fuzz {

// The input being run by the replay driver (libFuzzer saves its own copy of a crashing input).
inline std::vector<uint8_t>& replay_input() {
  static std::vector<uint8_t> v;
  return v;
}

// A finding: prints what is wrong and aborts (libFuzzer saves the input as a crash; the corpus replay
// writes it to fuzz-finding.bin and fails its CTest test).
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  if (!replay_input().empty()) {
    if (std::FILE* f = std::fopen("fuzz-finding.bin", "wb")) {
      std::fwrite(replay_input().data(), 1, replay_input().size(), f);
      std::fclose(f);
      std::fprintf(stderr, "input written to fuzz-finding.bin\n");
    }
  }
  std::fflush(stderr);
  std::abort();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// Consumes the fuzz input front to back; past the end it yields zeros.
class Bytes {
 public:
  Bytes(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  uint8_t u8() { return pos_ < n_ ? d_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return u16() | (static_cast<uint32_t>(u16()) << 16); }
  uint64_t u64() { return u32() | (static_cast<uint64_t>(u32()) << 32); }
  // A value in [0, n) (n >= 1).
  uint32_t below(uint32_t n) { return n <= 256 ? u8() % n : u32() % n; }
  size_t left() const { return pos_ < n_ ? n_ - pos_ : 0; }
  std::vector<uint8_t> rest() {
    std::vector<uint8_t> v(d_ + std::min(pos_, n_), d_ + n_);
    pos_ = n_;
    return v;
  }

 private:
  const uint8_t* d_;
  size_t n_;
  size_t pos_ = 0;
};

}  // namespace tern::fuzz
