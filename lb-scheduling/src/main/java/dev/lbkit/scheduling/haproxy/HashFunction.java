package dev.lbkit.scheduling.haproxy;

import java.util.Locale;

/**
 * The hash functions of HAProxy's {@code hash-type} line: {@code sdbm} (the default), {@code djb2}, {@code wt6} and
 * {@code crc32}, plus the {@code avalanche} mixer. All work on raw key bytes with unsigned 32-bit wrapping arithmetic
 * and return the result in the low 32 bits of a {@code long}. Stateless and thread-safe.
 *
 * <p>Source of truth: HAProxy's {@code doc/configuration.txt} ({@code hash-type}) and {@code src/hash.c}; the
 * descriptions below are ours.
 */
public enum HashFunction {
  /** {@code h = h * 65599 + byte}, starting at 0. */
  SDBM("sdbm") {
    @Override
    public long hash(byte[] key, int offset, int length) {
      int h = 0;
      for (int i = offset; i < offset + length; i++) {
        int c = key[i] & 0xff;
        h = c + (h << 6) + (h << 16) - h;
      }
      return h & MASK;
    }
  },
  /** Bernstein's {@code h = h * 33 + byte}, starting at 5381. */
  DJB2("djb2") {
    @Override
    public long hash(byte[] key, int offset, int length) {
      int h = 5381;
      for (int i = offset; i < offset + length; i++) {
        h = (h << 5) + h + (key[i] & 0xff);
      }
      return h & MASK;
    }
  },
  /** HAProxy's own two-word rotating hash. */
  WT6("wt6") {
    @Override
    public long hash(byte[] key, int offset, int length) {
      int h0 = 0xa53c965a;
      int h1 = 0x5ca6953a;
      int s0 = 6;
      int s1 = 18;
      for (int i = offset; i < offset + length; i++) {
        int t = key[i] & 0xff;
        h0 = ~(h0 ^ t);
        h1 = ~(h1 + t);
        int rotated = Integer.rotateLeft(h1, s0);
        h1 = Integer.rotateLeft(h0, s1);
        h0 = rotated;
        int u = ((h0 >>> 16) ^ h1) & 0xffff;
        s0 = u & 31;
        s1 = u >>> 11;
      }
      return (h0 ^ h1) & MASK;
    }
  },
  /** IEEE CRC-32 as zlib computes it. */
  CRC32("crc32") {
    @Override
    public long hash(byte[] key, int offset, int length) {
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(key, offset, length);
      return crc.getValue();
    }
  };

  static final long MASK = 0xffff_ffffL;

  private final String keyword;

  HashFunction(String keyword) {
    this.keyword = keyword;
  }

  /** The word used in {@code hash-type}: {@code sdbm}, {@code djb2}, {@code wt6}, {@code crc32}. */
  public String keyword() {
    return keyword;
  }

  /** Hashes {@code length} bytes of {@code key} from {@code offset}; the result is in [0, 2^32). */
  public abstract long hash(byte[] key, int offset, int length);

  /** Hashes a whole array. */
  public long hash(byte[] key) {
    return hash(key, 0, key.length);
  }

  /**
   * The function for a {@code hash-type} keyword.
   *
   * @throws IllegalArgumentException naming the word and the accepted ones
   */
  public static HashFunction of(String keyword) {
    for (HashFunction f : values()) {
      if (f.keyword.equals(keyword.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown hash function '" + keyword + "'; expected one of sdbm, djb2, wt6, crc32");
  }

  /**
   * The {@code avalanche} mixer (Bob Jenkins' 6-shift integer hash, then a multiplication by 3221225473), which
   * HAProxy also uses to place consistent-hash ring points.
   *
   * @param value the low 32 bits are used
   * @return the mixed value in [0, 2^32)
   */
  public static long avalanche(long value) {
    int a = (int) value;
    a = (a + 0x7ed55d16) + (a << 12);
    a = (a ^ 0xc761c23c) ^ (a >>> 19);
    a = (a + 0x165667b1) + (a << 5);
    a = (a + 0xd3a2646c) ^ (a << 9);
    a = (a + 0xfd7046c5) + (a << 3);
    a = (a ^ 0xb55a4f09) ^ (a >>> 16);
    return (a * (int) 3221225473L) & MASK;
  }
}
