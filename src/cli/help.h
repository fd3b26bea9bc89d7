// help.h: the help texts of the xfer tool (general and per command) and short usage lines.
#ifndef XFER_CLI_HELP_H
#define XFER_CLI_HELP_H

#include <cstdio>
#include <string>
#include <string_view>

#include "args.h"

namespace xfer_cli {

void print_general_help(std::FILE *out);
// False if name is not a command (or "help").
bool print_command_help(std::string_view name, std::FILE *out);
// "usage: xfer cp SRC DST [OPTIONS]" (general usage for kNone/kHelp).
std::string usage_line(Command c);

}  // namespace xfer_cli

#endif  // XFER_CLI_HELP_H
