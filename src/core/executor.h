// executor.h: a fixed pool of worker threads running queued tasks in FIFO order.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace xfer::core {

class Executor {
 public:
  explicit Executor(size_t threads);
  ~Executor();  // runs what is queued, then joins
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;

  // Queues a task. Tasks must not throw (an escaping exception is swallowed and logged nowhere).
  void submit(std::function<void()> task);
  size_t size() const { return threads_.size(); }

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace xfer::core
