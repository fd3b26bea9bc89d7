// transfer_state.h: the shared state behind a future: first error, result, progress, and the
// queue of events that run user callbacks on the waiting thread (never on a worker).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace xfer::core {

constexpr uint64_t kSizeUnknown = UINT64_MAX;

struct Result {
  std::string etag, version_id, checksum;
  uint64_t size = 0;
  // Transfers of many (directories, prefix deletes): the items that succeeded. Their result
  // (size and items) is kept when some other item failed the transfer.
  uint64_t items = 0;
  bool many = false;
};

// An event runs on the waiting thread with cancelled = false, or, once the transfer is stopping,
// on whichever thread drains it with cancelled = true: then it must not call user code, only
// release what it holds and let its coordinator move on.
using Event = std::function<void(bool cancelled)>;
using ProgressFn = std::function<int(uint64_t done, uint64_t total)>;  // non-zero cancels

class TransferState {
 public:
  explicit TransferState(ProgressFn progress = nullptr) : progress_(std::move(progress)) {}
  TransferState(const TransferState &) = delete;
  TransferState &operator=(const TransferState &) = delete;

  // ---- worker / coordinator side -------------------------------------------------------
  // True once the transfer has failed or was cancelled: in-flight work should stop.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const std::atomic<bool> *stop_flag() const { return &stopping_; }
  // Records the first error (later ones are dropped), stops the transfer, drains events.
  void fail(Error e);
  Error first_error() const;
  // True while a callback runs inside a wait whose time is up: a long event (filling a whole
  // part from a slow reader) should save its place, post itself again and return.
  bool yield_requested() const;
  void add_progress(uint64_t n) {
    done_.fetch_add(n, std::memory_order_relaxed);
    if (parent_) parent_->add_progress(n);
  }
  uint64_t progress_done() const { return done_.load(std::memory_order_relaxed); }
  // Transfers of many (directories): a child adds its progress to its parent's and tells the
  // parent when it ends (the hook runs on the thread that finished the child, no lock held).
  void set_parent(std::shared_ptr<TransferState> parent) { parent_ = std::move(parent); }
  void set_on_finish(std::function<void()> fn) { on_finish_ = std::move(fn); }
  // Runs once when the transfer starts stopping (failure or cancel), on the thread that
  // stopped it, no lock held: a transfer of many cancels its children there. Set it before
  // anything can stop the transfer.
  void set_on_stop(std::function<void()> fn) { on_stop_ = std::move(fn); }
  // Items of a transfer of many that failed: (key or path, the item's own error).
  void add_failure(std::string key, Error error);
  std::vector<std::pair<std::string, Error>> failures() const;
  void set_total(uint64_t total) { total_.store(total, std::memory_order_relaxed); }
  uint64_t total() const { return total_.load(std::memory_order_relaxed); }
  // Queues an event for the waiting thread; runs it at once with cancelled = true when the
  // transfer is already stopping. Never call it while holding a lock the event takes.
  void post(Event ev);
  // Ends the transfer: the status is the first error, or Ok with this result (a result of
  // many is kept with an error too). Once only.
  void finish(Result r);
  // The commit point: the request (or rename) that makes the result visible is about to
  // happen, and past this point the server or the file system may act on it whatever the
  // client does. From here a cancel no longer stops the transfer; it ends with the outcome of
  // the commit (or Cancelled if the commit fails). False when the transfer is already
  // stopping: then do not commit. Idempotent (a retried commit asks again).
  bool begin_commit();

  // ---- user side -----------------------------------------------------------------------
  // Runs events and progress on the calling thread until finished or the deadline passes.
  // Returns the final code, or Code::TimedOut while the transfer still runs.
  Code wait(int64_t timeout_ms);
  bool done() const;
  // Stops the transfer, unless it has passed its commit point (see begin_commit()).
  void cancel();
  // Waits for the end without running user callbacks (used after cancel, on free).
  void wait_finished();
  Code status() const;  // Code::Ok also while running: check done() first
  Error error() const;
  Result result() const;

 private:
  void drain_cancelled();
  bool deliver_progress();  // runs the progress callback if there is news; false: it cancelled

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  bool finished_ = false;
  bool committing_ = false;       // past the commit point: cancels are deferred
  bool cancel_deferred_ = false;  // a cancel came while committing
  Error error_;
  Result result_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{kSizeUnknown};
  bool waiting_ = false;  // a thread is inside wait() running callbacks (guarded by mu_)
  std::atomic<int64_t> wait_deadline_ns_{INT64_MAX};  // steady clock; of the wait running
  ProgressFn progress_;
  std::shared_ptr<TransferState> parent_;
  std::function<void()> on_finish_;
  std::function<void()> on_stop_;
  std::vector<std::pair<std::string, Error>> failures_;
  uint64_t shown_done_ = UINT64_MAX, shown_total_ = 0;  // last values given to progress_
};

}  // namespace xfer::core
