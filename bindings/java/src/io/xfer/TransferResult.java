// TransferResult.java: what a successful transfer returns: ETag, version id, checksum, size.
package io.xfer;

/** The result of a successful transfer. */
public final class TransferResult {
  private final String etag;
  private final String versionId;
  private final String checksum;
  private final long size;

  TransferResult(String etag, String versionId, String checksum, long size) {
    this.etag = etag;
    this.versionId = versionId;
    this.checksum = checksum;
    this.size = size;
  }

  /** The ETag in double quotes ("...-3" for a multipart object), or null if the server gave none. */
  public String etag() {
    return etag;
  }

  /** The version id of the object written on a versioned bucket, or null. */
  public String versionId() {
    return versionId;
  }

  /** The full-object checksum of an upload, "ALGORITHM:BASE64" (e.g. "CRC32:AAAAAA=="), or null. */
  public String checksum() {
    return checksum;
  }

  /** The size of the object transferred, in bytes. */
  public long size() {
    return size;
  }

  @Override
  public String toString() {
    return "TransferResult{etag=" + etag + ", versionId=" + versionId + ", checksum=" + checksum
        + ", size=" + size + "}";
  }
}
