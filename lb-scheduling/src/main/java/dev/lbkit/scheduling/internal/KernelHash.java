package dev.lbkit.scheduling.internal;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The kernel hash functions the IPVS schedulers use: {@code hash_32} ({@code include/linux/hash.h}), the IPv6 address
 * fold of sh/dh/mh/lblc/lblcr, and the 64-bit kernel's {@code hsiphash} (SipHash-1-3 with 64-bit key words,
 * {@code lib/siphash.c}) over one 32-bit word. Stateless.
 */
public final class KernelHash {
  /** {@code GOLDEN_RATIO_32}. */
  public static final int GOLDEN_RATIO_32 = 0x61C88647;

  private KernelHash() {}

  /** {@code hash_32(x, bits)}: the top {@code bits} bits of {@code x * GOLDEN_RATIO_32} (mod 2^32). */
  public static int hash32(int x, int bits) {
    return (x * GOLDEN_RATIO_32) >>> (32 - bits);
  }

  /**
   * The address as the schedulers hash it: {@code ntohl(addr)} for IPv4; for IPv6 the XOR of its four 32-bit words
   * (the kernel XORs them in network order and then applies {@code ntohl}, which is the same thing).
   */
  public static int foldAddress(InetAddress a) {
    if (a instanceof Inet4Address) {
      // Inet4Address.hashCode() is the address in host order; it avoids the copy getAddress() makes
      return a.hashCode();
    }
    byte[] b = a.getAddress();
    int x = 0;
    for (int i = 0; i < b.length; i += 4) {
      x ^= ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
    return x;
  }

  /**
   * The 64-bit kernel's {@code hsiphash(&v, 4, key)}: SipHash with one compression round and three finalisation
   * rounds over the four little-endian bytes of {@code v}, truncated to 32 bits.
   *
   * @param k0 first key word
   * @param k1 second key word
   */
  public static int hsiphash32(int v, long k0, long k1) {
    long v0 = 0x736f6d6570736575L ^ k0;
    long v1 = 0x646f72616e646f6dL ^ k1;
    long v2 = 0x6c7967656e657261L ^ k0;
    long v3 = 0x7465646279746573L ^ k1;
    // a 4-byte message has no full 8-byte block; the last block holds the bytes and the length in its top byte
    long b = (4L << 56) | (v & 0xffffffffL);
    v3 ^= b;
    // one compression round
    v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
    v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
    v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
    v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    v0 ^= b;
    v2 ^= 0xff;
    for (int i = 0; i < 3; i++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    return (int) ((v0 ^ v1) ^ (v2 ^ v3));
  }

  /** Greatest common divisor of two non-negative ints; {@code gcd(0, b) = b}. */
  public static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
