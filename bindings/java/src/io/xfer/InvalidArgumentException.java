// InvalidArgumentException.java: a bad argument or setting, found before any request was sent.
package io.xfer;

/** A bad argument or setting, found before any request was sent. */
public class InvalidArgumentException extends XferException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(Status.INVALID_ARGUMENT, message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(Status.INVALID_ARGUMENT, message, cause);
  }
}
