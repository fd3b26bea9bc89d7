// rate_limiter.cc: token bucket; a burst of at most a quarter second of bandwidth.
#include "core/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace xfer::core {

bool RateLimiter::acquire(uint64_t n, const std::atomic<bool> *cancel) {
  if (rate_ == 0) return true;
  for (;;) {
    std::chrono::microseconds wait{0};
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto now = std::chrono::steady_clock::now();
      if (!started_) {
        started_ = true;
        last_ = now;
      }
      double elapsed = std::chrono::duration<double>(now - last_).count();
      last_ = now;
      double burst = std::max<double>(double(rate_) / 4.0, double(n));
      tokens_ = std::min(burst, tokens_ + elapsed * double(rate_));
      if (tokens_ >= double(n)) {
        tokens_ -= double(n);
        return true;
      }
      double missing = double(n) - tokens_;
      wait = std::chrono::microseconds(int64_t(missing * 1e6 / double(rate_)) + 1);
    }
    wait = std::min(wait, std::chrono::microseconds(50000));
    if (cancel && cancel->load(std::memory_order_relaxed)) return false;
    std::this_thread::sleep_for(wait);
    if (cancel && cancel->load(std::memory_order_relaxed)) return false;
  }
}

}  // namespace xfer::core
