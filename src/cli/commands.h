// commands.h: the xfer commands (cp, ls, rm, mb, rb, presign) run against the libxfer C API.
#ifndef XFER_CLI_COMMANDS_H
#define XFER_CLI_COMMANDS_H

#include <string>

#include "args.h"

namespace xfer_cli {

// Which of stdin/stdout were closed when the process started (main() then put /dev/null
// there, so that no file or socket the library opens can take fd 0 or 1).
struct StdStreams {
  bool stdin_closed = false;
  bool stdout_closed = false;
};

// Runs a parsed command (not help) and returns the process exit code (see report.h).
int run_command(const Invocation &inv, const StdStreams &streams);

// Prints "xfer: MESSAGE", the command's usage line and a hint to stderr; returns kExitUsage.
int usage_error(Command command, const std::string &message);

}  // namespace xfer_cli

#endif  // XFER_CLI_COMMANDS_H
