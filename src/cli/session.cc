// session.cc: what every command shares: messages, configuration, the manager, waiting.
#include "session.h"

#include <cstdio>

#include "interrupt.h"
#include "report.h"

namespace xfer_cli {

void print_error(const std::string &message) {
  std::string line = "xfer: " + one_line(message) + "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void print_result(const Options &o, const std::string &line) {
  if (o.quiet) return;
  std::string text = (o.dryrun ? "(dryrun) " : "") + line + "\n";
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

std::string last_error() {
  const char *e = xfer_last_error();
  return e && *e ? e : "unknown error";
}

// ---- configuration ------------------------------------------------------------------------

int build_config(const Options &o, ConfigPtr *out) {
  ConfigPtr cfg(xfer_config_new());
  if (!cfg) {
    print_error("cannot create a configuration: " + last_error());
    return kExitFailed;
  }
  if (xfer_config_load_env(cfg.get(), o.profile ? o.profile->c_str() : nullptr) != XFER_OK) {
    print_error("configuration: " + last_error());
    return kExitUsage;
  }
  std::string failed;
  auto check = [&](xfer_status s, const char *option) {
    if (s != XFER_OK && failed.empty()) failed = std::string(option) + ": " + last_error();
  };
  xfer_config *c = cfg.get();
  if (o.endpoint_url) check(xfer_config_set_endpoint(c, o.endpoint_url->c_str()), "--endpoint-url");
  if (o.region) check(xfer_config_set_region(c, o.region->c_str()), "--region");
  if (o.path_style) check(xfer_config_set_path_style(c, *o.path_style ? 1 : 0), "--path-style");
  if (o.no_verify_ssl) check(xfer_config_set_verify_tls(c, 0), "--no-verify-ssl");
  if (o.ca_bundle) check(xfer_config_set_ca_bundle(c, o.ca_bundle->c_str()), "--ca-bundle");
  if (o.connect_timeout_ms)
    check(xfer_config_set_connect_timeout_ms(c, *o.connect_timeout_ms), "--connect-timeout");
  if (o.multipart_threshold)
    check(xfer_config_set_multipart_threshold(c, *o.multipart_threshold), "--multipart-threshold");
  if (o.multipart_chunksize)
    check(xfer_config_set_multipart_chunksize(c, *o.multipart_chunksize), "--multipart-chunksize");
  if (o.max_concurrency)
    check(xfer_config_set_max_concurrency(c, *o.max_concurrency), "--max-concurrency");
  if (o.max_bandwidth) check(xfer_config_set_max_bandwidth(c, *o.max_bandwidth), "--max-bandwidth");
  if (o.checksum_algorithm)
    check(xfer_config_set_checksum_algorithm(c, o.checksum_algorithm->c_str()),
          "--checksum-algorithm");
  if (!failed.empty()) {
    print_error(failed);
    return kExitUsage;
  }
  *out = std::move(cfg);
  return kExitOk;
}

int build_manager(const xfer_config *cfg, ManagerPtr *out) {
  ManagerPtr m(xfer_manager_new(cfg));
  if (!m) {
    print_error("configuration: " + last_error());
    return kExitUsage;
  }
  *out = std::move(m);
  return kExitOk;
}

int build_args(const ResolvedArgs &resolved, ArgsPtr *out) {
  ArgsPtr a(xfer_args_new());
  if (!a) {
    print_error("out of memory");
    return kExitFailed;
  }
  for (const auto &kv : resolved.extra) {
    if (xfer_args_set(a.get(), kv.first.c_str(), kv.second.c_str()) != XFER_OK) {
      print_error(kv.first + ": " + last_error());
      return kExitUsage;
    }
  }
  for (const auto &kv : resolved.metadata) {
    if (xfer_args_set_metadata(a.get(), kv.first.c_str(), kv.second.c_str()) != XFER_OK) {
      print_error("--metadata " + kv.first + ": " + last_error());
      return kExitUsage;
    }
  }
  *out = std::move(a);
  return kExitOk;
}

// ---- waiting ------------------------------------------------------------------------------

int on_progress(const xfer_progress *p, void *user_data) {
  static_cast<ProgressDisplay *>(user_data)->update(p->bytes_done, p->bytes_total);
  return 0;
}

xfer_status wait_for(xfer_future *f, ProgressDisplay *display) {
  bool cancelled = false;
  for (;;) {
    if (!cancelled && interrupted()) {
      xfer_future_cancel(f);
      cancelled = true;
      display->clear();
    }
    xfer_status st = xfer_future_wait(f, 100);
    if (xfer_future_done(f)) {
      // A final XFER_ETIMEDOUT (a stalled request) looks like a wait timeout: ask again.
      if (st == XFER_ETIMEDOUT) st = xfer_future_wait(f, -1);
      display->clear();
      return st;
    }
    if (st != XFER_ETIMEDOUT) {
      display->clear();
      return st;
    }
    if (!cancelled) display->tick();
  }
}

namespace {

Failure make_failure(xfer_status st, const char *s3_code, int http_status, const char *message,
                     const char *request_id) {
  Failure fail;
  fail.status = st;
  fail.status_name = xfer_status_str(st);
  if (s3_code) fail.s3_code = s3_code;
  fail.http_status = http_status;
  if (message) fail.message = message;
  if (request_id) fail.request_id = request_id;
  return fail;
}

}  // namespace

Failure failure_of(const xfer_future *f, xfer_status st) {
  return make_failure(st, xfer_future_s3_error_code(f), xfer_future_http_status(f),
                      xfer_future_error_message(f), xfer_future_request_id(f));
}

Failure item_failure_of(const xfer_future *f, size_t i) {
  return make_failure(xfer_future_failure_status(f, i), xfer_future_failure_s3_error_code(f, i),
                      xfer_future_failure_http_status(f, i), xfer_future_failure_message(f, i),
                      xfer_future_failure_request_id(f, i));
}

int finish(const xfer_future *f, xfer_status st, const Options &o, const std::string &what,
           const std::string &subject, const std::string &success_line,
           const std::string &local_detail) {
  if (st == XFER_OK) {
    if (!success_line.empty()) print_result(o, success_line);
    return kExitOk;
  }
  if (interrupted()) {
    print_error("cancelled");
    return kExitInterrupted;
  }
  Failure fail = failure_of(f, st);
  if (!local_detail.empty()) fail.message = local_detail;
  print_error(what + " failed: " + subject + ": " + describe_failure(fail));
  return exit_code_for(st, false);
}

}  // namespace xfer_cli
