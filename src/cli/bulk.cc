// bulk.cc: the commands on many objects: ls, rm --recursive and cp --recursive.
#include "bulk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "interrupt.h"
#include "listing.h"
#include "paths.h"
#include "report.h"
#include "s3url.h"
#include "session.h"
#include "xfer/xfer.h"

namespace xfer_cli {

namespace {

// One s3:// argument that may name a bucket alone or a prefix in it.
int one_prefix_url(const Invocation &inv, S3Url *url) {
  if (inv.positionals.size() != 1)
    return usage_error(inv.command, inv.command_name + " needs exactly one s3:// URL (got " +
                                        std::to_string(inv.positionals.size()) + " arguments)");
  std::string err;
  if (!parse_s3_url(inv.positionals[0], url, &err)) return usage_error(inv.command, err);
  return kExitOk;
}

// Prints "xfer: WHAT failed: SUBJECT: CODE (STATUS): MESSAGE [request id ID]" for every failed
// item of a finished future, as a single transfer's failure is printed. subject_of maps the
// library's failure key to what the line names.
template <typename SubjectOf>
void print_item_failures(const xfer_future *f, const std::string &what, SubjectOf subject_of) {
  size_t n = xfer_future_failure_count(f);
  for (size_t i = 0; i < n; ++i) {
    const char *key = xfer_future_failure_key(f, i);
    print_error(what + " failed: " + subject_of(std::string(key ? key : "")) + ": " +
                describe_failure(item_failure_of(f, i)));
  }
}

// ---- ls -----------------------------------------------------------------------------------

struct LsState {
  bool recursive = false;
  bool human = false;
  uint64_t entries = 0;  // prefixes and objects
  uint64_t objects = 0;
  uint64_t bytes = 0;
  int write_error = 0;  // errno of a failed write to stdout
};

bool write_stdout(const std::string &text, int *error) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) == text.size()) return true;
  *error = errno ? errno : EIO;
  return false;
}

int on_list_entry(const xfer_object *obj, void *user_data) {
  auto *st = static_cast<LsState *>(user_data);
  ++st->entries;
  std::string line;
  if (obj->is_prefix) {
    line = format_prefix_line(obj->key);
  } else {
    ++st->objects;
    st->bytes += obj->size;
    line = format_object_line(format_listing_time(obj->last_modified ? obj->last_modified : ""),
                              obj->size, obj->key, st->recursive, st->human);
  }
  line += '\n';
  return write_stdout(line, &st->write_error) ? 0 : 1;  // a closed stdout stops the listing
}

// The exit code for a failed write to stdout: quiet for a reader that went away (| head).
int stdout_failed(int error) {
  if (error != EPIPE) print_error(std::string("writing to stdout: ") + std::strerror(error));
  return kExitLocal;
}

// ---- rm --recursive --dryrun ----------------------------------------------------------------

struct DryDelete {
  const Options *options;
  std::string bucket;
  uint64_t objects = 0;
};

int on_dry_delete(const xfer_object *obj, void *user_data) {
  auto *d = static_cast<DryDelete *>(user_data);
  if (obj->is_prefix) return 0;
  ++d->objects;
  print_result(*d->options, "delete: " + format_s3_url(S3Url{d->bucket, obj->key}));
  return 0;
}

// ---- cp --recursive -----------------------------------------------------------------------

enum class Side { kS3, kStdio, kLocal };

Side side_of(const std::string &arg) {
  if (is_s3_url(arg)) return Side::kS3;
  if (arg == "-") return Side::kStdio;
  return Side::kLocal;
}

// Options that make no sense for many objects at once.
bool check_tree_options(const Options &o, std::string *error) {
  for (const auto &kv : o.object_options) {
    if (kv.first == "--version-id") {
      *error = "--version-id does not apply with --recursive (it names one object's version)";
      return false;
    }
  }
  return true;
}

}  // namespace

int run_ls(const Invocation &inv) {
  const Options &o = inv.options;
  if (inv.positionals.empty())
    return usage_error(Command::kLs,
                       "listing buckets is not supported; give s3://BUCKET or s3://BUCKET/PREFIX");
  S3Url url;
  if (int rc = one_prefix_url(inv, &url); rc != kExitOk) return rc;
  ConfigPtr cfg;
  ManagerPtr mgr;
  if (int rc = build_config(o, &cfg); rc != kExitOk) return rc;
  if (int rc = build_manager(cfg.get(), &mgr); rc != kExitOk) return rc;

  LsState state;
  state.recursive = o.recursive;
  state.human = o.human_readable;
  FuturePtr f(xfer_list_objects(mgr.get(), url.bucket.c_str(), url.key.c_str(),
                                o.recursive ? nullptr : "/", on_list_entry, &state));
  const std::string subject = format_s3_url(url);
  if (!f) {
    print_error("ls failed: " + subject + ": " + last_error());
    return kExitUsage;
  }
  ProgressDisplay none(STDERR_FILENO, false);
  xfer_status st = wait_for(f.get(), &none);
  if (std::fflush(stdout) != 0 && state.write_error == 0) state.write_error = errno ? errno : EIO;
  if (state.write_error != 0 && !interrupted()) return stdout_failed(state.write_error);
  if (st != XFER_OK) return finish(f.get(), st, o, "ls", subject, "");
  if (o.summarize && !write_stdout(format_summary(state.objects, state.bytes, o.human_readable),
                                   &state.write_error))
    return stdout_failed(state.write_error);
  if (std::fflush(stdout) != 0) return stdout_failed(errno ? errno : EIO);
  // As `aws s3 ls`: a prefix that matches nothing is exit status 1, with nothing printed.
  return state.entries == 0 && !url.key.empty() ? kExitFailed : kExitOk;
}

int run_rm_recursive(const Invocation &inv) {
  const Options &o = inv.options;
  S3Url url;
  if (int rc = one_prefix_url(inv, &url); rc != kExitOk) return rc;
  if (!o.object_options.empty())
    return usage_error(Command::kRm,
                       o.object_options[0].first + " does not apply with --recursive");
  const std::string prefix = folder_prefix(url.key);
  const std::string subject = format_s3_url(S3Url{url.bucket, prefix});
  ConfigPtr cfg;
  ManagerPtr mgr;
  if (int rc = build_config(o, &cfg); rc != kExitOk) return rc;
  if (int rc = build_manager(cfg.get(), &mgr); rc != kExitOk) return rc;
  ProgressDisplay none(STDERR_FILENO, false);

  if (o.dryrun) {  // list what would go: one "(dryrun) delete: URL" line per object
    DryDelete dry{&o, url.bucket};
    FuturePtr f(xfer_list_objects(mgr.get(), url.bucket.c_str(), prefix.c_str(), nullptr,
                                  on_dry_delete, &dry));
    if (!f) {
      print_error("delete failed: " + subject + ": " + last_error());
      return kExitUsage;
    }
    xfer_status st = wait_for(f.get(), &none);
    return finish(f.get(), st, o, "delete", subject, "");
  }

  FuturePtr f(xfer_delete_prefix(mgr.get(), url.bucket.c_str(), prefix.c_str()));
  if (!f) {
    print_error("delete failed: " + subject + ": " + last_error());
    return kExitUsage;
  }
  xfer_status st = wait_for(f.get(), &none);
  size_t failed = xfer_future_failure_count(f.get());
  if (interrupted() || (st != XFER_OK && failed == 0))
    return finish(f.get(), st, o, "delete", subject, "");
  print_item_failures(f.get(), "delete", [&](const std::string &key) {
    return format_s3_url(S3Url{url.bucket, key});
  });
  print_result(o, delete_summary_line(xfer_future_file_count(f.get()), failed));
  if (failed > 0 && st == XFER_OK) return kExitFailed;
  return exit_code_for(st, false);
}

int run_cp_recursive(const Invocation &inv) {
  const Options &o = inv.options;
  if (inv.positionals.size() != 2)
    return usage_error(Command::kCp, "cp needs SRC and DST (got " +
                                         std::to_string(inv.positionals.size()) + " arguments)");
  const std::string &src = inv.positionals[0];
  const std::string &dst = inv.positionals[1];
  Side s = side_of(src), d = side_of(dst);
  if (s == Side::kStdio || d == Side::kStdio)
    return usage_error(Command::kCp, "--recursive copies folders and prefixes, not '-'");
  if (s != Side::kS3 && d != Side::kS3)
    return usage_error(Command::kCp, "SRC or DST must be an s3:// URL");
  if (s == Side::kS3 && d == Side::kS3)
    return usage_error(Command::kCp, "--recursive copies from S3 to S3 are not supported");
  std::string err;
  if (!check_tree_options(o, &err)) return usage_error(Command::kCp, err);

  const bool upload = d == Side::kS3;
  S3Url url;
  if (!parse_s3_url(upload ? dst : src, &url, &err)) return usage_error(Command::kCp, err);
  url.key = folder_prefix(url.key);
  const std::string local = upload ? src : dst;
  const std::string what = upload ? "upload" : "download";
  const std::string s3_side = format_s3_url(url);
  const std::string local_side = display_local_path(local);
  const std::string from = upload ? local_side : s3_side;
  const std::string to = upload ? s3_side : local_side;

  struct stat st {};
  if (upload) {
    if (::stat(local.c_str(), &st) != 0) {
      print_error("upload failed: " + local_side + ": " + std::strerror(errno));
      return kExitLocal;
    }
    if (!S_ISDIR(st.st_mode))
      return usage_error(Command::kCp,
                         local_side + " is not a folder (drop --recursive to copy a file)");
  } else if (::stat(local.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    print_error("download failed: " + local_side + ": exists and is not a folder");
    return kExitLocal;
  }

  ResolvedArgs resolved;
  if (!resolve_object_args(o, upload ? Operation::kUpload : Operation::kDownload, &resolved, &err))
    return usage_error(Command::kCp, err);
  if (o.dryrun) {
    print_result(o, what + ": " + from + " to " + to + " (recursive)");
    return kExitOk;
  }

  ConfigPtr cfg;
  ManagerPtr mgr;
  ArgsPtr args;
  if (int rc = build_config(o, &cfg); rc != kExitOk) return rc;
  if (int rc = build_manager(cfg.get(), &mgr); rc != kExitOk) return rc;
  if (int rc = build_args(resolved, &args); rc != kExitOk) return rc;
  DirOptionsPtr opts(xfer_dir_options_new());
  if (!opts) {
    print_error("out of memory");
    return kExitFailed;
  }
  // As for one file, each file's Content-Type from its name unless --content-type gives one.
  if (upload && !o.no_guess_mime_type) xfer_dir_options_set_guess_content_type(opts.get(), 1);
  for (const auto &filter : o.filters) {
    if (xfer_dir_options_add_filter(opts.get(), filter.second.c_str(), filter.first ? 1 : 0) !=
        XFER_OK)
      return usage_error(Command::kCp, (filter.first ? "--include " : "--exclude ") +
                                           filter.second + ": " + last_error());
  }

  // The callbacks' target is declared before the future, so it outlives it.
  ProgressDisplay display(STDERR_FILENO, !o.quiet && !o.no_progress && ::isatty(STDERR_FILENO));
  FuturePtr f(
      upload
          ? xfer_upload_directory(mgr.get(), local.c_str(), url.bucket.c_str(), url.key.c_str(),
                                  args.get(), opts.get(), on_progress, &display)
          : xfer_download_directory(mgr.get(), url.bucket.c_str(), url.key.c_str(), local.c_str(),
                                    args.get(), opts.get(), on_progress, &display));
  if (!f) {
    print_error(what + " failed: " + from + " to " + to + ": " + last_error());
    return kExitUsage;
  }
  xfer_status status = wait_for(f.get(), &display);
  size_t failed = xfer_future_failure_count(f.get());
  if (interrupted() || (status != XFER_OK && failed == 0))
    return finish(f.get(), status, o, what, from + " to " + to, "");
  // Upload failures name the file's path relative to the folder (or the folder itself when
  // walking it failed); download failures name the key.
  print_item_failures(f.get(), what, [&](const std::string &key) {
    if (!upload) return format_s3_url(S3Url{url.bucket, key});
    if (key == local) return local_side;
    return format_s3_url(S3Url{url.bucket, url.key + key});
  });
  print_result(o, tree_summary_line(what, from, to, xfer_future_file_count(f.get()),
                                    xfer_future_size(f.get()), failed));
  if (failed > 0 && status == XFER_OK) return kExitFailed;
  return exit_code_for(status, false);
}

}  // namespace xfer_cli
