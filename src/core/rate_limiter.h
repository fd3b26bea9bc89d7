// rate_limiter.h: one token bucket shared by every transfer of a manager (max_bandwidth).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace xfer::core {

class RateLimiter {
 public:
  explicit RateLimiter(uint64_t bytes_per_s) : rate_(bytes_per_s) {}
  bool enabled() const { return rate_ > 0; }
  // Takes n bytes of budget, sleeping in short steps while there is none. Returns false at once
  // when *cancel becomes true.
  bool acquire(uint64_t n, const std::atomic<bool> *cancel);

 private:
  const uint64_t rate_;
  std::mutex mu_;
  double tokens_ = 0;
  bool started_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace xfer::core
