// client.h: HTTP/1.1 over libcurl: a pool of keep-alive channels, streamed bodies, prompt cancel.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rate_limiter.h"

namespace xfer::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // GET, PUT, POST, HEAD, DELETE
  std::string url;
  Headers headers;
  // Request body: body_size bytes pulled through read_body(buf, cap, offset) which returns the
  // number of bytes written (> 0), or -1 to fail the request. Without read_body, no body.
  uint64_t body_size = 0;
  std::function<int64_t(char *buf, size_t cap, uint64_t offset)> read_body;
  // False for a body that can be read once only: libcurl may not rewind it to send it again
  // on a fresh connection (the request fails as a network error instead).
  bool rewindable = true;
  // Response body of a 2xx answer: streamed to on_body (false aborts as an I/O error); without
  // it the body is kept in Response::body. Error answers are always kept (capped) for parsing.
  std::function<bool(const char *data, size_t len)> on_body;
  // Called once the status line and headers of the final answer are in, before any body
  // byte; returning false aborts the request (for example on a wrong Content-Range).
  std::function<bool(int status, const std::map<std::string, std::string> &headers)> on_headers;
  // Called before the last body byte is handed to the connection (the server may act on the
  // request once it has it); returning false aborts the request as cancelled instead.
  std::function<bool()> before_last_byte;
  // Progress of body bytes sent (upload) as they go; may be called many times.
  std::function<void(uint64_t sent_total)> on_sent;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by ","
  std::string body;
  uint64_t body_received = 0;  // bytes of body seen (streamed or kept)
  std::string header(const std::string &lower_name) const;
};

struct Options {
  size_t max_connections = 10;  // channels; each keeps its own connection alive
  std::string ca_bundle;        // empty: libcurl's default (and CURL_CA_BUNDLE etc.)
  bool verify_tls = true;
  long connect_timeout_ms = 10000;
  long stall_ms = 30000;       // no byte moved for this long: the request fails, retryable
  long low_speed_limit = 1;    // bytes/s below which ...
  long low_speed_time_s = 60;  // ... for this long, the request fails as a stall
  core::RateLimiter *limiter = nullptr;  // shared bandwidth budget, may be null
};

class Channel;

class Client {
 public:
  explicit Client(Options opts);
  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  // Performs one request on a free channel. Fails with Code::Network (transport errors, marked
  // retryable), Code::TimedOut (stalls), Code::Cancelled (when *cancel became true) or
  // Code::Io (a body callback failed). HTTP error statuses are not failures here.
  core::Error perform(Request &req, Response &resp, const std::atomic<bool> *cancel);

  // The number of channels ever opened (each a connection at most), for tests and stats.
  size_t channels_opened() const;

 private:
  std::unique_ptr<Channel> acquire();
  void release(std::unique_ptr<Channel> ch);

  Options opts_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Channel>> free_;
  size_t opened_ = 0;
};

// Initialises libcurl once per process (curl_global_init is not thread-safe before 7.84).
void global_init();

}  // namespace xfer::http
