// Collects RTL assertion failures (DPI import tern_sva_fail of the assertion blocks in rtl/) for Sim.
#include "tb/sva/sva_report.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>

namespace {

std::mutex& mu() {
  static std::mutex m;
  return m;
}
std::vector<std::string>& pending() {
  static std::vector<std::string> v;
  return v;
}
uint64_t g_count = 0;

}  // namespace

extern "C" void tern_sva_fail(const char* name) {
  const std::string n = name ? name : "(unnamed)";
  std::fprintf(stderr, "%%Error: RTL assertion failed: %s\n", n.c_str());
  std::lock_guard<std::mutex> lock(mu());
  ++g_count;
  auto& v = pending();
  if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
}

namespace tern::tb {

std::vector<std::string> sva_take_failures() {
  std::lock_guard<std::mutex> lock(mu());
  std::vector<std::string> out;
  out.swap(pending());
  return out;
}

uint64_t sva_failure_count() {
  std::lock_guard<std::mutex> lock(mu());
  return g_count;
}

}  // namespace tern::tb
