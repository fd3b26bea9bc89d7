// interrupt.cc: SIGINT/SIGTERM handling: the handler only sets a flag that the wait loop polls.
#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace xfer_cli {

namespace {

volatile sig_atomic_t g_signal = 0;     // the first signal seen
volatile sig_atomic_t g_forwarded = 0;  // a worker thread passed a signal on to main
pthread_t g_main_thread;

// Async-signal-safe only: sig_atomic_t stores, pthread_self/pthread_equal/pthread_kill,
// write and _exit.
void on_signal(int sig) {
  if (!pthread_equal(pthread_self(), g_main_thread)) {
    // The kernel picked one of the library's threads. Record the signal and pass it on so
    // that a blocking read() on the main thread returns EINTR too.
    if (g_signal == 0) g_signal = sig;
    g_forwarded = 1;
    pthread_kill(g_main_thread, sig);
    return;
  }
  if (g_forwarded) {
    g_forwarded = 0;
    return;
  }
  if (g_signal != 0) {
    static const char msg[] = "\nxfer: interrupted again, exiting without clean-up\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(130);
  }
  g_signal = sig;
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
