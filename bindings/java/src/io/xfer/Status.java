// Status.java: the libxfer status codes (xfer_status) as a Java enum.
package io.xfer;

/** How a libxfer call or transfer ended; the values of the C API's {@code xfer_status}. */
public enum Status {
  /** A transfer still running. */
  PENDING(1),
  /** Success. */
  OK(0),
  /** A bad argument or setting ({@code XFER_EINVAL}). */
  INVALID_ARGUMENT(-1),
  /** Out of memory ({@code XFER_ENOMEM}). */
  OUT_OF_MEMORY(-2),
  /** A local file, stream or callback failed ({@code XFER_EIO}). */
  IO(-3),
  /** No connection, a reset or a timeout talking to the server ({@code XFER_ENETWORK}). */
  NETWORK(-4),
  /** The service answered with an error ({@code XFER_ESERVICE}). */
  SERVICE(-5),
  /** Data did not match its checksum ({@code XFER_ECHECKSUM}). */
  CHECKSUM(-6),
  /** The transfer was cancelled ({@code XFER_ECANCELLED}). */
  CANCELLED(-7),
  /** Timed out ({@code XFER_ETIMEDOUT}). */
  TIMED_OUT(-8),
  /** The manager was shut down, or a call came at the wrong time ({@code XFER_ESTATE}). */
  STATE(-9),
  /** A bug in libxfer ({@code XFER_EINTERNAL}). */
  INTERNAL(-10);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  /** The C value of this status. */
  public int code() {
    return code;
  }

  /** The status with this C value; {@link #INTERNAL} for an unknown one. */
  public static Status of(int code) {
    for (Status s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return INTERNAL;
  }
}
