package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import dev.lbkit.api.AddressFamily;
import java.net.InetAddress;

/**
 * A virtual IP address with the prefix length it gets on the interface, as in {@code 10.0.0.100/24}.
 *
 * @param address the address
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record VirtualAddress(InetAddress address, int prefixLength) {
  public VirtualAddress {
    requireNonNull(address, "address");
    int bits = AddressFamily.of(address).bits();
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length must be in [0, " + bits + "] but was " + prefixLength
          + " (virtual address " + address.getHostAddress() + ")");
    }
  }

  /**
   * Parses {@code ADDR/LEN} or a bare address (then /32 or /128), numeric only.
   *
   * @throws IllegalArgumentException if it is not a numeric address with an optional prefix length
   */
  public static VirtualAddress parse(String text) {
    requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    // a full literal only: InetAddress.getByName read the old short forms, 10.0.100 as 10.0.0.100
    if (!InetAddresses.isInetAddress(addr)) {
      throw new IllegalArgumentException("virtual address must be a numeric IP address [/prefix] but was '" + text
          + "'");
    }
    InetAddress a = InetAddresses.forString(addr);
    if (slash < 0) {
      return new VirtualAddress(a, AddressFamily.of(a).bits());
    }
    try {
      return new VirtualAddress(a, Integer.parseInt(text.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("prefix length must be a number but was '" + text.substring(slash + 1)
          + "' (virtual address " + text + ")", e);
    }
  }

  public AddressFamily family() {
    return AddressFamily.of(address);
  }

  /*
   * Written out rather than generated: a record's generated equals and hashCode run through an invokedynamic
   * bootstrap (java.lang.runtime.ObjectMethods) whose method handles stay interpreted on a path that runs a few times
   * in a process's life, and a takeover looks its prepared messages up by this key before the address goes in.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof VirtualAddress other && prefixLength == other.prefixLength && address.equals(other.address);
  }

  @Override
  public int hashCode() {
    return 31 * address.hashCode() + prefixLength;
  }

  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
