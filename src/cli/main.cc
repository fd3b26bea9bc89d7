// main.cc: entry point of the xfer tool: parses the command line and dispatches.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "help.h"
#include "interrupt.h"
#include "report.h"
#include "xfer/xfer.h"

namespace {

// Puts /dev/null on any of fds 0-2 that is closed, so that no descriptor opened later (a
// download's file, a socket) becomes "stdout" and receives data or messages by accident.
xfer_cli::StdStreams reserve_std_fds() {
  xfer_cli::StdStreams s;
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1) continue;
    if (fd == 0) s.stdin_closed = true;
    if (fd == 1) s.stdout_closed = true;
    int nul = ::open("/dev/null", O_RDWR);
    if (nul >= 0 && nul != fd) ::close(nul);  // lowest free fd is fd itself; keep it there
  }
  return s;
}

}  // namespace

int main(int argc, char **argv) {
  using namespace xfer_cli;
  const StdStreams streams = reserve_std_fds();
  std::vector<std::string> args(argv + 1, argv + argc);
  ParseResult parsed = parse_command_line(args);
  const Invocation &inv = parsed.invocation;
  if (!parsed.ok) return usage_error(inv.command, parsed.error);
  const Options &o = inv.options;
  if (o.version) {
    std::printf("xfer %s (libxfer %s)\n", XFER_VERSION_STRING, xfer_version());
    return kExitOk;
  }
  if (inv.command == Command::kHelp) {
    if (inv.positionals.empty()) {
      print_general_help(stdout);
      return kExitOk;
    }
    if (inv.positionals.size() > 1 || !print_command_help(inv.positionals[0], stdout))
      return usage_error(Command::kHelp, "no help for '" + inv.positionals[0] + "'");
    return kExitOk;
  }
  if (o.help) {
    if (inv.command == Command::kNone)
      print_general_help(stdout);
    else
      print_command_help(inv.command_name, stdout);
    return kExitOk;
  }
  if (inv.command == Command::kNone) return usage_error(Command::kNone, "missing command");
  install_interrupt_handlers();
  return run_command(inv, streams);
}
