// engine.cc: request execution with retries and the retry budget; the live-transfer registry.
#include "transfer/engine.h"

#include <chrono>
#include <ctime>
#include <random>
#include <thread>

#include "s3/xml.h"

namespace xfer::transfer {

namespace {

constexpr unsigned kCostThrottle = 5;  // 5xx and throttling answers
constexpr unsigned kCostNetwork = 10;  // resets, timeouts, truncated bodies

bool retryable_code(const std::string &code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "Throttling" ||
         code == "ThrottlingException" || code == "RequestThrottled" || code == "InternalError" ||
         code == "ServiceUnavailable" || code == "RequestTimeTooSkewed";
}

// Sleeps the backoff for this attempt (full jitter), in steps, unless cancelled.
bool backoff(unsigned attempt, const std::atomic<bool> *cancel) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  double cap_ms = std::min(20000.0, 100.0 * double(1u << std::min(attempt, 10u)));
  std::uniform_real_distribution<double> dist(0.0, cap_ms);
  auto until =
      std::chrono::steady_clock::now() + std::chrono::microseconds(int64_t(dist(rng) * 1000));
  while (std::chrono::steady_clock::now() < until) {
    if (cancel && cancel->load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return !(cancel && cancel->load());
}

}  // namespace

bool RetryBudget::take(unsigned cost) {
  std::lock_guard<std::mutex> lk(mu_);
  if (tokens_ < cost) return false;
  tokens_ -= cost;
  return true;
}

void RetryBudget::refund(unsigned n) {
  std::lock_guard<std::mutex> lk(mu_);
  tokens_ = std::min(500u, tokens_ + n);
}

core::Error service_error(const http::Response &resp, const char *op_hint) {
  core::Error e(core::Code::Service, "");
  e.http_status = resp.status;
  e.request_id = resp.header("x-amz-request-id");
  // Swift's own id when its S3 layer leaves out the S3 one.
  if (e.request_id.empty()) e.request_id = resp.header("x-openstack-request-id");
  if (auto parsed = s3::parse_error(resp.body)) {
    e.service_code = parsed->code;
    e.message = parsed->message;
    if (!parsed->request_id.empty()) e.request_id = parsed->request_id;
  }
  if (e.service_code.empty()) {
    // HEAD answers and some servers carry no body: name the status as S3 clients do.
    switch (resp.status) {
      case 404:
        e.service_code = "NotFound";
        break;
      case 403:
        e.service_code = "AccessDenied";
        break;
      case 412:
        e.service_code = "PreconditionFailed";
        break;
      case 304:
        e.service_code = "NotModified";
        break;
      default:
        break;
    }
  }
  std::string what =
      e.service_code.empty() ? "HTTP " + std::to_string(resp.status) : e.service_code;
  e.message = std::string(op_hint) + ": " + what + " (" + std::to_string(resp.status) + ")" +
              (e.message.empty() ? "" : ": " + e.message);
  // 501 Not Implemented is the server saying it has no such feature (Swift: conditional PUTs,
  // aws-chunked): asking again cannot help, and botocore does not retry it either.
  e.retryable = (resp.status >= 500 && resp.status != 501) || retryable_code(e.service_code);
  return e;
}

Engine::Engine(Config cfg) : cfg_(std::move(cfg)) {
  limiter_ = std::make_unique<core::RateLimiter>(cfg_.max_bandwidth);
  http::Options o;
  size_t workers = cfg_.use_threads ? cfg_.max_concurrency : 1;
  o.max_connections = workers;
  o.ca_bundle = cfg_.ca_bundle;
  o.verify_tls = cfg_.verify_tls;
  o.connect_timeout_ms = long(cfg_.connect_timeout_ms);
  o.stall_ms = long(cfg_.stall_timeout_ms);
  o.low_speed_time_s = long(cfg_.stall_timeout_ms / 1000) + 60;  // a backstop only
  o.limiter = cfg_.max_bandwidth ? limiter_.get() : nullptr;
  http_ = std::make_unique<http::Client>(o);
  executor_ = std::make_unique<core::Executor>(workers);
}

Engine::~Engine() {
  shutdown(true);
}

core::Error Engine::call(Call &c, http::Response &resp, const std::atomic<bool> *cancel) {
  unsigned max_attempts = c.max_attempts ? c.max_attempts : cfg_.max_request_attempts;
  core::Error last;
  for (unsigned attempt = 1;; attempt++) {
    if (c.before_attempt) c.before_attempt(c);
    s3::PreparedRequest p = s3::prepare(cfg_.endpoint, c.req, std::time(nullptr));
    if (c.on_prepared) c.on_prepared(p);
    c.http.method = c.req.method;
    c.http.url = std::move(p.url);
    c.http.headers = std::move(p.headers);
    core::Error e = http_->perform(c.http, resp, cancel);
    if (e.ok()) {
      bool error_in_200 = c.error_body_on_200 && resp.status == 200 && s3::body_is_error(resp.body);
      if (resp.status >= 200 && resp.status < 300 && !error_in_200) {
        budget_.refund(1);
        return core::Error();
      }
      e = service_error(resp, c.req.method.c_str());
      if (error_in_200) e.retryable = true;  // S3 asks clients to retry these
    }
    last = e;
    if (!e.retryable || attempt >= max_attempts) return last;
    if (c.can_retry && !c.can_retry()) {
      last.message += " (not retried: the streamed body cannot be sent again)";
      return last;
    }
    unsigned cost = e.code == core::Code::Service ? kCostThrottle : kCostNetwork;
    if (!budget_.take(cost)) {
      last.message += " (retry budget exhausted)";
      return last;
    }
    if (!backoff(attempt, cancel))
      return core::Error(core::Code::Cancelled, "the request was cancelled");
  }
}

bool Engine::register_transfer(const std::shared_ptr<core::TransferState> &t) {
  std::lock_guard<std::mutex> lk(mu_);
  if (closed_.load()) return false;
  // Drop entries of ended transfers so the list stays as long as what runs.
  std::vector<std::weak_ptr<core::TransferState>> keep;
  keep.reserve(live_.size() + 1);
  for (auto &w : live_) {
    auto s = w.lock();
    if (s && !s->done()) keep.push_back(w);
  }
  keep.push_back(t);
  live_.swap(keep);
  return true;
}

core::Code Engine::shutdown(bool cancel) {
  std::vector<std::shared_ptr<core::TransferState>> running;
  {
    std::lock_guard<std::mutex> lk(mu_);
    closed_.store(true);
    for (auto &w : live_)
      if (auto s = w.lock()) running.push_back(std::move(s));
  }
  if (cancel)
    for (auto &t : running) t->cancel();
  // A stream transfer reads only while someone waits: run its callbacks here when no other
  // thread is waiting on it, so shutdown(0) cannot hang on a transfer nobody waits for.
  for (auto &t : running) {
    while (t->wait(50) == core::Code::TimedOut) {
    }
  }
  return core::Code::Ok;
}

}  // namespace xfer::transfer
