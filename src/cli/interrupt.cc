// interrupt.cc: SIGINT/SIGTERM handling: the handler only sets a flag that the wait loop polls.
#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace xfer_cli {

namespace {

volatile sig_atomic_t g_signal = 0;     // the first signal seen
volatile sig_atomic_t g_forwarded = 0;  // a worker thread passed a signal on to main
pthread_t g_main_thread;
// When the first signal came (CLOCK_MONOTONIC, ns). A wrapper such as timeout(1) relays one
// interrupt twice, to the child and to its process group: a second signal this soon after the
// first is the same interrupt, not a second Ctrl-C.
std::atomic<int64_t> g_first_ns{0};
constexpr int64_t kSameInterruptNs = 250 * 1000 * 1000;
static_assert(std::atomic<int64_t>::is_always_lock_free, "used in a signal handler");

int64_t now_ns() {
  struct timespec ts {};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void note_first(int sig) {
  if (g_signal != 0) return;
  g_first_ns.store(now_ns());
  g_signal = sig;
}

// Async-signal-safe only: sig_atomic_t stores, lock-free atomics, clock_gettime,
// pthread_self/pthread_equal/pthread_kill, write and _exit.
void on_signal(int sig) {
  if (!pthread_equal(pthread_self(), g_main_thread)) {
    // The kernel picked one of the library's threads. Record the signal and pass it on so
    // that a blocking read() on the main thread returns EINTR too.
    note_first(sig);
    g_forwarded = 1;
    pthread_kill(g_main_thread, sig);
    return;
  }
  if (g_forwarded) {
    g_forwarded = 0;
    return;
  }
  if (g_signal != 0) {
    if (now_ns() - g_first_ns.load() < kSameInterruptNs) return;
    static const char msg[] = "\nxfer: interrupted again, exiting without clean-up\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(130);
  }
  note_first(sig);
}

}  // namespace

void install_interrupt_handlers() {
  g_main_thread = pthread_self();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: interrupt blocking reads of stdin
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, nullptr);
}

bool interrupted() {
  return g_signal != 0;
}

}  // namespace xfer_cli
