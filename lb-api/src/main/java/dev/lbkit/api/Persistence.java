package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Client persistence of a virtual service ({@code ipvsadm -p TIMEOUT -M NETMASK}). Immutable.
 *
 * <p>Clients whose source addresses agree in the first {@code prefixLength} bits share one persistence template
 * and so one real server, until {@code timeout} after their last connection ends. Without a prefix length the
 * whole address is used (/32 for IPv4, /128 for IPv6), as in IPVS.
 *
 * @param timeout whole seconds from 1 s to 31 days (ipvsadm's range)
 * @param prefixLength the netmask as a prefix length, or empty for the full address
 */
public record Persistence(Duration timeout, OptionalInt prefixLength) {
  /** ipvsadm's default when {@code -p} has no value. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
  /** The largest timeout ipvsadm accepts: 31 days. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(31);

  public Persistence {
    requireNonNull(timeout, "timeout");
    requireNonNull(prefixLength, "prefixLength");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("persistence timeout must be in [1 s, 31 days] but was " + timeout);
    }
    if (timeout.getNano() != 0) {
      throw new IllegalArgumentException("persistence timeout must be whole seconds but was " + timeout);
    }
    if (prefixLength.isPresent() && (prefixLength.getAsInt() < 0 || prefixLength.getAsInt() > 128)) {
      throw new IllegalArgumentException("persistence prefix length must be in [0, 128] but was "
          + prefixLength.getAsInt());
    }
  }

  /** Persistence for this long, per client address. */
  public static Persistence of(Duration timeout) {
    return new Persistence(timeout, OptionalInt.empty());
  }

  /** Persistence for this long, per network of this prefix length. */
  public static Persistence of(Duration timeout, int prefixLength) {
    return new Persistence(timeout, OptionalInt.of(prefixLength));
  }

  /** The prefix length in effect for a family: the given one, or the whole address. */
  public int effectivePrefixLength(AddressFamily family) {
    return prefixLength.orElse(family.bits());
  }

  /**
   * The prefix length of a dotted IPv4 netmask such as {@code 255.255.255.0}.
   *
   * @throws IllegalArgumentException if the text is not an IPv4 address or the mask is not contiguous
   */
  public static int prefixLengthOfNetmask(String netmask) {
    InetAddress mask = Endpoint.parseAddress(netmask);
    if (!(mask instanceof Inet4Address)) {
      throw new IllegalArgumentException("persistence netmask must be an IPv4 netmask but was " + netmask);
    }
    byte[] b = mask.getAddress();
    int bits = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int prefix = Integer.bitCount(bits);
    int contiguous = prefix == 0 ? 0 : -1 << (32 - prefix);
    if (bits != contiguous) {
      throw new IllegalArgumentException("persistence netmask must be contiguous but was " + netmask);
    }
    return prefix;
  }

  /** The dotted IPv4 netmask of a prefix length, as ipvsadm prints it. */
  public static String netmaskOfPrefixLength(int prefixLength) {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("IPv4 prefix length must be in [0, 32] but was " + prefixLength);
    }
    int bits = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
  }
}
