// interrupt.h: SIGINT/SIGTERM handling: the handler only sets a flag that the wait loop polls.
#ifndef XFER_CLI_INTERRUPT_H
#define XFER_CLI_INTERRUPT_H

namespace xfer_cli {

// Installs the handlers (without SA_RESTART, so a blocking read of stdin returns EINTR) and
// ignores SIGPIPE (a closed stdout becomes an EPIPE write error). Call once, from main().
void install_interrupt_handlers();

// True once SIGINT or SIGTERM has arrived. A second signal ends the process at once (130),
// unless it comes within 250 ms of the first (one interrupt relayed twice, as timeout(1) does).
bool interrupted();

}  // namespace xfer_cli

#endif  // XFER_CLI_INTERRUPT_H
