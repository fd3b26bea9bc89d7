// error.h: the structured error every layer reports (status code, message, HTTP and service
// details).
#pragma once

#include <string>
#include <utility>

namespace xfer::core {

// Values equal the public xfer_status codes so the C boundary converts without a table.
enum class Code {
  Ok = 0,
  Inval = -1,
  NoMem = -2,
  Io = -3,
  Network = -4,
  Service = -5,
  Checksum = -6,
  Cancelled = -7,
  TimedOut = -8,
  State = -9,
  Internal = -10,
};

struct Error {
  Code code = Code::Ok;
  std::string message;
  int http_status = 0;       // 0 when the failure was not an HTTP answer
  std::string service_code;  // e.g. "NoSuchKey"; empty when none
  std::string request_id;
  bool retryable = false;  // a transient failure the caller may try again

  Error() = default;
  Error(Code c, std::string msg) : code(c), message(std::move(msg)) {}
  bool ok() const { return code == Code::Ok; }
  explicit operator bool() const { return code != Code::Ok; }  // true when it is an error
};

}  // namespace xfer::core
