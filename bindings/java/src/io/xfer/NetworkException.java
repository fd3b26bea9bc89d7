// NetworkException.java: the server could not be reached, or the connection failed after the retries.
package io.xfer;

/** The server could not be reached, or the connection failed after the retries. */
public class NetworkException extends XferException {
  private static final long serialVersionUID = 1L;

  public NetworkException(String message, int httpStatus, String s3Code, String requestId) {
    super(Status.NETWORK, message, httpStatus, s3Code, requestId, null);
  }
}
