// TransferManagerTest.java: JUnit 4 tests of the Java binding against the local Swift server: stream round trips, progress, typed errors, cancel and interrupt, threads, failing callbacks.
package io.xfer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.rules.Timeout;
import org.junit.runner.Description;

public class TransferManagerTest {
  private static final long MIB = 1L << 20;

  @Rule public Timeout perTest = Timeout.seconds(120);

  /** Prints each test's outcome and duration, for the CTest log. */
  @Rule
  public TestWatcher timing = new TestWatcher() {
    @Override
    protected void starting(Description d) {
      t0 = System.nanoTime();
    }

    @Override
    protected void finished(Description d) {
      System.out.printf("%n%-45s %6d ms%n", d.getMethodName(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  };

  private static volatile long t0 = System.nanoTime();
  private static Map<String, String> env;
  private static String bucket;
  private static String prefix;
  private static TransferManager tm;

  @BeforeClass
  public static void setUp() throws IOException {
    env = loadEnv();
    bucket = env.get("XFER_TEST_BUCKET");
    prefix = "java-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + "/";
    tm = newManager();
  }

  @AfterClass
  public static void tearDown() {
    if (tm != null) {
      tm.close();
    }
  }

  private static TransferManager newManager() {
    return TransferManager.builder()
        .endpoint(env.get("XFER_TEST_ENDPOINT"))
        .region(env.get("XFER_TEST_REGION"))
        .credentials(env.get("XFER_TEST_ACCESS_KEY"), env.get("XFER_TEST_SECRET_KEY"))
        .multipartChunksize(5 * MIB)
        .multipartThreshold(5 * MIB)
        .maxConcurrency(8)
        .build();
  }

  // ---- the tests ---------------------------------------------------------------------------

  /** 64 MiB up through an InputStream and back through an OutputStream, checked byte by byte. */
  @Test
  public void streamRoundTrip64MiB() throws Exception {
    String key = prefix + "roundtrip-64m";
    long size = 64 * MIB;
    PatternStream in = new PatternStream(size, 64);
    TransferResult up = tm.upload(in, bucket, key).get();
    assertEquals(size, up.size());
    assertEquals(size, in.position);
    assertTrue("13 parts of 5 MiB: " + up.etag(), up.etag().endsWith("-13\""));
    assertTrue(up.checksum(), up.checksum().startsWith("CRC32:"));
    assertEquals("every read ran on the waiting thread", Collections.singleton(Thread.currentThread()),
        in.readers);
    Map<String, String> head = head(key);
    assertEquals(String.valueOf(size), head.get("content-length"));
    assertEquals(up.etag(), head.get("etag"));

    VerifyingStream out = new VerifyingStream(64);
    TransferResult down = tm.download(bucket, key, out).get();
    assertEquals(size, down.size());
    assertEquals(size, out.position);
    assertEquals(Collections.singleton(Thread.currentThread()), out.writers);
    tm.delete(bucket, key).get();
  }

  /** A multipart file upload's progress ends at exactly the size; so do a stream's and a download's. */
  @Test
  public void multipartProgressReachesExactlySize() throws Exception {
    long size = 12 * MIB + 123; // 3 parts of 5 MiB
    Path file = Files.createTempFile("xfer-java-", ".bin");
    Path back = file.resolveSibling(file.getFileName() + ".back");
    try {
      try (InputStream in = new PatternStream(size, 7);
          OutputStream os = Files.newOutputStream(file)) {
        in.transferTo(os);
      }
      String key = prefix + "progress";
      ProgressLog log = new ProgressLog();
      TransferResult r = tm.upload(file, bucket, key, TransferOption.progress(log)).get();
      log.assertEndsAt(size);
      assertTrue(r.etag(), r.etag().endsWith("-3\""));
      assertEquals(String.valueOf(size), head(key).get("content-length"));

      ProgressLog streamLog = new ProgressLog();
      tm.upload(new PatternStream(size, 7), bucket, key + "-stream", TransferOption.progress(streamLog))
          .get();
      streamLog.assertEndsAt(size);

      ProgressLog downLog = new ProgressLog();
      TransferFuture df = tm.download(bucket, key, back, TransferOption.progress(downLog));
      assertThrows("12 MiB do not come in 1 ms", TimeoutException.class,
          () -> df.get(1, TimeUnit.MILLISECONDS));
      assertFalse(df.isDone());
      TransferResult d = df.get();
      downLog.assertEndsAt(size);
      assertEquals(size, d.size());
      assertEquals(-1L, Files.mismatch(file, back));
      tm.delete(bucket, key).get();
      tm.delete(bucket, key + "-stream").get();
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(back);
    }
  }

  /** A missing key is a ServiceException with NoSuchKey, HTTP 404 and a request id. */
  @Test
  public void missingKeyIsServiceExceptionWithNoSuchKey() throws Exception {
    String key = prefix + "no-such-key";
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> tm.download(bucket, key, new ByteArrayOutputStream()).get());
    assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ServiceException);
    ServiceException se = (ServiceException) e.getCause();
    assertEquals("NoSuchKey", se.getS3Code());
    assertEquals(404, se.getHttpStatus());
    assertEquals(Status.SERVICE, se.getStatus());
    assertNotNull(se.getRequestId());
    assertTrue(se.getMessage(), se.getMessage().contains(key));

    Path target = Files.createTempDirectory("xfer-java-").resolve("missing.bin");
    ServiceException direct = assertThrows(ServiceException.class,
        () -> tm.download(bucket, key, target).join());
    assertEquals("NoSuchKey", direct.getS3Code());
    assertFalse(Files.exists(target));
    Files.delete(target.getParent());
  }

  /** cancel() from another thread, while the waiter is inside the read callback, aborts the upload. */
  @Test
  public void cancelLeavesNoOpenMultipartUpload() throws Exception {
    String key = prefix + "cancelled";
    PatternStream in = new PatternStream(1L << 30, 3).throttleAfter(12 * MIB);
    TransferFuture f = tm.upload(in, bucket, key);
    // A timed get() returns on time even though the stream keeps the waiting thread busy.
    long t1 = System.nanoTime();
    assertThrows(TimeoutException.class, () -> f.get(200, TimeUnit.MILLISECONDS));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
    log("get(200 ms) timed out after " + ms + " ms at byte " + in.position);
    assertTrue("get(200 ms) took " + ms + " ms", ms < 5_000);
    assertFalse(f.isDone());
    Waiter w = Waiter.start(f);
    awaitOpenUpload(in, key);
    log("cancel() at byte " + in.position);
    assertTrue(f.cancel(true));
    assertTrue(f.isCancelled());
    assertTrue(f.isDone());
    assertFalse("a second cancel does nothing", f.cancel(true));
    w.thread.join(30_000);
    log("waiter done: " + w.thrown.get());
    assertFalse(w.thread.isAlive());
    assertTrue(String.valueOf(w.thrown.get()), w.thrown.get() instanceof CancellationException);
    assertThrows(CancellationException.class, f::get);
    assertNoUploadNorObject(key);
    f.close();
  }

  /** Interrupting the thread waiting in get() cancels the transfer and aborts the upload. */
  @Test
  public void interruptingTheWaiterCancels() throws Exception {
    String key = prefix + "interrupted";
    PatternStream in = new PatternStream(1L << 30, 4).throttleAfter(12 * MIB);
    TransferFuture f = tm.upload(in, bucket, key);
    Waiter w = Waiter.start(f);
    awaitOpenUpload(in, key);
    long t1 = System.nanoTime();
    log("interrupt() at byte " + in.position);
    w.thread.interrupt();
    w.thread.join(30_000);
    log("waiter done: " + w.thrown.get());
    assertFalse(w.thread.isAlive());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
    assertTrue(String.valueOf(w.thrown.get()), w.thrown.get() instanceof InterruptedException);
    assertTrue("get() returned " + ms + " ms after the interrupt", ms < 10_000);
    assertTrue(f.isCancelled());
    assertTrue(f.isDone());
    assertThrows(CancellationException.class, f::get);
    assertThrows(CancelledException.class, f::join);
    assertNoUploadNorObject(key);
  }

  /** 8 Java threads run round trips at once on one manager; callbacks stay on their own thread. */
  @Test
  public void eightThreadsOnOneManager() throws Exception {
    int n = 8;
    CyclicBarrier start = new CyclicBarrier(n);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      final int id = i;
      Thread t = new Thread(() -> {
        try {
          String key = prefix + "threads/" + id;
          long size = 6 * MIB + 1000 * id;
          PatternStream in = new PatternStream(size, 100 + id);
          start.await();
          TransferResult up = tm.upload(in, bucket, key).get();
          assertEquals(size, up.size());
          assertEquals(Collections.singleton(Thread.currentThread()), in.readers);
          VerifyingStream out = new VerifyingStream(100 + id);
          assertEquals(size, tm.download(bucket, key, out).get().size());
          assertEquals(size, out.position);
          assertEquals(Collections.singleton(Thread.currentThread()), out.writers);
          tm.delete(bucket, key).get();
        } catch (Throwable e) {
          errors.add(e);
        }
      }, "xfer-test-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(100_000);
      assertFalse(t.getName() + " hangs", t.isAlive());
    }
    if (!errors.isEmpty()) {
      AssertionError e = new AssertionError(errors.size() + " of " + n + " threads failed");
      errors.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** An InputStream that throws fails its upload with that very exception. */
  @Test
  public void throwingInputStreamFailsItsTransfer() throws Exception {
    String key = prefix + "throwing-reader";
    IOException boom = new IOException("boom at 7 MiB");
    PatternStream in = new PatternStream(20 * MIB, 5).throwAt(7 * MIB, boom);
    TransferFuture f = tm.upload(in, bucket, key);
    ExecutionException e = assertThrows(ExecutionException.class, f::get);
    assertSame(boom, e.getCause());
    assertFalse(f.isCancelled());
    XferIOException wrapped = assertThrows(XferIOException.class, f::join);
    assertSame(boom, wrapped.getCause());
    assertFalse(objectExists(key));

    // An unchecked exception comes back as is from join().
    IllegalStateException bad = new IllegalStateException("bad reader");
    PatternStream in2 = new PatternStream(20 * MIB, 5).throwAt(MIB, bad);
    assertSame(bad, assertThrows(IllegalStateException.class,
        () -> tm.upload(in2, bucket, key + "-2").join()));
    assertNoUploadNorObject(key + "-2"); // failed before the multipart upload began

    // The manager still works afterwards.
    assertEquals(3, tm.upload(new ByteArrayInputStream(new byte[] {1, 2, 3}), bucket, key + "-ok")
        .get().size());
    tm.delete(bucket, key + "-ok").get();
  }

  /**
   * An upload whose stream fails right after its first part (while CreateMultipartUpload is in
   * flight) leaves no multipart upload open.
   */
  @Test
  public void failedStreamUploadLeavesNoOpenUpload() throws Exception {
    String key = prefix + "throwing-reader-at-part-2";
    IOException boom = new IOException("boom at the start of part 2");
    PatternStream in = new PatternStream(20 * MIB, 6).throwAt(5 * MIB, boom);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> tm.upload(in, bucket, key).get());
    assertSame(boom, e.getCause());
    assertNoUploadNorObject(key);
  }

  /** A throwing OutputStream or ProgressListener fails its transfer with what it threw. */
  @Test
  public void throwingWriterAndListenerFailTheirTransfer() throws Exception {
    String key = prefix + "throwing-writer";
    tm.upload(new PatternStream(11 * MIB, 9), bucket, key).get();
    IOException full = new IOException("disk full");
    OutputStream out = new OutputStream() {
      long n;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        n += len;
        if (n > 3 * MIB) {
          throw full;
        }
      }
    };
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> tm.download(bucket, key, out).get());
    assertSame(full, e.getCause());

    RuntimeException listenerError = new RuntimeException("listener says no");
    ExecutionException e2 = assertThrows(ExecutionException.class,
        () -> tm.upload(new PatternStream(11 * MIB, 9), bucket, key + "-listener",
            TransferOption.progress((done, total) -> {
              if (done > 0) {
                throw listenerError;
              }
            })).get());
    assertSame(listenerError, e2.getCause());
    assertNoUploadNorObject(key + "-listener");
    tm.delete(bucket, key).get();
  }

  /** Copy, delete, extra arguments and metadata reach the server. */
  @Test
  public void copyDeleteAndExtraArgs() throws Exception {
    String key = prefix + "small.txt";
    byte[] data = "hello from java".getBytes(StandardCharsets.UTF_8);
    tm.upload(new ByteArrayInputStream(data), bucket, key, TransferOption.contentType("text/plain"),
        TransferOption.metadata("origin", "junit")).get();
    Map<String, String> head = head(key);
    assertEquals("text/plain", head.get("content-type"));
    assertEquals("junit", head.get("x-amz-meta-origin"));

    TransferResult c = tm.copy(bucket, key, bucket, key + ".copy").get();
    assertNotNull(c.etag());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tm.download(bucket, key + ".copy", out).get();
    assertArrayEquals(data, out.toByteArray());

    tm.delete(bucket, key).get();
    tm.delete(bucket, key + ".copy").get();
    ServiceException se = assertThrows(ServiceException.class,
        () -> tm.download(bucket, key + ".copy", new ByteArrayOutputStream()).join());
    assertEquals("NoSuchKey", se.getS3Code());
  }

  /**
   * uploadChunked sends signed aws-chunked bodies. Swift's s3api answers them 501
   * NotImplemented, which a plain upload never gets: the typed error shows the request went out
   * aws-chunked. On a server that verifies the chunks (radosgw) the bytes come back whole.
   * Either way no multipart upload stays open.
   */
  @Test
  public void uploadChunkedSendsAwsChunkedBodies() throws Exception {
    boolean swift = "swift".equals(env.get("XFER_TEST_SERVER"));
    try (TransferManager chunked = TransferManager.builder()
        .endpoint(env.get("XFER_TEST_ENDPOINT"))
        .region(env.get("XFER_TEST_REGION"))
        .credentials(env.get("XFER_TEST_ACCESS_KEY"), env.get("XFER_TEST_SECRET_KEY"))
        .multipartChunksize(5 * MIB)
        .multipartThreshold(5 * MIB)
        .awsChunkSize(64 * 1024)
        .build()) {
      for (long size : new long[] {MIB, 5 * MIB + 12345}) { // one PUT; two parts
        String key = prefix + "aws-chunked-" + size;
        PatternStream in = new PatternStream(size, 21);
        ProgressLog log = new ProgressLog();
        TransferFuture f = chunked.uploadChunked(in, size, bucket, key, TransferOption.progress(log));
        if (swift) {
          ServiceException se = assertThrows(ServiceException.class, f::join);
          assertEquals(501, se.getHttpStatus());
          assertEquals("NotImplemented", se.getS3Code());
          assertNoUploadNorObject(key);
        } else {
          TransferResult r = f.get();
          assertEquals(size, r.size());
          assertEquals(null, r.checksum()); // the chunk signatures protect the bytes
          log.assertEndsAt(size);
          VerifyingStream out = new VerifyingStream(21);
          chunked.download(bucket, key, out).get();
          assertEquals(size, out.position);
          chunked.delete(bucket, key).get();
          assertFalse(uploadOpen(key));
        }
      }
    }
    assertThrows(InvalidArgumentException.class,
        () -> tm.uploadChunked(new ByteArrayInputStream(new byte[0]), -1, bucket, prefix + "neg"));
    assertThrows(InvalidArgumentException.class,
        () -> TransferManager.builder().awsChunkSize(100).build()); // below S3's 8 KiB
  }

  /** Bad arguments and a closed manager fail at once with typed exceptions. */
  @Test
  public void badArgumentsAndClosedManager() throws Exception {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> tm.upload(new ByteArrayInputStream(new byte[1]), bucket, prefix + "x",
            TransferOption.extraArg("NoSuchArgument", "1")));
    assertTrue(e.getMessage(), e.getMessage().contains("NoSuchArgument"));
    assertThrows(InvalidArgumentException.class, () -> tm.delete(bucket, ""));
    assertThrows(InvalidArgumentException.class,
        () -> TransferManager.builder().checksumAlgorithm("MD4").build());
    assertEquals(TransferManager.bindingVersion(), TransferManager.nativeVersion());

    // Closing a manager cancels what runs on it, also while a thread waits.
    TransferManager other = newManager();
    String key = prefix + "closed-manager";
    PatternStream in = new PatternStream(1L << 30, 11).throttleAfter(12 * MIB);
    TransferFuture f = other.upload(in, bucket, key);
    TransferFuture nobodyWaits = other.upload(new PatternStream(MIB, 12), bucket, key + "-idle");
    Waiter w = Waiter.start(f);
    awaitOpenUpload(in, key);
    log("closing a manager with a running upload");
    other.close();
    log("closed");
    other.close();
    w.thread.join(30_000);
    assertTrue(String.valueOf(w.thrown.get()), w.thrown.get() instanceof CancellationException);
    assertThrows(StateException.class, () -> other.delete(bucket, prefix + "x"));
    assertThrows(CancellationException.class, f::get);
    assertTrue(f.isCancelled());
    f.close();
    assertNoUploadNorObject(key);
    // A stream upload nobody waited on never read its stream; close() freed it as cancelled.
    assertTrue(nobodyWaits.isDone());
    assertThrows(CancellationException.class, nobodyWaits::get);
    assertNoUploadNorObject(key + "-idle");
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Logs a step of a test with the time since the test started. */
  private static void log(String what) {
    System.out.printf("  %6d ms  %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), what);
  }

  /** The test server's settings: the env file of tests/servers/start.sh, or the environment. */
  private static Map<String, String> loadEnv() throws IOException {
    Map<String, String> m = new HashMap<>();
    String file = System.getenv("XFER_TEST_ENV_FILE");
    if (System.getenv("XFER_TEST_ENDPOINT") == null && file != null) {
      for (String line : Files.readAllLines(Paths.get(file))) {
        line = line.trim();
        if (line.startsWith("export ")) {
          line = line.substring(7);
        }
        int eq = line.indexOf('=');
        if (line.startsWith("#") || eq <= 0) {
          continue;
        }
        String v = line.substring(eq + 1);
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"')
            && v.charAt(v.length() - 1) == v.charAt(0)) {
          v = v.substring(1, v.length() - 1);
        }
        m.put(line.substring(0, eq), v);
      }
    } else {
      System.getenv().forEach((k, v) -> {
        if (k.startsWith("XFER_TEST_")) {
          m.put(k, v);
        }
      });
    }
    for (String k : new String[] {"XFER_TEST_ENDPOINT", "XFER_TEST_ACCESS_KEY",
        "XFER_TEST_SECRET_KEY", "XFER_TEST_REGION", "XFER_TEST_BUCKET", "XFER_TEST_S3CHECK"}) {
      if (m.get(k) == null) {
        throw new IllegalStateException(k + " is not set: run through CTest (XFER_TEST_ENV_FILE)");
      }
    }
    return m;
  }

  /** Runs tests/servers/s3check.py, the independent S3 client; returns its JSON output. */
  private static String s3check(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("/usr/bin/python3");
    cmd.add(env.get("XFER_TEST_S3CHECK"));
    Collections.addAll(cmd, args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0 && rc != 1) {
      throw new IOException("s3check " + String.join(" ", args) + " failed: " + rc);
    }
    return out;
  }

  /** The lower-cased response headers of a HEAD, as the server answers it. */
  private static Map<String, String> head(String key) throws IOException, InterruptedException {
    String json = s3check("head", bucket, key);
    Map<String, String> h = new HashMap<>();
    Matcher m = Pattern.compile("\"([a-z0-9-]+)\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    while (m.find()) {
      h.put(m.group(1), m.group(2).replace("\\\"", "\""));
    }
    return h;
  }

  private static boolean uploadOpen(String key) throws IOException, InterruptedException {
    boolean open = s3check("list-uploads", bucket).contains("\"" + key + "\"");
    log("list-uploads: " + (open ? "open" : "none") + " for " + key);
    return open;
  }

  /** Waits until the stream has been read past its throttle and the server lists the upload. */
  private static void awaitOpenUpload(PatternStream in, String key) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (in.position < in.throttleAfter || !uploadOpen(key)) {
      assertTrue("no multipart upload opened for " + key, System.nanoTime() < deadline);
      Thread.sleep(20);
    }
  }

  private static boolean objectExists(String key) throws Exception {
    return s3check("list-objects", bucket, key).contains("\"" + key + "\"");
  }

  private static void assertNoUploadNorObject(String key) throws Exception {
    assertFalse("a multipart upload stayed open for " + key, uploadOpen(key));
    assertFalse("an object was stored at " + key, objectExists(key));
  }

  /** A thread blocked in get(), keeping what it threw. */
  private static final class Waiter {
    final AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread;

    static Waiter start(TransferFuture f) {
      Waiter w = new Waiter();
      w.thread = new Thread(() -> {
        try {
          f.get();
          w.thrown.set(new AssertionError("get() returned normally"));
        } catch (Throwable e) {
          w.thrown.set(e);
        }
      }, "xfer-waiter");
      w.thread.start();
      return w;
    }
  }

  /** Records progress and checks it: never decreasing, ending at exactly the size. */
  private static final class ProgressLog implements ProgressListener {
    final List<long[]> calls = new ArrayList<>();
    Thread thread;

    @Override
    public void onProgress(long done, long total) {
      if (thread == null) {
        thread = Thread.currentThread();
      }
      assertSame(thread, Thread.currentThread());
      calls.add(new long[] {done, total});
    }

    void assertEndsAt(long size) {
      assertFalse("no progress at all", calls.isEmpty());
      assertSame(Thread.currentThread(), thread);
      long prev = 0;
      for (long[] c : calls) {
        assertTrue("progress went back: " + c[0] + " < " + prev, c[0] >= prev);
        assertTrue("done " + c[0] + " > total " + c[1], c[1] == -1 || c[0] <= c[1]);
        assertTrue("total " + c[1], c[1] == -1 || c[1] == size);
        prev = c[0];
      }
      long[] last = calls.get(calls.size() - 1);
      assertEquals(size, last[0]);
      assertEquals(size, last[1]);
    }
  }

  /** The byte at position i of the pattern for seed s, as PatternStream makes it. */
  private static long word(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A deterministic stream of pseudo-random bytes, optionally throttled or failing. */
  private static final class PatternStream extends InputStream {
    final long size;
    final long seed;
    final java.util.Set<Thread> readers = Collections.synchronizedSet(new java.util.HashSet<>());
    volatile long position;
    long throttleAfter = Long.MAX_VALUE;
    long throwAt = Long.MAX_VALUE;
    Exception toThrow;

    PatternStream(long size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    /** After this many bytes, reads return 64 KiB at most every 20 ms (unless interrupted). */
    PatternStream throttleAfter(long bytes) {
      this.throttleAfter = bytes;
      return this;
    }

    /** Throws {@code e} (an IOException or a RuntimeException) when a read reaches {@code at}. */
    PatternStream throwAt(long at, Exception e) {
      this.throwAt = at;
      this.toThrow = e;
      return this;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      readers.add(Thread.currentThread());
      if (len == 0) {
        return 0;
      }
      long pos = position;
      if (pos >= size) {
        return -1;
      }
      if (pos >= throwAt) {
        if (toThrow instanceof IOException) {
          throw (IOException) toThrow;
        }
        throw (RuntimeException) toThrow;
      }
      long limit = Math.min(size, throwAt);
      if (pos >= throttleAfter) {
        LockSupport.parkNanos(20_000_000);
        limit = Math.min(limit, pos + 65536);
      } else {
        limit = Math.min(limit, throttleAfter);
      }
      int n = (int) Math.min(len, limit - pos);
      fill(seed, pos, b, off, n);
      position = pos + n;
      return n;
    }
  }

  /** Fills b[off, off+n) with the pattern bytes at [pos, pos+n). */
  private static void fill(long seed, long pos, byte[] b, int off, int n) {
    int i = 0;
    while (i < n) {
      long p = pos + i;
      long w = word(seed, p >>> 3);
      int shift = (int) (p & 7);
      for (int k = shift; k < 8 && i < n; k++, i++) {
        b[off + i] = (byte) (w >>> (8 * k));
      }
    }
  }

  /** An OutputStream checking that it receives exactly the pattern of a seed. */
  private static final class VerifyingStream extends OutputStream {
    final long seed;
    final java.util.Set<Thread> writers = Collections.synchronizedSet(new java.util.HashSet<>());
    long position;
    private byte[] expected = new byte[0];

    VerifyingStream(long seed) {
      this.seed = seed;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writers.add(Thread.currentThread());
      if (expected.length < len) {
        expected = new byte[len];
      }
      fill(seed, position, expected, 0, len);
      if (java.util.Arrays.mismatch(b, off, off + len, expected, 0, len) >= 0) {
        fail("downloaded bytes differ near offset " + position);
      }
      position += len;
    }
  }
}
