// RTL assertion failures reported by the SystemVerilog assertions (DPI tern_sva_fail) to the C++ harness.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

// Called by every assertion's action block with the assertion's hierarchical name (%m).
extern "C" void tern_sva_fail(const char* name);

namespace tern::tb {

// A failed RTL assertion: thrown by Sim::tick() after the clock edge at which it failed, so the test
// (GoogleTest reports an escaped exception as a failure) stops with the assertion's name.
class AssertionFailure : public std::runtime_error {
 public:
  AssertionFailure(const std::string& what, std::vector<std::string> names)
      : std::runtime_error(what), names_(std::move(names)) {}
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

// Names of the assertions failed since the last call (in order, repeats removed); clears the list.
std::vector<std::string> sva_take_failures();
// Total assertion failures seen by this process.
uint64_t sva_failure_count();

// Throws AssertionFailure if any assertion failed since the last check.
inline void sva_check(const std::string& sim_name, uint64_t cycle) {
  std::vector<std::string> names = sva_take_failures();
  if (names.empty()) return;
  std::string what = "RTL assertion failed in simulation '" + sim_name + "' at cycle " + std::to_string(cycle) + ":";
  for (const std::string& n : names) what += " " + n;
  throw AssertionFailure(what, std::move(names));
}

}  // namespace tern::tb
