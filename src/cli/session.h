// session.h: what every command shares: messages, configuration, the manager, waiting.
#ifndef XFER_CLI_SESSION_H
#define XFER_CLI_SESSION_H

#include <string>

#include "args.h"
#include "handles.h"
#include "progress.h"
#include "report.h"
#include "xfer/xfer.h"

namespace xfer_cli {

// "xfer: MESSAGE" on stderr, on one line.
void print_error(const std::string &message);

// A result line on stdout, as the AWS CLI prints them ("upload: ./f to s3://b/k"); nothing
// with --quiet, "(dryrun) " first with --dryrun.
void print_result(const Options &o, const std::string &line);

// xfer_last_error(), or "unknown error".
std::string last_error();

// Env and ~/.aws files first (as the AWS CLI), then the options. Each returns an exit code
// and has printed why when it is not kExitOk.
int build_config(const Options &o, ConfigPtr *out);
int build_manager(const xfer_config *cfg, ManagerPtr *out);
int build_args(const ResolvedArgs &resolved, ArgsPtr *out);

// An xfer_progress_fn feeding a ProgressDisplay (user_data).
int on_progress(const xfer_progress *p, void *user_data);

// Waits in 100 ms steps (callbacks run inside xfer_future_wait), redrawing the progress line;
// on SIGINT/SIGTERM cancels and waits for the clean-up. Returns the final status.
xfer_status wait_for(xfer_future *f, ProgressDisplay *display);

// What went wrong with a finished future.
Failure failure_of(const xfer_future *f, xfer_status st);

// What went wrong with item i (from 0) of a finished transfer of many.
Failure item_failure_of(const xfer_future *f, size_t i);

// Prints the outcome of a finished future ("xfer: WHAT failed: SUBJECT: ..." or the success
// line) and returns the exit code. local_detail, when set, replaces the library's message
// (e.g. the errno of a failed read of stdin). After SIGINT: "xfer: cancelled", 130.
int finish(const xfer_future *f, xfer_status st, const Options &o, const std::string &what,
           const std::string &subject, const std::string &success_line,
           const std::string &local_detail = "");

}  // namespace xfer_cli

#endif  // XFER_CLI_SESSION_H
