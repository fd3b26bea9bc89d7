// commands.cc: the xfer commands (cp, rm, mb, rb, presign) run against the libxfer C API.
// ls and the --recursive forms of cp and rm are in bulk.cc; this file dispatches to them.
#include "commands.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "bulk.h"
#include "handles.h"
#include "help.h"
#include "interrupt.h"
#include "paths.h"
#include "progress.h"
#include "report.h"
#include "s3url.h"
#include "session.h"
#include "xfer/xfer.h"

namespace xfer_cli {

namespace {

// ---- stream callbacks ---------------------------------------------------------------------

struct FdReader {
  int fd;
  ProgressDisplay *display;
  uint64_t bytes = 0;
  int error = 0;
};

// Reads stdin for an upload. It runs inside xfer_future_wait and may block for as long as the
// producer is silent, so it polls in 100 ms steps: the progress line stays alive and Ctrl-C is
// seen even when the signal did not interrupt the read itself.
int64_t read_fd(uint8_t *buf, size_t cap, void *user_data) {
  auto *r = static_cast<FdReader *>(user_data);
  for (;;) {
    if (interrupted()) return -1;  // reported as "cancelled"
    struct pollfd p {};
    p.fd = r->fd;
    p.events = POLLIN;
    int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) {
      r->error = errno;
      return -1;
    }
    if (ready <= 0) {
      r->display->tick();
      continue;
    }
    ssize_t n = ::read(r->fd, buf, cap);
    if (n >= 0) {
      r->bytes += static_cast<uint64_t>(n);
      r->display->note_stream_bytes(r->bytes);
      r->display->tick();
      return n;
    }
    if (errno == EINTR || errno == EAGAIN) continue;
    r->error = errno;
    return -1;
  }
}

struct FdWriter {
  int fd;
  uint64_t next_offset = 0;
  int error = 0;
};

int write_fd(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  auto *w = static_cast<FdWriter *>(user_data);
  if (offset != w->next_offset) {  // the API promises order without gaps
    w->error = EINVAL;
    return 1;
  }
  while (len > 0) {
    ssize_t n = ::write(w->fd, data, len);
    if (n < 0) {
      if (errno == EINTR && !interrupted()) continue;
      w->error = errno;
      return 1;
    }
    data += n;
    len -= static_cast<size_t>(n);
    w->next_offset += static_cast<uint64_t>(n);
  }
  return 0;
}

// ---- cp -----------------------------------------------------------------------------------

enum class Endpoint { kS3, kStdio, kLocal };

Endpoint classify(const std::string &arg) {
  if (is_s3_url(arg)) return Endpoint::kS3;
  if (arg == "-") return Endpoint::kStdio;
  return Endpoint::kLocal;
}

// mkdir -p for the folders of a download target.
bool make_parent_dirs(const std::string &path, std::string *error) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return true;
  std::string dir = path.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0777) != 0 && errno != EEXIST) {
      *error = "cannot create folder " + part + ": " + std::strerror(errno);
      return false;
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = dir + " is not a folder";
    return false;
  }
  return true;
}

struct CpPlan {
  Operation op = Operation::kUpload;
  bool stream = false;  // stdin (upload) or stdout (download)
  S3Url src, dst;       // the S3 sides that apply
  std::string local;    // the local file (upload source or download target)
};

int plan_cp(const Invocation &inv, const StdStreams &streams, CpPlan *plan) {
  const Options &o = inv.options;
  if (!o.filters.empty())
    return usage_error(Command::kCp, "--exclude and --include need --recursive");
  if (inv.positionals.size() != 2)
    return usage_error(Command::kCp, "cp needs SRC and DST (got " +
                                         std::to_string(inv.positionals.size()) + " arguments)");
  const std::string &src = inv.positionals[0];
  const std::string &dst = inv.positionals[1];
  Endpoint s = classify(src), d = classify(dst);
  std::string err;
  if (s == Endpoint::kS3 && !parse_s3_url(src, &plan->src, &err))
    return usage_error(Command::kCp, err);
  if (d == Endpoint::kS3 && !parse_s3_url(dst, &plan->dst, &err))
    return usage_error(Command::kCp, err);
  if (s != Endpoint::kS3 && d != Endpoint::kS3)
    return usage_error(Command::kCp, "SRC or DST must be an s3:// URL");
  if (o.aws_chunked && s != Endpoint::kStdio)
    return usage_error(Command::kCp, "--aws-chunked applies to uploads from stdin ('-')");
  if (o.aws_chunked && !o.expected_size)
    return usage_error(Command::kCp, "--aws-chunked needs --expected-size");

  if (s == Endpoint::kS3) {
    if (key_is_prefix(plan->src.key))
      return usage_error(Command::kCp,
                         "SRC " + src + " names no object (a prefix needs --recursive)");
    if (d == Endpoint::kS3) {
      plan->op = Operation::kCopy;
      plan->dst.key = upload_key_for(plan->dst.key, plan->src.key);
      return kExitOk;
    }
    plan->op = Operation::kDownload;
    if (d == Endpoint::kStdio) {
      plan->stream = true;
      if (streams.stdout_closed) {
        print_error("download failed: " + src + ": stdout is closed");
        return kExitLocal;
      }
      return kExitOk;
    }
    struct stat st {};
    bool is_dir = ::stat(dst.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (!download_path_for(dst, is_dir, plan->src.key, &plan->local, &err))
      return usage_error(Command::kCp, err);
    return kExitOk;
  }

  plan->op = Operation::kUpload;
  if (s == Endpoint::kStdio) {
    plan->stream = true;
    if (streams.stdin_closed) {
      print_error("upload failed: " + dst + ": stdin is closed");
      return kExitLocal;
    }
    if (key_is_prefix(plan->dst.key))
      return usage_error(Command::kCp, "DST " + dst + " needs a key when SRC is '-'");
    return kExitOk;
  }
  plan->local = src;
  plan->dst.key = upload_key_for(plan->dst.key, src);
  // Checked here, as the AWS CLI does, so a missing file is a clear local error (exit 3).
  struct stat st {};
  if (::stat(src.c_str(), &st) != 0) {
    print_error("upload failed: " + display_local_path(src) + ": " + std::strerror(errno));
    return kExitLocal;
  }
  if (S_ISDIR(st.st_mode))
    return usage_error(Command::kCp, display_local_path(src) + " is a folder (use --recursive)");
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    print_error("upload failed: " + display_local_path(src) + ": " + std::strerror(errno));
    return kExitLocal;
  }
  ::close(fd);
  if (plan->dst.key.empty() || key_is_prefix(plan->dst.key))
    return usage_error(Command::kCp, "cannot name a key after " + src);
  return kExitOk;
}

int run_cp(const Invocation &inv, const StdStreams &streams) {
  const Options &o = inv.options;
  CpPlan plan;
  if (int rc = plan_cp(inv, streams, &plan); rc != kExitOk) return rc;

  ResolvedArgs resolved;
  std::string err;
  if (!resolve_object_args(o, plan.op, &resolved, &err)) return usage_error(Command::kCp, err);
  if (plan.op == Operation::kUpload && !plan.stream && !o.no_guess_mime_type) {
    bool has_type = false;
    for (const auto &kv : resolved.extra) has_type = has_type || kv.first == "ContentType";
    std::string type = has_type ? "" : guess_content_type(plan.local);
    if (!type.empty()) resolved.extra.emplace_back("ContentType", type);
  }

  std::string what, subject, line;
  const std::string src_url = format_s3_url(plan.src), dst_url = format_s3_url(plan.dst);
  switch (plan.op) {
    case Operation::kUpload:
      what = "upload";
      subject = dst_url;
      line = "upload: " + (plan.stream ? std::string("-") : display_local_path(plan.local)) +
             " to " + dst_url;
      break;
    case Operation::kDownload:
      what = "download";
      subject = src_url;
      // Nothing is printed on stdout when stdout carries the data.
      line = plan.stream ? "" : "download: " + src_url + " to " + display_local_path(plan.local);
      break;
    case Operation::kCopy:
      what = "copy";
      subject = src_url + " to " + dst_url;
      line = "copy: " + src_url + " to " + dst_url;
      break;
    case Operation::kDelete:
      break;
  }
  if (o.dryrun) {
    print_result(o, line.empty() ? what + ": " + src_url + " to -" : line);
    return kExitOk;
  }
  if (plan.op == Operation::kDownload && !plan.stream && !make_parent_dirs(plan.local, &err)) {
    print_error(what + " failed: " + subject + ": " + err);
    return kExitLocal;
  }

  ConfigPtr cfg;
  ManagerPtr mgr;
  ArgsPtr args;
  if (int rc = build_config(o, &cfg); rc != kExitOk) return rc;
  if (int rc = build_manager(cfg.get(), &mgr); rc != kExitOk) return rc;
  if (int rc = build_args(resolved, &args); rc != kExitOk) return rc;

  // Everything a callback touches is declared before the future, so it outlives it.
  ProgressDisplay display(STDERR_FILENO, !o.quiet && !o.no_progress && ::isatty(STDERR_FILENO));
  FdReader reader{STDIN_FILENO, &display};
  FdWriter writer{STDOUT_FILENO};
  xfer_manager *m = mgr.get();
  FuturePtr f;
  switch (plan.op) {
    case Operation::kUpload:
      if (plan.stream && o.aws_chunked) {
        f.reset(xfer_upload_fileobj_chunked(m, read_fd, &reader, *o.expected_size,
                                            plan.dst.bucket.c_str(), plan.dst.key.c_str(),
                                            args.get(), on_progress, &display));
      } else if (plan.stream) {
        f.reset(xfer_upload_fileobj(m, read_fd, &reader, plan.dst.bucket.c_str(),
                                    plan.dst.key.c_str(), args.get(), on_progress, &display));
      } else {
        f.reset(xfer_upload_file(m, plan.local.c_str(), plan.dst.bucket.c_str(),
                                 plan.dst.key.c_str(), args.get(), on_progress, &display));
      }
      break;
    case Operation::kDownload:
      if (plan.stream) {
        f.reset(xfer_download_fileobj(m, plan.src.bucket.c_str(), plan.src.key.c_str(), write_fd,
                                      &writer, args.get(), on_progress, &display));
      } else {
        f.reset(xfer_download_file(m, plan.src.bucket.c_str(), plan.src.key.c_str(),
                                   plan.local.c_str(), args.get(), on_progress, &display));
      }
      break;
    case Operation::kCopy:
      f.reset(xfer_copy(m, plan.src.bucket.c_str(), plan.src.key.c_str(), plan.dst.bucket.c_str(),
                        plan.dst.key.c_str(), args.get(), on_progress, &display));
      break;
    case Operation::kDelete:
      break;
  }
  if (!f) {
    print_error(what + " failed: " + subject + ": " + last_error());
    return kExitUsage;
  }
  xfer_status st = wait_for(f.get(), &display);
  std::string detail;
  if (reader.error) detail = std::string("reading stdin: ") + std::strerror(reader.error);
  if (writer.error) detail = std::string("writing to stdout: ") + std::strerror(writer.error);
  return finish(f.get(), st, o, what, subject, line, detail);
}

// ---- rm, mb, rb, presign ------------------------------------------------------------------

// One s3:// argument; need_key: the URL must name an object, else it must name only a bucket.
int one_url(const Invocation &inv, bool need_key, S3Url *url) {
  if (inv.positionals.size() != 1)
    return usage_error(inv.command, inv.command_name + " needs exactly one s3:// URL (got " +
                                        std::to_string(inv.positionals.size()) + " arguments)");
  const std::string &arg = inv.positionals[0];
  std::string err;
  if (!parse_s3_url(arg, url, &err)) return usage_error(inv.command, err);
  if (need_key && url->key.empty())
    return usage_error(inv.command, arg + " names no object (s3://BUCKET/KEY)");
  if (!need_key && !url->key.empty())
    return usage_error(inv.command, arg + " names an object; expected s3://BUCKET");
  return kExitOk;
}

// Runs one future without progress and reports it.
int run_simple(const Invocation &inv, FuturePtr f, const std::string &what,
               const std::string &subject, const std::string &line) {
  if (!f) {
    print_error(what + " failed: " + subject + ": " + last_error());
    return kExitUsage;
  }
  ProgressDisplay none(STDERR_FILENO, false);
  xfer_status st = wait_for(f.get(), &none);
  return finish(f.get(), st, inv.options, what, subject, line);
}

int run_rm(const Invocation &inv) {
  S3Url url;
  if (int rc = one_url(inv, true, &url); rc != kExitOk) return rc;
  ResolvedArgs resolved;
  std::string err;
  if (!resolve_object_args(inv.options, Operation::kDelete, &resolved, &err))
    return usage_error(inv.command, err);
  std::string subject = format_s3_url(url);
  if (inv.options.dryrun) {
    print_result(inv.options, "delete: " + subject);
    return kExitOk;
  }
  ConfigPtr cfg;
  ManagerPtr mgr;
  ArgsPtr args;
  if (int rc = build_config(inv.options, &cfg); rc != kExitOk) return rc;
  if (int rc = build_manager(cfg.get(), &mgr); rc != kExitOk) return rc;
  if (int rc = build_args(resolved, &args); rc != kExitOk) return rc;
  FuturePtr f(xfer_delete(mgr.get(), url.bucket.c_str(), url.key.c_str(), args.get()));
  return run_simple(inv, std::move(f), "delete", subject, "delete: " + subject);
}

int run_bucket_command(const Invocation &inv) {
  S3Url url;
  if (int rc = one_url(inv, false, &url); rc != kExitOk) return rc;
  bool make = inv.command == Command::kMb;
  std::string what = make ? "make_bucket" : "remove_bucket";
  std::string line = what + ": " + url.bucket;
  if (inv.options.dryrun) {
    print_result(inv.options, line);
    return kExitOk;
  }
  ConfigPtr cfg;
  ManagerPtr mgr;
  if (int rc = build_config(inv.options, &cfg); rc != kExitOk) return rc;
  if (int rc = build_manager(cfg.get(), &mgr); rc != kExitOk) return rc;
  FuturePtr f(make ? xfer_create_bucket(mgr.get(), url.bucket.c_str())
                   : xfer_delete_bucket(mgr.get(), url.bucket.c_str()));
  return run_simple(inv, std::move(f), what, "s3://" + url.bucket, line);
}

int run_presign(const Invocation &inv) {
  S3Url url;
  if (int rc = one_url(inv, true, &url); rc != kExitOk) return rc;
  ConfigPtr cfg;
  if (int rc = build_config(inv.options, &cfg); rc != kExitOk) return rc;
  char *raw = nullptr;
  xfer_status st = xfer_presign(cfg.get(), "GET", url.bucket.c_str(), url.key.c_str(),
                                inv.options.expires_in, &raw);
  StringPtr presigned(raw);
  if (st != XFER_OK || !presigned) {
    print_error("presign failed: " + format_s3_url(url) + ": " + last_error());
    return st == XFER_EINVAL ? kExitUsage : kExitFailed;
  }
  std::string out = std::string(presigned.get()) + "\n";
  std::fputs(out.c_str(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitLocal;
}

}  // namespace

int usage_error(Command command, const std::string &message) {
  std::string hint = command == Command::kNone || command == Command::kHelp
                         ? "xfer help"
                         : std::string("xfer help ") + command_name(command);
  std::string text = "xfer: " + one_line(message) + "\n" + usage_line(command) + "\nTry '" + hint +
                     "' for more information.\n";
  std::fputs(text.c_str(), stderr);
  return kExitUsage;
}

int run_command(const Invocation &inv, const StdStreams &streams) {
  switch (inv.command) {
    case Command::kCp:
      return inv.options.recursive ? run_cp_recursive(inv) : run_cp(inv, streams);
    case Command::kLs:
      return run_ls(inv);
    case Command::kRm:
      return inv.options.recursive ? run_rm_recursive(inv) : run_rm(inv);
    case Command::kMb:
    case Command::kRb:
      return run_bucket_command(inv);
    case Command::kPresign:
      return run_presign(inv);
    case Command::kHelp:
    case Command::kNone:
      break;
  }
  return usage_error(Command::kNone, "missing command");
}

}  // namespace xfer_cli
