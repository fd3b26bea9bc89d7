// ServiceException.java: the error answer of the service (S3 code such as NoSuchKey, HTTP status, request id).
package io.xfer;

/** The service answered with an error: see getS3Code() (e.g. NoSuchKey), getHttpStatus() and getRequestId(). */
public class ServiceException extends XferException {
  private static final long serialVersionUID = 1L;

  public ServiceException(String message, int httpStatus, String s3Code, String requestId) {
    super(Status.SERVICE, message, httpStatus, s3Code, requestId, null);
  }
}
