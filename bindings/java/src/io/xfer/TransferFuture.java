// TransferFuture.java: one submitted transfer as a java.util.concurrent.Future; waiting drives its callbacks, interrupting the waiter cancels it.
package io.xfer;

import io.xfer.internal.SWIGTYPE_p_void;
import io.xfer.internal.SWIGTYPE_p_xfer_future;
import io.xfer.internal.xfer;
import io.xfer.internal.xfer_status;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A transfer submitted to a {@link TransferManager}.
 *
 * <p>Waiting ({@link #get()}, {@link #get(long, TimeUnit)}, {@link #join()}) is what runs the
 * transfer's callbacks: the InputStream of an upload is read, the OutputStream of a download
 * written and the {@link ProgressListener} called on the waiting thread, never on a libxfer
 * worker. A stream upload therefore moves only while some thread waits. Several threads may
 * wait at once; they take turns.
 *
 * <p>Interrupting the waiting thread cancels the transfer: {@code get()} then returns once the
 * transfer has stopped (an open multipart upload aborted) by throwing
 * {@link InterruptedException}, and later calls throw {@link CancellationException}.
 *
 * <p>The native future is freed as soon as the outcome is known, by {@link #close()}, or at the
 * latest by {@link TransferManager#close()}; nothing relies on finalizers. Closing a running
 * transfer cancels it.
 */
public final class TransferFuture implements Future<TransferResult>, AutoCloseable {
  /** How long one native wait lasts before the thread looks at its interrupt flag again. */
  private static final long SLICE_MS = 50;

  private final String description;
  /** The manager's futures not freed yet; this one leaves it when freed. */
  private final Set<TransferFuture> live;
  /** Held by the thread inside xfer_future_wait: one at a time, and never during a free. */
  private final ReentrantLock driver = new ReentrantLock();
  /** Guards {@link #handle} between xfer_future_cancel (any thread) and xfer_future_free. */
  private final Object handleLock = new Object();

  private SWIGTYPE_p_xfer_future handle; // null once freed
  private SWIGTYPE_p_void callbacks; // libxfer_jni's state for NativeCallbacks, or null
  private volatile Thread drivingThread;
  private volatile boolean cancelRequested;
  private volatile boolean done;
  // Written before done is set, read after it is seen:
  private TransferResult result;
  private Throwable failure;
  private boolean cancelled;

  TransferFuture(String description, SWIGTYPE_p_xfer_future handle, SWIGTYPE_p_void callbacks,
      Set<TransferFuture> live) {
    this.description = description;
    this.live = live;
    this.handle = handle;
    this.callbacks = callbacks;
  }

  /**
   * Cancels the transfer: in-flight requests stop within about 100 ms and an open multipart
   * upload is aborted. Safe from any thread, including from a callback of this transfer.
   *
   * @param mayInterruptIfRunning ignored: the transfer always stops
   * @return false if the transfer had already ended or been cancelled
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    synchronized (handleLock) {
      if (done || cancelRequested) {
        return false;
      }
      cancelRequested = true;
      if (handle != null) {
        xfer.xfer_future_cancel(handle);
      }
      return true;
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelRequested || (done && cancelled);
  }

  @Override
  public boolean isDone() {
    return done || cancelRequested;
  }

  /**
   * Waits for the transfer, running its callbacks on this thread.
   *
   * @throws InterruptedException if this thread was interrupted; the transfer is then cancelled
   * @throws ExecutionException if it failed: the cause is an {@link XferException}
   *     ({@link ServiceException} with getS3Code(), ...) or what a stream or listener threw
   * @throws CancellationException if it was cancelled
   */
  @Override
  public TransferResult get() throws InterruptedException, ExecutionException {
    await(-1);
    return report();
  }

  /**
   * Waits at most {@code timeout} for the transfer, running its callbacks on this thread. A
   * timeout does not stop the transfer.
   */
  @Override
  public TransferResult get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (!await(Math.max(0, unit.toNanos(timeout)))) {
      if (cancelRequested) {
        throw new CancellationException(description + ": cancelled");
      }
      throw new TimeoutException(description + ": still running after " + timeout + " " + unit);
    }
    return report();
  }

  /**
   * Waits for the transfer like {@link #get()}, throwing unchecked exceptions: the
   * {@link XferException} of a failure, what a stream or listener threw (a checked one wrapped
   * in an {@link XferIOException}), or {@link CancelledException} if it was cancelled or this
   * thread interrupted (the interrupt flag is then set again).
   */
  public TransferResult join() {
    try {
      return get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException(description + ": interrupted", e);
    } catch (CancellationException e) {
      throw new CancelledException(description + ": cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new XferIOException(description + ": " + cause, cause);
    }
  }

  /**
   * Cancels the transfer if it still runs and frees its native resources. Safe to call more
   * than once; does nothing once the outcome is known (get() keeps reporting it).
   */
  @Override
  public void close() {
    if (done) {
      return;
    }
    synchronized (handleLock) {
      if (handle != null) {
        xfer.xfer_future_cancel(handle); // wakes a thread waiting in get()
      }
    }
    if (drivingThread == Thread.currentThread()) {
      return; // called from a callback: the waiting thread frees it when the wait returns
    }
    driver.lock();
    try {
      if (done) {
        return;
      }
      xfer_status st = xfer.xfer_future_status(handle);
      if (st != xfer_status.XFER_PENDING) {
        finish(st);
        return;
      }
      cancelled = true;
      failure = new CancelledException(description + ": closed while running");
      free(); // cancels and waits for the workers, without running callbacks
    } finally {
      driver.unlock();
    }
  }

  /** Whether the calling thread is running a callback of this transfer. */
  boolean inCallback() {
    return drivingThread == Thread.currentThread();
  }

  @Override
  public String toString() {
    return "TransferFuture{" + description + (done ? ", done" : cancelRequested ? ", cancelled" : "")
        + "}";
  }

  /** Drives the native wait until the outcome is known; false if the timeout came first. */
  private boolean await(long timeoutNanos) throws InterruptedException {
    if (done) {
      return true;
    }
    if (drivingThread == Thread.currentThread()) {
      throw new IllegalStateException(description + ": get() from inside its own callback");
    }
    long deadline = System.nanoTime() + timeoutNanos;
    try {
      if (timeoutNanos < 0) {
        driver.lockInterruptibly();
      } else if (!driver.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
        return done;
      }
    } catch (InterruptedException e) {
      cancel(true);
      throw e;
    }
    try {
      drivingThread = Thread.currentThread();
      for (;;) {
        // Interrupted before this wait, between two, or inside a callback (which then cancelled
        // the transfer already): cancel, let it stop (an open multipart upload is aborted).
        if (Thread.interrupted()) {
          cancel(true);
          if (!done) {
            finish(xfer.xfer_future_wait(handle, -1)); // cancelled: ends within ~100 ms
          }
          throw new InterruptedException(description + ": interrupted; the transfer was cancelled");
        }
        if (done) {
          return true;
        }
        long sliceMs = SLICE_MS;
        if (timeoutNanos >= 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          sliceMs = Math.min(sliceMs, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
        }
        xfer_status st = xfer.xfer_future_wait(handle, sliceMs);
        if (st != xfer_status.XFER_ETIMEDOUT) {
          finish(st);
        } else if (xfer.xfer_future_done(handle) != 0) {
          // Ended between the slice's timeout and now, or ended with XFER_ETIMEDOUT itself.
          finish(xfer.xfer_future_status(handle));
        }
      }
    } finally {
      drivingThread = null;
      driver.unlock();
    }
  }

  /** Records the outcome of the ended native future, then frees it. Holds {@link #driver}. */
  private void finish(xfer_status st) {
    Throwable thrown = callbacks == null ? null : (Throwable) xfer.xfer_java_callbacks_error(callbacks);
    if (st == xfer_status.XFER_OK) {
      result = new TransferResult(xfer.xfer_future_etag(handle), xfer.xfer_future_version_id(handle),
          xfer.xfer_future_checksum(handle), xfer.xfer_future_size(handle));
    } else if (thrown != null) {
      failure = thrown;
    } else {
      Status status = Status.of(st.swigValue());
      String message = xfer.xfer_future_error_message(handle);
      failure = XferException.of(status, description + ": " + (message != null ? message : status),
          xfer.xfer_future_http_status(handle), xfer.xfer_future_s3_error_code(handle),
          xfer.xfer_future_request_id(handle));
      cancelled = status == Status.CANCELLED;
    }
    free();
  }

  /** Frees the native future and marks the outcome known (cancel() then returns false). */
  private void free() {
    synchronized (handleLock) {
      xfer.xfer_future_free(handle);
      handle = null;
      done = true;
    }
    if (callbacks != null) {
      xfer.xfer_java_callbacks_free(callbacks); // after the future: no trampoline runs any more
      callbacks = null;
    }
    live.remove(this);
  }

  private TransferResult report() throws ExecutionException {
    if (cancelRequested || cancelled) {
      CancellationException e = new CancellationException(description + ": cancelled");
      if (failure != null) {
        e.initCause(failure);
      }
      throw e;
    }
    if (failure != null) {
      throw new ExecutionException(failure.getMessage(), failure);
    }
    return result;
  }
}
