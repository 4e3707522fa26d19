// The CLI's worker-thread loop (tools/parallel.hpp): every index once, and an exception in a worker
// reaches the caller (where tern turns it into an error message and exit 2) instead of std::terminate.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tools/parallel.hpp"

namespace {

TEST(ToolsParallel, EveryIndexOnce) {
  std::vector<std::atomic<int>> hits(1000);
  int last_tick = -1;
  tern::parallel_for(
      1000, 2, [&](int i) { ++hits[static_cast<size_t>(i)]; }, [&](int done) { last_tick = done; });
  for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 1) << i;
  EXPECT_LE(last_tick, 1000);
}

TEST(ToolsParallel, WorkerExceptionReachesTheCallerAndStopsTheRest) {
  std::atomic<int> ran{0};
  try {
    tern::parallel_for(
        100000, 2,
        [&](int i) {
          ++ran;
          if (i == 10) throw std::invalid_argument("image 10 is bad");
          std::this_thread::sleep_for(std::chrono::milliseconds(1));  // 100 s in all if nothing stopped
        },
        [](int) {});
    FAIL() << "expected the worker's exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "image 10 is bad");
  }
  EXPECT_LT(ran.load(), 100000) << "the other worker did not stop";
}

}  // namespace
