package dev.lbkit.ipvs.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsDestination;
import dev.lbkit.ipvs.IpvsInfo;
import dev.lbkit.ipvs.IpvsService;
import dev.lbkit.ipvs.IpvsStats;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.SyncDaemon;
import dev.lbkit.ipvs.internal.netlink.MalformedMessageException;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Decoding the kernel's answers to the real ipvsadm, captured in the kernel lab. */
final class IpvsRepliesTest {
  private static final Map<String, IpvsadmVectors.Run> RUNS = IpvsadmVectors.load();
  private static final int FAMILY = 0x20;

  private static List<NetlinkMessage> ipvsMessages(String args, int command) throws MalformedMessageException {
    List<NetlinkMessage> out = new ArrayList<>();
    for (byte[] datagram : RUNS.get(args).received()) {
      for (NetlinkMessage m : NetlinkMessage.parseAll(ByteBuffer.wrap(datagram))) {
        if (m.type() == FAMILY && m.genlCommand() == command) {
          out.add(m);
        }
      }
    }
    return out;
  }

  @Test
  void services_ofTheListedTable() throws Exception {
    Set<VirtualService> got = new HashSet<>();
    for (NetlinkMessage m : ipvsMessages("-Ln", IpvsGenl.CMD_NEW_SERVICE)) {
      IpvsService s = IpvsReplies.service(m);
      assertEquals(Optional.of(IpvsStats.ZERO), s.stats(), "no traffic flowed in the lab");
      assertEquals(IpvsService.withoutStats(s.service()), IpvsReplies.service(m, false));
      got.add(s.service());
    }
    Set<VirtualService> expected = Set.of(
        VirtualService.builder(tcp("192.0.2.10:80")).scheduler("rr").build(),
        VirtualService.builder(tcp("192.0.2.10:443")).scheduler("rr")
            .persistence(Persistence.of(Duration.ofSeconds(600), 24)).build(),
        VirtualService.builder(tcp("192.0.2.20:5060")).scheduler("rr")
            .persistence(Persistence.of(Duration.ofSeconds(60))).persistenceEngine("sip").build(),
        VirtualService.builder(ServiceKey.of(Protocol.SCTP, Endpoint.parse("198.51.100.1:3868"))).scheduler("wrr")
            .build(),
        VirtualService.builder(ServiceKey.of(Protocol.UDP, Endpoint.parse("[2001:db8::10]:53"))).scheduler("sh")
            .schedulerFlag(SchedulerFlag.SH_FALLBACK).schedulerFlag(SchedulerFlag.SH_PORT).onePacket(true).build(),
        VirtualService.builder(ServiceKey.firewallMark(42)).scheduler("mh").schedulerFlag(SchedulerFlag.MH_PORT)
            .persistence(Persistence.of(Duration.ofSeconds(300))).build(),
        VirtualService.builder(new ServiceKey.FirewallMark(43, AddressFamily.IPV6)).scheduler("lc")
            .persistence(Persistence.of(Duration.ofSeconds(120), 64)).build());
    assertEquals(expected, got);
  }

  @Test
  void destinations_withTunnelsAndFamilies() throws Exception {
    List<RealServer> got = new ArrayList<>();
    for (NetlinkMessage m : ipvsMessages("-Ln", IpvsGenl.CMD_NEW_DEST)) {
      IpvsDestination d = IpvsReplies.destination(m, AddressFamily.IPV4);
      assertEquals(0, d.activeConnections());
      assertEquals(Optional.of(IpvsStats.ZERO), d.stats(), "no traffic flowed in the lab");
      assertEquals(IpvsDestination.withoutStats(d.server(), 0, 0, 0),
          IpvsReplies.destination(m, AddressFamily.IPV4, false));
      got.add(d.server());
    }
    // the kernel lists a service's destinations newest first; ipvsadm -e without -x/-y set the thresholds to 0
    assertEquals(List.of(
        RealServer.builder(Endpoint.parse("10.0.0.5:80")).tunnel(Tunnel.gre(Tunnel.Checksum.CHECKSUM))
            .upperThreshold(50).build(),
        RealServer.builder(Endpoint.parse("10.0.0.4:80")).tunnel(Tunnel.gue(6080, Tunnel.Checksum.CHECKSUM)).build(),
        RealServer.builder(Endpoint.parse("10.0.0.2:8080")).forwarding(ForwardingMethod.MASQUERADE).weight(5).build(),
        RealServer.builder(Endpoint.parse("[2001:db8::53]:53")).forwarding(ForwardingMethod.MASQUERADE).weight(7)
            .build(),
        RealServer.builder(Endpoint.parse("10.0.0.9:0")).build()), got);
  }

  @Test
  void infoTimeoutsDaemons() throws Exception {
    assertEquals(new IpvsInfo(0x010201, 4096), IpvsReplies.info(ipvsMessages("-Ln", IpvsGenl.CMD_SET_INFO).get(0)));
    assertEquals("1.2.1", new IpvsInfo(0x010201, 4096).versionString());
    assertEquals(IpvsTimeouts.ofSeconds(900, 120, 300),
        IpvsReplies.timeouts(ipvsMessages("-L --timeout", IpvsGenl.CMD_SET_CONFIG).get(0)));
    List<SyncDaemon> daemons = new ArrayList<>();
    for (NetlinkMessage m : ipvsMessages("-L --daemon", IpvsGenl.CMD_NEW_DAEMON)) {
      daemons.add(IpvsReplies.daemon(m));
    }
    assertEquals(List.of(
        new SyncDaemon(SyncDaemon.Role.MASTER, "lo", 7, 1472, Optional.of(Endpoint.parseAddress("224.0.0.81")), 8848,
            1),
        new SyncDaemon(SyncDaemon.Role.BACKUP, "lo", 9, 1400, Optional.of(Endpoint.parseAddress("239.1.2.3")), 8849,
            2)), daemons);
  }

  @Test
  void truncatedServiceIsRefusedNamingTheProblem() throws Exception {
    byte[] datagram = RUNS.get("-Ln").received().stream()
        .filter(d -> d.length > 100).findFirst().orElseThrow();
    NetlinkMessage whole = NetlinkMessage.parseAll(ByteBuffer.wrap(datagram)).get(0);
    // cut the message inside its nested service attribute and fix up the header length
    byte[] cut = Arrays.copyOf(datagram, 60);
    ByteBuffer.wrap(cut).order(java.nio.ByteOrder.nativeOrder()).putInt(0, 60);
    NetlinkMessage broken = NetlinkMessage.parseAll(ByteBuffer.wrap(cut)).get(0);
    assertEquals(whole.type(), broken.type());
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> IpvsReplies.service(broken));
    assertTrue(e.getMessage().contains("attribute of type 1 has length 300 but 40 bytes remain"), e.getMessage());
  }

  @Test
  void markServiceWithMarkZero_isRefusedAsMalformed() throws Exception {
    // the kernel sends the mark attribute only for a mark service, so a zero there is a broken message, not a crash
    long mark = 0x7A7B7C7DL;
    byte[] bytes = new IpvsRequests(FAMILY).newService(VirtualService.builder(new ServiceKey.FirewallMark(mark,
        AddressFamily.IPV4)).scheduler("rr").build()).toByteArray();
    ByteBuffer view = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder());
    int at = -1;
    for (int i = 0; i + 4 <= bytes.length; i++) {
      if (Integer.toUnsignedLong(view.getInt(i)) == mark) {
        assertEquals(-1, at, "the mark occurs once");
        at = i;
      }
    }
    assertTrue(at >= 0, "the request carries the mark");
    view.putInt(at, 0);
    NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(bytes)).get(0);
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> IpvsReplies.service(m));
    assertTrue(e.getMessage().contains("firewall mark"), e.getMessage());
  }

  @Test
  void timeoutAboveIntMax_isRefusedAsMalformed() throws Exception {
    // a u32 timeout the model (whole seconds up to 2^31-1, as the kernel's int) cannot hold is a broken answer
    long tcp = 0x7A7B7C7DL;
    byte[] bytes = new IpvsRequests(FAMILY).setConfig(IpvsTimeouts.ofSeconds(tcp, 120, 300)).toByteArray();
    ByteBuffer view = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder());
    int at = -1;
    for (int i = 0; i + 4 <= bytes.length; i++) {
      if (Integer.toUnsignedLong(view.getInt(i)) == tcp) {
        assertEquals(-1, at, "the timeout occurs once");
        at = i;
      }
    }
    assertTrue(at >= 0, "the message carries the timeout");
    view.putInt(at, 0xFFFF_FFFF);
    NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(bytes)).get(0);
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> IpvsReplies.timeouts(m));
    assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
  }

  private static ServiceKey tcp(String endpoint) {
    return ServiceKey.of(Protocol.TCP, Endpoint.parse(endpoint));
  }

  /** A 32-bit stats nest of the given attribute type: counter {@code a} is {@code base + a}, bytes u64. */
  private static void stats32(dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter w, int type, long bytesBase,
      int base) {
    int st = w.beginNested(type | dev.lbkit.ipvs.internal.netlink.Netlink.NLA_F_NESTED);
    for (int a = IpvsGenl.STATS_ATTR_CONNS; a <= IpvsGenl.STATS_ATTR_OUTBPS; a++) {
      if (a == IpvsGenl.STATS_ATTR_INBYTES || a == IpvsGenl.STATS_ATTR_OUTBYTES) {
        w.attrU64(a, bytesBase + a);
      } else {
        w.attrU32(a, base + a);
      }
    }
    w.endNested(st);
  }

  /**
   * A 64-bit stats nest of the given attribute type: counter {@code a} is {@code base + a}; {@code shortFirst}
   * writes the first (connections) in 4 bytes, too short for its type.
   */
  private static void stats64(dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter w, int type, long base,
      boolean shortFirst) {
    int st = w.beginNested(type | dev.lbkit.ipvs.internal.netlink.Netlink.NLA_F_NESTED);
    for (int a = IpvsGenl.STATS_ATTR_CONNS; a <= IpvsGenl.STATS_ATTR_OUTBPS; a++) {
      if (shortFirst && a == IpvsGenl.STATS_ATTR_CONNS) {
        w.attrU32(a, (int) base + a);
      } else {
        w.attrU64(a, base + a);
      }
    }
    w.endNested(st);
  }

  /** A service answer with the given stats nests, as the kernel lays it out. */
  private static NetlinkMessage serviceWithStats(boolean with32, boolean with64) throws Exception {
    dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter w = new dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter()
        .begin(FAMILY, dev.lbkit.ipvs.internal.netlink.Netlink.NLM_F_MULTI).genlHeader(IpvsGenl.CMD_NEW_SERVICE, 1);
    int svc = w.beginNested(IpvsGenl.CMD_ATTR_SERVICE | dev.lbkit.ipvs.internal.netlink.Netlink.NLA_F_NESTED);
    w.attrU16(IpvsGenl.SVC_ATTR_AF, 2).attrU32(IpvsGenl.SVC_ATTR_FWMARK, 9).attrString(IpvsGenl.SVC_ATTR_SCHED_NAME, "rr")
        .attrBytes(IpvsGenl.SVC_ATTR_FLAGS, new byte[8]).attrU32(IpvsGenl.SVC_ATTR_TIMEOUT, 0)
        .attrU32(IpvsGenl.SVC_ATTR_NETMASK, -1);
    if (with32) {
      stats32(w, IpvsGenl.SVC_ATTR_STATS, 5_000_000_000L, 0xF000_0000); // above 2^31: unsigned
    }
    if (with64) {
      stats64(w, IpvsGenl.SVC_ATTR_STATS64, 7_000_000_000L, false);
    }
    w.endNested(svc);
    return NetlinkMessage.parseAll(ByteBuffer.wrap(w.end().toByteArray())).get(0);
  }

  @Test
  void stats_prefer64BitCountersAndReadThe32BitOnesUnsigned() throws Exception {
    assertEquals(new IpvsStats(7_000_000_001L, 7_000_000_002L, 7_000_000_003L, 7_000_000_004L, 7_000_000_005L,
        7_000_000_006L, 7_000_000_007L, 7_000_000_008L, 7_000_000_009L, 7_000_000_010L, true),
        IpvsReplies.service(serviceWithStats(true, true)).stats().orElseThrow());
    assertEquals(new IpvsStats(0xF000_0001L, 0xF000_0002L, 0xF000_0003L, 5_000_000_004L, 5_000_000_005L,
        0xF000_0006L, 0xF000_0007L, 0xF000_0008L, 0xF000_0009L, 0xF000_000AL, false),
        IpvsReplies.service(serviceWithStats(true, false)).stats().orElseThrow());
    assertEquals(IpvsStats.ZERO, IpvsReplies.service(serviceWithStats(false, false)).stats().orElseThrow());
    for (boolean with32 : new boolean[] {false, true}) {
      for (boolean with64 : new boolean[] {false, true}) {
        IpvsService without = IpvsReplies.service(serviceWithStats(with32, with64), false);
        assertEquals(Optional.empty(), without.stats());
        assertEquals(IpvsReplies.service(serviceWithStats(with32, with64)).service(), without.service());
      }
    }
  }

  /**
   * A destination answer as the kernel lays it out, with connections and both stats nests; {@code shortCounter}
   * makes the 64-bit nest's first counter 4 bytes instead of 8.
   */
  private static NetlinkMessage destinationWithStats(boolean shortCounter) throws Exception {
    dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter w = new dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter()
        .begin(FAMILY, dev.lbkit.ipvs.internal.netlink.Netlink.NLM_F_MULTI).genlHeader(IpvsGenl.CMD_NEW_DEST, 1);
    int dest = w.beginNested(IpvsGenl.CMD_ATTR_DEST | dev.lbkit.ipvs.internal.netlink.Netlink.NLA_F_NESTED);
    w.attrBytes(IpvsGenl.DEST_ATTR_ADDR, new byte[] {10, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
        .attrBe16(IpvsGenl.DEST_ATTR_PORT, 8080).attrU32(IpvsGenl.DEST_ATTR_FWD_METHOD, 0)
        .attrU32(IpvsGenl.DEST_ATTR_WEIGHT, 3).attrU32(IpvsGenl.DEST_ATTR_U_THRESH, 100)
        .attrU32(IpvsGenl.DEST_ATTR_L_THRESH, 10).attrU32(IpvsGenl.DEST_ATTR_ACTIVE_CONNS, 11)
        .attrU32(IpvsGenl.DEST_ATTR_INACT_CONNS, 22).attrU32(IpvsGenl.DEST_ATTR_PERSIST_CONNS, 33);
    stats32(w, IpvsGenl.DEST_ATTR_STATS, 1000L, 100);
    w.attrU16(IpvsGenl.DEST_ATTR_ADDR_FAMILY, 2);
    stats64(w, IpvsGenl.DEST_ATTR_STATS64, 100L, shortCounter);
    w.endNested(dest);
    return NetlinkMessage.parseAll(ByteBuffer.wrap(w.end().toByteArray())).get(0);
  }

  @Test
  void destinationWithoutStats_keepsConnectionCountsAndDoesNotReadTheCounters() throws Exception {
    RealServer server = RealServer.builder(Endpoint.parse("10.0.0.7:8080")).forwarding(ForwardingMethod.MASQUERADE)
        .weight(3).upperThreshold(100).lowerThreshold(10).build();
    assertEquals(new IpvsDestination(server, 11, 22, 33, new IpvsStats(101, 102, 103, 104, 105, 106, 107, 108, 109,
        110, true)), IpvsReplies.destination(destinationWithStats(false), AddressFamily.IPV4));
    assertEquals(IpvsDestination.withoutStats(server, 11, 22, 33),
        IpvsReplies.destination(destinationWithStats(false), AddressFamily.IPV4, false));
    // a counter too short for its type fails the decoding that reads it, naming it; without stats it is not read
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> IpvsReplies.destination(destinationWithStats(true), AddressFamily.IPV4));
    assertTrue(e.getMessage().contains("attribute 1 has 4 bytes, needs 8"), e.getMessage());
    assertEquals(IpvsDestination.withoutStats(server, 11, 22, 33),
        IpvsReplies.destination(destinationWithStats(true), AddressFamily.IPV4, false));
  }
}
