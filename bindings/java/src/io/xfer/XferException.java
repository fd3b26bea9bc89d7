// XferException.java: the unchecked base of every libxfer error, with status, HTTP status, S3 error code and request id.
package io.xfer;

/**
 * A libxfer error. Unchecked; the subclass says the kind ({@link ServiceException},
 * {@link NetworkException}, ...), the accessors give what the service said.
 */
public class XferException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status status;
  private final int httpStatus;
  private final String s3Code;
  private final String requestId;

  public XferException(Status status, String message) {
    this(status, message, 0, null, null, null);
  }

  public XferException(Status status, String message, Throwable cause) {
    this(status, message, 0, null, null, cause);
  }

  public XferException(Status status, String message, int httpStatus, String s3Code,
      String requestId, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.httpStatus = httpStatus;
    this.s3Code = s3Code;
    this.requestId = requestId;
  }

  /** The kind of failure. */
  public Status getStatus() {
    return status;
  }

  /** The HTTP status of the response that failed the transfer (404, 503, ...), or 0. */
  public int getHttpStatus() {
    return httpStatus;
  }

  /** The S3 error code ("NoSuchKey", "AccessDenied", ...), or null. */
  public String getS3Code() {
    return s3Code;
  }

  /** The request id the service gave with the error (x-amz-request-id), or null. */
  public String getRequestId() {
    return requestId;
  }

  /** The exception of the right subclass for a status. */
  static XferException of(Status status, String message, int httpStatus, String s3Code,
      String requestId) {
    if (message == null || message.isEmpty()) {
      message = status.name();
    }
    switch (status) {
      case INVALID_ARGUMENT:
        return new InvalidArgumentException(message);
      case IO:
        return new XferIOException(message, null);
      case NETWORK:
        return new NetworkException(message, httpStatus, s3Code, requestId);
      case SERVICE:
        return new ServiceException(message, httpStatus, s3Code, requestId);
      case CHECKSUM:
        return new ChecksumException(message, httpStatus, s3Code, requestId);
      case CANCELLED:
        return new CancelledException(message);
      case TIMED_OUT:
        return new XferTimeoutException(message, httpStatus, s3Code, requestId);
      case STATE:
        return new StateException(message);
      default:
        return new XferException(status, message, httpStatus, s3Code, requestId, null);
    }
  }
}
