// StateException.java: a call on a closed manager, or at a time it is not allowed.
package io.xfer;

/** The manager is closed, or a call came at a time it is not allowed. */
public class StateException extends XferException {
  private static final long serialVersionUID = 1L;

  public StateException(String message) {
    super(Status.STATE, message);
  }

  public StateException(String message, Throwable cause) {
    super(Status.STATE, message, cause);
  }
}
