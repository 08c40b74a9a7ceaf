package dev.lbkit.vrrp.lab;

import dev.lbkit.ipvs.internal.netlink.NetlinkAttributes;
import dev.lbkit.ipvs.internal.netlink.NetlinkException;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import dev.lbkit.ipvs.internal.netlink.NetlinkProtocol;
import dev.lbkit.ipvs.internal.netlink.NetlinkSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Watches address changes in its network namespace through rtnetlink multicast (RTMGRP_IPV4_IFADDR) and prints
 * {@code ADD|DEL address nanoTime} at once, so the ITs time "backup holds the VIP" to the event, not to a poll.
 * Started by the ITs with {@code ip netns exec NS java ... LabVipWatch}; prints READY when subscribed.
 */
public final class LabVipWatch {
  private static final int RTMGRP_IPV4_IFADDR = 0x10; // RTMGRP_IPV4_IFADDR
  private static final int RTM_NEWADDR = 20; // RTM_NEWADDR
  private static final int RTM_DELADDR = 21; // RTM_DELADDR

  private LabVipWatch() {}

  public static void main(String[] args) throws Exception {
    try (NetlinkSocket s = NetlinkSocket.open(NetlinkProtocol.ROUTE, RTMGRP_IPV4_IFADDR, Duration.ofHours(1))) {
      LabRealtime.raiseCallingThread();
      System.out.println("READY " + System.nanoTime());
      System.out.flush();
      ByteBuffer buf = ByteBuffer.allocateDirect(65536).order(ByteOrder.nativeOrder());
      while (true) {
        buf.clear();
        int n;
        try {
          n = s.receive(buf);
        } catch (NetlinkException e) {
          continue;
        }
        long now = System.nanoTime();
        // real-time only to wake and stamp: parsing and printing at that priority would hold up the Backup it measures
        // (lab run 53: a whole watcher turn ahead of a normal-policy engine's advertisement cost its wire 0.3 ms)
        LabRealtime.lowerCallingThread();
        for (NetlinkMessage m : NetlinkMessage.parseAll(buf.duplicate().limit(n))) {
          if (m.type() != RTM_NEWADDR && m.type() != RTM_DELADDR) {
            continue;
          }
          NetlinkAttributes a = m.attributesAfter(8);
          byte[] raw = a.has(2) ? a.bytes(2) : a.has(1) ? a.bytes(1) : null;
          if (raw != null) {
            System.out.println((m.type() == RTM_NEWADDR ? "ADD " : "DEL ")
                + InetAddress.getByAddress(raw).getHostAddress() + " " + now);
            System.out.flush();
          }
        }
        LabRealtime.raiseCallingThread();
      }
    }
  }
}
