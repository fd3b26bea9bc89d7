// CancelledException.java: a cancelled transfer (cancel(), an interrupt, a progress listener, closing the manager).
package io.xfer;

/** The transfer was cancelled (cancel(), an interrupt, a progress listener or closing the manager). */
public class CancelledException extends XferException {
  private static final long serialVersionUID = 1L;

  public CancelledException(String message) {
    super(Status.CANCELLED, message);
  }

  public CancelledException(String message, Throwable cause) {
    super(Status.CANCELLED, message, cause);
  }
}
