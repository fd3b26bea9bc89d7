// test_cli_parse.cc: unit tests of the xfer tool's pure layers (options, sizes, URLs, progress).
// cmocka.h needs these first, in this order, and has no extern "C" of its own (1.1.5).
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}
// clang-format on

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/listing.h"
#include "cli/paths.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/s3url.h"

using namespace xfer_cli;

namespace {

uint64_t size_ok(const char *text) {
  uint64_t v = 12345;
  std::string err;
  if (!parse_size(text, &v, &err)) fail_msg("parse_size(\"%s\") failed: %s", text, err.c_str());
  return v;
}

void size_bad(const char *text) {
  uint64_t v = 12345;
  std::string err;
  if (parse_size(text, &v, &err))
    fail_msg("parse_size(\"%s\") accepted: %llu", text, static_cast<unsigned long long>(v));
  assert_int_equal(v, 12345);  // untouched on error
  assert_false(err.empty());
}

void test_sizes(void **) {
  assert_int_equal(size_ok("0"), 0);
  assert_int_equal(size_ok("1048576"), 1048576);
  assert_int_equal(size_ok("512B"), 512);
  assert_int_equal(size_ok("1KB"), 1000);
  assert_int_equal(size_ok("1KiB"), 1024);
  assert_int_equal(size_ok("16MiB"), 16ull << 20);
  assert_int_equal(size_ok("16mib"), 16ull << 20);
  assert_int_equal(size_ok("8MB"), 8000000);
  assert_int_equal(size_ok("2GB"), 2000000000ull);
  assert_int_equal(size_ok("1GiB"), 1ull << 30);
  assert_int_equal(size_ok("1.5GiB"), 3ull << 29);
  assert_int_equal(size_ok("0.5KB"), 500);
  assert_int_equal(size_ok("2TiB"), 2ull << 40);
  assert_int_equal(size_ok("18446744073709551615"), UINT64_MAX);
  size_bad("");
  size_bad("MiB");
  size_bad("12XB");
  size_bad("12 MiB");
  size_bad("-1");
  size_bad("1.5");
  size_bad("1.5B");
  size_bad("18446744073709551616");
  size_bad("20000000TiB");
  size_bad("16MiB/s");
}

void test_rates(void **) {
  uint64_t v = 0;
  std::string err;
  assert_true(parse_rate("50MB/s", &v, &err));
  assert_int_equal(v, 50000000);
  assert_true(parse_rate("10MiB/s", &v, &err));
  assert_int_equal(v, 10ull << 20);
  assert_true(parse_rate("20MB", &v, &err));
  assert_int_equal(v, 20000000);
  assert_true(parse_rate("1048576", &v, &err));
  assert_int_equal(v, 1048576);
  assert_false(parse_rate("fast/s", &v, &err));
  assert_false(parse_rate("/s", &v, &err));
  assert_false(parse_rate("10MiB/h", &v, &err));
}

void test_counts_and_names(void **) {
  uint32_t n = 0;
  std::string err, alg;
  assert_true(parse_uint32("10", 1, 1000, &n, &err));
  assert_int_equal(n, 10);
  assert_false(parse_uint32("0", 1, 1000, &n, &err));
  assert_false(parse_uint32("1001", 1, 1000, &n, &err));
  assert_false(parse_uint32("99999999999999999999999", 1, 1000, &n, &err));
  assert_false(parse_uint32("1e3", 1, 1000, &n, &err));
  assert_false(parse_uint32("", 1, 1000, &n, &err));
  assert_true(parse_checksum_algorithm("crc32c", &alg, &err));
  assert_string_equal(alg.c_str(), "CRC32C");
  assert_true(parse_checksum_algorithm("NONE", &alg, &err));
  assert_string_equal(alg.c_str(), "NONE");
  assert_false(parse_checksum_algorithm("md5", &alg, &err));
  std::pair<std::string, std::string> kv;
  assert_true(parse_metadata("k=v=w", &kv, &err));
  assert_string_equal(kv.first.c_str(), "k");
  assert_string_equal(kv.second.c_str(), "v=w");
  assert_true(parse_metadata("k=", &kv, &err));
  assert_string_equal(kv.second.c_str(), "");
  assert_false(parse_metadata("=v", &kv, &err));
  assert_false(parse_metadata("kv", &kv, &err));
}

void test_s3_urls(void **) {
  S3Url u;
  std::string err;
  assert_true(parse_s3_url("s3://bucket/key", &u, &err));
  assert_string_equal(u.bucket.c_str(), "bucket");
  assert_string_equal(u.key.c_str(), "key");
  assert_true(parse_s3_url("s3://bucket", &u, &err));
  assert_string_equal(u.key.c_str(), "");
  assert_true(parse_s3_url("s3://bucket/", &u, &err));
  assert_string_equal(u.key.c_str(), "");
  // Keys are taken verbatim: no normalisation, no decoding.
  assert_true(parse_s3_url("s3://b/a//b/../c?x=1#y z+%20/\xc3\xa9/", &u, &err));
  assert_string_equal(u.bucket.c_str(), "b");
  assert_string_equal(u.key.c_str(), "a//b/../c?x=1#y z+%20/\xc3\xa9/");
  assert_true(parse_s3_url("s3://b//lead", &u, &err));
  assert_string_equal(u.key.c_str(), "/lead");
  assert_false(parse_s3_url("s3://", &u, &err));
  assert_false(parse_s3_url("s3:///key", &u, &err));
  assert_false(parse_s3_url("s3://bu cket/key", &u, &err));
  assert_false(parse_s3_url("http://b/k", &u, &err));
  assert_false(parse_s3_url("S3:/b/k", &u, &err));
  assert_true(is_s3_url("s3://x"));
  assert_false(is_s3_url("./s3://x"));
  assert_false(is_s3_url("-"));
  S3Url f{"b", "d/k"};
  assert_string_equal(format_s3_url(f).c_str(), "s3://b/d/k");
  assert_string_equal(key_basename("a/b/c.txt").c_str(), "c.txt");
  assert_string_equal(key_basename("c").c_str(), "c");
  assert_string_equal(key_basename("a/b/").c_str(), "");
  assert_string_equal(folder_prefix("").c_str(), "");
  assert_string_equal(folder_prefix("logs").c_str(), "logs/");
  assert_string_equal(folder_prefix("logs/").c_str(), "logs/");
  assert_string_equal(folder_prefix("a//").c_str(), "a//");
  assert_true(key_is_prefix(""));
  assert_true(key_is_prefix("dir/"));
  assert_false(key_is_prefix("dir/x"));
}

ParseResult parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

void test_command_line(void **) {
  // Global options before and after the command, both value forms.
  ParseResult r = parse({"--region", "eu-west-1", "cp", "a", "s3://b/k",
                         "--endpoint-url=http://127.0.0.1:9000", "--max-bandwidth", "50MB/s",
                         "--multipart-chunksize=16MiB", "--path-style", "--quiet"});
  assert_true(r.ok);
  const Invocation &inv = r.invocation;
  assert_int_equal(static_cast<int>(inv.command), static_cast<int>(Command::kCp));
  assert_int_equal(inv.positionals.size(), 2);
  assert_string_equal(inv.positionals[1].c_str(), "s3://b/k");
  assert_string_equal(inv.options.region->c_str(), "eu-west-1");
  assert_string_equal(inv.options.endpoint_url->c_str(), "http://127.0.0.1:9000");
  assert_int_equal(*inv.options.max_bandwidth, 50000000);
  assert_int_equal(*inv.options.multipart_chunksize, 16ull << 20);
  assert_true(*inv.options.path_style);
  assert_true(inv.options.quiet);
  assert_false(inv.options.multipart_threshold.has_value());

  // A stream's size for signed aws-chunked uploads.
  r = parse({"cp", "-", "s3://b/k", "--expected-size", "1.5GiB", "--aws-chunked"});
  assert_true(r.ok);
  assert_int_equal(*r.invocation.options.expected_size, 3ull << 29);
  assert_true(r.invocation.options.aws_chunked);
  assert_false(parse({"cp", "-", "s3://b/k", "--expected-size", "lots"}).ok);

  // "-" is a positional; "--" ends options.
  r = parse({"cp", "-", "s3://b/k"});
  assert_true(r.ok);
  assert_string_equal(r.invocation.positionals[0].c_str(), "-");
  r = parse({"cp", "--", "--weird-name", "s3://b/k"});
  assert_true(r.ok);
  assert_string_equal(r.invocation.positionals[0].c_str(), "--weird-name");

  // Usage errors.
  assert_false(parse({"cp", "a", "b", "--bogus"}).ok);
  assert_false(parse({"cp", "a", "b", "-x"}).ok);
  assert_false(parse({"frobnicate"}).ok);
  assert_false(parse({"cp", "a", "b", "--region"}).ok);                // missing value
  assert_false(parse({"cp", "a", "b", "--quiet=yes"}).ok);             // flag with value
  assert_false(parse({"cp", "a", "b", "--max-concurrency", "0"}).ok);  // out of range
  assert_false(parse({"cp", "a", "b", "--checksum-algorithm", "MD5"}).ok);
  assert_false(parse({"cp", "a", "b", "--endpoint-url", "127.0.0.1:9000"}).ok);
  r = parse({"rm", "s3://b/k", "--content-type", "text/plain"});  // not for rm
  assert_false(r.ok);
  assert_non_null(strstr(r.error.c_str(), "--content-type"));
  assert_false(parse({"mb", "s3://b", "--expires-in", "60"}).ok);
  assert_false(parse({"rm", "s3://b/k", "--no-progress"}).ok);
  // Manager settings are configuration: every command takes them (for aliases and scripts).
  assert_true(parse({"rm", "s3://b/k", "--checksum-algorithm", "NONE"}).ok);
  assert_true(parse({"--max-concurrency", "4", "presign", "s3://b/k"}).ok);
  assert_false(parse({"presign", "s3://b/k", "--expires-in", "604801"}).ok);

  r = parse({"presign", "s3://b/k", "--expires-in", "60"});
  assert_true(r.ok);
  assert_int_equal(r.invocation.options.expires_in, 60);
  assert_int_equal(parse({"presign", "s3://b/k"}).invocation.options.expires_in, 3600);

  // --sse takes the next word only if it is a known value.
  r = parse({"cp", "--sse", "f", "s3://b/k"});
  assert_true(r.ok);
  assert_int_equal(r.invocation.positionals.size(), 2);
  assert_string_equal(r.invocation.options.object_options[0].second.c_str(), "AES256");
  r = parse({"cp", "--sse", "aws:kms", "f", "s3://b/k"});
  assert_true(r.ok);
  assert_string_equal(r.invocation.options.object_options[0].second.c_str(), "aws:kms");

  // --metadata repeats; other object options: last wins.
  r = parse({"cp", "f", "s3://b/k", "--metadata", "a=1", "--metadata=b=2", "--acl", "private",
             "--acl", "public-read"});
  assert_true(r.ok);
  assert_int_equal(r.invocation.options.metadata.size(), 2);
  assert_string_equal(r.invocation.options.metadata[1].second.c_str(), "2");
  assert_int_equal(r.invocation.options.object_options.size(), 1);
  assert_string_equal(r.invocation.options.object_options[0].second.c_str(), "public-read");

  // Help and version.
  assert_true(parse({"--version"}).invocation.options.version);
  assert_true(parse({"cp", "--help"}).invocation.options.help);
  assert_true(parse({"rm", "-h"}).invocation.options.help);
  r = parse({"help", "cp"});
  assert_true(r.ok);
  assert_int_equal(static_cast<int>(r.invocation.command), static_cast<int>(Command::kHelp));
  assert_string_equal(r.invocation.positionals[0].c_str(), "cp");
  r = parse({"--recursive", "cp", "a", "s3://b/"});
  assert_true(r.ok);
  assert_true(r.invocation.options.recursive);
}

void test_tree_options(void **) {
  // ls: a command of its own, with its own flags.
  ParseResult r = parse({"ls", "s3://b/p/", "--recursive", "--human-readable", "--summarize"});
  assert_true(r.ok);
  assert_int_equal(static_cast<int>(r.invocation.command), static_cast<int>(Command::kLs));
  assert_true(r.invocation.options.recursive);
  assert_true(r.invocation.options.human_readable);
  assert_true(r.invocation.options.summarize);
  assert_string_equal(command_name(Command::kLs), "ls");
  assert_true(parse({"ls"}).ok);  // no URL: the command says buckets are not listed
  assert_false(parse({"cp", "a", "s3://b/k", "--human-readable"}).ok);
  assert_false(parse({"ls", "s3://b", "--summarize=yes"}).ok);
  assert_false(parse({"ls", "s3://b", "--content-type", "x/y"}).ok);
  assert_true(parse({"ls", "s3://b", "--max-concurrency", "4"}).ok);  // configuration

  // --recursive for cp, rm and ls; filters for cp only, kept in order.
  assert_true(parse({"rm", "s3://b/p", "--recursive"}).invocation.options.recursive);
  r = parse({"cp", "--recursive", "d", "s3://b/p/", "--exclude", "*", "--include=*.txt",
             "--exclude", "a/*"});
  assert_true(r.ok);
  const auto &f = r.invocation.options.filters;
  assert_int_equal(f.size(), 3);
  assert_false(f[0].first);
  assert_string_equal(f[0].second.c_str(), "*");
  assert_true(f[1].first);
  assert_string_equal(f[1].second.c_str(), "*.txt");
  assert_false(f[2].first);
  assert_string_equal(f[2].second.c_str(), "a/*");
  r = parse({"rm", "s3://b/p", "--recursive", "--exclude", "*"});
  assert_false(r.ok);
  assert_non_null(strstr(r.error.c_str(), "--exclude does not apply to 'rm'"));
  assert_false(parse({"cp", "d", "s3://b/", "--recursive", "--exclude="}).ok);  // empty glob
  assert_false(parse({"cp", "d", "s3://b/", "--recursive", "--include"}).ok);   // no value
}

void test_object_args(void **) {
  ParseResult r = parse(
      {"cp", "a", "b", "--content-type", "text/plain", "--sse-c-key", "K", "--metadata", "m=1"});
  assert_true(r.ok);
  ResolvedArgs out;
  std::string err;
  assert_true(resolve_object_args(r.invocation.options, Operation::kUpload, &out, &err));
  assert_int_equal(out.extra.size(), 2);
  assert_string_equal(out.extra[0].first.c_str(), "ContentType");
  assert_string_equal(out.extra[1].first.c_str(), "SSECustomerKey");
  assert_int_equal(out.metadata.size(), 1);
  // A copy with new headers replaces the metadata.
  assert_true(resolve_object_args(r.invocation.options, Operation::kCopy, &out, &err));
  assert_string_equal(out.extra.back().first.c_str(), "MetadataDirective");
  assert_string_equal(out.extra.back().second.c_str(), "REPLACE");
  // Content-Type does not apply to a download.
  assert_false(resolve_object_args(r.invocation.options, Operation::kDownload, &out, &err));
  assert_non_null(strstr(err.c_str(), "--content-type"));

  r = parse({"cp", "a", "b", "--metadata-directive", "COPY", "--content-type", "x/y"});
  assert_true(resolve_object_args(r.invocation.options, Operation::kCopy, &out, &err));
  assert_int_equal(out.extra.size(), 2);  // no REPLACE added over an explicit directive

  r = parse({"cp", "a", "b", "--metadata", "m=1"});
  assert_false(resolve_object_args(r.invocation.options, Operation::kDownload, &out, &err));

  r = parse({"rm", "s3://b/k", "--version-id", "v1"});
  assert_true(r.ok);
  assert_true(resolve_object_args(r.invocation.options, Operation::kDelete, &out, &err));
  assert_string_equal(out.extra[0].first.c_str(), "VersionId");
  assert_false(resolve_object_args(r.invocation.options, Operation::kUpload, &out, &err));
}

void test_paths(void **) {
  assert_string_equal(display_local_path("f").c_str(), "./f");
  assert_string_equal(display_local_path("d/f").c_str(), "./d/f");
  assert_string_equal(display_local_path("./f").c_str(), "./f");
  assert_string_equal(display_local_path("../f").c_str(), "../f");
  assert_string_equal(display_local_path("/tmp/f").c_str(), "/tmp/f");
  assert_string_equal(upload_key_for("", "dir/file.bin").c_str(), "file.bin");
  assert_string_equal(upload_key_for("pre/", "dir/file.bin").c_str(), "pre/file.bin");
  assert_string_equal(upload_key_for("exact", "dir/file.bin").c_str(), "exact");
  assert_string_equal(upload_key_for("b/", "src/dir/obj").c_str(), "b/obj");
  std::string out, err;
  assert_true(download_path_for("out.bin", false, "a/k", &out, &err));
  assert_string_equal(out.c_str(), "out.bin");
  assert_true(download_path_for("dl", true, "a/k", &out, &err));
  assert_string_equal(out.c_str(), "dl/k");
  assert_true(download_path_for("dl/", false, "a/k", &out, &err));
  assert_string_equal(out.c_str(), "dl/k");
  assert_false(download_path_for("dl/", false, "a/..", &out, &err));
  assert_false(download_path_for("dl", true, "a/.", &out, &err));
  assert_string_equal(guess_content_type("x/index.HTML").c_str(), "text/html");
  assert_string_equal(guess_content_type("a.tar.gz").c_str(), "application/gzip");
  assert_string_equal(guess_content_type("noext").c_str(), "");
  assert_string_equal(guess_content_type(".bashrc").c_str(), "");
  assert_string_equal(guess_content_type("d.x/noext").c_str(), "");
}

void test_progress_format(void **) {
  assert_string_equal(format_bytes(0).c_str(), "0 B");
  assert_string_equal(format_bytes(1023).c_str(), "1023 B");
  assert_string_equal(format_bytes(1024).c_str(), "1.0 KiB");
  assert_string_equal(format_bytes(1536).c_str(), "1.5 KiB");
  assert_string_equal(format_bytes(112ull << 20).c_str(), "112.0 MiB");
  assert_string_equal(format_bytes((1ull << 20) - 1).c_str(), "1.0 MiB");
  assert_string_equal(format_bytes(3ull << 29).c_str(), "1.5 GiB");
  assert_string_equal(format_bytes(UINT64_MAX).c_str(), "16.0 EiB");
  assert_string_equal(format_rate(25.3 * (1 << 20)).c_str(), "25.3 MiB/s");
  assert_string_equal(format_eta(0).c_str(), "0:00");
  assert_string_equal(format_eta(6.2).c_str(), "0:07");
  assert_string_equal(format_eta(754).c_str(), "12:34");
  assert_string_equal(format_eta(3723).c_str(), "1:02:03");
  assert_string_equal(format_eta(-1).c_str(), "--:--");
  assert_string_equal(format_eta(1e12).c_str(), "--:--");

  std::string line = render_progress_line(112ull << 20, 256ull << 20, true, 25.0 * (1 << 20), 100);
  assert_non_null(strstr(line.c_str(), "112.0 MiB/256.0 MiB"));
  assert_non_null(strstr(line.c_str(), " 43%"));
  assert_non_null(strstr(line.c_str(), "["));
  assert_non_null(strstr(line.c_str(), "25.0 MiB/s"));
  assert_non_null(strstr(line.c_str(), "ETA 0:06"));  // 144 MiB at 25 MiB/s = 5.8 s
  assert_true(line.size() <= 99);
  // Narrow terminals drop the bar, then cut.
  line = render_progress_line(1, 2, false, 0, 40);
  assert_null(strchr(line.c_str(), '['));
  assert_true(line.size() <= 39);
  line = render_progress_line(5, 10, false, 0, 10);
  assert_true(line.size() <= 9);
  // Unknown total: bytes and rate only.
  line = render_progress_line(3ull << 20, kUnknownTotal, true, 1 << 20, 100);
  assert_string_equal(line.c_str(), "3.0 MiB 1.0 MiB/s");
  line = render_progress_line(0, 0, false, 0, 100);
  assert_non_null(strstr(line.c_str(), "100%"));
}

void test_rate_meter(void **) {
  RateMeter m(3.0, 0.2);
  assert_false(m.has_rate());
  m.add(0.0, 0);
  m.add(0.1, 1000);  // too soon: folded into the next sample
  assert_false(m.has_rate());
  m.add(1.0, 100);
  assert_true(m.has_rate());
  assert_float_equal(m.rate(), 100.0, 1e-9);
  m.add(2.0, 400);  // instant 300 B/s: the average moves towards it, not onto it
  assert_true(m.rate() > 100.0 && m.rate() < 300.0);
  double before = m.rate();
  m.add(3.0, 400);  // a stall pulls it down gradually
  assert_true(m.rate() < before && m.rate() > 0.0);
}

void test_listing(void **) {
  assert_string_equal(human_readable_size(0).c_str(), "0 Bytes");
  assert_string_equal(human_readable_size(1).c_str(), "1 Byte");
  assert_string_equal(human_readable_size(1023).c_str(), "1023 Bytes");
  assert_string_equal(human_readable_size(1024).c_str(), "1.0 KiB");
  assert_string_equal(human_readable_size(1536).c_str(), "1.5 KiB");
  assert_string_equal(human_readable_size((1 << 20) - 600).c_str(), "1023.4 KiB");
  assert_string_equal(human_readable_size((1 << 20) - 100).c_str(), "1.0 MiB");  // as awscli
  assert_string_equal(human_readable_size(3ull << 29).c_str(), "1.5 GiB");
  assert_string_equal(human_readable_size(UINT64_MAX).c_str(), "16.0 EiB");

  int64_t t = 0;
  assert_true(parse_iso8601("1970-01-01T00:00:00Z", &t));
  assert_int_equal(t, 0);
  assert_true(parse_iso8601("2024-01-02T03:04:05.000Z", &t));
  assert_int_equal(t, 1704164645);
  assert_true(parse_iso8601("2024-02-29T23:59:59.5Z", &t));
  assert_int_equal(t, 1709251199);
  assert_true(parse_iso8601("2024-01-02T05:04:05+02:00", &t));
  assert_int_equal(t, 1704164645);
  assert_true(parse_iso8601("2024-01-02T03:04:05", &t));  // no zone: UTC
  assert_int_equal(t, 1704164645);
  assert_false(parse_iso8601("", &t));
  assert_false(parse_iso8601("2024-01-02", &t));
  assert_false(parse_iso8601("2024-13-02T03:04:05Z", &t));
  assert_false(parse_iso8601("2024-01-02T03:04:05Zjunk", &t));
  assert_false(parse_iso8601("2024-01-02T03:04:05.Z", &t));
  assert_false(parse_iso8601("Tue, 02 Jan 2024 03:04:05 GMT", &t));

  // Times are shown in the local zone, as the AWS CLI shows them.
  const char *old_tz = getenv("TZ");
  std::string saved = old_tz ? old_tz : "";
  setenv("TZ", "UTC", 1);
  tzset();
  assert_string_equal(format_listing_time("2024-01-02T03:04:05.000Z").c_str(),
                      "2024-01-02 03:04:05");
  setenv("TZ", "EST5", 1);
  tzset();
  assert_string_equal(format_listing_time("2024-01-02T03:04:05.000Z").c_str(),
                      "2024-01-01 22:04:05");
  if (old_tz) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  assert_string_equal(format_listing_time("yesterday").c_str(), "yesterday          ");
  assert_string_equal(format_listing_time("").c_str(), std::string(19, ' ').c_str());

  assert_string_equal(format_prefix_line("a/b/").c_str(), "                           PRE b/");
  assert_string_equal(format_prefix_line("top/").c_str(), "                           PRE top/");
  assert_string_equal(format_prefix_line("\xe6\x97\xa5\xe6\x9c\xac/").c_str(),
                      "                           PRE \xe6\x97\xa5\xe6\x9c\xac/");
  assert_string_equal(
      format_object_line("2024-01-02 03:04:05", 1234, "d/sub/x y.txt", false, false).c_str(),
      "2024-01-02 03:04:05       1234 x y.txt");
  assert_string_equal(
      format_object_line("2024-01-02 03:04:05", 1234, "d/sub/x y.txt", true, false).c_str(),
      "2024-01-02 03:04:05       1234 d/sub/x y.txt");
  assert_string_equal(format_object_line("2024-01-02 03:04:05", 1536, "k", false, true).c_str(),
                      "2024-01-02 03:04:05    1.5 KiB k");
  assert_string_equal(
      format_object_line("2024-01-02 03:04:05", 12345678901ull, "k", false, false).c_str(),
      "2024-01-02 03:04:05 12345678901 k");
  assert_string_equal(format_summary(3, 1536, false).c_str(),
                      "\nTotal Objects: 3\n   Total Size: 1536\n");
  assert_string_equal(format_summary(3, 1536, true).c_str(),
                      "\nTotal Objects: 3\n   Total Size: 1.5 KiB\n");
}

void test_report(void **) {
  Failure f;
  f.status = XFER_ESERVICE;
  f.s3_code = "NoSuchBucket";
  f.http_status = 404;
  f.message = "The specified bucket does not exist";
  f.request_id = "XYZ";
  assert_string_equal(describe_failure(f).c_str(),
                      "NoSuchBucket (404): The specified bucket does not exist [request id XYZ]");
  f.message = "NoSuchBucket (404): The specified bucket\ndoes not exist";
  assert_string_equal(describe_failure(f).c_str(),
                      "NoSuchBucket (404): The specified bucket does not exist [request id XYZ]");
  f.message = "GET: NoSuchBucket (404): The specified bucket does not exist";
  assert_string_equal(describe_failure(f).c_str(),
                      "NoSuchBucket (404): The specified bucket does not exist [request id XYZ]");
  f.message = "No NoSuchBucket here";  // not a prefix: kept
  assert_string_equal(describe_failure(f).c_str(),
                      "NoSuchBucket (404): No NoSuchBucket here [request id XYZ]");
  Failure n;
  n.status = XFER_ENETWORK;
  n.message = "connection refused";
  assert_string_equal(describe_failure(n).c_str(), "connection refused");
  Failure h;
  h.status = XFER_ESERVICE;
  h.http_status = 403;
  assert_string_equal(describe_failure(h).c_str(), "HTTP 403");
  Failure e;
  e.status = XFER_EINTERNAL;
  e.status_name = "XFER_EINTERNAL";
  assert_string_equal(describe_failure(e).c_str(), "XFER_EINTERNAL");

  assert_int_equal(exit_code_for(XFER_OK, false), 0);
  assert_int_equal(exit_code_for(XFER_OK, true), 0);
  assert_int_equal(exit_code_for(XFER_ESERVICE, false), 1);
  assert_int_equal(exit_code_for(XFER_ENETWORK, false), 1);
  assert_int_equal(exit_code_for(XFER_ECANCELLED, false), 1);
  assert_int_equal(exit_code_for(XFER_EINVAL, false), 2);
  assert_int_equal(exit_code_for(XFER_EIO, false), 3);
  assert_int_equal(exit_code_for(XFER_ECANCELLED, true), 130);
  assert_int_equal(exit_code_for(XFER_EIO, true), 130);

  assert_string_equal(tree_summary_line("upload", "./d", "s3://b/p/", 1, 12, 0).c_str(),
                      "upload: ./d to s3://b/p/: 1 file, 12 bytes");
  assert_string_equal(tree_summary_line("download", "s3://b/p/", "./d", 300, 1536, 2).c_str(),
                      "download: s3://b/p/ to ./d: 300 files, 1536 bytes (1.5 KiB), 2 failed");
  assert_string_equal(delete_summary_line(300, 0).c_str(), "deleted 300 objects");
  assert_string_equal(delete_summary_line(1, 0).c_str(), "deleted 1 object");
  assert_string_equal(delete_summary_line(0, 3).c_str(), "deleted 0 objects, 3 failed");
  Failure refused;  // a key DeleteObjects refused: a code in the message, no HTTP status
  refused.status = XFER_ESERVICE;
  refused.s3_code = "AccessDenied";
  refused.message = "AccessDenied: no";
  refused.request_id = "R1";
  assert_string_equal(describe_failure(refused).c_str(), "AccessDenied: no [request id R1]");
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_rates),
      cmocka_unit_test(test_counts_and_names),
      cmocka_unit_test(test_s3_urls),
      cmocka_unit_test(test_command_line),
      cmocka_unit_test(test_tree_options),
      cmocka_unit_test(test_object_args),
      cmocka_unit_test(test_paths),
      cmocka_unit_test(test_progress_format),
      cmocka_unit_test(test_rate_meter),
      cmocka_unit_test(test_listing),
      cmocka_unit_test(test_report),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
