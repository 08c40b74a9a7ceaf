package dev.lbkit.ipvs.internal.wire;

import static dev.lbkit.ipvs.internal.wire.IpvsGenl.*;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.TunnelType;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsDestination;
import dev.lbkit.ipvs.IpvsInfo;
import dev.lbkit.ipvs.IpvsService;
import dev.lbkit.ipvs.IpvsStats;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.SyncDaemon;
import dev.lbkit.ipvs.internal.netlink.MalformedMessageException;
import dev.lbkit.ipvs.internal.netlink.NetlinkAttributes;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Decodes the kernel's IPVS answers into lbkit's types. Stateless. A value lbkit cannot represent (a protocol
 * other than TCP/UDP/SCTP, a flag combination the model refuses) fails with a {@link MalformedMessageException}
 * that says what it was, never silently.
 */
public final class IpvsReplies {
  private IpvsReplies() {}

  /** A service message of a dump or get ({@code IPVS_CMD_NEW_SERVICE} with {@code IPVS_CMD_ATTR_SERVICE}). */
  public static IpvsService service(NetlinkMessage m) throws MalformedMessageException {
    NetlinkAttributes s = m.genlAttributes().nested(CMD_ATTR_SERVICE);
    AddressFamily family = family(s.u16(SVC_ATTR_AF));
    ServiceKey key;
    if (s.has(SVC_ATTR_FWMARK)) {
      key = new ServiceKey.FirewallMark(Integer.toUnsignedLong(s.u32(SVC_ATTR_FWMARK)), family);
    } else {
      Protocol protocol;
      try {
        protocol = Protocol.fromIpProtocolNumber(s.u16(SVC_ATTR_PROTOCOL));
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException("service with " + e.getMessage());
      }
      key = ServiceKey.of(protocol, new Endpoint(address(family, s.bytes(SVC_ATTR_ADDR)), s.be16(SVC_ATTR_PORT)));
    }
    int flags = s.has(SVC_ATTR_FLAGS) ? s.u32(SVC_ATTR_FLAGS) : 0;
    String scheduler = s.string(SVC_ATTR_SCHED_NAME);
    try {
      VirtualService.Builder b = VirtualService.builder(key).scheduler(scheduler)
          .onePacket((flags & SVC_F_ONEPACKET) != 0);
      for (int bit : new int[] {SVC_F_SCHED1, SVC_F_SCHED2, SVC_F_SCHED3}) {
        if ((flags & bit) != 0) {
          b.schedulerFlag(schedulerFlag(scheduler, bit));
        }
      }
      if ((flags & SVC_F_PERSISTENT) != 0) {
        int netmask = s.u32(SVC_ATTR_NETMASK);
        int prefix = family == AddressFamily.IPV4 ? Integer.bitCount(netmask) : netmask;
        b.persistence(IpvsRequests.persistence(s.u32(SVC_ATTR_TIMEOUT), prefix, family));
        if (s.has(SVC_ATTR_PE_NAME)) {
          b.persistenceEngine(s.string(SVC_ATTR_PE_NAME));
        }
      }
      return new IpvsService(b.build(), stats(s, SVC_ATTR_STATS, SVC_ATTR_STATS64));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("the kernel reported service " + key + " that lbkit cannot represent: "
          + e.getMessage());
    }
  }

  /** A destination message of a dump ({@code IPVS_CMD_NEW_DEST} with {@code IPVS_CMD_ATTR_DEST}). */
  public static IpvsDestination destination(NetlinkMessage m, AddressFamily serviceFamily)
      throws MalformedMessageException {
    NetlinkAttributes d = m.genlAttributes().nested(CMD_ATTR_DEST);
    AddressFamily family = d.has(DEST_ATTR_ADDR_FAMILY) ? family(d.u16(DEST_ATTR_ADDR_FAMILY)) : serviceFamily;
    Endpoint endpoint = new Endpoint(address(family, d.bytes(DEST_ATTR_ADDR)), d.be16(DEST_ATTR_PORT));
    try {
      ForwardingMethod fwd = ForwardingMethod.fromKernelValue(d.u32(DEST_ATTR_FWD_METHOD) & CONN_F_FWD_MASK);
      RealServer.Builder b = RealServer.builder(endpoint).weight(d.u32(DEST_ATTR_WEIGHT)).forwarding(fwd)
          .upperThreshold(d.u32(DEST_ATTR_U_THRESH)).lowerThreshold(d.u32(DEST_ATTR_L_THRESH));
      if (fwd == ForwardingMethod.TUNNEL && d.has(DEST_ATTR_TUN_TYPE)) {
        TunnelType type = TunnelType.fromKernelValue(d.u8(DEST_ATTR_TUN_TYPE));
        int port = d.has(DEST_ATTR_TUN_PORT) ? d.be16(DEST_ATTR_TUN_PORT) : 0;
        int tflags = d.has(DEST_ATTR_TUN_FLAGS) ? d.u16(DEST_ATTR_TUN_FLAGS) : 0;
        b.tunnel(new Tunnel(type, type == TunnelType.GUE ? port : 0,
            type == TunnelType.IPIP ? Tunnel.Checksum.NONE : Tunnel.Checksum.fromKernelFlags(tflags)));
      }
      // connection counts come only in the kernel's answers, not in requests (which this also decodes in tests)
      return new IpvsDestination(b.build(), optional(d, DEST_ATTR_ACTIVE_CONNS), optional(d, DEST_ATTR_INACT_CONNS),
          optional(d, DEST_ATTR_PERSIST_CONNS), stats(d, DEST_ATTR_STATS, DEST_ATTR_STATS64));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("the kernel reported destination " + endpoint
          + " that lbkit cannot represent: " + e.getMessage());
    }
  }

  /** The answer to {@code IPVS_CMD_GET_CONFIG}. */
  public static IpvsTimeouts timeouts(NetlinkMessage m) throws MalformedMessageException {
    NetlinkAttributes a = m.genlAttributes();
    return IpvsTimeouts.ofSeconds(Integer.toUnsignedLong(a.u32(CMD_ATTR_TIMEOUT_TCP)),
        Integer.toUnsignedLong(a.u32(CMD_ATTR_TIMEOUT_TCP_FIN)), Integer.toUnsignedLong(a.u32(CMD_ATTR_TIMEOUT_UDP)));
  }

  /** The answer to {@code IPVS_CMD_GET_INFO}. */
  public static IpvsInfo info(NetlinkMessage m) throws MalformedMessageException {
    NetlinkAttributes a = m.genlAttributes();
    return new IpvsInfo(a.u32(INFO_ATTR_VERSION), a.u32(INFO_ATTR_CONN_TAB_SIZE));
  }

  /** A daemon message of {@code IPVS_CMD_GET_DAEMON}. */
  public static SyncDaemon daemon(NetlinkMessage m) throws MalformedMessageException {
    NetlinkAttributes d = m.genlAttributes().nested(CMD_ATTR_DAEMON);
    int state = d.u32(DAEMON_ATTR_STATE);
    SyncDaemon.Role role = state == SyncDaemon.Role.MASTER.kernelState() ? SyncDaemon.Role.MASTER
        : state == SyncDaemon.Role.BACKUP.kernelState() ? SyncDaemon.Role.BACKUP : null;
    if (role == null) {
      throw new MalformedMessageException("sync daemon with state " + state + ", neither master (1) nor backup (2)");
    }
    Optional<InetAddress> group = Optional.empty();
    try {
      if (d.has(DAEMON_ATTR_MCAST_GROUP6)) {
        group = Optional.of(InetAddress.getByAddress(d.bytes(DAEMON_ATTR_MCAST_GROUP6)));
      } else if (d.has(DAEMON_ATTR_MCAST_GROUP)) {
        group = Optional.of(InetAddress.getByAddress(d.bytes(DAEMON_ATTR_MCAST_GROUP)));
      }
      return new SyncDaemon(role, d.string(DAEMON_ATTR_MCAST_IFN), d.u32(DAEMON_ATTR_SYNC_ID),
          d.has(DAEMON_ATTR_SYNC_MAXLEN) ? d.u16(DAEMON_ATTR_SYNC_MAXLEN) : 0, group,
          d.has(DAEMON_ATTR_MCAST_PORT) ? d.u16(DAEMON_ATTR_MCAST_PORT) : 0,
          d.has(DAEMON_ATTR_MCAST_TTL) ? d.u8(DAEMON_ATTR_MCAST_TTL) : 0);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new MalformedMessageException("sync daemon lbkit cannot represent: " + e.getMessage());
    }
  }

  private static IpvsStats stats(NetlinkAttributes parent, int stats32, int stats64) throws MalformedMessageException {
    if (parent.has(stats64)) {
      NetlinkAttributes s = parent.nested(stats64);
      return new IpvsStats(s.u64(STATS_ATTR_CONNS), s.u64(STATS_ATTR_INPKTS), s.u64(STATS_ATTR_OUTPKTS),
          s.u64(STATS_ATTR_INBYTES), s.u64(STATS_ATTR_OUTBYTES), s.u64(STATS_ATTR_CPS), s.u64(STATS_ATTR_INPPS),
          s.u64(STATS_ATTR_OUTPPS), s.u64(STATS_ATTR_INBPS), s.u64(STATS_ATTR_OUTBPS), true);
    }
    if (parent.has(stats32)) {
      NetlinkAttributes s = parent.nested(stats32);
      return new IpvsStats(u(s, STATS_ATTR_CONNS), u(s, STATS_ATTR_INPKTS), u(s, STATS_ATTR_OUTPKTS),
          s.u64(STATS_ATTR_INBYTES), s.u64(STATS_ATTR_OUTBYTES), u(s, STATS_ATTR_CPS), u(s, STATS_ATTR_INPPS),
          u(s, STATS_ATTR_OUTPPS), u(s, STATS_ATTR_INBPS), u(s, STATS_ATTR_OUTBPS), false);
    }
    return IpvsStats.ZERO;
  }

  private static int optional(NetlinkAttributes a, int type) throws MalformedMessageException {
    return a.has(type) ? a.u32(type) : 0;
  }

  private static long u(NetlinkAttributes a, int type) throws MalformedMessageException {
    return Integer.toUnsignedLong(a.u32(type));
  }

  private static AddressFamily family(int af) throws MalformedMessageException {
    try {
      return AddressFamily.fromLinuxValue(af);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }

  private static SchedulerFlag schedulerFlag(String scheduler, int bit) {
    if (bit == SVC_F_SCHED1) {
      return scheduler.equals("sh") ? SchedulerFlag.SH_FALLBACK
          : scheduler.equals("mh") ? SchedulerFlag.MH_FALLBACK : SchedulerFlag.FLAG_1;
    }
    if (bit == SVC_F_SCHED2) {
      return scheduler.equals("sh") ? SchedulerFlag.SH_PORT
          : scheduler.equals("mh") ? SchedulerFlag.MH_PORT : SchedulerFlag.FLAG_2;
    }
    return SchedulerFlag.FLAG_3;
  }

  private static InetAddress address(AddressFamily family, byte[] nfInetAddr) throws MalformedMessageException {
    int n = family == AddressFamily.IPV4 ? 4 : 16;
    if (nfInetAddr.length < n) {
      throw new MalformedMessageException("address of " + nfInetAddr.length + " bytes for " + family);
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOf(nfInetAddr, n));
    } catch (UnknownHostException e) {
      throw new MalformedMessageException("address: " + e.getMessage());
    }
  }

  /** Decodes a raw datagram's first message, for tests and tools. */
  static NetlinkMessage first(ByteBuffer datagram) throws MalformedMessageException {
    return NetlinkMessage.parseAll(datagram).get(0);
  }
}
