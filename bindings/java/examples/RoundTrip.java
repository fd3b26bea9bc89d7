// RoundTrip.java: example: upload a generated stream with progress, download it back into memory, compare, delete; settings from the AWS_* environment.
import io.xfer.ServiceException;
import io.xfer.TransferFuture;
import io.xfer.TransferManager;
import io.xfer.TransferOption;
import io.xfer.TransferResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;

/**
 * Usage: {@code java -cp xfer.jar:xfer-examples.jar RoundTrip BUCKET [KEY] [MIB]}, with
 * AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set (or a profile).
 */
public final class RoundTrip {
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: RoundTrip BUCKET [KEY] [MIB]");
      System.exit(2);
    }
    String bucket = args[0];
    String key = args.length > 1 ? args[1] : "examples/java-roundtrip-" + System.nanoTime();
    int mib = args.length > 2 ? Integer.parseInt(args[2]) : 12;

    byte[] data = new byte[mib << 20];
    new Random(42).nextBytes(data);

    // One manager per program: it owns the native threads and connections. Closing it (here
    // by try-with-resources) cancels what still runs and frees it.
    try (TransferManager tm = TransferManager.builder()
        .fromEnvironment()
        .multipartChunksize(5L << 20)
        .build()) {
      System.out.println("libxfer " + TransferManager.nativeVersion());

      // The InputStream is read on this thread, inside get(): waiting drives the upload.
      TransferFuture up = tm.upload(new ByteArrayInputStream(data), bucket, key,
          TransferOption.contentType("application/octet-stream"),
          TransferOption.progress((done, total) ->
              System.out.printf("upload   %9d / %9d bytes%n", done, total)));
      TransferResult put = up.get();
      System.out.println("uploaded s3://" + bucket + "/" + key + ": " + put);

      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
      TransferResult got = tm.download(bucket, key, out).get();
      System.out.println("downloaded " + got.size() + " bytes, ETag " + got.etag());
      if (!Arrays.equals(data, out.toByteArray())) {
        System.err.println("RoundTrip: the downloaded bytes differ from the uploaded ones");
        System.exit(1);
      }

      tm.delete(bucket, key).join();
      try {
        tm.download(bucket, key, new ByteArrayOutputStream()).get();
        System.err.println("RoundTrip: the deleted object is still there");
        System.exit(1);
      } catch (ExecutionException e) {
        // Service errors carry what S3 said: code, HTTP status, request id.
        ServiceException se = (ServiceException) e.getCause();
        System.out.println("after delete: " + se.getS3Code() + " (HTTP " + se.getHttpStatus()
            + ", request id " + se.getRequestId() + ")");
      }
      System.out.println("round trip OK");
    }
  }
}
