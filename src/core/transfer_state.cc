// transfer_state.cc: first-error-wins completion, event draining and the waiting loop.
#include "core/transfer_state.h"

#include <chrono>

namespace xfer::core {

namespace {
constexpr const char *kCancelledMessage = "the transfer was cancelled";
}

void TransferState::fail(Error e) {
  std::function<void()> on_stop;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (finished_) return;
    // A commit that failed after the user cancelled: the user's cancel is the story.
    if (error_.ok() && cancel_deferred_) error_ = Error(Code::Cancelled, kCancelledMessage);
    if (error_.ok()) error_ = std::move(e);
    stopping_.store(true, std::memory_order_release);
    on_stop.swap(on_stop_);
  }
  cv_.notify_all();
  if (on_stop) on_stop();
  drain_cancelled();
}

void TransferState::cancel() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (finished_) return;
    if (committing_) {
      cancel_deferred_ = true;
      return;
    }
  }
  fail(Error(Code::Cancelled, kCancelledMessage));
}

bool TransferState::begin_commit() {
  std::lock_guard<std::mutex> lk(mu_);
  if (committing_) return true;
  if (stopping_.load(std::memory_order_acquire)) return false;
  committing_ = true;
  return true;
}

Error TransferState::first_error() const {
  std::lock_guard<std::mutex> lk(mu_);
  return error_;
}

void TransferState::drain_cancelled() {
  for (;;) {
    Event ev;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (events_.empty()) return;
      ev = std::move(events_.front());
      events_.pop_front();
    }
    ev(true);
  }
}

void TransferState::post(Event ev) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!stopping_.load(std::memory_order_acquire)) {
      events_.push_back(std::move(ev));
      cv_.notify_all();
      return;
    }
  }
  ev(true);
}

void TransferState::add_failure(std::string key, Error error) {
  std::lock_guard<std::mutex> lk(mu_);
  failures_.emplace_back(std::move(key), std::move(error));
}

std::vector<std::pair<std::string, Error>> TransferState::failures() const {
  std::lock_guard<std::mutex> lk(mu_);
  return failures_;
}

void TransferState::finish(Result r) {
  std::deque<Event> dropped;
  std::function<void()> on_stop;  // released here: it may hold the op that holds this state
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (finished_) return;
    finished_ = true;
    on_stop.swap(on_stop_);
    // Progress is left as the transfer counted it: each kind accounts its own bytes, so a
    // success whose bytes_done is not its size shows (and fails the tests) instead of being
    // papered over here.
    if (error_.ok()) {
      result_ = std::move(r);
    } else if (r.many) {
      result_ = std::move(r);  // what the items that succeeded did
    }
    stopping_.store(true, std::memory_order_release);
    dropped.swap(events_);
  }
  cv_.notify_all();
  for (auto &ev : dropped) ev(true);
  if (on_finish_) {
    auto fn = std::move(on_finish_);
    fn();
  }
}

bool TransferState::deliver_progress() {
  if (!progress_) return true;
  uint64_t d = done_.load(std::memory_order_relaxed);
  uint64_t t = total_.load(std::memory_order_relaxed);
  if (d == shown_done_ && t == shown_total_) return true;
  if (shown_done_ != UINT64_MAX && d < shown_done_) d = shown_done_;  // never decreases
  shown_done_ = d;
  shown_total_ = t;
  return progress_(d, t) == 0;
}

bool TransferState::yield_requested() const {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() >=
         wait_deadline_ns_.load(std::memory_order_relaxed);
}

Code TransferState::wait(int64_t timeout_ms) {
  using clock = std::chrono::steady_clock;
  const bool forever = timeout_ms < 0;
  const auto deadline = clock::now() + std::chrono::milliseconds(forever ? 0 : timeout_ms);
  constexpr auto kProgressEvery = std::chrono::milliseconds(100);
  std::unique_lock<std::mutex> lk(mu_);
  // One waiting thread at a time runs callbacks; others queue here (a flag and the condition
  // variable rather than a timed mutex, whose timed lock TSan cannot see).
  auto free_to_wait = [this] { return !waiting_; };
  if (forever) {
    cv_.wait(lk, free_to_wait);
  } else if (!cv_.wait_until(lk, deadline, free_to_wait)) {
    return finished_ ? error_.code : Code::TimedOut;
  }
  waiting_ = true;
  if (!forever)
    wait_deadline_ns_.store(
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count(),
        std::memory_order_relaxed);
  // Hands the waiter's place on, and unpublishes the deadline, however this wait returns.
  struct WaiterScope {
    TransferState &st;
    std::unique_lock<std::mutex> &lk;  // declared before this scope, so still alive at its end
    ~WaiterScope() {
      st.wait_deadline_ns_.store(INT64_MAX, std::memory_order_relaxed);
      if (!lk.owns_lock()) lk.lock();
      st.waiting_ = false;
      st.cv_.notify_all();
    }
  } waiter_scope{*this, lk};
  auto next_progress = clock::now();
  for (;;) {
    while (!events_.empty() && !stopping_.load(std::memory_order_acquire)) {
      Event ev = std::move(events_.front());
      events_.pop_front();
      lk.unlock();
      ev(false);
      // A busy queue (a fast reader) must not starve progress.
      if (clock::now() >= next_progress) {
        next_progress = clock::now() + kProgressEvery;
        if (!deliver_progress()) cancel();
      }
      lk.lock();
      if (!forever && clock::now() >= deadline) break;
    }
    bool fin = finished_;
    lk.unlock();
    next_progress = clock::now() + kProgressEvery;
    if (!deliver_progress()) cancel();
    lk.lock();
    if (fin && finished_) return error_.code;
    if (!forever && clock::now() >= deadline) return finished_ ? error_.code : Code::TimedOut;
    if (!events_.empty() && !stopping_.load(std::memory_order_acquire)) continue;
    // Progress is coalesced: wake at least every 100 ms to show it while bytes move.
    auto wake = clock::now() + kProgressEvery;
    if (!forever && deadline < wake) wake = deadline;
    cv_.wait_until(lk, wake);
  }
}

bool TransferState::done() const {
  std::lock_guard<std::mutex> lk(mu_);
  return finished_;
}

void TransferState::wait_finished() {
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [this] { return finished_; });
}

Code TransferState::status() const {
  std::lock_guard<std::mutex> lk(mu_);
  return finished_ ? error_.code : Code::Ok;
}

Error TransferState::error() const {
  std::lock_guard<std::mutex> lk(mu_);
  return finished_ ? error_ : Error();
}

Result TransferState::result() const {
  std::lock_guard<std::mutex> lk(mu_);
  return result_;
}

}  // namespace xfer::core
