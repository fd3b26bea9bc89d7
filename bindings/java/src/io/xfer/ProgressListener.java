// ProgressListener.java: the progress callback of a transfer, (bytes done, bytes total).
package io.xfer;

/**
 * Receives the progress of one transfer.
 *
 * <p>It runs on the thread waiting in {@link TransferFuture#get()}, never on a libxfer worker
 * thread, about every 100 ms while the numbers change and once more before the wait ends.
 * {@code bytesDone} never decreases and equals {@code bytesTotal} when the transfer succeeds.
 * An exception thrown here fails the transfer: {@code get()} throws an
 * {@link java.util.concurrent.ExecutionException} whose cause is that exception.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * @param bytesDone bytes transferred so far
   * @param bytesTotal the size, or -1 while unknown (a stream before its end)
   */
  void onProgress(long bytesDone, long bytesTotal);
}
