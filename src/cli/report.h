// report.h: one-line error descriptions and exit codes (pure functions over a future's outcome).
#ifndef XFER_CLI_REPORT_H
#define XFER_CLI_REPORT_H

#include <cstddef>
#include <cstdint>
#include <string>

#include "xfer/xfer.h"

namespace xfer_cli {

enum ExitCode {
  kExitOk = 0,
  kExitFailed = 1,  // the service answered with an error, or the network failed
  kExitUsage = 2,   // bad command line or invalid argument
  kExitLocal = 3,   // local I/O: missing source file, unwritable target, closed stdout
  kExitInterrupted = 130,
};

// What went wrong with a transfer, as read from its future.
struct Failure {
  xfer_status status = XFER_OK;
  std::string s3_code;      // "NoSuchKey" or empty
  int http_status = 0;      // 0 if none
  std::string message;      // the library's message (may be empty)
  std::string request_id;   // may be empty
  std::string status_name;  // xfer_status_str(status), used when nothing else is known
};

// "NoSuchBucket (404): The specified bucket does not exist [request id XYZ]", on one line.
// A message that repeats the code at its start is not repeated.
std::string describe_failure(const Failure &f);

// The exit code for a final status: any failure after SIGINT/SIGTERM is kExitInterrupted
// (the wait loop cancelled it), XFER_EIO is local, XFER_EINVAL is usage, the rest service.
int exit_code_for(xfer_status status, bool interrupted);

// Replaces control characters (newlines from server messages) with spaces.
std::string one_line(std::string s);

// The closing line of a recursive cp: "upload: ./dir to s3://b/p/: 12 files, 1234567 bytes
// (1.2 MiB)" (the files and bytes that arrived), with ", 3 failed" when files failed (the
// per-file lines are printed on their own).
std::string tree_summary_line(const std::string &what, const std::string &from,
                              const std::string &to, uint64_t files, uint64_t bytes, size_t failed);

// The closing line of rm --recursive: "deleted 12 objects" ("1 object"), ", 3 failed".
std::string delete_summary_line(uint64_t deleted, size_t failed);

}  // namespace xfer_cli

#endif  // XFER_CLI_REPORT_H
