// NativeCallbacks.java: the object libxfer_jni's trampolines call on the waiting thread: stream reads, stream writes and progress of one transfer.
package io.xfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The callbacks of one transfer. The C trampolines of bindings/swig/xfer_java.i call
 * {@link #read}, {@link #write} and {@link #progress} through JNI, only on a Java thread that is
 * inside {@code xfer_future_wait} (in {@link TransferFuture#get()}), one at a time. Whatever
 * they throw is caught by the trampoline, fails the transfer, and becomes the cause of the
 * {@link java.util.concurrent.ExecutionException} of {@code get()}.
 *
 * <p>Bytes cross between the Java heap and the native part buffer exactly once: the
 * {@link ByteBuffer}s are direct buffers over libxfer's own memory, valid only during the call,
 * filled from (or drained into) one reusable scratch array per transfer.
 */
final class NativeCallbacks {
  /** The largest scratch array: enough to keep the number of JNI calls low. */
  private static final int MAX_SCRATCH = 1 << 20;

  private final InputStream in;
  private final OutputStream out;
  private final ProgressListener listener;
  private byte[] scratch;
  private long nextOffset;
  private volatile TransferFuture owner;

  NativeCallbacks(InputStream in, OutputStream out, ProgressListener listener) {
    this.in = in;
    this.out = out;
    this.listener = listener;
  }

  /** The future these callbacks belong to; set before anyone can wait on it. */
  void owner(TransferFuture owner) {
    this.owner = owner;
  }

  /**
   * Whether the waiting thread has been interrupted; if so, cancels the transfer. libxfer may
   * run many callbacks in one wait (a stream keeps asking for data), so the interrupt is looked
   * for here as well as between waits. The flag stays set for get() to throw
   * InterruptedException.
   */
  private boolean interrupted() {
    if (!Thread.currentThread().isInterrupted()) {
      return false;
    }
    if (owner != null) {
      owner.cancel(true);
    }
    return true;
  }

  private byte[] scratch(int wanted) {
    int size = Math.max(1, Math.min(wanted, MAX_SCRATCH));
    if (scratch == null || scratch.length < size) {
      scratch = new byte[size];
    }
    return scratch;
  }

  /**
   * Fills {@code buf} (a part buffer of libxfer) with one read of the stream. Returns the number
   * of bytes put (short reads are normal: libxfer calls again until the part is full, and looks
   * for a cancellation in between), 0 only at the end of the stream, -1 after cancelling the
   * transfer because the waiting thread was interrupted.
   */
  int read(ByteBuffer buf) throws IOException {
    if (interrupted()) {
      return -1;
    }
    if (in == null) {
      throw new IllegalStateException("read callback without an InputStream");
    }
    byte[] a = scratch(buf.remaining());
    for (;;) {
      int n = in.read(a, 0, Math.min(a.length, buf.remaining()));
      if (n < 0) {
        return 0;
      }
      if (n > 0) {
        buf.put(a, 0, n);
        return n;
      }
    }
  }

  /** Writes {@code data} (libxfer's bytes at {@code offset}, in order) to the stream. */
  void write(ByteBuffer data, long offset) throws IOException {
    if (interrupted()) {
      return;
    }
    if (out == null) {
      throw new IllegalStateException("write callback without an OutputStream");
    }
    if (offset != nextOffset) {
      throw new IOException("write at offset " + offset + ", expected " + nextOffset);
    }
    int len = data.remaining();
    byte[] a = scratch(len);
    while (data.hasRemaining()) {
      int n = Math.min(a.length, data.remaining());
      data.get(a, 0, n);
      out.write(a, 0, n);
    }
    nextOffset += len;
  }

  /** Reports progress; total is -1 while unknown. */
  void progress(long done, long total) {
    if (!interrupted() && listener != null) {
      listener.onProgress(done, total);
    }
  }
}
