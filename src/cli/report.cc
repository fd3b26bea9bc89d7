// report.cc: one-line error descriptions and exit codes (pure functions over a future's outcome).
#include "report.h"

#include "progress.h"

namespace xfer_cli {

std::string one_line(std::string s) {
  for (char &c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

namespace {

// Drops a leading copy of the code from a message, with an optional "METHOD: " before it and
// any " (404)" and ": " after it: "GET: NoSuchKey (404): text" -> "text".
std::string strip_code_prefix(const std::string &msg, const std::string &code) {
  size_t start = 0;
  while (start < msg.size() && msg[start] >= 'A' && msg[start] <= 'Z') ++start;
  start = msg.compare(start, 2, ": ") == 0 ? start + 2 : 0;
  if (msg.compare(start, code.size(), code) != 0) start = 0;
  if (msg.compare(start, code.size(), code) != 0) return msg;
  size_t i = start + code.size();
  while (i < msg.size() && std::string(" :()0123456789").find(msg[i]) != std::string::npos) ++i;
  return msg.substr(i);
}

}  // namespace

std::string describe_failure(const Failure &f) {
  std::string msg = one_line(f.message);
  std::string out;
  if (!f.s3_code.empty()) {
    out = f.s3_code;
    if (f.http_status != 0) out += " (" + std::to_string(f.http_status) + ")";
    msg = strip_code_prefix(msg, f.s3_code);
  } else if (f.http_status != 0) {
    out = "HTTP " + std::to_string(f.http_status);
  }
  if (!msg.empty()) out += (out.empty() ? "" : ": ") + msg;
  if (out.empty()) out = f.status_name.empty() ? "failed" : f.status_name;
  if (!f.request_id.empty()) out += " [request id " + one_line(f.request_id) + "]";
  return out;
}

int exit_code_for(xfer_status status, bool interrupted) {
  if (status == XFER_OK) return kExitOk;
  if (interrupted) return kExitInterrupted;
  switch (status) {
    case XFER_EIO:
      return kExitLocal;
    case XFER_EINVAL:
      return kExitUsage;
    default:
      return kExitFailed;
  }
}

std::string tree_summary_line(const std::string &what, const std::string &from,
                              const std::string &to, uint64_t files, uint64_t bytes,
                              size_t failed) {
  std::string out = what + ": " + from + " to " + to + ": " + std::to_string(files) +
                    (files == 1 ? " file, " : " files, ") + std::to_string(bytes) + " bytes";
  if (bytes >= 1024) out += " (" + format_bytes(bytes) + ")";
  if (failed > 0) out += ", " + std::to_string(failed) + " failed";
  return out;
}

std::string delete_summary_line(uint64_t deleted, size_t failed) {
  std::string out = "deleted " + std::to_string(deleted) + (deleted == 1 ? " object" : " objects");
  if (failed > 0) out += ", " + std::to_string(failed) + " failed";
  return out;
}

}  // namespace xfer_cli
