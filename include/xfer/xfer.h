/* xfer.h: the public C API of libxfer, an S3 transfer engine. The only header a user includes. */
#ifndef XFER_XFER_H
#define XFER_XFER_H

#include <stddef.h>
#include <stdint.h>

#include "xfer/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Conventions
 * - Every function that returns xfer_status returns XFER_OK (0) on success and a negative
 *   code on failure; the failed call's message is then in xfer_last_error() on the same thread.
 * - Functions returning a pointer return NULL on failure, with xfer_last_error() set.
 * - Strings returned by a handle live as long as the handle. Every *_free accepts NULL.
 * - Callbacks take their user data last. Worker threads never call user code: read, write and
 *   progress callbacks run inside xfer_future_wait(), on the waiting thread, one at a time.
 */

/* ---- versions ---------------------------------------------------------------------------- */

#define XFER_VERSION_MAJOR 0
#define XFER_VERSION_MINOR 1
#define XFER_VERSION_PATCH 0
#define XFER_VERSION_STRING "0.1.0"

/* The run-time version, "MAJOR.MINOR.PATCH"; compare with XFER_VERSION_STRING. */
XFER_API const char *xfer_version(void);

/* ---- status codes ------------------------------------------------------------------------ */

typedef enum xfer_status {
  XFER_PENDING = 1,     /* a transfer still running (xfer_future_status) */
  XFER_OK = 0,          /* success */
  XFER_EINVAL = -1,     /* an argument is NULL, empty, out of range or misplaced */
  XFER_ENOMEM = -2,     /* out of memory */
  XFER_EIO = -3,        /* a local file or a user callback failed */
  XFER_ENETWORK = -4,   /* connection refused, reset, DNS, TLS, truncated bodies */
  XFER_ESERVICE = -5,   /* the S3 service answered with an error (see http status, s3 code) */
  XFER_ECHECKSUM = -6,  /* data did not match its checksum */
  XFER_ECANCELLED = -7, /* cancelled by xfer_future_cancel, a callback or a shutdown */
  XFER_ETIMEDOUT = -8,  /* a wait timed out (the transfer goes on) or a request stalled */
  XFER_ESTATE = -9,     /* the call is not valid in this state (e.g. after shutdown) */
  XFER_EINTERNAL = -10  /* a bug in libxfer */
} xfer_status;

/* A static name for a status code, e.g. "XFER_ESERVICE"; "XFER_UNKNOWN" for other values. */
XFER_API const char *xfer_status_str(xfer_status s);

/* The message of the last failed synchronous call on this thread ("" if none). Valid until
 * the next libxfer call on this thread. */
XFER_API const char *xfer_last_error(void);

typedef struct xfer_config xfer_config;
typedef struct xfer_manager xfer_manager;
typedef struct xfer_future xfer_future;
typedef struct xfer_args xfer_args;

/* ---- configuration ----------------------------------------------------------------------- */
/* A config is a plain value owned by the caller; a manager copies it. Not thread-safe: set it
 * up on one thread. Every setter validates and returns XFER_EINVAL with a message. */

/* A config with s3transfer's defaults, region "us-east-1", no endpoint, no credentials. */
XFER_API xfer_config *xfer_config_new(void);
XFER_API void xfer_config_free(xfer_config *c);

/* Reads credentials, region and endpoint as the AWS CLI does: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION,
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_CA_BUNDLE, and the profile (the argument, else
 * AWS_PROFILE, else "default") from AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and
 * AWS_CONFIG_FILE (~/.aws/config). Environment variables win over files. Missing files are
 * not an error; a named profile found nowhere is XFER_EINVAL. */
XFER_API xfer_status xfer_config_load_env(xfer_config *c, const char *profile);

/* "http://host:port" or "https://host"; NULL or "" means AWS (https://s3.REGION.amazonaws.com). */
XFER_API xfer_status xfer_config_set_endpoint(xfer_config *c, const char *url);
XFER_API xfer_status xfer_config_set_region(xfer_config *c, const char *region);
/* session_token may be NULL. The strings are copied. */
XFER_API xfer_status xfer_config_set_credentials(xfer_config *c, const char *access_key,
                                                 const char *secret_key, const char *session_token);
/* 1: http://endpoint/bucket/key; 0: http://bucket.endpoint/key (the default for AWS). A
 * custom endpoint defaults to path style. */
XFER_API xfer_status xfer_config_set_path_style(xfer_config *c, int on);
XFER_API xfer_status xfer_config_set_multipart_threshold(xfer_config *c,
                                                         uint64_t bytes); /* 8 MiB */
XFER_API xfer_status xfer_config_set_multipart_chunksize(xfer_config *c,
                                                         uint64_t bytes);         /* 8 MiB */
XFER_API xfer_status xfer_config_set_max_concurrency(xfer_config *c, uint32_t n); /* 10 */
XFER_API xfer_status xfer_config_set_use_threads(xfer_config *c, int on);         /* 1 */
XFER_API xfer_status xfer_config_set_max_bandwidth(xfer_config *c,
                                                   uint64_t bytes_per_s); /* 0 = none */
XFER_API xfer_status xfer_config_set_num_download_attempts(xfer_config *c, uint32_t n); /* 5 */
XFER_API xfer_status xfer_config_set_max_in_memory_upload_chunks(xfer_config *c,
                                                                 uint32_t n); /* 10 */
XFER_API xfer_status xfer_config_set_max_in_memory_download_chunks(xfer_config *c,
                                                                   uint32_t n); /* 10 */
/* "CRC32" (default), "CRC32C", "CRC64NVME", "SHA1", "SHA256", "NONE" (case-insensitive). */
XFER_API xfer_status xfer_config_set_checksum_algorithm(xfer_config *c, const char *alg);

/* Additions beyond s3transfer's TransferConfig. */
/* A PEM file of CA certificates for https endpoints; NULL or "" for the system default. */
XFER_API xfer_status xfer_config_set_ca_bundle(xfer_config *c, const char *path);
/* 0 turns off TLS peer and host verification (like `aws --no-verify-ssl`). Default 1. */
XFER_API xfer_status xfer_config_set_verify_tls(xfer_config *c, int on);
/* 1 signs the SHA-256 of every payload instead of sending UNSIGNED-PAYLOAD. Default 0: a
 * checksum protects payloads and SHA-256 over every byte is skipped. With checksum "NONE"
 * payloads are always signed. */
XFER_API xfer_status xfer_config_set_sign_payload(xfer_config *c, int on);
/* Connection timeout in milliseconds (default 10000), 1..600000. */
XFER_API xfer_status xfer_config_set_connect_timeout_ms(xfer_config *c, uint32_t ms);

/* ---- extra arguments --------------------------------------------------------------------- */
/* Named as boto3's ExtraArgs ("ContentType", "Metadata", "SSECustomerKey", "IfNoneMatch",
 * "VersionId", ...). An unknown name is XFER_EINVAL at xfer_args_set, listing the valid names;
 * a known name that the operation does not take is XFER_EINVAL when the transfer is submitted,
 * before any request is sent. Not thread-safe; a transfer copies what it needs. */
XFER_API xfer_args *xfer_args_new(void);
XFER_API void xfer_args_free(xfer_args *a);
XFER_API xfer_status xfer_args_set(xfer_args *a, const char *name, const char *value);
/* One entry of "Metadata" (sent as x-amz-meta-KEY). */
XFER_API xfer_status xfer_args_set_metadata(xfer_args *a, const char *key, const char *value);

/* ---- the manager ------------------------------------------------------------------------- */
/* Owns the thread pool, connections and memory budget. Thread-safe: any thread may submit
 * transfers to one manager at the same time. */

/* NULL + xfer_last_error() on a bad config. The config is copied. */
XFER_API xfer_manager *xfer_manager_new(const xfer_config *c);
/* Stops accepting transfers, then waits for every transfer to end. cancel = 1 cancels them
 * first (multipart uploads are aborted). Safe from any thread; wakes waiting threads. Later
 * submissions fail with XFER_ESTATE. */
XFER_API xfer_status xfer_manager_shutdown(xfer_manager *m, int cancel);
/* shutdown(cancel = 1), then frees. Futures stay valid and must still be freed. */
XFER_API void xfer_manager_free(xfer_manager *m);

/* ---- callbacks --------------------------------------------------------------------------- */

/* Fill buf with up to cap bytes. Return > 0 for bytes written (short reads are normal), 0 at
 * end of stream, < 0 to fail the upload (XFER_EIO). */
typedef int64_t (*xfer_read_fn)(uint8_t *buf, size_t cap, void *user_data);
/* Called in order of offset, without gaps. Non-zero fails the download (XFER_EIO). */
typedef int (*xfer_write_fn)(const uint8_t *data, size_t len, uint64_t offset, void *user_data);

typedef struct xfer_progress {
  uint64_t bytes_done;  /* never decreases; equals bytes_total when the transfer succeeds */
  uint64_t bytes_total; /* XFER_SIZE_UNKNOWN until known */
} xfer_progress;
#define XFER_SIZE_UNKNOWN UINT64_MAX
/* Non-zero cancels the transfer. */
typedef int (*xfer_progress_fn)(const xfer_progress *p, void *user_data);

/* ---- transfers --------------------------------------------------------------------------- */
/* Each returns a future at once, NULL + xfer_last_error() on bad arguments. The strings and
 * args are copied; callbacks and their data must stay valid until the future is done or
 * freed. progress may be NULL. */

XFER_API xfer_future *xfer_upload_file(xfer_manager *m, const char *path, const char *bucket,
                                       const char *key, const xfer_args *args,
                                       xfer_progress_fn progress, void *progress_data);
XFER_API xfer_future *xfer_upload_fileobj(xfer_manager *m, xfer_read_fn read, void *read_data,
                                          const char *bucket, const char *key,
                                          const xfer_args *args, xfer_progress_fn progress,
                                          void *progress_data);
XFER_API xfer_future *xfer_download_file(xfer_manager *m, const char *bucket, const char *key,
                                         const char *path, const xfer_args *args,
                                         xfer_progress_fn progress, void *progress_data);
XFER_API xfer_future *xfer_download_fileobj(xfer_manager *m, const char *bucket, const char *key,
                                            xfer_write_fn write, void *write_data,
                                            const xfer_args *args, xfer_progress_fn progress,
                                            void *progress_data);
XFER_API xfer_future *xfer_copy(xfer_manager *m, const char *src_bucket, const char *src_key,
                                const char *bucket, const char *key, const xfer_args *args,
                                xfer_progress_fn progress, void *progress_data);
XFER_API xfer_future *xfer_delete(xfer_manager *m, const char *bucket, const char *key,
                                  const xfer_args *args);

/* Bucket operations, as futures like the transfers. region may be NULL (the manager's). */
XFER_API xfer_future *xfer_create_bucket(xfer_manager *m, const char *bucket);
XFER_API xfer_future *xfer_delete_bucket(xfer_manager *m, const char *bucket);

/* A presigned URL for method ("GET", "PUT", "HEAD" or "DELETE") on bucket/key valid for
 * expires_s seconds (1..604800). On success *url_out is a string to release with
 * xfer_string_free. Makes no request. */
XFER_API xfer_status xfer_presign(const xfer_config *c, const char *method, const char *bucket,
                                  const char *key, uint32_t expires_s, char **url_out);
XFER_API void xfer_string_free(char *s);

/* ---- futures ----------------------------------------------------------------------------- */
/* A future is owned by the caller and freed with xfer_future_free. wait() and the accessors
 * may be called from any thread, but only one thread should wait at a time: it is the one
 * that runs the transfer's callbacks. */

/* Runs pending callbacks and waits up to timeout_ms (-1 = no limit). Returns the final
 * status, or XFER_ETIMEDOUT while the transfer still runs. */
XFER_API xfer_status xfer_future_wait(xfer_future *f, int64_t timeout_ms);
/* 1 once the transfer has ended (its status is final), else 0. */
XFER_API int xfer_future_done(const xfer_future *f);
/* Safe from any thread, any time; a no-op on a finished transfer. */
XFER_API void xfer_future_cancel(xfer_future *f);
/* XFER_PENDING while running, then the final status. */
XFER_API xfer_status xfer_future_status(const xfer_future *f);
XFER_API const char *xfer_future_error_message(const xfer_future *f); /* NULL on success */
XFER_API int xfer_future_http_status(const xfer_future *f);           /* 0 if no HTTP error */
XFER_API const char *xfer_future_s3_error_code(const xfer_future *f); /* "NoSuchKey" or NULL */
XFER_API const char *xfer_future_request_id(const xfer_future *f);
XFER_API const char *xfer_future_etag(const xfer_future *f); /* result of upload and copy */
XFER_API const char *xfer_future_version_id(const xfer_future *f);
XFER_API const char *xfer_future_checksum(const xfer_future *f); /* e.g. "CRC32:AAAAAA==" */
XFER_API uint64_t xfer_future_size(const xfer_future *f);
/* On a running transfer: cancels it, waits for its workers to stop, then frees. */
XFER_API void xfer_future_free(xfer_future *f);

#ifdef __cplusplus
}
#endif

#endif /* XFER_XFER_H */
