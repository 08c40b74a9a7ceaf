package dev.lbkit.healthcheck.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Collects bytes into text lines for line-based protocols (SMTP, the HAProxy agent), with a cap on the line
 * length. Not thread-safe; one per conversation.
 */
public final class LineReader {
  private final int maxLine;
  private final StringBuilder line = new StringBuilder();
  private boolean overflow;

  public LineReader(int maxLine) {
    this.maxLine = maxLine;
  }

  /**
   * Takes bytes up to and including the next LF.
   *
   * @return the line without CR LF, or empty if no complete line is buffered yet
   */
  public Optional<String> next(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        int n = line.length();
        String l = n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
        line.setLength(0);
        return Optional.of(l);
      }
      if (line.length() >= maxLine) {
        overflow = true;
        return Optional.empty();
      }
      line.append((char) (b & 0xff));
    }
    return Optional.empty();
  }

  /** Whether a line outgrew the cap. */
  public boolean overflowed() {
    return overflow;
  }

  /** What is buffered of an unfinished line. */
  public String partial() {
    return line.toString();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
