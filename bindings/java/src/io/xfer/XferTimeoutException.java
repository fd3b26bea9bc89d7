// XferTimeoutException.java: a libxfer operation that timed out (XFER_ETIMEDOUT as a final status).
package io.xfer;

/** A libxfer operation timed out. */
public class XferTimeoutException extends XferException {
  private static final long serialVersionUID = 1L;

  public XferTimeoutException(String message, int httpStatus, String s3Code, String requestId) {
    super(Status.TIMED_OUT, message, httpStatus, s3Code, requestId, null);
  }
}
