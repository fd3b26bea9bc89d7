/* xfer.h: the public C API of libxfer, an S3 transfer engine. The only header a user includes. */
#ifndef XFER_XFER_H
#define XFER_XFER_H

/**
 * @file xfer.h
 * @brief The public C API of libxfer: S3 uploads, downloads, copies and deletes with futures.
 *
 * libxfer moves objects between local files, caller-supplied streams and any S3-compatible
 * service. A program makes an ::xfer_config, builds an ::xfer_manager from it, submits
 * transfers (each returns an ::xfer_future at once) and waits on the futures.
 *
 * @par Conventions
 * - Every function that returns ::xfer_status returns #XFER_OK (0) on success and a negative
 *   code on failure; the failed call's message is then in xfer_last_error() on the same
 *   thread.
 * - Functions returning a pointer return NULL on failure, with xfer_last_error() set.
 * - A NULL handle where one is required is #XFER_EINVAL (or NULL) with a message: no public
 *   function crashes on a NULL argument.
 * - Every object a @c *_new function or a transfer returns is owned by the caller and released
 *   with its @c *_free function. Every @c *_free accepts NULL.
 * - Strings passed in are copied before the call returns, unless a function says otherwise.
 * - Strings returned by a handle belong to the handle and live as long as it does; do not
 *   free them. Static strings (xfer_version(), xfer_status_str()) live forever.
 * - Callbacks take their user data last. Worker threads never call user code: read, write
 *   and progress callbacks run inside xfer_future_wait(), on the waiting thread, one at a
 *   time. See @ref threading "Threads and callbacks".
 * - No C++ exception ever leaves a libxfer function.
 */

#include <stddef.h>
#include <stdint.h>

#include "xfer/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions ---------------------------------------------------------------------------- */

/**
 * @defgroup version Versions
 * @brief The version of the headers a program was compiled with, and of the library it runs.
 *
 * The shared library is @c libxfer.so.0: its SONAME changes only with an incompatible ABI
 * change. While the major version is 0, minor versions add to the API and never remove from
 * it.
 * @{
 */

/** Major version of these headers. */
#define XFER_VERSION_MAJOR 0
/** Minor version of these headers. */
#define XFER_VERSION_MINOR 1
/** Patch version of these headers. */
#define XFER_VERSION_PATCH 0
/** The version of these headers as a string, "MAJOR.MINOR.PATCH". */
#define XFER_VERSION_STRING "0.1.0"
/** The version of these headers as one number, MAJOR * 10000 + MINOR * 100 + PATCH, for
 *  <tt>\#if</tt> tests such as <tt>XFER_VERSION_NUMBER >= 100</tt> (0.1.0 or later). */
#define XFER_VERSION_NUMBER \
  (XFER_VERSION_MAJOR * 10000 + XFER_VERSION_MINOR * 100 + XFER_VERSION_PATCH)

/**
 * @brief The version of the library loaded at run time.
 *
 * Compare it with #XFER_VERSION_STRING to detect a program running against another library
 * than the one it was compiled with.
 *
 * @return "MAJOR.MINOR.PATCH", a static string: never NULL, never to be freed.
 * @par Thread safety
 * Safe from any thread.
 */
XFER_API const char *xfer_version(void);

/** @} */

/* ---- status codes ------------------------------------------------------------------------ */

/**
 * @defgroup status Status codes and errors
 * @brief Every failure is a negative ::xfer_status plus a message.
 *
 * A failed synchronous call leaves its message in xfer_last_error(); a failed transfer keeps
 * its status, message, HTTP status, S3 error code and request id in its future.
 * @{
 */

/** @brief The result of a call or of a transfer: 0 is success, errors are negative. */
typedef enum xfer_status {
  XFER_PENDING = 1,     /**< A transfer still running (only from xfer_future_status()). */
  XFER_OK = 0,          /**< Success. */
  XFER_EINVAL = -1,     /**< An argument is NULL, empty, out of range or misplaced. */
  XFER_ENOMEM = -2,     /**< Out of memory. */
  XFER_EIO = -3,        /**< A local file or a user callback failed. */
  XFER_ENETWORK = -4,   /**< Connection refused or reset, DNS, TLS, truncated bodies. */
  XFER_ESERVICE = -5,   /**< The S3 service answered with an error: see
                             xfer_future_http_status() and xfer_future_s3_error_code(). */
  XFER_ECHECKSUM = -6,  /**< Data did not match its checksum. */
  XFER_ECANCELLED = -7, /**< Cancelled by xfer_future_cancel(), a callback or a shutdown. */
  XFER_ETIMEDOUT = -8,  /**< A wait timed out (the transfer goes on) or a request stalled. */
  XFER_ESTATE = -9,     /**< The call is not valid in this state (e.g. after a shutdown). */
  XFER_EINTERNAL = -10  /**< A bug in libxfer. */
} xfer_status;

/**
 * @brief The name of a status code.
 *
 * @param s A status code.
 * @return A static string such as "XFER_ESERVICE", or "XFER_UNKNOWN" for a value that is not
 *         an ::xfer_status. Never NULL; do not free it.
 * @par Thread safety
 * Safe from any thread.
 */
XFER_API const char *xfer_status_str(xfer_status s);

/**
 * @brief The message of the last failed synchronous call on the calling thread.
 *
 * Set by every function that fails with a status or a NULL result, including the
 * future accessors given a NULL future. A successful call does not clear it.
 *
 * @return The message, or "" if no call failed on this thread yet. Never NULL. The string
 *         belongs to the library and stays valid until the next libxfer call on this thread;
 *         copy it to keep it.
 * @par Thread safety
 * Safe from any thread: each thread has its own message.
 */
XFER_API const char *xfer_last_error(void);

/** @} */

/**
 * @ingroup config
 * @brief Transfer settings: endpoint, credentials, part sizes, concurrency, checksums.
 *
 * Made by xfer_config_new(), released by xfer_config_free(). Opaque.
 */
typedef struct xfer_config xfer_config;
/**
 * @ingroup manager
 * @brief The engine: thread pool, connections and memory budget shared by transfers.
 *
 * Made by xfer_manager_new(), released by xfer_manager_free(). Opaque.
 */
typedef struct xfer_manager xfer_manager;
/**
 * @ingroup future
 * @brief One submitted transfer: wait on it, cancel it, read its result.
 *
 * Returned by the transfer functions, released by xfer_future_free(). Opaque.
 */
typedef struct xfer_future xfer_future;
/**
 * @ingroup args
 * @brief Extra arguments of a transfer, named as boto3's ExtraArgs.
 *
 * Made by xfer_args_new(), released by xfer_args_free(). Opaque.
 */
typedef struct xfer_args xfer_args;

/* ---- configuration ----------------------------------------------------------------------- */

/**
 * @defgroup config Configuration
 * @brief An ::xfer_config holds the settings a manager is built from.
 *
 * It starts with s3transfer's TransferConfig defaults. A config is a plain value owned by the
 * caller: xfer_manager_new() copies it, so it may be changed or freed afterwards without
 * affecting the manager.
 *
 * Every setter checks its arguments and returns #XFER_EINVAL, with a message in
 * xfer_last_error(), if the config is NULL or the value is out of range; the config is then
 * unchanged.
 *
 * @par Thread safety
 * A config is not thread-safe: set it up on one thread, or serialize access yourself.
 * Several threads may read one config at once (xfer_manager_new(), xfer_presign()) as long
 * as nobody changes it meanwhile. Different configs may be used from different threads.
 * @{
 */

/**
 * @brief A new config with s3transfer's defaults.
 *
 * Region "us-east-1", no endpoint (AWS), no credentials, multipart threshold and chunk size
 * 8 MiB, 10 threads, 10 in-memory chunks each way, 5 download attempts, CRC32 checksums,
 * TLS verification on, connect timeout 10 s.
 *
 * @return A config owned by the caller, to release with xfer_config_free(); NULL (out of
 *         memory) with xfer_last_error() set.
 * @par Thread safety
 * Safe from any thread.
 */
XFER_API xfer_config *xfer_config_new(void);

/**
 * @brief Releases a config.
 *
 * Managers made from it are not affected: they hold their own copy.
 *
 * @param c The config, or NULL (then nothing happens).
 * @par Thread safety
 * No other thread may use @p c during or after the call.
 */
XFER_API void xfer_config_free(xfer_config *c);

/**
 * @brief Reads credentials, region and endpoint as the AWS CLI does.
 *
 * Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (else
 * AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL), AWS_CA_BUNDLE, and the
 * profile's section of AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and
 * AWS_CONFIG_FILE (default ~/.aws/config), including @c region, @c endpoint_url,
 * @c s3.endpoint_url, @c s3.addressing_style and @c ca_bundle.
 *
 * Environment variables win over the files, except that the credentials of a profile named
 * by @p profile win over AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Settings found nowhere
 * keep their current value. Missing files are not an error.
 *
 * @param c The config to update.
 * @param profile The profile to read, or NULL or "" for AWS_PROFILE, else "default".
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL, if a profile named by @p profile or
 *         AWS_PROFILE is in neither file, or if an endpoint URL is malformed. On failure @p c
 *         is unchanged.
 * @par Thread safety
 * As any setter (see @ref config). Reads the process environment: do not change it
 * (setenv()) from another thread meanwhile.
 */
XFER_API xfer_status xfer_config_load_env(xfer_config *c, const char *profile);

/**
 * @brief Sets the S3 endpoint.
 *
 * @param c The config.
 * @param url "http://host[:port]" or "https://host[:port]", copied; NULL or "" means AWS
 *            (https://s3.REGION.amazonaws.com). A custom endpoint uses path-style addressing
 *            unless xfer_config_set_path_style() says otherwise.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p url is not such a URL.
 */
XFER_API xfer_status xfer_config_set_endpoint(xfer_config *c, const char *url);

/**
 * @brief Sets the region used to sign requests (and to name the AWS endpoint).
 *
 * @param c The config.
 * @param region A region name such as "eu-west-1" (letters, digits and '-'), copied.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p region is NULL, empty or not a
 *         region name.
 */
XFER_API xfer_status xfer_config_set_region(xfer_config *c, const char *region);

/**
 * @brief Sets the credentials requests are signed with (SigV4).
 *
 * @param c The config.
 * @param access_key The access key id, copied; not NULL or empty.
 * @param secret_key The secret access key, copied; not NULL or empty.
 * @param session_token A session token for temporary credentials, copied; may be NULL.
 * @return #XFER_OK; #XFER_EINVAL if @p c, @p access_key or @p secret_key is NULL or empty.
 */
XFER_API xfer_status xfer_config_set_credentials(xfer_config *c, const char *access_key,
                                                 const char *secret_key, const char *session_token);

/**
 * @brief Chooses path-style or virtual-hosted addressing.
 *
 * Without a call, a custom endpoint uses path style and AWS uses virtual-hosted style.
 *
 * @param c The config.
 * @param on Non-zero: http://endpoint/bucket/key. 0: http://bucket.endpoint/key.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_path_style(xfer_config *c, int on);

/**
 * @brief Sets the size from which uploads and copies go multipart (default 8 MiB).
 *
 * @param c The config.
 * @param bytes The threshold, 1 byte to 5 TiB.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p bytes is out of range.
 */
XFER_API xfer_status xfer_config_set_multipart_threshold(xfer_config *c,
                                                         uint64_t bytes); /* 8 MiB */

/**
 * @brief Sets the part size of multipart transfers and ranged downloads (default 8 MiB).
 *
 * As s3transfer's ChunksizeAdjuster, a part is never smaller than 5 MiB or larger than
 * 5 GiB, and the size doubles when a known object size would need more than 10,000 parts.
 * A stream of unknown length doubles its part size every 1,000 parts.
 *
 * @param c The config.
 * @param bytes The part size, 1 byte to 5 GiB (values below 5 MiB act as 5 MiB).
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p bytes is out of range.
 */
XFER_API xfer_status xfer_config_set_multipart_chunksize(xfer_config *c,
                                                         uint64_t bytes); /* 8 MiB */

/**
 * @brief Sets how many requests a manager runs at once (default 10).
 *
 * @param c The config.
 * @param n The number of worker threads, 1 to 1024.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p n is out of range.
 */
XFER_API xfer_status xfer_config_set_max_concurrency(xfer_config *c, uint32_t n); /* 10 */

/**
 * @brief Turns the thread pool on or off (default on).
 *
 * @param c The config.
 * @param on 0: one worker thread, requests run one at a time. Non-zero: max_concurrency
 *           threads.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_use_threads(xfer_config *c, int on); /* 1 */

/**
 * @brief Limits the bandwidth of a manager's transfers, all together.
 *
 * @param c The config.
 * @param bytes_per_s Bytes per second, 0 for no limit (the default).
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_max_bandwidth(xfer_config *c,
                                                   uint64_t bytes_per_s); /* 0 = none */

/**
 * @brief Sets how many times a download tries each ranged GET (default 5).
 *
 * A range whose body breaks off resumes where it stopped; connection errors, 5xx and
 * throttling are retried with backoff.
 *
 * @param c The config.
 * @param n Attempts per request, 1 to 100.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p n is out of range.
 */
XFER_API xfer_status xfer_config_set_num_download_attempts(xfer_config *c, uint32_t n); /* 5 */

/**
 * @brief Bounds the memory of a stream upload (default 10).
 *
 * An upload from a read callback holds at most @p n part buffers: its memory is about
 * @p n times the part size, whatever the stream's length. File uploads hold no part buffers.
 *
 * @param c The config.
 * @param n Part buffers, 1 to 10000.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p n is out of range.
 */
XFER_API xfer_status xfer_config_set_max_in_memory_upload_chunks(xfer_config *c,
                                                                 uint32_t n); /* 10 */

/**
 * @brief Bounds the memory of a stream download (default 10).
 *
 * A download to a write callback holds at most @p n ranges that arrived ahead of the one
 * the callback waits for. File downloads write at their offsets and hold none.
 *
 * @param c The config.
 * @param n Ranges, 1 to 10000.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p n is out of range.
 */
XFER_API xfer_status xfer_config_set_max_in_memory_download_chunks(xfer_config *c,
                                                                   uint32_t n); /* 10 */

/**
 * @brief Chooses the checksum that protects uploads.
 *
 * A checksum is sent with every part and the full-object checksum is returned by
 * xfer_future_checksum(). Downloads ask for the stored checksums (x-amz-checksum-mode) and
 * verify the bytes against them. "NONE" turns both off, for servers that reject checksum
 * headers.
 *
 * @param c The config.
 * @param alg "CRC32" (the default), "CRC32C", "CRC64NVME", "SHA1", "SHA256" or "NONE",
 *            in any case.
 * @return #XFER_OK; #XFER_EINVAL if @p c or @p alg is NULL or @p alg is not one of these.
 */
XFER_API xfer_status xfer_config_set_checksum_algorithm(xfer_config *c, const char *alg);

/* Additions beyond s3transfer's TransferConfig. */

/**
 * @brief Sets a PEM file of CA certificates for https endpoints.
 *
 * The file is read when connections are made, not by this call.
 *
 * @param c The config.
 * @param path The file, copied; NULL or "" for the system's certificates (the default).
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_ca_bundle(xfer_config *c, const char *path);

/**
 * @brief Turns TLS peer and host verification on or off (default on).
 *
 * @param c The config.
 * @param on 0 turns verification off, as <tt>aws --no-verify-ssl</tt>.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_verify_tls(xfer_config *c, int on);

/**
 * @brief Signs the SHA-256 of every payload instead of sending UNSIGNED-PAYLOAD.
 *
 * By default a checksum protects payloads and SHA-256 over every byte is skipped. With
 * checksum "NONE", payloads are always signed.
 *
 * @param c The config.
 * @param on Non-zero signs payloads. Default 0.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_sign_payload(xfer_config *c, int on);

/**
 * @brief Sets the chunk size of signed aws-chunked uploads (default 64 KiB).
 *
 * Used by xfer_upload_fileobj_chunked() only: each chunk of this many payload bytes carries
 * its own signature, and such an upload holds two chunks in memory.
 *
 * @param c The config.
 * @param bytes From 8 KiB (S3's minimum) to 16 MiB.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p bytes out of range.
 */
XFER_API xfer_status xfer_config_set_aws_chunk_size(xfer_config *c, uint32_t bytes);

/**
 * @brief Sets the connection timeout (default 10000 ms).
 *
 * @param c The config.
 * @param ms Milliseconds, 1 to 600000.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p ms is out of range.
 */
XFER_API xfer_status xfer_config_set_connect_timeout_ms(xfer_config *c, uint32_t ms);

/**
 * @brief Sets the stall timeout (default 30000 ms).
 *
 * A request that moves no byte for this long fails and is retried like a reset connection.
 *
 * @param c The config.
 * @param ms Milliseconds, 1000 to 3600000, rounded up to whole seconds.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL or @p ms is out of range.
 */
XFER_API xfer_status xfer_config_set_stall_timeout_ms(xfer_config *c, uint32_t ms);

/**
 * @brief Sends a Content-MD5 header with every upload body (default off).
 *
 * For servers that verify Content-MD5 (Swift, radosgw) but not the x-amz-checksum-* headers.
 * Costs an MD5 pass over every byte uploaded.
 *
 * @param c The config.
 * @param on Non-zero sends Content-MD5.
 * @return #XFER_OK; #XFER_EINVAL if @p c is NULL.
 */
XFER_API xfer_status xfer_config_set_content_md5(xfer_config *c, int on);

/** @} */

/* ---- extra arguments --------------------------------------------------------------------- */

/**
 * @defgroup args Extra arguments
 * @brief Request parameters of a transfer, named as boto3's ExtraArgs.
 *
 * Names include "ContentType", "CacheControl", "ACL", "StorageClass", "Tagging",
 * "ServerSideEncryption", "SSECustomerKey", "IfMatch", "IfNoneMatch", "VersionId",
 * "ChecksumMode", "MetadataDirective", "CopySourceIfMatch", and "Metadata" (set through
 * xfer_args_set_metadata()). An unknown name is #XFER_EINVAL at xfer_args_set(), with the
 * valid names in the message; a known name the operation does not take (e.g. "VersionId"
 * for an upload) makes the transfer function return NULL with #XFER_EINVAL, before any
 * request is sent.
 *
 * An ::xfer_args is owned by the caller. A transfer copies what it needs when it is
 * submitted: the args may be changed, reused or freed right after.
 *
 * @par Thread safety
 * Not thread-safe: set up one ::xfer_args on one thread. Several transfers may be submitted
 * with the same args from several threads at once as long as nobody changes it meanwhile.
 * @{
 */

/**
 * @brief A new, empty set of extra arguments.
 *
 * @return Args owned by the caller, to release with xfer_args_free(); NULL (out of memory)
 *         with xfer_last_error() set.
 * @par Thread safety
 * Safe from any thread.
 */
XFER_API xfer_args *xfer_args_new(void);

/**
 * @brief Releases extra arguments.
 *
 * Transfers submitted with them are not affected.
 *
 * @param a The args, or NULL (then nothing happens).
 */
XFER_API void xfer_args_free(xfer_args *a);

/**
 * @brief Sets one extra argument, replacing an earlier value of the same name.
 *
 * @param a The args.
 * @param name A boto3 ExtraArgs name such as "ContentType"; not "Metadata".
 * @param value Its value, copied; not NULL.
 * @return #XFER_OK; #XFER_EINVAL if an argument is NULL, @p name is empty, unknown or
 *         "Metadata", or @p value is not valid for @p name.
 */
XFER_API xfer_status xfer_args_set(xfer_args *a, const char *name, const char *value);

/**
 * @brief Sets one entry of "Metadata", sent as the header x-amz-meta-KEY.
 *
 * @param a The args.
 * @param key The metadata key, copied: a non-empty HTTP header name (printable ASCII without
 *            spaces or separators).
 * @param value Its value, copied; not NULL.
 * @return #XFER_OK; #XFER_EINVAL if an argument is NULL, or @p key is empty or not a valid
 *         header name.
 */
XFER_API xfer_status xfer_args_set_metadata(xfer_args *a, const char *key, const char *value);

/** @} */

/* ---- the manager ------------------------------------------------------------------------- */

/**
 * @defgroup manager Manager
 * @brief An ::xfer_manager owns the thread pool, keep-alive connections and memory budget.
 *
 * Make one per program (or per endpoint and credentials) and share it: every transfer
 * submitted to it shares its threads, connections and bandwidth limit.
 *
 * @par Thread safety
 * A manager is thread-safe: any thread may submit transfers to one manager at the same
 * time, and xfer_manager_shutdown() may be called from any thread.
 * @{
 */

/**
 * @brief A new manager with the settings of a config.
 *
 * Starts the worker threads. Does not contact the server or check the credentials.
 *
 * @param c The config, copied: it may be changed or freed afterwards.
 * @return A manager owned by the caller, to release with xfer_manager_free(); NULL with
 *         xfer_last_error() set if @p c is NULL (#XFER_EINVAL) or resources ran out.
 * @par Thread safety
 * Safe from any thread, as long as nobody changes @p c meanwhile.
 */
XFER_API xfer_manager *xfer_manager_new(const xfer_config *c);

/**
 * @brief Stops accepting transfers, then waits for every running transfer to end.
 *
 * With @p cancel non-zero, running transfers are cancelled first: in-flight requests stop
 * within about 100 ms, open multipart uploads are aborted, and the futures end with
 * #XFER_ECANCELLED. With @p cancel 0 they run to their end; callbacks of a transfer nobody
 * is waiting on (for example a stream upload that reads only while someone waits) then run
 * on the thread calling xfer_manager_shutdown().
 *
 * With @p cancel non-zero callbacks may run here too: no read, write or list callback runs
 * after the cancel, but the progress callback of a transfer no other thread waits on is
 * still called on the thread calling xfer_manager_shutdown(), with the last numbers (a
 * transfer already past its commit point, see xfer_future_cancel(), runs to its end and
 * reports its progress to the end). Its return value no longer matters.
 *
 * Later submissions fail with #XFER_ESTATE. Futures stay valid: read their results and
 * free them as usual. Calling it again is harmless.
 *
 * @param m The manager.
 * @param cancel Non-zero cancels the running transfers.
 * @return #XFER_OK once every transfer has ended; #XFER_EINVAL if @p m is NULL.
 * @par Thread safety
 * Safe from any thread; wakes threads waiting in xfer_future_wait(). Do not call it from
 * inside a callback.
 */
XFER_API xfer_status xfer_manager_shutdown(xfer_manager *m, int cancel);

/**
 * @brief Shuts the manager down (cancelling running transfers), then frees it.
 *
 * Equivalent to xfer_manager_shutdown(m, 1) followed by the release of the threads and
 * connections, so progress callbacks of transfers nobody waits on may run inside it, on the
 * calling thread (see xfer_manager_shutdown()). Futures of its transfers stay valid and must
 * still be freed.
 *
 * @param m The manager, or NULL (then nothing happens).
 * @par Thread safety
 * No other thread may use @p m during or after the call. Do not call it from inside a
 * callback.
 */
XFER_API void xfer_manager_free(xfer_manager *m);

/** @} */

/* ---- callbacks --------------------------------------------------------------------------- */

/**
 * @defgroup callbacks Callbacks
 * @brief Functions of yours that a transfer calls: read, write, progress.
 *
 * Every callback runs inside xfer_future_wait() (or xfer_manager_shutdown(m, 0)) on the
 * calling thread, never on a worker thread, and never two at once for one transfer. Its
 * user data is the pointer given with it, passed back untouched. A callback may call
 * xfer_future_cancel() and submit other transfers; it must not wait on, free or shut down
 * anything (xfer_future_wait(), xfer_future_free(), xfer_manager_shutdown(),
 * xfer_manager_free()).
 * @{
 */

/**
 * @brief Supplies the data of a stream upload (like CURLOPT_READFUNCTION).
 *
 * Called in stream order until it returns 0. Reading and sending overlap: parts already read
 * are sent by the workers while the next one is read.
 *
 * @param buf Where to write: a library buffer valid only during the call.
 * @param cap The room in @p buf, at least 1.
 * @param user_data The @c read_data given to xfer_upload_fileobj().
 * @return 1 to @p cap: bytes written (short reads are normal); 0: end of stream; < 0: fail
 *         the upload with #XFER_EIO. More than @p cap also fails it.
 */
typedef int64_t (*xfer_read_fn)(uint8_t *buf, size_t cap, void *user_data);

/**
 * @brief Receives the data of a stream download.
 *
 * Called in order of offset, without gaps or overlaps, however the ranges arrive.
 *
 * @param data The bytes, valid only during the call.
 * @param len How many, at least 1.
 * @param offset Where @p data starts in the object.
 * @param user_data The @c write_data given to xfer_download_fileobj().
 * @return 0 to go on; non-zero fails the download with #XFER_EIO.
 */
typedef int (*xfer_write_fn)(const uint8_t *data, size_t len, uint64_t offset, void *user_data);

/**
 * @brief How far a transfer has come.
 *
 * Each kind of transfer counts its own bytes: an upload the payload bytes sent (a part sent
 * again after a retry is not counted twice), a download the bytes received, a copy the bytes
 * of each part copied (a copy below the threshold: all of them once CopyObject succeeds). A
 * delete moves no object bytes: its total and done are 0 (and xfer_delete() takes no
 * progress callback).
 */
typedef struct xfer_progress {
  uint64_t bytes_done;  /**< Never decreases; equals bytes_total when the transfer succeeds. */
  uint64_t bytes_total; /**< #XFER_SIZE_UNKNOWN until known (e.g. a stream before its end). */
} xfer_progress;

/** The size of a stream whose end has not been read yet. */
#define XFER_SIZE_UNKNOWN UINT64_MAX

/**
 * @brief Reports progress (like CURLOPT_XFERINFOFUNCTION).
 *
 * Progress is coalesced: while a thread waits, the callback runs about every 100 ms if the
 * numbers changed since its last call, and once more before the wait returns the final
 * status.
 *
 * @param p The progress, valid only during the call.
 * @param user_data The @c progress_data given with the callback.
 * @return 0 to go on; non-zero cancels the transfer (#XFER_ECANCELLED).
 */
typedef int (*xfer_progress_fn)(const xfer_progress *p, void *user_data);

/** @} */

/* ---- transfers --------------------------------------------------------------------------- */

/**
 * @defgroup transfers Transfers
 * @brief Uploads, downloads, copies, deletes and bucket operations.
 *
 * Each function submits the transfer and returns a future at once; the work runs on the
 * manager's threads and the future says how it ended. NULL with xfer_last_error() set means
 * nothing was submitted: #XFER_EINVAL for a NULL or empty argument or misplaced extra
 * argument, #XFER_ESTATE after xfer_manager_shutdown(). Any other failure, including a
 * missing local file, is reported by the future.
 *
 * The strings and @p args are copied before the function returns. Callbacks and their user
 * data must stay valid until the future is done or freed. @p progress may be NULL.
 *
 * @par Thread safety
 * Safe from any thread, on a shared manager.
 * @{
 */

/**
 * @brief Uploads a local file.
 *
 * Files at least the multipart threshold in size go multipart, their parts sent in
 * parallel straight from the file (pread): no part buffers are held. A failed multipart
 * upload is aborted.
 *
 * @param m The manager.
 * @param path The local file, a regular file.
 * @param bucket The bucket.
 * @param key The object key, used as is (never normalised).
 * @param args Extra arguments, or NULL.
 * @param progress Progress callback, or NULL.
 * @param progress_data User data for @p progress.
 * @return A future owned by the caller, or NULL (see @ref transfers). A file that cannot be
 *         read fails the future with #XFER_EIO. On success xfer_future_etag(),
 *         xfer_future_checksum() and xfer_future_size() give the result.
 */
XFER_API xfer_future *xfer_upload_file(xfer_manager *m, const char *path, const char *bucket,
                                       const char *key, const xfer_args *args,
                                       xfer_progress_fn progress, void *progress_data);

/**
 * @brief Uploads what a read callback supplies.
 *
 * The callback runs only while a thread waits on the future (xfer_future_wait()): a stream
 * upload makes no progress while nobody waits. Data shorter than the multipart threshold goes
 * in one PUT; longer data goes multipart, holding at most max_in_memory_upload_chunks parts.
 *
 * @param m The manager.
 * @param read The read callback; not NULL.
 * @param read_data User data for @p read.
 * @param bucket The bucket.
 * @param key The object key.
 * @param args Extra arguments, or NULL.
 * @param progress Progress callback, or NULL; bytes_total is #XFER_SIZE_UNKNOWN until the
 *                 stream ends.
 * @param progress_data User data for @p progress.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_upload_fileobj(xfer_manager *m, xfer_read_fn read, void *read_data,
                                          const char *bucket, const char *key,
                                          const xfer_args *args, xfer_progress_fn progress,
                                          void *progress_data);

/**
 * @brief Uploads exactly @p size bytes that a read callback supplies, streaming every request
 *        body as signed aws-chunked data, with no part buffers.
 *
 * For memory-tight callers (a data logger next to firmware) that know the length up front.
 * Each body is sent as it is read, in chunks of xfer_config_set_aws_chunk_size() bytes, each
 * with its own SigV4 signature chained from the request's (STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
 * Content-Encoding aws-chunked): the server verifies every chunk, so no checksum header is
 * sent and xfer_future_checksum() is NULL. The upload holds two chunks in memory whatever the
 * size; at or above the multipart threshold it goes multipart with ChunksizeAdjuster's part
 * size, one part after another (the stream is read in order).
 *
 * The cost of holding no part: once a request body's first bytes have been read, a failed
 * request cannot be sent again, so the transfer fails (its multipart upload aborted) instead
 * of retrying. Failures before any body byte (connection refused, for instance) are retried.
 *
 * The read callback is called only while a thread waits on the future, never for more than
 * @p size bytes in all; ending early fails the transfer with #XFER_EIO.
 *
 * Servers: AWS S3 and Ceph radosgw verify chunk signatures. Swift's s3api answers
 * 501 NotImplemented; some S3-compatible servers store the framing as data. Credentials are
 * required (the chunks are signed).
 *
 * @param m The manager.
 * @param read The read callback; not NULL.
 * @param read_data User data for @p read.
 * @param size The exact number of bytes the stream holds, up to 5 TiB.
 * @param bucket The bucket.
 * @param key The object key.
 * @param args Extra arguments, or NULL (as for xfer_upload_fileobj()).
 * @param progress Progress callback, or NULL; counts payload bytes sent.
 * @param progress_data User data for @p progress.
 * @return A future owned by the caller, or NULL (see @ref transfers; also #XFER_EINVAL
 *         without credentials).
 */
XFER_API xfer_future *xfer_upload_fileobj_chunked(xfer_manager *m, xfer_read_fn read,
                                                  void *read_data, uint64_t size,
                                                  const char *bucket, const char *key,
                                                  const xfer_args *args, xfer_progress_fn progress,
                                                  void *progress_data);

/**
 * @brief Downloads an object into a local file.
 *
 * Ranges are fetched in parallel and written at their offsets (pwrite) into a temporary file
 * in the target's folder, renamed to @p path only on success: an existing file is untouched
 * until then, and no temporary file survives a failure.
 * When the server returns the object's checksum the bytes are verified against it; a
 * mismatch fails the download with #XFER_ECHECKSUM.
 *
 * @param m The manager.
 * @param bucket The bucket.
 * @param key The object key.
 * @param path The local file to create or replace.
 * @param args Extra arguments (e.g. "VersionId", "SSECustomerKey"), or NULL.
 * @param progress Progress callback, or NULL.
 * @param progress_data User data for @p progress.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_download_file(xfer_manager *m, const char *bucket, const char *key,
                                         const char *path, const xfer_args *args,
                                         xfer_progress_fn progress, void *progress_data);

/**
 * @brief Downloads an object through a write callback.
 *
 * Ranges are fetched in parallel and handed to @p write in order, on the waiting thread;
 * at most max_in_memory_download_chunks ranges wait in memory.
 *
 * @param m The manager.
 * @param bucket The bucket.
 * @param key The object key.
 * @param write The write callback; not NULL.
 * @param write_data User data for @p write.
 * @param args Extra arguments, or NULL.
 * @param progress Progress callback, or NULL.
 * @param progress_data User data for @p progress.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_download_fileobj(xfer_manager *m, const char *bucket, const char *key,
                                            xfer_write_fn write, void *write_data,
                                            const xfer_args *args, xfer_progress_fn progress,
                                            void *progress_data);

/**
 * @brief Copies an object on the server side (no data passes through this process).
 *
 * Objects at least the multipart threshold in size are copied part by part
 * (UploadPartCopy). As with CopyObject, the new object keeps the source's content type, other
 * content headers and metadata (x-amz-meta-*), and the description arguments in @p args
 * (ContentType, CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, Expires,
 * Metadata) are ignored, unless @p args sets "MetadataDirective" to "REPLACE": then those
 * arguments replace the source's, on both paths. The HEAD of the source carries
 * CopySourceSSECustomerAlgorithm, CopySourceSSECustomerKey and CopySourceSSECustomerKeyMD5 as
 * its SSE-C headers, as s3transfer sends them.
 *
 * @param m The manager.
 * @param src_bucket The source bucket.
 * @param src_key The source key.
 * @param bucket The destination bucket.
 * @param key The destination key.
 * @param args Extra arguments (e.g. "MetadataDirective", "CopySourceIfMatch"), or NULL.
 * @param progress Progress callback, or NULL.
 * @param progress_data User data for @p progress.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_copy(xfer_manager *m, const char *src_bucket, const char *src_key,
                                const char *bucket, const char *key, const xfer_args *args,
                                xfer_progress_fn progress, void *progress_data);

/**
 * @brief Deletes an object.
 *
 * Moves no object bytes: xfer_future_size() is 0 and there is no progress to report.
 *
 * @param m The manager.
 * @param bucket The bucket.
 * @param key The object key.
 * @param args Extra arguments (e.g. "VersionId", "MFA"), or NULL.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_delete(xfer_manager *m, const char *bucket, const char *key,
                                  const xfer_args *args);

/**
 * @brief Creates a bucket in the manager's region.
 *
 * @param m The manager.
 * @param bucket The bucket name.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_create_bucket(xfer_manager *m, const char *bucket);

/**
 * @brief Deletes an empty bucket.
 *
 * @param m The manager.
 * @param bucket The bucket name.
 * @return A future owned by the caller, or NULL (see @ref transfers).
 */
XFER_API xfer_future *xfer_delete_bucket(xfer_manager *m, const char *bucket);

/**
 * @brief Makes a presigned URL for one request on an object. Makes no request.
 *
 * @param c The config giving endpoint, region, addressing style and credentials.
 * @param method "GET", "PUT", "HEAD" or "DELETE".
 * @param bucket The bucket.
 * @param key The object key.
 * @param expires_s How long the URL is valid, 1 to 604800 seconds (7 days).
 * @param[out] url_out Receives the URL, a string owned by the caller to release with
 *             xfer_string_free(); set to NULL on failure.
 * @return #XFER_OK; #XFER_EINVAL for a NULL or empty argument, another method, an
 *         out-of-range @p expires_s or a config without credentials; #XFER_ENOMEM.
 * @par Thread safety
 * Safe from any thread, as long as nobody changes @p c meanwhile.
 */
XFER_API xfer_status xfer_presign(const xfer_config *c, const char *method, const char *bucket,
                                  const char *key, uint32_t expires_s, char **url_out);

/**
 * @brief Releases a string the library allocated for the caller (xfer_presign()).
 *
 * @param s The string, or NULL (then nothing happens).
 */
XFER_API void xfer_string_free(char *s);

/** @} */

/**
 * @defgroup listing Listing and many objects at once
 *
 * Listings are streamed a page (at most 1,000 keys) at a time: memory does not grow with the
 * number of objects. Callbacks run inside xfer_future_wait(), like every callback.
 *
 * @par Thread safety
 * The transfer functions here are safe from any thread, on a shared manager, as those of
 * @ref transfers. An ::xfer_dir_options is not thread-safe: set it up on one thread; a
 * transfer copies it when submitted, so it may be changed or freed right after.
 * xfer_guess_content_type() is safe from any thread.
 * @{
 */

/** One entry of a listing. Every pointer lives until the callback returns. */
typedef struct xfer_object {
  const char *key;           /**< The key, or the common prefix when is_prefix is 1. */
  uint64_t size;             /**< Bytes; 0 for a prefix. */
  const char *etag;          /**< Quoted ETag; NULL for a prefix. */
  const char *last_modified; /**< ISO 8601 time as the server sent it; NULL for a prefix. */
  int is_prefix;             /**< 1 for a common prefix (with a delimiter), else 0. */
} xfer_object;

/**
 * @brief Receives one listing entry.
 * @param obj The entry.
 * @param user_data As given to xfer_list_objects().
 * @return 0 to go on; non-zero stops the listing (the future ends with #XFER_ECANCELLED).
 */
typedef int (*xfer_list_fn)(const xfer_object *obj, void *user_data);

/**
 * @brief Lists the objects of a bucket (ListObjectsV2, every page).
 *
 * @param m The manager.
 * @param bucket The bucket.
 * @param prefix Only keys starting with it; NULL or "" for all.
 * @param delimiter Groups keys by it into common prefixes (e.g. "/"); NULL or "" for none.
 * @param fn Called for every entry, in the server's order, on the waiting thread.
 * @param user_data Passed to @p fn.
 * @return A future owned by the caller, whose size is the number of entries listed; NULL with
 *         xfer_last_error() on bad arguments (#XFER_EINVAL) or after shutdown (#XFER_ESTATE).
 */
XFER_API xfer_future *xfer_list_objects(xfer_manager *m, const char *bucket, const char *prefix,
                                        const char *delimiter, xfer_list_fn fn, void *user_data);

/**
 * @brief Deletes every object whose key starts with @p prefix, in DeleteObjects batches of up
 * to 1,000 keys.
 *
 * @param m The manager.
 * @param bucket The bucket.
 * @param prefix The prefix; "" deletes every object of the bucket.
 * @return A future owned by the caller, or NULL (see @ref transfers). Its size and
 *         xfer_future_file_count() are the number of objects deleted
 *         (also when some were refused). Keys the server refused are listed as failures
 *         (xfer_future_failure_count()) and end it with #XFER_ESERVICE.
 */
XFER_API xfer_future *xfer_delete_prefix(xfer_manager *m, const char *bucket, const char *prefix);

/** Options of a directory transfer. Not thread-safe; a transfer copies them. */
typedef struct xfer_dir_options xfer_dir_options;

/**
 * @brief New options: no filters, files in flight up to the manager's max_concurrency.
 * @return The options, to release with xfer_dir_options_free(); NULL when out of memory.
 */
XFER_API xfer_dir_options *xfer_dir_options_new(void);
/**
 * @brief Releases options.
 * @param o The options, or NULL (then nothing happens).
 */
XFER_API void xfer_dir_options_free(xfer_dir_options *o);
/**
 * @brief Adds an include (@p include = 1) or exclude (0) glob, as the AWS CLI's --include and
 * --exclude: every path starts included, filters apply in the order added, the last one that
 * matches decides. Patterns match the path relative to the folder or prefix ("*" crosses "/").
 * @param o The options.
 * @param glob An fnmatch(3) pattern.
 * @param include 1 to include what matches, 0 to exclude it.
 * @return #XFER_OK; #XFER_EINVAL for NULL or an empty pattern.
 */
XFER_API xfer_status xfer_dir_options_add_filter(xfer_dir_options *o, const char *glob,
                                                 int include);
/**
 * @brief How many files move at once (1..10000). Default: the manager's max_concurrency.
 * @param o The options.
 * @param n Files in flight.
 * @return #XFER_OK; #XFER_EINVAL for NULL or out of range.
 */
XFER_API xfer_status xfer_dir_options_set_max_files_in_flight(xfer_dir_options *o, uint32_t n);
/**
 * @brief Whether xfer_upload_directory() sets each file's Content-Type from its extension, as
 * the AWS CLI does (xfer_guess_content_type()). Default 0: every file gets the transfer's
 * arguments only. A "ContentType" in the transfer's arguments wins over the guess; a file
 * whose extension is unknown gets none. Downloads ignore it.
 * @param o The options.
 * @param on 1 to guess, 0 not to.
 * @return #XFER_OK; #XFER_EINVAL for NULL.
 */
XFER_API xfer_status xfer_dir_options_set_guess_content_type(xfer_dir_options *o, int on);

/**
 * @brief The Content-Type for a file name's extension, from a table of common types
 * ("index.HTML" is "text/html", "a.tar.gz" is "application/gzip").
 * @param path A file name or path; only its last component's extension counts.
 * @return A static string, never to be freed; NULL when the extension is missing or unknown,
 *         and NULL with #XFER_EINVAL in xfer_last_error() if @p path is NULL.
 * @par Thread safety
 * Safe from any thread.
 */
XFER_API const char *xfer_guess_content_type(const char *path);

/**
 * @brief Uploads every regular file under @p dir to @p prefix + its relative path.
 *
 * The folder is walked as the upload goes (not listed whole first); files move in parallel up
 * to the options' bound, each as xfer_upload_file() would move it. Progress is aggregate;
 * bytes_total is unknown until the walk ends. A file that fails does not stop the others: it
 * is listed as a failure and the future ends with the first failure's status.
 *
 * @param m The manager.
 * @param dir The local folder.
 * @param bucket The bucket.
 * @param prefix Key prefix, "" for none; a "/" is not added for you.
 * @param args Extra arguments applied to every file; may be NULL.
 * @param opts Filters and bounds; may be NULL.
 * @param progress Aggregate progress, on the waiting thread; may be NULL.
 * @param progress_data Passed to @p progress.
 * @return A future owned by the caller, whose size is the number of bytes of the files
 *         uploaded and whose xfer_future_file_count() is the number of those files (both also
 *         when some failed); NULL on bad arguments (see @ref transfers).
 */
XFER_API xfer_future *xfer_upload_directory(xfer_manager *m, const char *dir, const char *bucket,
                                            const char *prefix, const xfer_args *args,
                                            const xfer_dir_options *opts, xfer_progress_fn progress,
                                            void *progress_data);

/**
 * @brief Downloads every object under @p prefix into @p dir, creating folders as needed.
 *
 * The listing is streamed page by page while files download, each as xfer_download_file()
 * would (temporary file, renamed on success). Keys ending in "/" are skipped; keys whose
 * relative path would leave @p dir ("..", absolute) are refused as failures.
 *
 * @param m The manager.
 * @param bucket The bucket.
 * @param prefix Key prefix; "" for the whole bucket.
 * @param dir The local folder (created if missing).
 * @param args Extra arguments for every GET; may be NULL.
 * @param opts Filters and bounds; may be NULL.
 * @param progress Aggregate progress, on the waiting thread; may be NULL.
 * @param progress_data Passed to @p progress.
 * @return A future owned by the caller, whose size is the number of bytes of the files
 *         downloaded and whose xfer_future_file_count() is the number of those files (both also
 *         when some failed); NULL on bad arguments (see @ref transfers).
 */
XFER_API xfer_future *xfer_download_directory(xfer_manager *m, const char *bucket,
                                              const char *prefix, const char *dir,
                                              const xfer_args *args, const xfer_dir_options *opts,
                                              xfer_progress_fn progress, void *progress_data);

/** @} */

/* ---- futures ----------------------------------------------------------------------------- */

/**
 * @defgroup future Futures
 * @brief An ::xfer_future is one submitted transfer.
 *
 * A future is owned by the caller and released with xfer_future_free(). Waiting on it runs
 * the transfer's callbacks; once it is done, its accessors give the result or the error.
 * Strings returned by the accessors belong to the future and live as long as it does.
 *
 * @par Thread safety
 * xfer_future_cancel() is safe from any thread at any time. xfer_future_wait() may be called
 * from any thread; if several threads wait on one future they take turns, and whichever
 * waits runs the callbacks. The accessors are safe from any thread; while the transfer
 * runs they report it as pending (xfer_future_done() 0, xfer_future_status()
 * #XFER_PENDING), once it is done their answers are final.
 * @{
 */

/**
 * @brief Runs the transfer's pending callbacks and waits for it to end.
 *
 * Returns when the transfer has ended or after @p timeout_ms, whichever comes first. While
 * it waits it runs the read, write and progress callbacks on the calling thread, one at a
 * time and in order. A cancel from another thread (xfer_future_cancel(),
 * xfer_manager_shutdown(m, 1)) wakes it at once. A timeout does not stop the transfer: wait
 * again, or cancel it.
 *
 * @param f The future.
 * @param timeout_ms Milliseconds to wait, 0 to run what is pending and return, -1 for no
 *                   limit.
 * @return The final status (#XFER_OK or the error of the transfer), or #XFER_ETIMEDOUT while
 *         it still runs; #XFER_EINVAL if @p f is NULL or @p timeout_ms is below -1.
 * @par Thread safety
 * Safe from any thread. Not from inside a callback.
 */
XFER_API xfer_status xfer_future_wait(xfer_future *f, int64_t timeout_ms);

/**
 * @brief Whether the transfer has ended.
 *
 * @param f The future.
 * @return 1 once the transfer has ended (its status is final), else 0 (also if @p f is NULL,
 *         with #XFER_EINVAL in xfer_last_error()).
 */
XFER_API int xfer_future_done(const xfer_future *f);

/**
 * @brief Cancels the transfer.
 *
 * In-flight requests stop within about 100 ms, an open multipart upload is aborted, and
 * the future ends with #XFER_ECANCELLED. A thread waiting on @p f wakes at once. Does not
 * wait for the end: xfer_future_wait() does.
 *
 * A cancel cannot take back what the server may already have done. Once a transfer has
 * passed its commit point (CompleteMultipartUpload sent, the last byte of a PutObject sent,
 * a CopyObject or DeleteObject sent, a download's temporary file about to be renamed onto
 * its target), a cancel waits for that step and the future reports its real outcome: #XFER_OK
 * if the object (or file) now exists, #XFER_ECANCELLED if the step failed. So
 * #XFER_ECANCELLED always means nothing was made or replaced.
 *
 * @param f The future; a no-op on a finished transfer. NULL sets #XFER_EINVAL in
 *          xfer_last_error().
 * @par Thread safety
 * Safe from any thread, at any time, including from inside a callback.
 */
XFER_API void xfer_future_cancel(xfer_future *f);

/**
 * @brief The status of the transfer, without waiting.
 *
 * @param f The future.
 * @return #XFER_PENDING while it runs, then its final status; #XFER_EINVAL if @p f is NULL.
 */
XFER_API xfer_status xfer_future_status(const xfer_future *f);

/**
 * @brief The error message of a failed transfer.
 *
 * @param f The future.
 * @return The message, owned by @p f; NULL on success, while running, or if @p f is NULL.
 */
XFER_API const char *xfer_future_error_message(const xfer_future *f); /* NULL on success */

/**
 * @brief The HTTP status of the response that failed the transfer.
 *
 * @param f The future.
 * @return E.g. 404 or 503; 0 on success, while running, for errors without an HTTP response,
 *         or if @p f is NULL.
 */
XFER_API int xfer_future_http_status(const xfer_future *f); /* 0 if no HTTP error */

/**
 * @brief The S3 error code of the response that failed the transfer.
 *
 * @param f The future.
 * @return E.g. "NoSuchKey" or "AccessDenied", owned by @p f; NULL if there is none.
 */
XFER_API const char *xfer_future_s3_error_code(const xfer_future *f); /* "NoSuchKey" or NULL */

/**
 * @brief The request id the service gave with the error (x-amz-request-id).
 *
 * @param f The future.
 * @return The id, owned by @p f; NULL if there is none.
 */
XFER_API const char *xfer_future_request_id(const xfer_future *f);

/**
 * @brief The ETag of the object uploaded, copied or downloaded.
 *
 * @param f The future.
 * @return The ETag in double quotes, e.g. "\"9b2cf535f27731c974343645a3985328-3\"" for a
 *         multipart object, owned by @p f; NULL unless the transfer succeeded and the server
 *         gave one.
 */
XFER_API const char *xfer_future_etag(const xfer_future *f); /* result of upload and copy */

/**
 * @brief The version id of the object written, on a versioned bucket.
 *
 * @param f The future.
 * @return The version id, owned by @p f; NULL unless the transfer succeeded and the server
 *         gave one.
 */
XFER_API const char *xfer_future_version_id(const xfer_future *f);

/**
 * @brief The full-object checksum of an upload, or the one a download verified.
 *
 * An upload returns the checksum of its algorithm (not for "NONE"). A download returns the
 * object's full-object checksum when the server gave one and the bytes received matched it
 * (a mismatch fails the download with #XFER_ECHECKSUM).
 *
 * @param f The future.
 * @return "ALGORITHM:BASE64", e.g. "CRC32:AAAAAA==", owned by @p f; NULL unless the transfer
 *         succeeded with such a checksum.
 */
XFER_API const char *xfer_future_checksum(const xfer_future *f); /* e.g. "CRC32:AAAAAA==" */

/**
 * @brief The size of the object transferred.
 *
 * For a transfer of many (xfer_upload_directory(), xfer_download_directory(),
 * xfer_delete_prefix()) it is the total of the items that succeeded (bytes, or objects
 * deleted), also when others failed and the transfer ended with their error.
 *
 * @param f The future.
 * @return Bytes: the final size on success, the size known so far while running (0 while
 *         unknown), 0 after a failure (but see transfers of many above) or if @p f is NULL.
 */
XFER_API uint64_t xfer_future_size(const xfer_future *f);

/**
 * @brief The number of items that succeeded in a transfer of many: files uploaded by
 * xfer_upload_directory(), files downloaded by xfer_download_directory(), objects deleted by
 * xfer_delete_prefix().
 *
 * Counted also when other items failed (see xfer_future_failure_count()), so a caller can
 * report "298 files, 2 failed".
 *
 * @param f The future.
 * @return The count once the transfer is done; 0 while it runs, for single transfers, and if
 *         @p f is NULL (with #XFER_EINVAL in xfer_last_error()).
 * @par Thread safety
 * Safe from any thread, like every accessor.
 */
XFER_API uint64_t xfer_future_file_count(const xfer_future *f);

/**
 * @brief The number of items that failed in a transfer of many (directory transfers,
 * xfer_delete_prefix()); 0 for single transfers and while running.
 *
 * Each failure has a key (xfer_future_failure_key()), a message and, like a single
 * transfer's error, a status, an HTTP status, an S3 error code and a request id
 * (xfer_future_failure_status() and its neighbours), indexed from 0 to the count - 1.
 *
 * @param f The future.
 * @return The count; 0 if @p f is NULL (with #XFER_EINVAL in xfer_last_error()).
 */
XFER_API size_t xfer_future_failure_count(const xfer_future *f);

/**
 * @brief The key or relative path of a failed item.
 * @param f The future.
 * @param i Which failure, from 0.
 * @return Owned by @p f; NULL with xfer_last_error() set if @p f is NULL, still running, or
 *         @p i is out of range.
 */
XFER_API const char *xfer_future_failure_key(const xfer_future *f, size_t i);

/**
 * @brief Why an item failed.
 * @param f The future.
 * @param i Which failure, from 0.
 * @return Owned by @p f; NULL with xfer_last_error() set if @p f is NULL, still running, or
 *         @p i is out of range.
 */
XFER_API const char *xfer_future_failure_message(const xfer_future *f, size_t i);

/**
 * @brief The status an item failed with, as xfer_future_status() gives a single transfer's.
 * @param f The future.
 * @param i Which failure, from 0.
 * @return A negative ::xfer_status, e.g. #XFER_ESERVICE for an error answer or #XFER_EIO for
 *         a local file that could not be read; #XFER_EINVAL with xfer_last_error() set if
 *         @p f is NULL, still running, or @p i is out of range.
 */
XFER_API xfer_status xfer_future_failure_status(const xfer_future *f, size_t i);

/**
 * @brief The HTTP status of the response that failed an item.
 * @param f The future.
 * @param i Which failure, from 0.
 * @return E.g. 404 or 403; 0 for failures without an HTTP error (local errors, keys refused
 *         inside a DeleteObjects answer), and 0 with xfer_last_error() set if @p f is NULL,
 *         still running, or @p i is out of range.
 */
XFER_API int xfer_future_failure_http_status(const xfer_future *f, size_t i);

/**
 * @brief The S3 error code an item failed with.
 * @param f The future.
 * @param i Which failure, from 0.
 * @return E.g. "NoSuchBucket" or "AccessDenied", owned by @p f; NULL if there is none, and
 *         NULL with xfer_last_error() set if @p f is NULL, still running, or @p i is out of
 *         range.
 */
XFER_API const char *xfer_future_failure_s3_error_code(const xfer_future *f, size_t i);

/**
 * @brief The request id the service gave with an item's error (x-amz-request-id).
 * @param f The future.
 * @param i Which failure, from 0.
 * @return The id, owned by @p f; NULL if there is none, and NULL with xfer_last_error() set
 *         if @p f is NULL, still running, or @p i is out of range.
 */
XFER_API const char *xfer_future_failure_request_id(const xfer_future *f, size_t i);

/**
 * @brief Releases a future.
 *
 * On a running transfer, cancels it and waits for its workers to stop (without running its
 * callbacks) before freeing.
 *
 * @param f The future, or NULL (then nothing happens).
 * @par Thread safety
 * No other thread may use @p f during or after the call. Not from inside a callback.
 */
XFER_API void xfer_future_free(xfer_future *f);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* XFER_XFER_H */
