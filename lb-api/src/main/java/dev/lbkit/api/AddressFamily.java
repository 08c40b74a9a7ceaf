package dev.lbkit.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the Linux {@code AF_*} numbers the kernel uses. */
public enum AddressFamily {
  /** {@code AF_INET}. */
  IPV4(2, 32),
  /** {@code AF_INET6}. */
  IPV6(10, 128);

  private final int linuxValue;
  private final int bits;

  AddressFamily(int linuxValue, int bits) {
    this.linuxValue = linuxValue;
    this.bits = bits;
  }

  /** {@code AF_INET} (2) or {@code AF_INET6} (10). */
  public int linuxValue() {
    return linuxValue;
  }

  /** Address length in bits: 32 or 128. */
  public int bits() {
    return bits;
  }

  /** The family of an address; IPv4-mapped IPv6 addresses should be normalised first ({@link Endpoint#normalize}). */
  public static AddressFamily of(InetAddress address) {
    if (address instanceof Inet4Address) {
      return IPV4;
    }
    if (address instanceof Inet6Address) {
      return IPV6;
    }
    throw new IllegalArgumentException("unknown address type " + address.getClass().getName());
  }

  /**
   * The family with this {@code AF_*} value.
   *
   * @throws IllegalArgumentException if it is neither 2 nor 10
   */
  public static AddressFamily fromLinuxValue(int value) {
    for (AddressFamily f : values()) {
      if (f.linuxValue == value) {
        return f;
      }
    }
    throw new IllegalArgumentException("address family must be 2 (AF_INET) or 10 (AF_INET6) but was " + value);
  }
}
