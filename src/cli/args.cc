// args.cc: command-line parsing for the xfer tool: the option table, sizes, rates and counts.
#include "args.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace xfer_cli {

namespace {

constexpr unsigned kMaskObjects = kMaskCp | kMaskRm;
constexpr unsigned kMaskPrinting = kMaskCp | kMaskMb | kMaskRb | kMaskRm;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return lower(a) == lower(b);
}

// How each per-object option maps to boto3's ExtraArgs, per operation (nullptr: not taken).
struct ObjectArgSpec {
  const char *option;
  const char *upload;
  const char *download;
  const char *copy;
  const char *del;
  bool replaces_metadata;  // on a copy, implies MetadataDirective REPLACE
};

const std::vector<ObjectArgSpec> &object_arg_specs() {
  static const std::vector<ObjectArgSpec> specs = {
      {"--content-type", "ContentType", nullptr, "ContentType", nullptr, true},
      {"--cache-control", "CacheControl", nullptr, "CacheControl", nullptr, true},
      {"--content-disposition", "ContentDisposition", nullptr, "ContentDisposition", nullptr, true},
      {"--content-encoding", "ContentEncoding", nullptr, "ContentEncoding", nullptr, true},
      {"--content-language", "ContentLanguage", nullptr, "ContentLanguage", nullptr, true},
      {"--expires", "Expires", nullptr, "Expires", nullptr, true},
      {"--acl", "ACL", nullptr, "ACL", nullptr, false},
      {"--storage-class", "StorageClass", nullptr, "StorageClass", nullptr, false},
      {"--sse", "ServerSideEncryption", nullptr, "ServerSideEncryption", nullptr, false},
      {"--sse-kms-key-id", "SSEKMSKeyId", nullptr, "SSEKMSKeyId", nullptr, false},
      {"--sse-c", "SSECustomerAlgorithm", "SSECustomerAlgorithm", "SSECustomerAlgorithm", nullptr,
       false},
      {"--sse-c-key", "SSECustomerKey", "SSECustomerKey", "SSECustomerKey", nullptr, false},
      {"--sse-c-copy-source", nullptr, nullptr, "CopySourceSSECustomerAlgorithm", nullptr, false},
      {"--sse-c-copy-source-key", nullptr, nullptr, "CopySourceSSECustomerKey", nullptr, false},
      {"--website-redirect", "WebsiteRedirectLocation", nullptr, "WebsiteRedirectLocation", nullptr,
       false},
      {"--tagging", "Tagging", nullptr, "Tagging", nullptr, false},
      {"--metadata-directive", nullptr, nullptr, "MetadataDirective", nullptr, false},
      {"--request-payer", "RequestPayer", "RequestPayer", "RequestPayer", "RequestPayer", false},
      {"--expected-bucket-owner", "ExpectedBucketOwner", "ExpectedBucketOwner",
       "ExpectedBucketOwner", "ExpectedBucketOwner", false},
      {"--version-id", nullptr, "VersionId", nullptr, "VersionId", false},
  };
  return specs;
}

const ObjectArgSpec *find_object_arg(std::string_view option) {
  for (const auto &s : object_arg_specs())
    if (option == s.option) return &s;
  return nullptr;
}

const OptionSpec *find_option(std::string_view name) {
  for (const auto &s : option_specs())
    if (name == s.name) return &s;
  return nullptr;
}

const char *operation_name(Operation op) {
  switch (op) {
    case Operation::kUpload:
      return "uploads";
    case Operation::kDownload:
      return "downloads";
    case Operation::kCopy:
      return "copies";
    case Operation::kDelete:
      return "rm";
  }
  return "?";
}

// Stores one option's value in *o. Values have been split off already.
bool apply_option(const OptionSpec &spec, const std::string &value, Options *o,
                  std::string *error) {
  std::string_view name = spec.name;
  std::string why;
  auto fail = [&](const std::string &msg) {
    *error = std::string(name) + ": " + msg;
    return false;
  };
  if (name == "--help") {
    o->help = true;
  } else if (name == "--version") {
    o->version = true;
  } else if (name == "--profile") {
    if (value.empty()) return fail("empty profile name");
    o->profile = value;
  } else if (name == "--endpoint-url") {
    if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
      return fail("expected http://HOST[:PORT] or https://HOST[:PORT], got '" + value + "'");
    o->endpoint_url = value;
  } else if (name == "--region") {
    if (value.empty()) return fail("empty region");
    o->region = value;
  } else if (name == "--path-style") {
    o->path_style = true;
  } else if (name == "--virtual-host") {
    o->path_style = false;
  } else if (name == "--no-verify-ssl") {
    o->no_verify_ssl = true;
  } else if (name == "--ca-bundle") {
    if (value.empty()) return fail("empty file name");
    o->ca_bundle = value;
  } else if (name == "--connect-timeout") {
    uint32_t s = 0;
    if (!parse_uint32(value, 1, 600, &s, &why)) return fail(why);
    o->connect_timeout_ms = s * 1000;
  } else if (name == "--quiet" || name == "--only-show-errors") {
    o->quiet = true;
  } else if (name == "--no-progress") {
    o->no_progress = true;
  } else if (name == "--dryrun") {
    o->dryrun = true;
  } else if (name == "--recursive") {
    o->recursive = true;
  } else if (name == "--no-guess-mime-type") {
    o->no_guess_mime_type = true;
  } else if (name == "--human-readable") {
    o->human_readable = true;
  } else if (name == "--summarize") {
    o->summarize = true;
  } else if (name == "--include" || name == "--exclude") {
    if (value.empty()) return fail("empty pattern");
    o->filters.emplace_back(name == "--include", value);
  } else if (name == "--multipart-threshold" || name == "--multipart-chunksize") {
    uint64_t v = 0;
    if (!parse_size(value, &v, &why)) return fail(why);
    (name == "--multipart-threshold" ? o->multipart_threshold : o->multipart_chunksize) = v;
  } else if (name == "--max-concurrency") {
    uint32_t n = 0;
    if (!parse_uint32(value, 1, 1000, &n, &why)) return fail(why);
    o->max_concurrency = n;
  } else if (name == "--max-bandwidth") {
    uint64_t v = 0;
    if (!parse_rate(value, &v, &why)) return fail(why);
    o->max_bandwidth = v;
  } else if (name == "--checksum-algorithm") {
    std::string alg;
    if (!parse_checksum_algorithm(value, &alg, &why)) return fail(why);
    o->checksum_algorithm = alg;
  } else if (name == "--expected-size") {
    uint64_t v = 0;
    if (!parse_size(value, &v, &why)) return fail(why);
    o->expected_size = v;
  } else if (name == "--aws-chunked") {
    o->aws_chunked = true;
  } else if (name == "--expires-in") {
    uint32_t s = 0;
    if (!parse_uint32(value, 1, 604800, &s, &why)) return fail(why);
    o->expires_in = s;
  } else if (name == "--metadata") {
    std::pair<std::string, std::string> kv;
    if (!parse_metadata(value, &kv, &why)) return fail(why);
    o->metadata.push_back(std::move(kv));
  } else if (find_object_arg(name)) {
    if (value.empty()) return fail("empty value");
    for (auto &kv : o->object_options) {
      if (kv.first == name) {  // the last one given wins
        kv.second = value;
        return true;
      }
    }
    o->object_options.emplace_back(std::string(name), value);
  } else {
    return fail("not implemented");  // an option in the table without a handler: a bug
  }
  return true;
}

std::string command_list_for(unsigned mask) {
  static const std::pair<unsigned, const char *> names[] = {
      {kMaskCp, "cp"}, {kMaskLs, "ls"}, {kMaskMb, "mb"},
      {kMaskRb, "rb"}, {kMaskRm, "rm"}, {kMaskPresign, "presign"}};
  std::string out;
  for (const auto &n : names) {
    if (mask & n.first) out += (out.empty() ? "" : ", ") + std::string(n.second);
  }
  return out;
}

}  // namespace

const std::vector<OptionSpec> &option_specs() {
  using V = ValueKind;
  using G = OptionGroup;
  constexpr unsigned kAll = kMaskAll, kCp = kMaskCp, kObj = kMaskObjects;
  constexpr unsigned kPrint = kMaskPrinting, kPre = kMaskPresign, kLs = kMaskLs;
  constexpr unsigned kTree = kMaskCp | kMaskRm | kMaskLs;
  // clang-format off
  static const std::vector<OptionSpec> specs = {
    {"--help", V::kFlag, kAll, G::kGlobal, nullptr, "show help for the command", {}},
    {"--version", V::kFlag, kAll, G::kGlobal, nullptr, "print the versions and exit", {}},
    {"--profile", V::kValue, kAll, G::kGlobal, "NAME",
     "use a profile from ~/.aws/credentials and ~/.aws/config", {}},
    {"--endpoint-url", V::kValue, kAll, G::kGlobal, "URL",
     "S3 endpoint, e.g. http://127.0.0.1:9000 (default: AWS)", {}},
    {"--region", V::kValue, kAll, G::kGlobal, "REGION", "region to sign for", {}},
    {"--path-style", V::kFlag, kAll, G::kGlobal, nullptr,
     "address buckets as ENDPOINT/BUCKET (default for custom endpoints)", {}},
    {"--virtual-host", V::kFlag, kAll, G::kGlobal, nullptr,
     "address buckets as BUCKET.ENDPOINT (default for AWS)", {}},
    {"--no-verify-ssl", V::kFlag, kAll, G::kGlobal, nullptr, "do not verify TLS certificates", {}},
    {"--ca-bundle", V::kValue, kAll, G::kGlobal, "FILE",
     "PEM file of CA certificates to verify TLS with", {}},
    {"--connect-timeout", V::kValue, kAll, G::kGlobal, "SECONDS",
     "connection timeout (default 10)", {}},
    {"--quiet", V::kFlag, kPrint, G::kGlobal, nullptr,
     "print no progress and no result lines; errors only", {}},
    {"--only-show-errors", V::kFlag, kPrint, G::kGlobal, nullptr, "same as --quiet", {}},
    {"--dryrun", V::kFlag, kPrint, G::kGlobal, nullptr,
     "print what would be done and do nothing", {}},

    {"--no-progress", V::kFlag, kCp, G::kTransfer, nullptr, "do not show progress", {}},
    {"--multipart-threshold", V::kValue, kAll, G::kTransfer, "SIZE",
     "size from which transfers go multipart (default 8MiB)", {}},
    {"--multipart-chunksize", V::kValue, kAll, G::kTransfer, "SIZE",
     "part size of multipart transfers (default 8MiB)", {}},
    {"--max-concurrency", V::kValue, kAll, G::kTransfer, "N",
     "parallel requests per transfer (default 10)", {}},
    {"--max-bandwidth", V::kValue, kAll, G::kTransfer, "RATE",
     "bandwidth limit, e.g. 50MB/s or 10MiB/s (default none)", {}},
    {"--checksum-algorithm", V::kValue, kAll, G::kTransfer, "ALG",
     "CRC32 (default), CRC32C, CRC64NVME, SHA1, SHA256 or NONE", {}},
    {"--expected-size", V::kValue, kCp, G::kTransfer, "SIZE",
     "the exact size of a stream from stdin ('-'); needed by --aws-chunked", {}},
    {"--aws-chunked", V::kFlag, kCp, G::kTransfer, nullptr,
     "stdin as signed aws-chunked bodies: 128 KiB of buffers, not retried once sent", {}},
    {"--no-guess-mime-type", V::kFlag, kCp, G::kTransfer, nullptr,
     "do not set Content-Type from the file name's extension", {}},

    {"--content-type", V::kValue, kCp, G::kObject, "TYPE", "Content-Type of the object", {}},
    {"--cache-control", V::kValue, kCp, G::kObject, "VALUE", "Cache-Control of the object", {}},
    {"--content-disposition", V::kValue, kCp, G::kObject, "VALUE",
     "Content-Disposition of the object", {}},
    {"--content-encoding", V::kValue, kCp, G::kObject, "VALUE",
     "Content-Encoding of the object", {}},
    {"--content-language", V::kValue, kCp, G::kObject, "VALUE",
     "Content-Language of the object", {}},
    {"--expires", V::kValue, kCp, G::kObject, "DATE", "Expires header of the object", {}},
    {"--metadata", V::kValue, kCp, G::kObject, "KEY=VALUE",
     "user metadata (x-amz-meta-KEY); repeatable", {}},
    {"--metadata-directive", V::kValue, kCp, G::kObject, "COPY|REPLACE",
     "for s3 to s3 copies: keep or replace the source's metadata", {}},
    {"--acl", V::kValue, kCp, G::kObject, "ACL", "canned ACL, e.g. private, public-read", {}},
    {"--storage-class", V::kValue, kCp, G::kObject, "CLASS",
     "STANDARD, STANDARD_IA, GLACIER, ...", {}},
    {"--tagging", V::kValue, kCp, G::kObject, "K1=V1&K2=V2", "object tags", {}},
    {"--website-redirect", V::kValue, kCp, G::kObject, "URL",
     "x-amz-website-redirect-location", {}},
    {"--sse", V::kOptionalValue, kCp, G::kObject, "AES256",
     "server-side encryption: AES256 (default) or aws:kms", {"AES256", "aws:kms", "aws:kms:dsse"}},
    {"--sse-kms-key-id", V::kValue, kCp, G::kObject, "ID", "KMS key for --sse aws:kms", {}},
    {"--sse-c", V::kOptionalValue, kCp, G::kObject, "AES256",
     "encrypt/decrypt with a customer-provided key", {"AES256"}},
    {"--sse-c-key", V::kValue, kCp, G::kObject, "KEY", "the customer-provided key", {}},
    {"--sse-c-copy-source", V::kOptionalValue, kCp, G::kObject, "AES256",
     "for s3 to s3 copies: the source is encrypted with a customer key", {"AES256"}},
    {"--sse-c-copy-source-key", V::kValue, kCp, G::kObject, "KEY",
     "for s3 to s3 copies: the source's customer key", {}},
    {"--request-payer", V::kOptionalValue, kObj, G::kObject, "requester",
     "confirm that the requester pays", {"requester"}},
    {"--expected-bucket-owner", V::kValue, kObj, G::kObject, "ACCOUNT",
     "fail unless the bucket belongs to this account", {}},
    {"--version-id", V::kValue, kObj, G::kObject, "ID",
     "the object version to download or delete", {}},

    {"--expires-in", V::kValue, kPre, G::kOther, "SECONDS",
     "how long the URL is valid, 1..604800 (default 3600)", {}},
    {"--recursive", V::kFlag, kTree, G::kOther, nullptr,
     "all of a folder or prefix (ls: every key, no PRE lines)", {}},
    {"--exclude", V::kValue, kCp, G::kOther, "GLOB",
     "with --recursive: skip paths matching GLOB; repeatable", {}},
    {"--include", V::kValue, kCp, G::kOther, "GLOB",
     "with --recursive: take matching paths back in; the last match wins", {}},
    {"--human-readable", V::kFlag, kLs, G::kOther, nullptr,
     "sizes as 1.5 KiB, 3.0 MiB, ... instead of bytes", {}},
    {"--summarize", V::kFlag, kLs, G::kOther, nullptr,
     "print the number of objects and their total size at the end", {}},
  };
  // clang-format on
  return specs;
}

Command command_from_name(std::string_view name) {
  if (name == "cp") return Command::kCp;
  if (name == "ls") return Command::kLs;
  if (name == "mb") return Command::kMb;
  if (name == "rb") return Command::kRb;
  if (name == "rm") return Command::kRm;
  if (name == "presign") return Command::kPresign;
  if (name == "help") return Command::kHelp;
  return Command::kNone;
}

const char *command_name(Command c) {
  switch (c) {
    case Command::kCp:
      return "cp";
    case Command::kLs:
      return "ls";
    case Command::kMb:
      return "mb";
    case Command::kRb:
      return "rb";
    case Command::kRm:
      return "rm";
    case Command::kPresign:
      return "presign";
    case Command::kHelp:
      return "help";
    case Command::kNone:
      return "";
  }
  return "";
}

unsigned command_mask(Command c) {
  switch (c) {
    case Command::kCp:
      return kMaskCp;
    case Command::kLs:
      return kMaskLs;
    case Command::kMb:
      return kMaskMb;
    case Command::kRb:
      return kMaskRb;
    case Command::kRm:
      return kMaskRm;
    case Command::kPresign:
      return kMaskPresign;
    case Command::kHelp:
    case Command::kNone:
      return kMaskAll;
  }
  return kMaskAll;
}

ParseResult parse_command_line(const std::vector<std::string> &args) {
  ParseResult r;
  Invocation &inv = r.invocation;
  std::vector<std::pair<const OptionSpec *, std::string>> given;
  bool options_done = false;
  bool have_command = false;
  auto positional = [&](const std::string &word) {
    if (have_command) {
      inv.positionals.push_back(word);
      return true;
    }
    have_command = true;
    inv.command_name = word;
    inv.command = command_from_name(word);
    if (inv.command == Command::kNone) {
      r.error = "unknown command '" + word + "'";
      return false;
    }
    return true;
  };

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      if (!positional(arg)) return r;
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h") {
      given.emplace_back(find_option("--help"), "");
      continue;
    }
    if (arg.size() < 3 || arg[1] != '-') {
      r.error = "unknown option '" + arg + "'";
      return r;
    }
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    const OptionSpec *spec = find_option(name);
    if (!spec) {
      r.error = "unknown option '" + name + "'";
      return r;
    }
    std::string value;
    bool inline_value = eq != std::string::npos;
    if (inline_value) value = arg.substr(eq + 1);
    switch (spec->kind) {
      case ValueKind::kFlag:
        if (inline_value) {
          r.error = name + " takes no value";
          return r;
        }
        break;
      case ValueKind::kValue:
        if (!inline_value) {
          if (i + 1 >= args.size()) {
            r.error = name + " needs a value (" + spec->metavar + ")";
            return r;
          }
          value = args[++i];
        }
        break;
      case ValueKind::kOptionalValue:
        if (!inline_value) {
          value = spec->metavar;
          if (i + 1 < args.size()) {
            for (const char *known : spec->known_values) {
              if (args[i + 1] == known) {
                value = args[++i];
                break;
              }
            }
          }
        }
        break;
    }
    given.emplace_back(spec, value);
  }

  // "xfer --help" and "xfer --version" need no command; anything else is checked against it.
  unsigned mask = command_mask(inv.command);
  for (const auto &g : given) {
    const OptionSpec &spec = *g.first;
    if (inv.command != Command::kNone && inv.command != Command::kHelp && !(spec.commands & mask)) {
      r.error = std::string(spec.name) + " does not apply to '" + inv.command_name + "' (only to " +
                command_list_for(spec.commands) + ")";
      return r;
    }
    if (!apply_option(spec, g.second, &inv.options, &r.error)) return r;
  }
  r.ok = true;
  return r;
}

bool parse_uint32(std::string_view text, uint32_t min, uint32_t max, uint32_t *out,
                  std::string *error) {
  uint64_t v = 0;
  if (text.empty()) {
    *error = "expected a number, got ''";
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      *error = "expected a whole number, got '" + std::string(text) + "'";
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > max) break;
  }
  if (v < min || v > max) {
    *error = "'" + std::string(text) + "' is out of range (" + std::to_string(min) + ".." +
             std::to_string(max) + ")";
    return false;
  }
  *out = static_cast<uint32_t>(v);
  return true;
}

bool parse_size(std::string_view text, uint64_t *out, std::string *error) {
  auto bad = [&](const std::string &why) {
    *error = why + ": '" + std::string(text) + "' (e.g. 1048576, 512KiB, 16MiB, 1.5GB)";
    return false;
  };
  size_t i = 0;
  uint64_t whole = 0;
  bool any_digit = false;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (whole > (kMax - d) / 10) return bad("too large");
    whole = whole * 10 + d;
    any_digit = true;
    ++i;
  }
  uint64_t frac_num = 0, frac_den = 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_den < 1000000000ull) {  // more digits than that cannot change whole bytes
        frac_num = frac_num * 10 + static_cast<uint64_t>(text[i] - '0');
        frac_den *= 10;
      }
      any_digit = true;
      ++i;
    }
  }
  if (!any_digit) return bad("expected a size");
  std::string unit = lower(text.substr(i));
  static const std::pair<const char *, uint64_t> units[] = {
      {"", 1},
      {"b", 1},
      {"kb", 1000ull},
      {"mb", 1000ull * 1000},
      {"gb", 1000ull * 1000 * 1000},
      {"tb", 1000ull * 1000 * 1000 * 1000},
      {"kib", 1ull << 10},
      {"mib", 1ull << 20},
      {"gib", 1ull << 30},
      {"tib", 1ull << 40},
  };
  uint64_t mult = 0;
  for (const auto &u : units) {
    if (unit == u.first) mult = u.second;
  }
  if (mult == 0) return bad("unknown unit '" + std::string(text.substr(i)) + "'");
  if (mult == 1 && frac_num != 0) return bad("a byte count must be whole");
  if (whole > kMax / mult) return bad("too large");
  uint64_t value = whole * mult;
  // frac_num / frac_den < 1, so this part is below mult and fits; long double is exact enough.
  auto frac = static_cast<uint64_t>(
      std::floor(static_cast<long double>(frac_num) * static_cast<long double>(mult) /
                 static_cast<long double>(frac_den)));
  if (value > kMax - frac) return bad("too large");
  *out = value + frac;
  return true;
}

bool parse_rate(std::string_view text, uint64_t *out, std::string *error) {
  std::string_view t = text;
  if (t.size() >= 2 && (t.substr(t.size() - 2) == "/s" || t.substr(t.size() - 2) == "/S"))
    t.remove_suffix(2);
  if (!parse_size(t, out, error)) {
    *error = "bad rate '" + std::string(text) + "' (e.g. 50MB/s, 10MiB/s, 1048576)";
    return false;
  }
  return true;
}

bool parse_checksum_algorithm(std::string_view text, std::string *out, std::string *error) {
  static const char *const names[] = {"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "NONE"};
  for (const char *n : names) {
    if (iequals(text, n)) {
      *out = n;
      return true;
    }
  }
  *error = "unknown algorithm '" + std::string(text) +
           "' (CRC32, CRC32C, CRC64NVME, SHA1, SHA256 or NONE)";
  return false;
}

bool parse_metadata(std::string_view text, std::pair<std::string, std::string> *out,
                    std::string *error) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    *error = "expected KEY=VALUE, got '" + std::string(text) + "'";
    return false;
  }
  out->first = std::string(text.substr(0, eq));
  out->second = std::string(text.substr(eq + 1));
  return true;
}

bool resolve_object_args(const Options &options, Operation op, ResolvedArgs *out,
                         std::string *error) {
  out->extra.clear();
  out->metadata.clear();
  bool replaces_metadata = !options.metadata.empty();
  bool has_directive = false;
  for (const auto &kv : options.object_options) {
    const ObjectArgSpec *spec = find_object_arg(kv.first);
    const char *name = nullptr;
    if (spec) {
      switch (op) {
        case Operation::kUpload:
          name = spec->upload;
          break;
        case Operation::kDownload:
          name = spec->download;
          break;
        case Operation::kCopy:
          name = spec->copy;
          break;
        case Operation::kDelete:
          name = spec->del;
          break;
      }
    }
    if (!name) {
      *error = kv.first + " does not apply to " + operation_name(op);
      return false;
    }
    if (spec->replaces_metadata) replaces_metadata = true;
    if (std::string_view(name) == "MetadataDirective") has_directive = true;
    out->extra.emplace_back(name, kv.second);
  }
  if (!options.metadata.empty()) {
    if (op != Operation::kUpload && op != Operation::kCopy) {
      *error = std::string("--metadata does not apply to ") + operation_name(op);
      return false;
    }
    out->metadata = options.metadata;
  }
  if (op == Operation::kCopy && replaces_metadata && !has_directive)
    out->extra.emplace_back("MetadataDirective", "REPLACE");
  return true;
}

}  // namespace xfer_cli
