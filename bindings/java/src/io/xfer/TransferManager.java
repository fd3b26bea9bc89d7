// TransferManager.java: the Java face of xfer_manager: a builder for its settings, and upload, download, copy and delete returning TransferFutures.
package io.xfer;

import io.xfer.internal.SWIGTYPE_p_void;
import io.xfer.internal.SWIGTYPE_p_xfer_args;
import io.xfer.internal.SWIGTYPE_p_xfer_config;
import io.xfer.internal.SWIGTYPE_p_xfer_future;
import io.xfer.internal.SWIGTYPE_p_xfer_manager;
import io.xfer.internal.xfer;
import io.xfer.internal.xferConstants;
import io.xfer.internal.xfer_status;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Uploads, downloads, copies and deletes S3 objects on libxfer's native thread pool.
 *
 * <pre>{@code
 * try (TransferManager tm = TransferManager.builder()
 *         .endpoint("http://127.0.0.1:9000").region("us-east-1")
 *         .credentials(accessKey, secretKey).build()) {
 *   TransferResult r = tm.upload(Path.of("big.bin"), "bucket", "big.bin",
 *       TransferOption.progress((done, total) -> System.out.println(done + "/" + total))).get();
 * }
 * }</pre>
 *
 * <p>A manager is thread-safe: share one between threads; every transfer shares its threads,
 * connections and memory budget. Each method returns a {@link TransferFuture} at once; its
 * callbacks (streams, progress) run on the thread that waits on it. {@link #close()} cancels
 * running transfers and frees the manager; nothing relies on finalizers.
 */
public final class TransferManager implements AutoCloseable {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private SWIGTYPE_p_xfer_manager handle; // null once closed; guarded by lock
  /** Futures whose native part is not freed yet: close() frees what their owners left. */
  private final Set<TransferFuture> live = ConcurrentHashMap.newKeySet();

  private TransferManager(SWIGTYPE_p_xfer_manager handle) {
    this.handle = handle;
  }

  /** A builder with s3transfer's defaults (8 MiB threshold and chunks, 10 threads). */
  public static Builder builder() {
    return new Builder();
  }

  /** The version of the native library, "MAJOR.MINOR.PATCH". */
  public static String nativeVersion() {
    return xfer.xfer_version();
  }

  /** The version of the C API this binding was generated from. */
  public static String bindingVersion() {
    return xferConstants.XFER_VERSION_STRING;
  }

  /**
   * Uploads a local file; parts are sent in parallel straight from the file.
   *
   * @throws InvalidArgumentException for a bad key, bucket or option (nothing is sent)
   * @throws StateException if the manager is closed
   */
  public TransferFuture upload(Path file, String bucket, String key, TransferOption... options) {
    Objects.requireNonNull(file, "file");
    Options o = new Options(options);
    return submit("upload " + file + " to s3://" + bucket + "/" + key, o,
        progressOnly(o), (m, args, cb) -> xfer.xfer_upload_file(m, file.toString(), bucket, key,
            args, cb == null ? null : xferConstants.XFER_JAVA_PROGRESS, cb));
  }

  /**
   * Uploads what an InputStream gives until its end (the stream is not closed). It is read in
   * order on the thread that waits on the future, into libxfer's part buffers (at most
   * max_in_memory_upload_chunks of them), while earlier parts are sent in parallel.
   */
  public TransferFuture upload(InputStream in, String bucket, String key, TransferOption... options) {
    Objects.requireNonNull(in, "in");
    Options o = new Options(options);
    return submit("upload stream to s3://" + bucket + "/" + key, o,
        new NativeCallbacks(in, null, o.listener),
        (m, args, cb) -> xfer.xfer_upload_fileobj(m, xferConstants.XFER_JAVA_READ, cb, bucket, key,
            args, xferConstants.XFER_JAVA_PROGRESS, cb));
  }

  /**
   * Uploads exactly {@code size} bytes of an InputStream as signed aws-chunked data
   * (xfer_upload_fileobj_chunked): each request body is streamed as the stream is read, in
   * chunks of {@link Builder#awsChunkSize} bytes each with its own signature, holding two chunks
   * in memory whatever the size and no part buffers; from the multipart threshold on it goes
   * multipart, one part after another. A request whose body began cannot be resent, so a failure
   * fails the transfer instead of being retried. The stream must give exactly {@code size}
   * bytes (ending early fails with {@link XferIOException}). Servers: AWS S3 and Ceph radosgw;
   * Swift's s3api answers 501 NotImplemented (a {@link ServiceException}).
   */
  public TransferFuture uploadChunked(InputStream in, long size, String bucket, String key,
      TransferOption... options) {
    Objects.requireNonNull(in, "in");
    if (size < 0) {
      throw new InvalidArgumentException("uploadChunked: negative size " + size);
    }
    Options o = new Options(options);
    return submit("aws-chunked upload stream to s3://" + bucket + "/" + key, o,
        new NativeCallbacks(in, null, o.listener),
        (m, args, cb) -> xfer.xfer_upload_fileobj_chunked(m, xferConstants.XFER_JAVA_READ, cb, size,
            bucket, key, args, xferConstants.XFER_JAVA_PROGRESS, cb));
  }

  /**
   * Downloads an object into a local file, written through a temporary file in the same folder
   * that replaces {@code file} only on success.
   */
  public TransferFuture download(String bucket, String key, Path file, TransferOption... options) {
    Objects.requireNonNull(file, "file");
    Options o = new Options(options);
    return submit("download s3://" + bucket + "/" + key + " to " + file, o, progressOnly(o),
        (m, args, cb) -> xfer.xfer_download_file(m, bucket, key, file.toString(), args,
            cb == null ? null : xferConstants.XFER_JAVA_PROGRESS, cb));
  }

  /**
   * Downloads an object into an OutputStream (neither flushed nor closed), in order, on the
   * thread that waits on the future; ranges are fetched in parallel.
   */
  public TransferFuture download(String bucket, String key, OutputStream out,
      TransferOption... options) {
    Objects.requireNonNull(out, "out");
    Options o = new Options(options);
    return submit("download s3://" + bucket + "/" + key + " to stream", o,
        new NativeCallbacks(null, out, o.listener),
        (m, args, cb) -> xfer.xfer_download_fileobj(m, bucket, key, xferConstants.XFER_JAVA_WRITE,
            cb, args, xferConstants.XFER_JAVA_PROGRESS, cb));
  }

  /** Copies an object on the server side (no data passes through this process). */
  public TransferFuture copy(String srcBucket, String srcKey, String bucket, String key,
      TransferOption... options) {
    Options o = new Options(options);
    return submit("copy s3://" + srcBucket + "/" + srcKey + " to s3://" + bucket + "/" + key, o,
        progressOnly(o), (m, args, cb) -> xfer.xfer_copy(m, srcBucket, srcKey, bucket, key, args,
            cb == null ? null : xferConstants.XFER_JAVA_PROGRESS, cb));
  }

  /** Deletes an object (options: e.g. extraArg("VersionId", ...)). */
  public TransferFuture delete(String bucket, String key, TransferOption... options) {
    Options o = new Options(options);
    if (o.listener != null) {
      throw new InvalidArgumentException("delete takes no progress listener");
    }
    return submit("delete s3://" + bucket + "/" + key, o, null,
        (m, args, cb) -> xfer.xfer_delete(m, bucket, key, args));
  }

  /**
   * Cancels running transfers (their futures end with a cancellation; open multipart uploads
   * are aborted), waits for them to stop, frees the manager and the native part of every
   * future not freed yet. Futures stay usable: get() reports how they ended. Safe to call more
   * than once.
   *
   * @throws IllegalStateException if called from a callback of one of its transfers
   */
  @Override
  public void close() {
    for (TransferFuture f : live) {
      if (f.inCallback()) {
        throw new IllegalStateException("TransferManager.close() from inside a callback");
      }
    }
    lock.writeLock().lock();
    try {
      if (handle != null) {
        xfer.xfer_manager_free(handle); // cancels and waits: every transfer has ended now
        handle = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
    for (TransferFuture f : new ArrayList<>(live)) {
      f.close(); // records the outcome and frees it (waits for a thread still in get())
    }
  }

  private static NativeCallbacks progressOnly(Options o) {
    return o.listener == null ? null : new NativeCallbacks(null, null, o.listener);
  }

  @FunctionalInterface
  private interface Submit {
    SWIGTYPE_p_xfer_future call(SWIGTYPE_p_xfer_manager m, SWIGTYPE_p_xfer_args args,
        SWIGTYPE_p_void callbacks);
  }

  private TransferFuture submit(String description, Options o, NativeCallbacks target, Submit call) {
    SWIGTYPE_p_xfer_args args = o.toNative();
    SWIGTYPE_p_void cb = null;
    boolean submitted = false;
    try {
      if (target != null) {
        cb = xfer.xfer_java_callbacks_new(target);
        if (cb == null) {
          throw new XferException(Status.OUT_OF_MEMORY, "cannot set up the callbacks");
        }
      }
      TransferFuture future;
      lock.readLock().lock();
      try {
        if (handle == null) {
          throw new StateException(description + ": the TransferManager is closed");
        }
        SWIGTYPE_p_xfer_future f = call.call(handle, args, cb);
        if (f == null) {
          throw new InvalidArgumentException(description + ": " + xfer.xfer_last_error());
        }
        submitted = true;
        future = new TransferFuture(description, f, cb, live);
        live.add(future); // before close() can look: it takes the write lock
      } finally {
        lock.readLock().unlock();
      }
      if (target != null) {
        target.owner(future);
      }
      return future;
    } finally {
      xfer.xfer_args_free(args); // copied at submission
      if (!submitted && cb != null) {
        xfer.xfer_java_callbacks_free(cb);
      }
    }
  }

  /** The options of one call, sorted out. */
  private static final class Options {
    final TransferOption[] options;
    ProgressListener listener;

    Options(TransferOption[] options) {
      this.options = options == null ? new TransferOption[0] : options;
      for (TransferOption opt : this.options) {
        Objects.requireNonNull(opt, "option");
        if (opt.kind == TransferOption.Kind.PROGRESS) {
          listener = opt.listener;
        }
      }
    }

    /** The native extra arguments, or null if there are none; freed by the caller. */
    SWIGTYPE_p_xfer_args toNative() {
      SWIGTYPE_p_xfer_args args = null;
      try {
        for (TransferOption opt : options) {
          if (opt.kind == TransferOption.Kind.PROGRESS) {
            continue;
          }
          if (args == null) {
            args = xfer.xfer_args_new();
            if (args == null) {
              throw new XferException(Status.OUT_OF_MEMORY, xfer.xfer_last_error());
            }
          }
          xfer_status st = opt.kind == TransferOption.Kind.METADATA
              ? xfer.xfer_args_set_metadata(args, opt.name, opt.value)
              : xfer.xfer_args_set(args, opt.name, opt.value);
          check(st);
        }
        return args;
      } catch (RuntimeException e) {
        xfer.xfer_args_free(args);
        throw e;
      }
    }
  }

  /** Throws the XferException of a failed synchronous call (message from xfer_last_error). */
  static void check(xfer_status st) {
    if (st != xfer_status.XFER_OK) {
      throw XferException.of(Status.of(st.swigValue()), xfer.xfer_last_error(), 0, null, null);
    }
  }

  /**
   * The settings of a {@link TransferManager}. Unset values keep libxfer's defaults
   * (s3transfer's): 8 MiB multipart threshold and chunk size, 10 concurrent requests, CRC32.
   */
  public static final class Builder {
    private boolean fromEnvironment;
    private String profile;
    private String endpoint;
    private String region;
    private String accessKey;
    private String secretKey;
    private String sessionToken;
    private Boolean pathStyle;
    private Long multipartThreshold;
    private Long multipartChunksize;
    private Integer maxConcurrency;
    private Long maxBandwidth;
    private Integer numDownloadAttempts;
    private Integer maxInMemoryUploadChunks;
    private Integer maxInMemoryDownloadChunks;
    private String checksumAlgorithm;
    private String caBundle;
    private Boolean verifyTls;
    private Integer awsChunkSize;

    private Builder() {}

    /**
     * Starts from the environment as the AWS CLI does (AWS_ACCESS_KEY_ID, AWS_REGION,
     * AWS_ENDPOINT_URL, AWS_PROFILE, ~/.aws/config and credentials); later settings override.
     */
    public Builder fromEnvironment() {
      return fromEnvironment(null);
    }

    /** Like {@link #fromEnvironment()} with a named profile. */
    public Builder fromEnvironment(String profile) {
      this.fromEnvironment = true;
      this.profile = profile;
      return this;
    }

    /** The service URL, e.g. "http://127.0.0.1:9000" or "https://s3.eu-west-1.amazonaws.com". */
    public Builder endpoint(String url) {
      this.endpoint = url;
      return this;
    }

    /** The region requests are signed for, e.g. "us-east-1". */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Static credentials. */
    public Builder credentials(String accessKey, String secretKey) {
      return credentials(accessKey, secretKey, null);
    }

    /** Static credentials with a session token (may be null). */
    public Builder credentials(String accessKey, String secretKey, String sessionToken) {
      this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
      this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
      this.sessionToken = sessionToken;
      return this;
    }

    /** Path-style addressing (http://host/bucket/key) instead of virtual-host style. */
    public Builder pathStyle(boolean on) {
      this.pathStyle = on;
      return this;
    }

    /** Objects from this size on go multipart. */
    public Builder multipartThreshold(long bytes) {
      this.multipartThreshold = bytes;
      return this;
    }

    /** The part size of multipart transfers (at least 5 MiB). */
    public Builder multipartChunksize(long bytes) {
      this.multipartChunksize = bytes;
      return this;
    }

    /** Requests in flight at once. */
    public Builder maxConcurrency(int n) {
      this.maxConcurrency = n;
      return this;
    }

    /** A bandwidth limit in bytes per second (0: none). */
    public Builder maxBandwidth(long bytesPerSecond) {
      this.maxBandwidth = bytesPerSecond;
      return this;
    }

    /** Attempts per ranged GET. */
    public Builder numDownloadAttempts(int n) {
      this.numDownloadAttempts = n;
      return this;
    }

    /** Part buffers a stream upload holds at most. */
    public Builder maxInMemoryUploadChunks(int n) {
      this.maxInMemoryUploadChunks = n;
      return this;
    }

    /** Ranges a stream download reorders at most. */
    public Builder maxInMemoryDownloadChunks(int n) {
      this.maxInMemoryDownloadChunks = n;
      return this;
    }

    /** "CRC32" (default), "CRC32C", "CRC64NVME", "SHA1", "SHA256" or "NONE". */
    public Builder checksumAlgorithm(String algorithm) {
      this.checksumAlgorithm = algorithm;
      return this;
    }

    /** A PEM file of CA certificates to trust for https. */
    public Builder caBundle(String path) {
      this.caBundle = path;
      return this;
    }

    /** Whether to verify the server's TLS certificate (default true). */
    public Builder verifyTls(boolean on) {
      this.verifyTls = on;
      return this;
    }

    /** Payload bytes per signed chunk of {@link #uploadChunked} (8 KiB to 16 MiB; 64 KiB). */
    public Builder awsChunkSize(int bytes) {
      this.awsChunkSize = bytes;
      return this;
    }

    /**
     * Starts the manager's threads (no request is made).
     *
     * @throws InvalidArgumentException for a setting libxfer refuses, with its reason
     */
    public TransferManager build() {
      SWIGTYPE_p_xfer_config c = xfer.xfer_config_new();
      if (c == null) {
        throw new XferException(Status.OUT_OF_MEMORY, xfer.xfer_last_error());
      }
      try {
        if (fromEnvironment) {
          check(xfer.xfer_config_load_env(c, profile));
        }
        if (endpoint != null) {
          check(xfer.xfer_config_set_endpoint(c, endpoint));
        }
        if (region != null) {
          check(xfer.xfer_config_set_region(c, region));
        }
        if (accessKey != null) {
          check(xfer.xfer_config_set_credentials(c, accessKey, secretKey, sessionToken));
        }
        if (pathStyle != null) {
          check(xfer.xfer_config_set_path_style(c, pathStyle ? 1 : 0));
        }
        if (multipartThreshold != null) {
          check(xfer.xfer_config_set_multipart_threshold(c, nonNegative(multipartThreshold)));
        }
        if (multipartChunksize != null) {
          check(xfer.xfer_config_set_multipart_chunksize(c, nonNegative(multipartChunksize)));
        }
        if (maxConcurrency != null) {
          check(xfer.xfer_config_set_max_concurrency(c, nonNegative(maxConcurrency)));
        }
        if (maxBandwidth != null) {
          check(xfer.xfer_config_set_max_bandwidth(c, nonNegative(maxBandwidth)));
        }
        if (numDownloadAttempts != null) {
          check(xfer.xfer_config_set_num_download_attempts(c, nonNegative(numDownloadAttempts)));
        }
        if (maxInMemoryUploadChunks != null) {
          check(xfer.xfer_config_set_max_in_memory_upload_chunks(c,
              nonNegative(maxInMemoryUploadChunks)));
        }
        if (maxInMemoryDownloadChunks != null) {
          check(xfer.xfer_config_set_max_in_memory_download_chunks(c,
              nonNegative(maxInMemoryDownloadChunks)));
        }
        if (checksumAlgorithm != null) {
          check(xfer.xfer_config_set_checksum_algorithm(c, checksumAlgorithm));
        }
        if (caBundle != null) {
          check(xfer.xfer_config_set_ca_bundle(c, caBundle));
        }
        if (verifyTls != null) {
          check(xfer.xfer_config_set_verify_tls(c, verifyTls ? 1 : 0));
        }
        if (awsChunkSize != null) {
          check(xfer.xfer_config_set_aws_chunk_size(c, nonNegative(awsChunkSize)));
        }
        SWIGTYPE_p_xfer_manager m = xfer.xfer_manager_new(c);
        if (m == null) {
          throw new XferException(Status.INTERNAL, xfer.xfer_last_error());
        }
        return new TransferManager(m);
      } finally {
        xfer.xfer_config_free(c);
      }
    }

    private static long nonNegative(long v) {
      if (v < 0) {
        throw new InvalidArgumentException("a size or count must not be negative: " + v);
      }
      return v;
    }
  }
}
