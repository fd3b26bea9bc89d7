// client.cc: libcurl transport. Each channel is one easy handle driven by its own multi handle,
// so a request can be cancelled within one poll interval from any thread.
#include "http/client.h"

#include "http/parse.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>

namespace xfer::http {

namespace {

constexpr int kPollMs = 50;  // the longest a cancel waits to be noticed
constexpr size_t kMaxErrorBody = 1 << 20;
constexpr long kBufferSize = 512 * 1024;

std::once_flag g_init_once;

// What the callbacks of one request share.
struct Exchange {
  Request *req;
  Response *resp;
  const std::atomic<bool> *cancel;
  core::RateLimiter *limiter;
  uint64_t sent = 0;
  long stall_ms = 0;  // no byte either way for this long: the request fails as a stall
  curl_off_t last_moved = -1;
  std::chrono::steady_clock::time_point last_move_at = std::chrono::steady_clock::now();
  bool stalled = false;
  bool in_final_headers = false;
  bool headers_done = false;
  bool aborted_by_headers = false;
  bool body_failed = false;
  bool read_failed = false;
  bool rewind_refused = false;  // libcurl wanted to send a read-once body again
  bool cancelled = false;
};

bool is_cancelled(const Exchange *x) {
  return x->cancel && x->cancel->load(std::memory_order_relaxed);
}

size_t on_header(char *data, size_t size, size_t n, void *p) {
  auto *x = static_cast<Exchange *>(p);
  size_t len = size * n;
  std::string_view line(data, len);
  int status = 0;
  if (parse_status_line(line, &status)) {  // a new status line: interim answers start over
    x->resp->headers.clear();
    x->resp->status = status;
    x->in_final_headers = status >= 200;
    return len;
  }
  if (line == "\r\n" || line == "\n") {
    if (x->in_final_headers && !x->headers_done) {
      x->headers_done = true;
      if (x->req->on_headers && !x->req->on_headers(x->resp->status, x->resp->headers)) {
        x->aborted_by_headers = true;
        return 0;
      }
    }
    return len;
  }
  std::string name, value;
  if (!parse_header_line(line, &name, &value)) return len;
  auto it = x->resp->headers.find(name);
  if (it == x->resp->headers.end()) {
    x->resp->headers.emplace(std::move(name), std::move(value));
  } else {
    it->second += "," + value;
  }
  return len;
}

size_t on_write(char *data, size_t size, size_t n, void *p) {
  auto *x = static_cast<Exchange *>(p);
  size_t len = size * n;
  if (is_cancelled(x)) {
    x->cancelled = true;
    return 0;
  }
  x->resp->body_received += len;
  bool ok_status = x->resp->status >= 200 && x->resp->status < 300;
  if (ok_status && x->req->on_body) {
    if (x->limiter && !x->limiter->acquire(len, x->cancel)) {
      x->cancelled = true;
      return 0;
    }
    if (!x->req->on_body(data, len)) {
      x->body_failed = true;
      return 0;
    }
    return len;
  }
  if (!ok_status && x->resp->body.size() + len > kMaxErrorBody) return len;  // keep the head
  x->resp->body.append(data, len);
  return len;
}

size_t on_read(char *buf, size_t size, size_t n, void *p) {
  auto *x = static_cast<Exchange *>(p);
  size_t cap = size * n;
  if (is_cancelled(x)) {
    x->cancelled = true;
    return CURL_READFUNC_ABORT;
  }
  uint64_t left = x->req->body_size - x->sent;
  if (left == 0) return 0;
  if (cap > left) cap = size_t(left);
  if (x->limiter && !x->limiter->acquire(cap, x->cancel)) {
    x->cancelled = true;
    return CURL_READFUNC_ABORT;
  }
  int64_t got = x->req->read_body(buf, cap, x->sent);
  if (got <= 0 && is_cancelled(x)) {  // a body that waited for data, until the cancel
    x->cancelled = true;
    return CURL_READFUNC_ABORT;
  }
  if (got <= 0 || uint64_t(got) > cap) {
    x->read_failed = true;
    return CURL_READFUNC_ABORT;
  }
  if (x->sent + uint64_t(got) == x->req->body_size && x->req->before_last_byte &&
      !x->req->before_last_byte()) {
    x->cancelled = true;
    return CURL_READFUNC_ABORT;
  }
  x->sent += uint64_t(got);
  if (x->req->on_sent) x->req->on_sent(x->sent);
  return size_t(got);
}

int on_seek(void *p, curl_off_t offset, int origin) {
  auto *x = static_cast<Exchange *>(p);
  if (origin != SEEK_SET || offset < 0 || uint64_t(offset) > x->req->body_size)
    return CURL_SEEKFUNC_CANTSEEK;
  if (!x->req->rewindable && uint64_t(offset) != x->sent) {
    x->rewind_refused = true;
    return CURL_SEEKFUNC_CANTSEEK;
  }
  x->sent = uint64_t(offset);
  return CURL_SEEKFUNC_OK;
}

int on_progress(void *p, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) {
  auto *x = static_cast<Exchange *>(p);
  if (is_cancelled(x)) {
    x->cancelled = true;
    return 1;
  }
  // libcurl's own low-speed check averages over several seconds; this one is exact.
  auto now = std::chrono::steady_clock::now();
  if (dlnow + ulnow != x->last_moved) {
    x->last_moved = dlnow + ulnow;
    x->last_move_at = now;
  } else if (x->stall_ms > 0 && now - x->last_move_at > std::chrono::milliseconds(x->stall_ms)) {
    x->stalled = true;
    return 1;
  }
  return 0;
}

core::Error map_curl_error(CURLcode rc, const Exchange &x, const char *errbuf) {
  std::string detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
  if (x.cancelled) return core::Error(core::Code::Cancelled, "the request was cancelled");
  if (x.stalled) {
    core::Error e(core::Code::TimedOut,
                  "the request stalled: no byte moved for " + std::to_string(x.stall_ms) + " ms");
    e.retryable = true;
    return e;
  }
  if (x.body_failed) return core::Error(core::Code::Io, "writing the response body failed");
  if (x.read_failed) return core::Error(core::Code::Io, "reading the request body failed");
  if (x.rewind_refused) {
    core::Error e(core::Code::Network,
                  "network error: the connection broke while the body "
                  "was being sent (" +
                      detail + ")");
    e.retryable = true;  // a fresh request may still be possible (Call::can_retry decides)
    return e;
  }
  if (x.aborted_by_headers) {
    core::Error e(core::Code::Network, "the response headers were rejected");
    return e;
  }
  core::Error e;
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      e = core::Error(core::Code::TimedOut, "the request stalled or timed out: " + detail);
      e.retryable = true;
      return e;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return core::Error(core::Code::Network, "connection failed: " + detail);
    case CURLE_OUT_OF_MEMORY:
      return core::Error(core::Code::NoMem, detail);
    default:
      e = core::Error(core::Code::Network, "network error: " + detail);
      e.retryable = true;
      return e;
  }
}

}  // namespace

void global_init() {
  std::call_once(g_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Response::header(const std::string &lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

class Channel {
 public:
  Channel() : easy_(curl_easy_init()), multi_(curl_multi_init()) {}
  ~Channel() {
    if (multi_) curl_multi_cleanup(multi_);
    if (easy_) curl_easy_cleanup(easy_);
  }
  Channel(const Channel &) = delete;
  Channel &operator=(const Channel &) = delete;
  bool valid() const { return easy_ && multi_; }
  core::Error perform(const Options &opts, Request &req, Response &resp,
                      const std::atomic<bool> *cancel);

 private:
  CURL *easy_;
  CURLM *multi_;
};

core::Error Channel::perform(const Options &opts, Request &req, Response &resp,
                             const std::atomic<bool> *cancel) {
  // Reset keeps live connections, the DNS cache and TLS sessions; only options go.
  curl_easy_reset(easy_);
  Exchange x{&req, &resp, cancel, opts.limiter};
  x.stall_ms = opts.stall_ms;
  char errbuf[CURL_ERROR_SIZE] = {0};

  struct SlistFree {
    void operator()(curl_slist *l) const { curl_slist_free_all(l); }
  };
  std::unique_ptr<curl_slist, SlistFree> hdrs;
  auto add_header = [&](const std::string &line) {
    curl_slist *n = curl_slist_append(hdrs.get(), line.c_str());
    if (n) {
      (void)hdrs.release();
      hdrs.reset(n);
    }
  };
  bool has_content_type = false;
  for (auto &h : req.headers) {
    if (strcasecmp(h.first.c_str(), "content-type") == 0) has_content_type = true;
    // "Name;" sends a header with an empty value; "Name:" would remove it.
    add_header(h.second.empty() ? h.first + ";" : h.first + ": " + h.second);
  }
  add_header("Expect:");  // no 100-continue round trip before every body
  if (!has_content_type) add_header("Content-Type:");

  curl_easy_setopt(easy_, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, hdrs.get());
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_PATH_AS_IS, 1L);  // S3 keys are never path-normalised
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(easy_, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy_, CURLOPT_XFERINFODATA, &x);
  curl_easy_setopt(easy_, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy_, CURLOPT_BUFFERSIZE, kBufferSize);
  curl_easy_setopt(easy_, CURLOPT_UPLOAD_BUFFERSIZE, kBufferSize);
  curl_easy_setopt(easy_, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, opts.connect_timeout_ms);
  curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, opts.low_speed_limit);
  curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME, opts.low_speed_time_s);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, opts.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, opts.verify_tls ? 2L : 0L);
  if (!opts.ca_bundle.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, opts.ca_bundle.c_str());

  const bool has_body = bool(req.read_body);
  if (has_body) {
    curl_easy_setopt(easy_, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(easy_, CURLOPT_READDATA, &x);
    curl_easy_setopt(easy_, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(easy_, CURLOPT_SEEKDATA, &x);
  }
  if (req.method == "GET") {
    curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else if (req.method == "PUT") {
    curl_easy_setopt(easy_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy_, CURLOPT_INFILESIZE_LARGE, curl_off_t(has_body ? req.body_size : 0));
    if (!has_body) {
      static const auto no_body = [](char *, size_t, size_t, void *) -> size_t { return 0; };
      curl_easy_setopt(easy_, CURLOPT_READFUNCTION, +no_body);
    }
  } else if (req.method == "POST") {
    curl_easy_setopt(easy_, CURLOPT_POST, 1L);
    if (has_body) {
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(req.body_size));
    } else {
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(0));
    }
  } else {
    curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }

  if (cancel && cancel->load())
    return core::Error(core::Code::Cancelled, "the request was cancelled");
  curl_multi_add_handle(multi_, easy_);
  CURLcode rc = CURLE_OK;
  int running = 1;
  while (running) {
    CURLMcode mc = curl_multi_perform(multi_, &running);
    if (mc != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    if (!running) break;
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      x.cancelled = true;
      rc = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    curl_multi_poll(multi_, nullptr, 0, kPollMs, nullptr);
  }
  if (running == 0) {
    int left = 0;
    while (CURLMsg *m = curl_multi_info_read(multi_, &left)) {
      if (m->msg == CURLMSG_DONE && m->easy_handle == easy_) rc = m->data.result;
    }
  }
  curl_multi_remove_handle(multi_, easy_);
  if (rc != CURLE_OK) return map_curl_error(rc, x, errbuf);
  return core::Error();
}

Client::Client(Options opts) : opts_(std::move(opts)) {
  global_init();
}
Client::~Client() = default;

std::unique_ptr<Channel> Client::acquire() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!free_.empty()) {
      auto ch = std::move(free_.back());
      free_.pop_back();
      return ch;
    }
    opened_++;
  }
  auto ch = std::make_unique<Channel>();
  if (!ch->valid()) return nullptr;
  return ch;
}

void Client::release(std::unique_ptr<Channel> ch) {
  std::lock_guard<std::mutex> lk(mu_);
  // Keep at most max_connections idle channels: beyond that, close the connection.
  if (free_.size() < opts_.max_connections) free_.push_back(std::move(ch));
}

size_t Client::channels_opened() const {
  std::lock_guard<std::mutex> lk(mu_);
  return opened_;
}

core::Error Client::perform(Request &req, Response &resp, const std::atomic<bool> *cancel) {
  auto ch = acquire();
  if (!ch) return core::Error(core::Code::NoMem, "cannot create a libcurl handle");
  resp = Response();
  core::Error e = ch->perform(opts_, req, resp, cancel);
  release(std::move(ch));
  return e;
}

}  // namespace xfer::http
