// xfer.cc: the extern "C" boundary: handle structs, argument checks, one exception guard per
// exported function, and the thread-local last error.
#include "xfer/xfer.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/transfer_state.h"
#include "s3/request.h"
#include "transfer/content_type.h"
#include "transfer/engine.h"
#include "transfer/env_config.h"
#include "transfer/extra_args.h"
#include "transfer/ops.h"

using xfer::core::Code;
namespace tr = xfer::transfer;

struct xfer_config {
  tr::Config cfg;
};

struct xfer_args {
  tr::ExtraArgs args;
};

struct xfer_dir_options {
  tr::DirOptions opts;
};

struct xfer_manager {
  std::unique_ptr<tr::Engine> engine;
};

struct xfer_future {
  std::shared_ptr<xfer::core::TransferState> st;
  // Filled once when the transfer is done, so returned strings live as long as the handle.
  mutable std::once_flag once;
  mutable xfer::core::Error err;
  mutable xfer::core::Result res;
  mutable std::vector<std::pair<std::string, xfer::core::Error>> failures;
  const xfer_future *settled() const {
    if (!st->done()) return nullptr;
    std::call_once(once, [this] {
      err = st->error();
      res = st->result();
      failures = st->failures();
    });
    return this;
  }
};

namespace {

thread_local std::string g_last_error;

xfer_status set_error(xfer_status s, std::string msg) {
  g_last_error = std::move(msg);
  return s;
}

xfer_status from_code(Code c) {
  return static_cast<xfer_status>(static_cast<int>(c));
}

const char *opt_str(const std::string &s) {
  return s.empty() ? nullptr : s.c_str();
}

xfer_status einval(const std::string &msg) {
  return set_error(XFER_EINVAL, msg);
}

// One guard at each exported function: no exception crosses the C boundary.
template <typename R, typename F>
R guard(R on_error, F &&fn) {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    set_error(XFER_ENOMEM, "out of memory");
  } catch (const std::exception &e) {
    set_error(XFER_EINTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    set_error(XFER_EINTERNAL, "internal error");
  }
  return on_error;
}

bool nonempty(const char *s) {
  return s && *s;
}

// Checks a required string argument; sets the message naming it.
bool need(const char *value, const char *fn, const char *name) {
  if (nonempty(value)) return true;
  einval(std::string(fn) + ": " + name + (value ? " is empty" : " is NULL"));
  return false;
}

xfer_status config_range(xfer_config *c, const char *fn, uint64_t v, uint64_t lo, uint64_t hi,
                         const char *what) {
  if (!c) return einval(std::string(fn) + ": config is NULL");
  if (v < lo || v > hi)
    return einval(std::string(fn) + ": " + what + " must be between " + std::to_string(lo) +
                  " and " + std::to_string(hi) + ", got " + std::to_string(v));
  return XFER_OK;
}

xfer_future *wrap(std::shared_ptr<xfer::core::TransferState> st, const xfer::core::Error &err) {
  if (!st) {
    set_error(from_code(err.code == Code::Ok ? Code::Internal : err.code), err.message);
    return nullptr;
  }
  auto f = std::make_unique<xfer_future>();
  f->st = std::move(st);
  return f.release();
}

xfer::core::ProgressFn progress_fn(xfer_progress_fn fn, void *data) {
  if (!fn) return nullptr;
  return [fn, data](uint64_t done, uint64_t total) {
    xfer_progress p{done, total};
    return fn(&p, data);
  };
}

tr::ExtraArgs args_for(const xfer_args *a, tr::Operation op, const char *fn, bool *ok) {
  *ok = true;
  if (!a) return tr::ExtraArgs();
  std::string why;
  if (!a->args.validate(op, &why)) {
    einval(std::string(fn) + ": args: " + why);
    *ok = false;
  }
  return a->args;
}

bool manager_ok(xfer_manager *m, const char *fn) {
  if (!m) {
    einval(std::string(fn) + ": manager is NULL");
    return false;
  }
  if (m->engine->closed()) {
    set_error(XFER_ESTATE, std::string(fn) + ": the manager is shut down");
    return false;
  }
  return true;
}

}  // namespace

namespace {

// The read-callback uploads: checks their common arguments, then starts one.
using StreamStart = std::function<std::shared_ptr<xfer::core::TransferState>(
    tr::ReadFn, tr::Target, tr::ExtraArgs, xfer::core::ProgressFn, xfer::core::Error *)>;

xfer_future *upload_from_reader(const char *fn, xfer_manager *m, xfer_read_fn read, void *read_data,
                                const char *bucket, const char *key, const xfer_args *args,
                                xfer_progress_fn progress, void *progress_data,
                                const StreamStart &start) {
  if (!manager_ok(m, fn) || !need(bucket, fn, "bucket") || !need(key, fn, "key")) return nullptr;
  if (!read) {
    einval(std::string(fn) + ": read is NULL");
    return nullptr;
  }
  bool ok;
  auto a = args_for(args, tr::Operation::Upload, fn, &ok);
  if (!ok) return nullptr;
  xfer::core::Error err;
  tr::ReadFn rf = [read, read_data](uint8_t *buf, size_t cap) { return read(buf, cap, read_data); };
  auto st =
      start(std::move(rf), {bucket, key}, std::move(a), progress_fn(progress, progress_data), &err);
  return wrap(std::move(st), err);
}

// Failure i of a finished transfer of many; nullptr (with the message naming fn) for a NULL
// future, a running one or an index out of range.
const std::pair<std::string, xfer::core::Error> *failure_at(const xfer_future *f, size_t i,
                                                            const char *fn) {
  if (!f) {
    einval(std::string(fn) + ": future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  if (!s || i >= s->failures.size()) {
    einval(std::string(fn) + ": no failure " + std::to_string(i) +
           " (i must be below xfer_future_failure_count() of a finished transfer)");
    return nullptr;
  }
  return &s->failures[i];
}

}  // namespace

extern "C" {

const char *xfer_version(void) {
  return XFER_VERSION_STRING;
}

const char *xfer_status_str(xfer_status s) {
  switch (s) {
    case XFER_PENDING:
      return "XFER_PENDING";
    case XFER_OK:
      return "XFER_OK";
    case XFER_EINVAL:
      return "XFER_EINVAL";
    case XFER_ENOMEM:
      return "XFER_ENOMEM";
    case XFER_EIO:
      return "XFER_EIO";
    case XFER_ENETWORK:
      return "XFER_ENETWORK";
    case XFER_ESERVICE:
      return "XFER_ESERVICE";
    case XFER_ECHECKSUM:
      return "XFER_ECHECKSUM";
    case XFER_ECANCELLED:
      return "XFER_ECANCELLED";
    case XFER_ETIMEDOUT:
      return "XFER_ETIMEDOUT";
    case XFER_ESTATE:
      return "XFER_ESTATE";
    case XFER_EINTERNAL:
      return "XFER_EINTERNAL";
  }
  return "XFER_UNKNOWN";
}

const char *xfer_last_error(void) {
  return g_last_error.c_str();
}

/* ---- config ---- */

xfer_config *xfer_config_new(void) {
  return guard<xfer_config *>(nullptr, [] { return std::make_unique<xfer_config>().release(); });
}

void xfer_config_free(xfer_config *c) {
  delete c;
}

xfer_status xfer_config_load_env(xfer_config *c, const char *profile) {
  return guard(XFER_EINTERNAL, [&] {
    if (!c) return einval("xfer_config_load_env: config is NULL");
    tr::Config copy = c->cfg;
    xfer::core::Error e = tr::load_env(copy, profile);
    if (e) return set_error(from_code(e.code), "xfer_config_load_env: " + e.message);
    c->cfg = std::move(copy);
    return XFER_OK;
  });
}

xfer_status xfer_config_set_endpoint(xfer_config *c, const char *url) {
  return guard(XFER_EINTERNAL, [&] {
    if (!c) return einval("xfer_config_set_endpoint: config is NULL");
    if (!nonempty(url)) {
      c->cfg.endpoint.scheme = "https";
      c->cfg.endpoint.host.clear();
      return XFER_OK;
    }
    std::string why;
    auto ep = xfer::s3::parse_endpoint_url(url, &why);
    if (!ep) return einval(std::string("xfer_config_set_endpoint: url '") + url + "': " + why);
    c->cfg.endpoint.scheme = ep->scheme;
    c->cfg.endpoint.host = ep->host;
    return XFER_OK;
  });
}

xfer_status xfer_config_set_region(xfer_config *c, const char *region) {
  return guard(XFER_EINTERNAL, [&] {
    if (!c) return einval("xfer_config_set_region: config is NULL");
    if (!need(region, "xfer_config_set_region", "region")) return XFER_EINVAL;
    for (const char *p = region; *p; p++) {
      if (!(std::isalnum(static_cast<unsigned char>(*p)) || *p == '-'))
        return einval(std::string("xfer_config_set_region: region '") + region +
                      "' is not a region name");
    }
    c->cfg.endpoint.region = region;
    return XFER_OK;
  });
}

xfer_status xfer_config_set_credentials(xfer_config *c, const char *access_key,
                                        const char *secret_key, const char *session_token) {
  return guard(XFER_EINTERNAL, [&] {
    if (!c) return einval("xfer_config_set_credentials: config is NULL");
    if (!need(access_key, "xfer_config_set_credentials", "access_key")) return XFER_EINVAL;
    if (!need(secret_key, "xfer_config_set_credentials", "secret_key")) return XFER_EINVAL;
    c->cfg.endpoint.creds = {access_key, secret_key, session_token ? session_token : ""};
    return XFER_OK;
  });
}

xfer_status xfer_config_set_path_style(xfer_config *c, int on) {
  if (!c) return einval("xfer_config_set_path_style: config is NULL");
  c->cfg.endpoint.path_style = on != 0;
  c->cfg.path_style_set = true;
  return XFER_OK;
}

xfer_status xfer_config_set_multipart_threshold(xfer_config *c, uint64_t bytes) {
  const char *fn = "xfer_config_set_multipart_threshold";
  xfer_status s = config_range(c, fn, bytes, 1, 5ull << 40, "the threshold (bytes)");
  if (s == XFER_OK) c->cfg.multipart_threshold = bytes;
  return s;
}

xfer_status xfer_config_set_multipart_chunksize(xfer_config *c, uint64_t bytes) {
  const char *fn = "xfer_config_set_multipart_chunksize";
  xfer_status s = config_range(c, fn, bytes, 1, tr::kMaxPartSize, "the chunk size (bytes)");
  if (s == XFER_OK) c->cfg.multipart_chunksize = bytes;
  return s;
}

xfer_status xfer_config_set_max_concurrency(xfer_config *c, uint32_t n) {
  xfer_status s = config_range(c, "xfer_config_set_max_concurrency", n, 1, 1024, "max_concurrency");
  if (s == XFER_OK) c->cfg.max_concurrency = n;
  return s;
}

xfer_status xfer_config_set_use_threads(xfer_config *c, int on) {
  if (!c) return einval("xfer_config_set_use_threads: config is NULL");
  c->cfg.use_threads = on != 0;
  return XFER_OK;
}

xfer_status xfer_config_set_max_bandwidth(xfer_config *c, uint64_t bytes_per_s) {
  if (!c) return einval("xfer_config_set_max_bandwidth: config is NULL");
  c->cfg.max_bandwidth = bytes_per_s;
  return XFER_OK;
}

xfer_status xfer_config_set_num_download_attempts(xfer_config *c, uint32_t n) {
  xfer_status s =
      config_range(c, "xfer_config_set_num_download_attempts", n, 1, 100, "num_download_attempts");
  if (s == XFER_OK) c->cfg.num_download_attempts = n;
  return s;
}

xfer_status xfer_config_set_max_in_memory_upload_chunks(xfer_config *c, uint32_t n) {
  xfer_status s = config_range(c, "xfer_config_set_max_in_memory_upload_chunks", n, 1, 10000,
                               "max_in_memory_upload_chunks");
  if (s == XFER_OK) c->cfg.max_in_memory_upload_chunks = n;
  return s;
}

xfer_status xfer_config_set_max_in_memory_download_chunks(xfer_config *c, uint32_t n) {
  xfer_status s = config_range(c, "xfer_config_set_max_in_memory_download_chunks", n, 1, 10000,
                               "max_in_memory_download_chunks");
  if (s == XFER_OK) c->cfg.max_in_memory_download_chunks = n;
  return s;
}

xfer_status xfer_config_set_checksum_algorithm(xfer_config *c, const char *alg) {
  return guard(XFER_EINTERNAL, [&] {
    if (!c) return einval("xfer_config_set_checksum_algorithm: config is NULL");
    if (!need(alg, "xfer_config_set_checksum_algorithm", "alg")) return XFER_EINVAL;
    auto a = xfer::s3::parse_checksum_algorithm(alg);
    if (!a)
      return einval(std::string("xfer_config_set_checksum_algorithm: alg '") + alg +
                    "' is not one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256, NONE");
    c->cfg.checksum = *a;
    return XFER_OK;
  });
}

xfer_status xfer_config_set_ca_bundle(xfer_config *c, const char *path) {
  return guard(XFER_EINTERNAL, [&] {
    if (!c) return einval("xfer_config_set_ca_bundle: config is NULL");
    c->cfg.ca_bundle = path ? path : "";
    return XFER_OK;
  });
}

xfer_status xfer_config_set_verify_tls(xfer_config *c, int on) {
  if (!c) return einval("xfer_config_set_verify_tls: config is NULL");
  c->cfg.verify_tls = on != 0;
  return XFER_OK;
}

xfer_status xfer_config_set_sign_payload(xfer_config *c, int on) {
  if (!c) return einval("xfer_config_set_sign_payload: config is NULL");
  c->cfg.sign_payload = on != 0;
  return XFER_OK;
}

xfer_status xfer_config_set_aws_chunk_size(xfer_config *c, uint32_t bytes) {
  xfer_status s = config_range(c, "xfer_config_set_aws_chunk_size", bytes, 8 * 1024,
                               16 * 1024 * 1024, "the chunk size (bytes)");
  if (s == XFER_OK) c->cfg.aws_chunk_size = bytes;
  return s;
}

xfer_status xfer_config_set_connect_timeout_ms(xfer_config *c, uint32_t ms) {
  xfer_status s =
      config_range(c, "xfer_config_set_connect_timeout_ms", ms, 1, 600000, "the timeout (ms)");
  if (s == XFER_OK) c->cfg.connect_timeout_ms = ms;
  return s;
}

xfer_status xfer_config_set_stall_timeout_ms(xfer_config *c, uint32_t ms) {
  xfer_status s =
      config_range(c, "xfer_config_set_stall_timeout_ms", ms, 1000, 3600000, "the timeout (ms)");
  if (s == XFER_OK) c->cfg.stall_timeout_ms = ms;
  return s;
}

xfer_status xfer_config_set_content_md5(xfer_config *c, int on) {
  if (!c) return einval("xfer_config_set_content_md5: config is NULL");
  c->cfg.content_md5 = on != 0;
  return XFER_OK;
}

/* ---- args ---- */

xfer_args *xfer_args_new(void) {
  return guard<xfer_args *>(nullptr, [] { return std::make_unique<xfer_args>().release(); });
}

void xfer_args_free(xfer_args *a) {
  delete a;
}

xfer_status xfer_args_set(xfer_args *a, const char *name, const char *value) {
  return guard(XFER_EINTERNAL, [&] {
    if (!a) return einval("xfer_args_set: args is NULL");
    if (!need(name, "xfer_args_set", "name")) return XFER_EINVAL;
    if (!value) return einval(std::string("xfer_args_set: value of ") + name + " is NULL");
    if (std::strcmp(name, "Metadata") == 0)
      return einval(
          "xfer_args_set: name 'Metadata': set Metadata entries with xfer_args_set_metadata");
    std::string why;
    if (!a->args.set(name, value, &why)) return einval("xfer_args_set: " + why);
    return XFER_OK;
  });
}

xfer_status xfer_args_set_metadata(xfer_args *a, const char *key, const char *value) {
  return guard(XFER_EINTERNAL, [&] {
    if (!a) return einval("xfer_args_set_metadata: args is NULL");
    if (!need(key, "xfer_args_set_metadata", "key")) return XFER_EINVAL;
    if (!value) return einval("xfer_args_set_metadata: value is NULL");
    for (const char *p = key; *p; p++) {
      unsigned char ch = static_cast<unsigned char>(*p);
      if (ch <= 32 || ch >= 127 || std::strchr("()<>@,;:\\\"/[]?={}", ch))
        return einval(std::string("xfer_args_set_metadata: '") + key +
                      "' is not a valid header name");
    }
    a->args.set_metadata(key, value);
    return XFER_OK;
  });
}

/* ---- manager ---- */

xfer_manager *xfer_manager_new(const xfer_config *c) {
  return guard<xfer_manager *>(nullptr, [&]() -> xfer_manager * {
    if (!c) {
      einval("xfer_manager_new: config is NULL");
      return nullptr;
    }
    tr::Config cfg = c->cfg;
    if (!cfg.path_style_set) cfg.endpoint.path_style = !cfg.endpoint.host.empty();
    auto m = std::make_unique<xfer_manager>();
    m->engine = std::make_unique<tr::Engine>(std::move(cfg));
    return m.release();
  });
}

xfer_status xfer_manager_shutdown(xfer_manager *m, int cancel) {
  return guard(XFER_EINTERNAL, [&] {
    if (!m) return einval("xfer_manager_shutdown: manager is NULL");
    return from_code(m->engine->shutdown(cancel != 0));
  });
}

void xfer_manager_free(xfer_manager *m) {
  guard(0, [&] {
    delete m;  // the engine shuts down (cancelling) before its threads stop
    return 0;
  });
}

/* ---- transfers ---- */

xfer_future *xfer_upload_file(xfer_manager *m, const char *path, const char *bucket,
                              const char *key, const xfer_args *args, xfer_progress_fn progress,
                              void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_upload_file";
    if (!manager_ok(m, fn) || !need(path, fn, "path") || !need(bucket, fn, "bucket") ||
        !need(key, fn, "key"))
      return nullptr;
    bool ok;
    auto a = args_for(args, tr::Operation::Upload, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    auto st = tr::start_upload_file(*m->engine, path, {bucket, key}, std::move(a),
                                    progress_fn(progress, progress_data), &err);
    return wrap(std::move(st), err);
  });
}

xfer_future *xfer_upload_fileobj(xfer_manager *m, xfer_read_fn read, void *read_data,
                                 const char *bucket, const char *key, const xfer_args *args,
                                 xfer_progress_fn progress, void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    return upload_from_reader(
        "xfer_upload_fileobj", m, read, read_data, bucket, key, args, progress, progress_data,
        [m](tr::ReadFn rf, tr::Target t, tr::ExtraArgs a, xfer::core::ProgressFn p,
            xfer::core::Error *err) {
          return tr::start_upload_stream(*m->engine, std::move(rf), std::move(t), std::move(a),
                                         std::move(p), err);
        });
  });
}

xfer_future *xfer_upload_fileobj_chunked(xfer_manager *m, xfer_read_fn read, void *read_data,
                                         uint64_t size, const char *bucket, const char *key,
                                         const xfer_args *args, xfer_progress_fn progress,
                                         void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    if (size > (5ull << 40)) {
      einval("xfer_upload_fileobj_chunked: size is above S3's 5 TiB object limit");
      return nullptr;
    }
    return upload_from_reader("xfer_upload_fileobj_chunked", m, read, read_data, bucket, key, args,
                              progress, progress_data,
                              [m, size](tr::ReadFn rf, tr::Target t, tr::ExtraArgs a,
                                        xfer::core::ProgressFn p, xfer::core::Error *err) {
                                return tr::start_upload_chunked(*m->engine, std::move(rf), size,
                                                                std::move(t), std::move(a),
                                                                std::move(p), err);
                              });
  });
}

xfer_future *xfer_download_file(xfer_manager *m, const char *bucket, const char *key,
                                const char *path, const xfer_args *args, xfer_progress_fn progress,
                                void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_download_file";
    if (!manager_ok(m, fn) || !need(bucket, fn, "bucket") || !need(key, fn, "key") ||
        !need(path, fn, "path"))
      return nullptr;
    bool ok;
    auto a = args_for(args, tr::Operation::Download, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    auto st = tr::start_download_file(*m->engine, {bucket, key}, path, std::move(a),
                                      progress_fn(progress, progress_data), &err);
    return wrap(std::move(st), err);
  });
}

xfer_future *xfer_download_fileobj(xfer_manager *m, const char *bucket, const char *key,
                                   xfer_write_fn write, void *write_data, const xfer_args *args,
                                   xfer_progress_fn progress, void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_download_fileobj";
    if (!manager_ok(m, fn) || !need(bucket, fn, "bucket") || !need(key, fn, "key")) return nullptr;
    if (!write) {
      einval("xfer_download_fileobj: write is NULL");
      return nullptr;
    }
    bool ok;
    auto a = args_for(args, tr::Operation::Download, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    tr::WriteFn wf = [write, write_data](const uint8_t *d, size_t n, uint64_t off) {
      return write(d, n, off, write_data);
    };
    auto st = tr::start_download_stream(*m->engine, {bucket, key}, std::move(wf), std::move(a),
                                        progress_fn(progress, progress_data), &err);
    return wrap(std::move(st), err);
  });
}

xfer_future *xfer_copy(xfer_manager *m, const char *src_bucket, const char *src_key,
                       const char *bucket, const char *key, const xfer_args *args,
                       xfer_progress_fn progress, void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_copy";
    if (!manager_ok(m, fn) || !need(src_bucket, fn, "src_bucket") ||
        !need(src_key, fn, "src_key") || !need(bucket, fn, "bucket") || !need(key, fn, "key"))
      return nullptr;
    bool ok;
    auto a = args_for(args, tr::Operation::Copy, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    auto st = tr::start_copy(*m->engine, {src_bucket, src_key}, {bucket, key}, std::move(a),
                             progress_fn(progress, progress_data), &err);
    return wrap(std::move(st), err);
  });
}

xfer_future *xfer_delete(xfer_manager *m, const char *bucket, const char *key,
                         const xfer_args *args) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_delete";
    if (!manager_ok(m, fn) || !need(bucket, fn, "bucket") || !need(key, fn, "key")) return nullptr;
    bool ok;
    auto a = args_for(args, tr::Operation::Delete, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    return wrap(tr::start_delete(*m->engine, {bucket, key}, std::move(a), &err), err);
  });
}

xfer_future *xfer_create_bucket(xfer_manager *m, const char *bucket) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    if (!manager_ok(m, "xfer_create_bucket") || !need(bucket, "xfer_create_bucket", "bucket"))
      return nullptr;
    xfer::core::Error err;
    return wrap(tr::start_bucket_op(*m->engine, bucket, true, &err), err);
  });
}

xfer_future *xfer_delete_bucket(xfer_manager *m, const char *bucket) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    if (!manager_ok(m, "xfer_delete_bucket") || !need(bucket, "xfer_delete_bucket", "bucket"))
      return nullptr;
    xfer::core::Error err;
    return wrap(tr::start_bucket_op(*m->engine, bucket, false, &err), err);
  });
}

xfer_future *xfer_list_objects(xfer_manager *m, const char *bucket, const char *prefix,
                               const char *delimiter, xfer_list_fn fn, void *user_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *name = "xfer_list_objects";
    if (!manager_ok(m, name) || !need(bucket, name, "bucket")) return nullptr;
    if (!fn) {
      einval("xfer_list_objects: fn is NULL");
      return nullptr;
    }
    tr::ListFn lf = [fn, user_data](const tr::ObjectEntry &o) {
      xfer_object obj{o.key.c_str(), o.size, o.is_prefix ? nullptr : o.etag.c_str(),
                      o.is_prefix || o.last_modified.empty() ? nullptr : o.last_modified.c_str(),
                      o.is_prefix ? 1 : 0};
      return fn(&obj, user_data);
    };
    xfer::core::Error err;
    return wrap(tr::start_list(*m->engine, bucket, prefix ? prefix : "", delimiter ? delimiter : "",
                               std::move(lf), &err),
                err);
  });
}

xfer_future *xfer_delete_prefix(xfer_manager *m, const char *bucket, const char *prefix) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *name = "xfer_delete_prefix";
    if (!manager_ok(m, name) || !need(bucket, name, "bucket")) return nullptr;
    if (!prefix) {
      einval("xfer_delete_prefix: prefix is NULL (use \"\" to delete every object)");
      return nullptr;
    }
    xfer::core::Error err;
    return wrap(tr::start_delete_prefix(*m->engine, bucket, prefix, &err), err);
  });
}

xfer_dir_options *xfer_dir_options_new(void) {
  return guard<xfer_dir_options *>(nullptr,
                                   [] { return std::make_unique<xfer_dir_options>().release(); });
}

void xfer_dir_options_free(xfer_dir_options *o) {
  delete o;
}

xfer_status xfer_dir_options_add_filter(xfer_dir_options *o, const char *glob, int include) {
  return guard(XFER_EINTERNAL, [&] {
    if (!o) return einval("xfer_dir_options_add_filter: options is NULL");
    if (!need(glob, "xfer_dir_options_add_filter", "glob")) return XFER_EINVAL;
    o->opts.filters.emplace_back(glob, include != 0);
    return XFER_OK;
  });
}

xfer_status xfer_dir_options_set_max_files_in_flight(xfer_dir_options *o, uint32_t n) {
  if (!o) return einval("xfer_dir_options_set_max_files_in_flight: options is NULL");
  if (n < 1 || n > 10000)
    return einval("xfer_dir_options_set_max_files_in_flight: n must be between 1 and 10000, got " +
                  std::to_string(n));
  o->opts.max_in_flight = n;
  return XFER_OK;
}

xfer_status xfer_dir_options_set_guess_content_type(xfer_dir_options *o, int on) {
  if (!o) return einval("xfer_dir_options_set_guess_content_type: options is NULL");
  o->opts.guess_content_type = on != 0;
  return XFER_OK;
}

const char *xfer_guess_content_type(const char *path) {
  if (!path) {
    einval("xfer_guess_content_type: path is NULL");
    return nullptr;
  }
  return guard<const char *>(nullptr, [&] { return tr::guess_content_type(path); });
}

xfer_future *xfer_upload_directory(xfer_manager *m, const char *dir, const char *bucket,
                                   const char *prefix, const xfer_args *args,
                                   const xfer_dir_options *opts, xfer_progress_fn progress,
                                   void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_upload_directory";
    if (!manager_ok(m, fn) || !need(dir, fn, "dir") || !need(bucket, fn, "bucket")) return nullptr;
    if (!prefix) {
      einval("xfer_upload_directory: prefix is NULL (use \"\" for none)");
      return nullptr;
    }
    bool ok;
    auto a = args_for(args, tr::Operation::Upload, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    auto st = tr::start_upload_directory(*m->engine, dir, {bucket, prefix}, std::move(a),
                                         opts ? opts->opts : tr::DirOptions(),
                                         progress_fn(progress, progress_data), &err);
    return wrap(std::move(st), err);
  });
}

xfer_future *xfer_download_directory(xfer_manager *m, const char *bucket, const char *prefix,
                                     const char *dir, const xfer_args *args,
                                     const xfer_dir_options *opts, xfer_progress_fn progress,
                                     void *progress_data) {
  return guard<xfer_future *>(nullptr, [&]() -> xfer_future * {
    const char *fn = "xfer_download_directory";
    if (!manager_ok(m, fn) || !need(bucket, fn, "bucket") || !need(dir, fn, "dir")) return nullptr;
    if (!prefix) {
      einval("xfer_download_directory: prefix is NULL (use \"\" for the whole bucket)");
      return nullptr;
    }
    bool ok;
    auto a = args_for(args, tr::Operation::Download, fn, &ok);
    if (!ok) return nullptr;
    xfer::core::Error err;
    auto st = tr::start_download_directory(*m->engine, {bucket, prefix}, dir, std::move(a),
                                           opts ? opts->opts : tr::DirOptions(),
                                           progress_fn(progress, progress_data), &err);
    return wrap(std::move(st), err);
  });
}

xfer_status xfer_presign(const xfer_config *c, const char *method, const char *bucket,
                         const char *key, uint32_t expires_s, char **url_out) {
  return guard(XFER_EINTERNAL, [&] {
    const char *fn = "xfer_presign";
    if (url_out) *url_out = nullptr;
    if (!c) return einval("xfer_presign: config is NULL");
    if (!url_out) return einval("xfer_presign: url_out is NULL");
    if (!need(method, fn, "method") || !need(bucket, fn, "bucket") || !need(key, fn, "key"))
      return XFER_EINVAL;
    std::string m = method;
    if (m != "GET" && m != "PUT" && m != "HEAD" && m != "DELETE")
      return einval("xfer_presign: method must be GET, PUT, HEAD or DELETE");
    if (expires_s < 1 || expires_s > 604800)
      return einval("xfer_presign: expires_s must be 1..604800");
    if (c->cfg.endpoint.creds.access_key.empty())
      return einval("xfer_presign: the config has no credentials");
    xfer::s3::Endpoint ep = c->cfg.endpoint;
    if (!c->cfg.path_style_set) ep.path_style = !ep.host.empty();
    xfer::s3::S3Request req;
    req.method = m;
    req.bucket = bucket;
    req.key = key;
    std::string url = xfer::s3::presign_url(ep, req, std::time(nullptr), expires_s);
    char *out = static_cast<char *>(std::malloc(url.size() + 1));
    if (!out) return set_error(XFER_ENOMEM, "xfer_presign: out of memory");
    std::memcpy(out, url.c_str(), url.size() + 1);
    *url_out = out;
    return XFER_OK;
  });
}

void xfer_string_free(char *s) {
  std::free(s);
}

/* ---- futures ---- */

xfer_status xfer_future_wait(xfer_future *f, int64_t timeout_ms) {
  return guard(XFER_EINTERNAL, [&] {
    if (!f) return einval("xfer_future_wait: future is NULL");
    if (timeout_ms < -1) return einval("xfer_future_wait: timeout_ms must be -1 or >= 0");
    Code c = f->st->wait(timeout_ms);
    return from_code(c);
  });
}

int xfer_future_done(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_done: future is NULL");
    return 0;
  }
  return f->st->done() ? 1 : 0;
}

void xfer_future_cancel(xfer_future *f) {
  if (!f) {
    einval("xfer_future_cancel: future is NULL");
    return;
  }
  guard(0, [&] {
    f->st->cancel();
    return 0;
  });
}

xfer_status xfer_future_status(const xfer_future *f) {
  if (!f) return einval("xfer_future_status: future is NULL");
  const xfer_future *s = f->settled();
  return s ? from_code(s->err.code) : XFER_PENDING;
}

const char *xfer_future_error_message(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_error_message: future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  return s && s->err ? s->err.message.c_str() : nullptr;
}

int xfer_future_http_status(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_http_status: future is NULL");
    return 0;
  }
  const xfer_future *s = f->settled();
  return s && s->err ? s->err.http_status : 0;
}

const char *xfer_future_s3_error_code(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_s3_error_code: future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  return s && s->err ? opt_str(s->err.service_code) : nullptr;
}

const char *xfer_future_request_id(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_request_id: future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  return s ? opt_str(s->err.request_id) : nullptr;
}

const char *xfer_future_etag(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_etag: future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  return s && !s->err ? opt_str(s->res.etag) : nullptr;
}

const char *xfer_future_version_id(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_version_id: future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  return s && !s->err ? opt_str(s->res.version_id) : nullptr;
}

const char *xfer_future_checksum(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_checksum: future is NULL");
    return nullptr;
  }
  const xfer_future *s = f->settled();
  return s && !s->err ? opt_str(s->res.checksum) : nullptr;
}

uint64_t xfer_future_size(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_size: future is NULL");
    return 0;
  }
  const xfer_future *s = f->settled();
  if (s) return s->err && !s->res.many ? 0 : s->res.size;
  uint64_t t = f->st->total();
  return t == xfer::core::kSizeUnknown ? 0 : t;
}

uint64_t xfer_future_file_count(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_file_count: future is NULL");
    return 0;
  }
  const xfer_future *s = f->settled();
  return s ? s->res.items : 0;
}

size_t xfer_future_failure_count(const xfer_future *f) {
  if (!f) {
    einval("xfer_future_failure_count: future is NULL");
    return 0;
  }
  const xfer_future *s = f->settled();
  return s ? s->failures.size() : 0;
}

const char *xfer_future_failure_key(const xfer_future *f, size_t i) {
  auto *item = failure_at(f, i, "xfer_future_failure_key");
  return item ? item->first.c_str() : nullptr;
}

const char *xfer_future_failure_message(const xfer_future *f, size_t i) {
  auto *item = failure_at(f, i, "xfer_future_failure_message");
  return item ? item->second.message.c_str() : nullptr;
}

xfer_status xfer_future_failure_status(const xfer_future *f, size_t i) {
  auto *item = failure_at(f, i, "xfer_future_failure_status");
  return item ? from_code(item->second.code) : XFER_EINVAL;
}

int xfer_future_failure_http_status(const xfer_future *f, size_t i) {
  auto *item = failure_at(f, i, "xfer_future_failure_http_status");
  return item ? item->second.http_status : 0;
}

const char *xfer_future_failure_s3_error_code(const xfer_future *f, size_t i) {
  auto *item = failure_at(f, i, "xfer_future_failure_s3_error_code");
  return item ? opt_str(item->second.service_code) : nullptr;
}

const char *xfer_future_failure_request_id(const xfer_future *f, size_t i) {
  auto *item = failure_at(f, i, "xfer_future_failure_request_id");
  return item ? opt_str(item->second.request_id) : nullptr;
}

void xfer_future_free(xfer_future *f) {
  if (!f) return;
  guard(0, [&] {
    if (!f->st->done()) {
      f->st->cancel();
      f->st->wait_finished();
    }
    delete f;
    return 0;
  });
}

}  // extern "C"
