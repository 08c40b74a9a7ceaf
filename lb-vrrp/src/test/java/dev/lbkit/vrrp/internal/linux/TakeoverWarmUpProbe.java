package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import java.net.InetAddress;

/**
 * A probe, not a test (run by hand, as root, inside a network namespace of its own with a veth {@code d0}; see
 * docs/benchmarks.md, lb-vrrp): times 16 prepared RTM_NEWADDR exchanges (request until ACK, each followed by an
 * RTM_DELADDR) of 10.99.0.10/24 on {@code d0} in a fresh JVM, with ({@code warm}) or without ({@code cold}) the
 * address manager's start-up warm-up before, and prints the times in µs.
 */
public final class TakeoverWarmUpProbe {
  private TakeoverWarmUpProbe() {}

  public static void main(String[] args) throws Exception {
    boolean warm = args[0].equals("warm");
    int ifindex = Rtnetlink.ifindex("d0");
    InetAddress vip = InetAddress.getByName("10.99.0.10");
    NetlinkMessageWriter add = Rtnetlink.addMessage(ifindex, vip, 24);
    NetlinkMessageWriter del = Rtnetlink.removeMessage(ifindex, vip, 24);
    try (Rtnetlink r = Rtnetlink.open()) {
      if (warm) {
        r.warmUp(ifindex, LinuxAddressManager.WARM_UP_REQUESTS);
        Thread.sleep(300); // let the compiler finish
      }
      StringBuilder sb = new StringBuilder(warm ? "warm" : "cold");
      for (int i = 0; i < 16; i++) {
        long t0 = System.nanoTime();
        r.add(add, "d0", vip, 24);
        long t1 = System.nanoTime();
        r.remove(del, "d0", vip, 24);
        sb.append(' ').append((t1 - t0) / 1000);
        Thread.sleep(20);
      }
      System.out.println(sb);
    }
  }
}
