package dev.lbkit.ipvs.internal.netlink;

/** The netlink protocols lbkit speaks: the {@code NETLINK_*} numbers of uapi linux/netlink.h. */
public enum NetlinkProtocol {
  /** {@code NETLINK_ROUTE}: links, addresses, routes (rtnetlink). */
  ROUTE(0),
  /** {@code NETLINK_GENERIC}: generic netlink families such as {@code IPVS}. */
  GENERIC(16);

  private final int number;

  NetlinkProtocol(int number) {
    this.number = number;
  }

  /** The protocol argument of {@code socket(AF_NETLINK, SOCK_RAW, protocol)}. */
  public int number() {
    return number;
  }
}
