package dev.retrospect.server.ingest;

import dev.retrospect.core.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Decompresses gzip request bodies with a cap on the decompressed size, so that a small body that
 * inflates to gigabytes (a gzip bomb) is refused after reading at most the cap.
 */
public final class BoundedGunzip {
  private BoundedGunzip() {}

  /** True when the bytes start with the gzip magic number (how sendBeacon bodies are recognized). */
  public static boolean looksGzipped(byte[] body) {
    return body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
  }

  /** Decompresses; throws {@link RequestTooLargeException} past maxBytes, InvalidInputException on bad gzip. */
  public static byte[] gunzip(byte[] body, long maxBytes) {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
      byte[] buf = new byte[16384];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw new RequestTooLargeException("body is larger than " + maxBytes + " bytes after gzip decompression");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new InvalidInputException("body is not valid gzip: " + e.getMessage());
    }
  }
}
