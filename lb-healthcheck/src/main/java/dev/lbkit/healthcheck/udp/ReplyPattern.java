package dev.lbkit.healthcheck.udp;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The reply keepalived's {@code require_reply} asks of a UDP server: bytes, some of whose nibbles may be
 * wildcards. Immutable.
 *
 * <p>Written as keepalived reads it: hex digits, spaces and tabs between bytes allowed; two digits make a byte,
 * a lone digit before a space or the end makes a byte of its own ({@code "1 2"} is 01 02), and {@code x} or
 * {@code X} in place of a digit matches any nibble ({@code "4x"} is any byte from 40 to 4f).
 */
public final class ReplyPattern {
  private final byte[] bytes;
  private final byte[] wildcard; // bits set: ignored

  private ReplyPattern(byte[] bytes, byte[] wildcard) {
    this.bytes = bytes;
    this.wildcard = wildcard;
  }

  /** Exactly these bytes. */
  public static ReplyPattern of(byte[] bytes) {
    requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("a required reply needs at least one byte");
    }
    return new ReplyPattern(bytes.clone(), new byte[bytes.length]);
  }

  /**
   * Parses keepalived's hex form.
   *
   * @throws IllegalArgumentException naming the position of a character that is not a hex digit, x, space or tab,
   *     or if there is no byte at all
   */
  public static ReplyPattern parse(String hex) {
    requireNonNull(hex, "hex");
    byte[] b = new byte[hex.length()];
    byte[] m = new byte[hex.length()];
    int n = 0;
    int i = 0;
    while (i < hex.length()) {
      char c = hex.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int hi = nibble(hex, i);
      i++;
      int value = hi < 0 ? 0 : hi;
      int mask = hi < 0 ? 0x0f : 0;
      if (i < hex.length() && hex.charAt(i) != ' ' && hex.charAt(i) != '\t') {
        int lo = nibble(hex, i);
        i++;
        value = (value << 4) | (lo < 0 ? 0 : lo);
        mask = (mask << 4) | (lo < 0 ? 0x0f : 0);
      }
      b[n] = (byte) value;
      m[n] = (byte) mask;
      n++;
    }
    if (n == 0) {
      throw new IllegalArgumentException("reply pattern '" + hex + "' holds no byte");
    }
    return new ReplyPattern(Arrays.copyOf(b, n), Arrays.copyOf(m, n));
  }

  /** A digit's value, or -1 for a wildcard. */
  private static int nibble(String s, int i) {
    char c = s.charAt(i);
    if (c == 'x' || c == 'X') {
      return -1;
    }
    int v = Character.digit(c, 16);
    if (v < 0) {
      throw new IllegalArgumentException("reply pattern '" + s + "': '" + c + "' at " + i
          + " is not a hex digit, x, space or tab");
    }
    return v;
  }

  /** The pattern's length in bytes. */
  public int length() {
    return bytes.length;
  }

  /**
   * Compares the first {@code min(reply.length, length())} bytes, as keepalived does; returns the index of the
   * first byte that differs outside the wildcards, or -1 when they match.
   */
  public int mismatch(byte[] reply) {
    int n = Math.min(reply.length, bytes.length);
    for (int i = 0; i < n; i++) {
      if (((reply[i] ^ bytes[i]) & ~wildcard[i] & 0xff) != 0) {
        return i;
      }
    }
    return -1;
  }

  /** Hex with {@code x} for wildcard nibbles: {@code "504f4e47xx"}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      String d = HexFormat.of().toHexDigits(bytes[i]);
      s.append((wildcard[i] & 0xf0) != 0 ? 'x' : d.charAt(0)).append((wildcard[i] & 0x0f) != 0 ? 'x' : d.charAt(1));
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplyPattern && Arrays.equals(bytes, ((ReplyPattern) o).bytes)
        && Arrays.equals(wildcard, ((ReplyPattern) o).wildcard);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes) + Arrays.hashCode(wildcard);
  }
}
