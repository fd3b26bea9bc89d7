/* upload_file.c: example: upload a local file (multipart above 8 MiB), settings from AWS_* vars. */
#include <stdio.h>
#include <stdlib.h>

#include <xfer/xfer.h>

/* Result strings are NULL when the server gave none (e.g. no ETag): never printf a NULL. */
static const char *or_none(const char *s) {
  return s ? s : "none";
}

/* Prints why a transfer failed: status, message, and what the server said. */
static void report_failure(const xfer_future *f, xfer_status s) {
  const char *code = xfer_future_s3_error_code(f);
  const char *rid = xfer_future_request_id(f);
  fprintf(stderr, "upload_file: %s: %s", xfer_status_str(s), or_none(xfer_future_error_message(f)));
  if (xfer_future_http_status(f)) fprintf(stderr, " (HTTP %d", xfer_future_http_status(f));
  if (code) fprintf(stderr, ", %s", code);
  if (rid) fprintf(stderr, ", request id %s", rid);
  fprintf(stderr, "%s\n", xfer_future_http_status(f) ? ")" : "");
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr,
            "usage: upload_file FILE BUCKET KEY\n"
            "  settings: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
            "AWS_REGION, ~/.aws\n");
    return 2;
  }
  const char *path = argv[1], *bucket = argv[2], *key = argv[3];

  xfer_config *cfg = xfer_config_new();
  if (!cfg || xfer_config_load_env(cfg, NULL) != XFER_OK) {
    fprintf(stderr, "upload_file: %s\n", xfer_last_error());
    xfer_config_free(cfg);
    return 1;
  }
  xfer_manager *m = xfer_manager_new(cfg);
  xfer_config_free(cfg); /* the manager holds its own copy */
  if (!m) {
    fprintf(stderr, "upload_file: %s\n", xfer_last_error());
    return 1;
  }

  /* Extra arguments are named as boto3's ExtraArgs. */
  xfer_args *args = xfer_args_new();
  if (!args || xfer_args_set(args, "ContentType", "application/octet-stream") != XFER_OK ||
      xfer_args_set_metadata(args, "uploaded-by", "libxfer-example") != XFER_OK) {
    fprintf(stderr, "upload_file: %s\n", xfer_last_error());
    xfer_args_free(args);
    xfer_manager_free(m);
    return 1;
  }

  xfer_future *f = xfer_upload_file(m, path, bucket, key, args, NULL, NULL);
  xfer_args_free(args); /* the transfer copied what it needs */
  if (!f) {
    fprintf(stderr, "upload_file: %s\n", xfer_last_error());
    xfer_manager_free(m);
    return 1;
  }
  xfer_status s = xfer_future_wait(f, -1);
  if (s == XFER_OK) {
    const char *sum = xfer_future_checksum(f);
    printf("uploaded %s to s3://%s/%s: %llu bytes, ETag %s, checksum %s\n", path, bucket, key,
           (unsigned long long)xfer_future_size(f), or_none(xfer_future_etag(f)), or_none(sum));
  } else {
    report_failure(f, s);
  }
  xfer_future_free(f);
  xfer_manager_free(m);
  return s == XFER_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
