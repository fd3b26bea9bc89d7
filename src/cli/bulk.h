// bulk.h: the commands on many objects: ls, rm --recursive and cp --recursive.
#ifndef XFER_CLI_BULK_H
#define XFER_CLI_BULK_H

#include "args.h"

namespace xfer_cli {

// Each returns the process exit code (see report.h).
int run_ls(const Invocation &inv);
int run_rm_recursive(const Invocation &inv);
int run_cp_recursive(const Invocation &inv);

}  // namespace xfer_cli

#endif  // XFER_CLI_BULK_H
