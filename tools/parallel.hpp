// A small parallel loop for the CLI's worker threads: an exception in any worker stops the others and
// is rethrown in the calling thread (never std::terminate), which reports it like any other error.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

// Calls body(i) for every i in [0, n) on `threads` threads; the calling thread calls tick(done) about
// every 200 ms while they run. The first exception thrown by body (or by starting a thread) stops the
// remaining work and is rethrown here after every thread has been joined.
template <class Body, class Tick>
void parallel_for(int n, int threads, Body&& body, Tick&& tick) {
  std::atomic<int> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mu;
  auto fail = [&] {
    const std::lock_guard<std::mutex> lock(mu);
    if (!error) error = std::current_exception();
    failed = true;
  };
  auto worker = [&] {
    try {
      for (int i; !failed && (i = next++) < n; ++done) body(i);
    } catch (...) {
      fail();
    }
  };
  std::vector<std::thread> pool;
  try {
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  } catch (...) {
    fail();
  }
  while (!pool.empty() && !failed && done < n) {
    tick(done.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace tern
