// TransferOption.java: per-transfer options: boto3 ExtraArgs, metadata and a progress listener.
package io.xfer;

import java.util.Objects;

/**
 * An option of one transfer: an extra argument named as boto3's ExtraArgs ("ContentType",
 * "VersionId", "SSECustomerKey", ...), a metadata entry, or a progress listener. An unknown or
 * misplaced name fails the call with {@link InvalidArgumentException} before any request.
 */
public final class TransferOption {
  enum Kind {
    EXTRA_ARG,
    METADATA,
    PROGRESS
  }

  final Kind kind;
  final String name;
  final String value;
  final ProgressListener listener;

  private TransferOption(Kind kind, String name, String value, ProgressListener listener) {
    this.kind = kind;
    this.name = name;
    this.value = value;
    this.listener = listener;
  }

  /** An extra argument, e.g. {@code extraArg("ContentType", "text/plain")}. */
  public static TransferOption extraArg(String name, String value) {
    return new TransferOption(Kind.EXTRA_ARG, Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(value, "value"), null);
  }

  /** The ContentType extra argument. */
  public static TransferOption contentType(String value) {
    return extraArg("ContentType", value);
  }

  /** One entry of "Metadata", sent as the header x-amz-meta-KEY. */
  public static TransferOption metadata(String key, String value) {
    return new TransferOption(Kind.METADATA, Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(value, "value"), null);
  }

  /** A progress listener (if several are given, the last one is used). */
  public static TransferOption progress(ProgressListener listener) {
    return new TransferOption(Kind.PROGRESS, null, null, Objects.requireNonNull(listener, "listener"));
  }
}
