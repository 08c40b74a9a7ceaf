package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

/**
 * What identifies a virtual service in IPVS: protocol, address and port, or a firewall mark and address family.
 */
public sealed interface ServiceKey permits ServiceKey.Address, ServiceKey.FirewallMark {

  /** IPv4 or IPv6. */
  AddressFamily family();

  /** A service for one protocol on one address and port ({@code ipvsadm -t/-u/--sctp-service}). */
  record Address(Protocol protocol, Endpoint endpoint) implements ServiceKey {
    public Address {
      requireNonNull(protocol, "protocol");
      requireNonNull(endpoint, "endpoint");
    }

    @Override
    public AddressFamily family() {
      return endpoint.family();
    }

    /** {@code TCP 192.0.2.1:80}, as ipvsadm lists services. */
    @Override
    public String toString() {
      return protocol + " " + endpoint;
    }
  }

  /**
   * A service for every packet carrying a netfilter mark ({@code ipvsadm -f}).
   *
   * @param mark 1 to 4294967295 (0 means "no mark" in the kernel)
   * @param family the family of the packets and of the persistence netmask
   */
  record FirewallMark(long mark, AddressFamily family) implements ServiceKey {
    /** The largest mark: the kernel's field is 32 bits unsigned. */
    public static final long MAX_MARK = 0xFFFF_FFFFL;

    public FirewallMark {
      requireNonNull(family, "family");
      if (mark < 1 || mark > MAX_MARK) {
        throw new IllegalArgumentException("firewall mark must be in [1, 4294967295] but was " + mark);
      }
    }

    /** {@code FWM 1}, as ipvsadm lists services. */
    @Override
    public String toString() {
      return "FWM " + mark + (family == AddressFamily.IPV6 ? " IPv6" : "");
    }
  }

  /** A TCP, UDP or SCTP service key. */
  static ServiceKey of(Protocol protocol, Endpoint endpoint) {
    return new Address(protocol, endpoint);
  }

  /** An IPv4 firewall-mark service key. */
  static ServiceKey firewallMark(long mark) {
    return new FirewallMark(mark, AddressFamily.IPV4);
  }
}
