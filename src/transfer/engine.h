// engine.h: what a manager owns (worker pool, HTTP channels, bandwidth budget, retry budget)
// and the one way every transfer sends an S3 request: signed, retried, errors parsed.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "core/executor.h"
#include "core/rate_limiter.h"
#include "core/transfer_state.h"
#include "http/client.h"
#include "s3/request.h"
#include "transfer/config.h"

namespace xfer::transfer {

// A token bucket of retries shared by the manager, as the AWS CRT has: a dead server makes
// transfers fail fast instead of multiplying requests.
class RetryBudget {
 public:
  bool take(unsigned cost);
  void refund(unsigned n);

 private:
  std::mutex mu_;
  unsigned tokens_ = 500;
};

struct Call {
  s3::S3Request req;
  http::Request http;  // body, sinks and callbacks; url and headers are filled in per attempt
  // Called before each attempt (the first included), e.g. to move a Range past received bytes.
  std::function<void(Call &)> before_attempt;
  // Called after each attempt is signed, before it is sent (an aws-chunked body chains its
  // chunk signatures from the request's).
  std::function<void(const s3::PreparedRequest &)> on_prepared;
  // Asked before a retry: false makes the failure final (a streamed body that is gone).
  std::function<bool()> can_retry;
  unsigned max_attempts = 0;       // 0: the configured default
  bool error_body_on_200 = false;  // CompleteMultipartUpload and CopyObject: an <Error> in a 200
};

class Engine {
 public:
  explicit Engine(Config cfg);
  ~Engine();

  const Config &config() const { return cfg_; }
  core::Executor &executor() { return *executor_; }
  http::Client &http() { return *http_; }

  // Sends c.req, retrying transient failures with backoff and full jitter. On an HTTP error
  // answer returns Code::Service with the S3 code, message and request id.
  core::Error call(Call &c, http::Response &resp, const std::atomic<bool> *cancel);

  // Registry of live transfers, for shutdown.
  bool register_transfer(const std::shared_ptr<core::TransferState> &t);  // false after shutdown
  core::Code shutdown(bool cancel);
  bool closed() const { return closed_.load(); }

  // Whether CompleteMultipartUpload may list part checksums: AWS wants them, some S3-compatible
  // servers (Swift) reject them as MalformedXML. Learnt once per manager.
  std::atomic<bool> complete_with_checksums{true};

 private:
  Config cfg_;
  std::unique_ptr<core::RateLimiter> limiter_;
  std::unique_ptr<http::Client> http_;
  RetryBudget budget_;
  std::mutex mu_;
  std::vector<std::weak_ptr<core::TransferState>> live_;
  std::atomic<bool> closed_{false};
  std::unique_ptr<core::Executor> executor_;  // last: its threads stop first
};

// Turns an S3 error answer into an Error (Service, with code, message, request id).
core::Error service_error(const http::Response &resp, const char *op_hint);

}  // namespace xfer::transfer
