// ChecksumException.java: data that did not match its checksum.
package io.xfer;

/** Data did not match its checksum. */
public class ChecksumException extends XferException {
  private static final long serialVersionUID = 1L;

  public ChecksumException(String message, int httpStatus, String s3Code, String requestId) {
    super(Status.CHECKSUM, message, httpStatus, s3Code, requestId, null);
  }
}
