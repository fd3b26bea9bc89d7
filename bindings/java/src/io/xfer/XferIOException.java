// XferIOException.java: a local file, stream or callback that failed.
package io.xfer;

/** A local file, stream or callback failed. */
public class XferIOException extends XferException {
  private static final long serialVersionUID = 1L;

  public XferIOException(String message, Throwable cause) {
    super(Status.IO, message, cause);
  }
}
