package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.api.AddressFamily;

/**
 * A fresh JVM's address-manager warm-up and what follows it, for {@link RtnetlinkJitTest}: the start-up warm-up's
 * {@link LinuxAddressManager#WARM_UP_REQUESTS} read-only requests on {@code lo}, then an address dump (a decoder class
 * of its own, as the transport's and the address manager's look-ups load in a router), then 16 requests more, as the
 * first takeovers' priming and address adds make. Prints {@code DONE}; run it with {@code -XX:+LogCompilation} to see
 * what the JIT did with {@code NetlinkConnection.request}.
 */
public final class RtnetlinkJitProbe {
  private RtnetlinkJitProbe() {}

  public static void main(String[] args) throws Exception {
    int lo = Rtnetlink.ifindex("lo");
    try (Rtnetlink r = Rtnetlink.open()) {
      r.warmUp(lo, LinuxAddressManager.WARM_UP_REQUESTS);
      r.addresses(lo, AddressFamily.IPV4);
      r.warmUp(lo, 16);
    }
    System.out.println("DONE");
  }
}
