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
import dev.lbkit.ipvs.internal.netlink.Netlink;
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
    return service(m, true);
  }

  /**
   * A service message, with its counters decoded or, when {@code withStats} is false, left out (the stats nests
   * are stepped over unread, so a malformed one goes unnoticed then).
   */
  public static IpvsService service(NetlinkMessage m, boolean withStats) throws MalformedMessageException {
    ByteBuffer payload = m.payload();
    byte[] b = genlBytes(payload, m.type());
    int start = genlStart(payload);
    long nest = nested(b, start, start + payload.remaining(), CMD_ATTR_SERVICE);
    int from = (int) (nest >>> 32);
    int to = (int) nest;
    int af = -1;
    int afLength = 0;
    int protocolAt = -1;
    int protocolLength = 0;
    int addr = -1;
    int addrLength = 0;
    int port = -1;
    int portLength = 0;
    int fwmark = -1;
    int fwmarkLength = 0;
    int sched = -1;
    int schedLength = 0;
    int flagsAt = -1;
    int flagsLength = 0;
    int timeout = -1;
    int timeoutLength = 0;
    int netmaskAt = -1;
    int netmaskLength = 0;
    int pe = -1;
    int peLength = 0;
    int stats = -1;
    int statsEnd = 0;
    int stats64 = -1;
    int stats64End = 0;
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int end = NetlinkAttributes.attributeEnd(b, p, to); // small enough for C1 to inline
      int v = p + Netlink.ATTR_HEADER_LENGTH;
      int length = end - v;
      switch (NetlinkAttributes.u16(b, p + 2) & Netlink.NLA_TYPE_MASK) {
        case SVC_ATTR_AF: af = v; afLength = length; break;
        case SVC_ATTR_PROTOCOL: protocolAt = v; protocolLength = length; break;
        case SVC_ATTR_ADDR: addr = v; addrLength = length; break;
        case SVC_ATTR_PORT: port = v; portLength = length; break;
        case SVC_ATTR_FWMARK: fwmark = v; fwmarkLength = length; break;
        case SVC_ATTR_SCHED_NAME: sched = v; schedLength = length; break;
        case SVC_ATTR_FLAGS: flagsAt = v; flagsLength = length; break;
        case SVC_ATTR_TIMEOUT: timeout = v; timeoutLength = length; break;
        case SVC_ATTR_NETMASK: netmaskAt = v; netmaskLength = length; break;
        case SVC_ATTR_PE_NAME: pe = v; peLength = length; break;
        case SVC_ATTR_STATS: stats = v; statsEnd = end; break;
        case SVC_ATTR_STATS64: stats64 = v; stats64End = end; break;
        default: break;
      }
      p = Math.min(to, Netlink.align(end));
    }
    AddressFamily family = family(NetlinkAttributes.u16(b, NetlinkAttributes.require(SVC_ATTR_AF, af, afLength, 2)));
    ServiceKey key;
    if (fwmark >= 0) {
      long mark = Integer.toUnsignedLong(u32(b, SVC_ATTR_FWMARK, fwmark, fwmarkLength));
      try {
        key = new ServiceKey.FirewallMark(mark, family);
      } catch (IllegalArgumentException e) {
        // the kernel sends the mark attribute only for a mark service, never 0
        throw new MalformedMessageException("service with " + e.getMessage());
      }
    } else {
      Protocol protocol;
      try {
        protocol = Protocol.fromIpProtocolNumber(
            NetlinkAttributes.u16(b, NetlinkAttributes.require(SVC_ATTR_PROTOCOL, protocolAt, protocolLength, 2)));
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException("service with " + e.getMessage());
      }
      key = ServiceKey.of(protocol, new Endpoint(address(family, b,
          NetlinkAttributes.require(SVC_ATTR_ADDR, addr, addrLength, 0), addrLength),
          be16(b, NetlinkAttributes.require(SVC_ATTR_PORT, port, portLength, 2))));
    }
    int flags = flagsAt >= 0 ? u32(b, SVC_ATTR_FLAGS, flagsAt, flagsLength) : 0;
    String scheduler = string(b, NetlinkAttributes.require(SVC_ATTR_SCHED_NAME, sched, schedLength, 0), schedLength);
    try {
      VirtualService.Builder builder = VirtualService.builder(key).scheduler(scheduler)
          .onePacket((flags & SVC_F_ONEPACKET) != 0);
      if ((flags & SVC_F_SCHED1) != 0) {
        builder.schedulerFlag(schedulerFlag(scheduler, SVC_F_SCHED1));
      }
      if ((flags & SVC_F_SCHED2) != 0) {
        builder.schedulerFlag(schedulerFlag(scheduler, SVC_F_SCHED2));
      }
      if ((flags & SVC_F_SCHED3) != 0) {
        builder.schedulerFlag(schedulerFlag(scheduler, SVC_F_SCHED3));
      }
      if ((flags & SVC_F_PERSISTENT) != 0) {
        int netmask = u32(b, SVC_ATTR_NETMASK, netmaskAt, netmaskLength);
        int prefix = family == AddressFamily.IPV4 ? Integer.bitCount(netmask) : netmask;
        builder.persistence(IpvsRequests.persistence(u32(b, SVC_ATTR_TIMEOUT, timeout, timeoutLength), prefix,
            family));
        if (pe >= 0) {
          builder.persistenceEngine(string(b, pe, peLength));
        }
      }
      return new IpvsService(builder.build(),
          withStats ? stats(b, stats, statsEnd, stats64, stats64End) : Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("the kernel reported service " + key + " that lbkit cannot represent: "
          + e.getMessage());
    }
  }

  /**
   * The bytes of a generic netlink message's payload: the array a dump's payload lies in (read in place), or a
   * copy. Checked to hold the family header.
   */
  private static byte[] genlBytes(ByteBuffer payload, int type) throws MalformedMessageException {
    int n = payload.remaining();
    if (n < Netlink.GENL_HEADER_LENGTH) {
      throw new MalformedMessageException("message of type " + type + " has " + n
          + " payload bytes, fewer than its " + Netlink.GENL_HEADER_LENGTH + "-byte family header");
    }
    if (payload.hasArray()) {
      return payload.array();
    }
    byte[] b = new byte[n];
    payload.get(payload.position(), b);
    return b;
  }

  /** Where {@link #genlBytes}'s payload starts in its array. */
  private static int genlStart(ByteBuffer payload) {
    return payload.hasArray() ? payload.arrayOffset() + payload.position() : 0;
  }

  /**
   * The value range of the last top-level attribute of a type in the payload {@code b[start, n)}, as
   * {@code from << 32 | to}; it must be there.
   */
  private static long nested(byte[] b, int start, int n, int type) throws MalformedMessageException {
    int from = -1;
    int to = 0;
    for (int p = start + Netlink.GENL_HEADER_LENGTH; n - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int end = NetlinkAttributes.attributeEnd(b, p, n);
      if ((NetlinkAttributes.u16(b, p + 2) & Netlink.NLA_TYPE_MASK) == type) {
        from = p + Netlink.ATTR_HEADER_LENGTH;
        to = end;
      }
      p = Math.min(n, Netlink.align(end));
    }
    NetlinkAttributes.require(type, from, to - from, 0);
    return (long) from << 32 | to;
  }

  /** A string value up to its first NUL (or the whole value when it has none). */
  private static String string(byte[] b, int at, int length) {
    int end = at + length;
    int n = at;
    while (n < end && b[n] != 0) {
      n++;
    }
    return new String(b, at, n - at, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A destination message of a dump ({@code IPVS_CMD_NEW_DEST} with {@code IPVS_CMD_ATTR_DEST}). Listing a table
   * decodes one per destination, so this walks the attributes once, straight into the values, without attribute
   * tables: the payload is copied once and nothing else is made but the result.
   */
  public static IpvsDestination destination(NetlinkMessage m, AddressFamily serviceFamily)
      throws MalformedMessageException {
    return destination(m, serviceFamily, true);
  }

  /**
   * A destination message, with its counters decoded or, when {@code withStats} is false, left out (the stats
   * nests are stepped over unread, so a malformed one goes unnoticed then; the connection counts are decoded
   * either way).
   */
  public static IpvsDestination destination(NetlinkMessage m, AddressFamily serviceFamily, boolean withStats)
      throws MalformedMessageException {
    ByteBuffer payload = m.payload();
    byte[] b = genlBytes(payload, m.type());
    int start = genlStart(payload);
    long nest = nested(b, start, start + payload.remaining(), CMD_ATTR_DEST);
    int from = (int) (nest >>> 32);
    int to = (int) nest;
    // value offsets (-1: absent) and lengths of the attributes read
    int addr = -1;
    int addrLength = 0;
    int port = -1;
    int portLength = 0;
    int fwd = -1;
    int fwdLength = 0;
    int weight = -1;
    int weightLength = 0;
    int upper = -1;
    int upperLength = 0;
    int lower = -1;
    int lowerLength = 0;
    int active = -1;
    int activeLength = 0;
    int inactive = -1;
    int inactiveLength = 0;
    int persistent = -1;
    int persistentLength = 0;
    int af = -1;
    int afLength = 0;
    int tunType = -1;
    int tunTypeLength = 0;
    int tunPort = -1;
    int tunPortLength = 0;
    int tunFlags = -1;
    int tunFlagsLength = 0;
    int stats = -1;
    int statsEnd = 0;
    int stats64 = -1;
    int stats64End = 0;
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int end = NetlinkAttributes.attributeEnd(b, p, to); // small enough for C1 to inline
      int v = p + Netlink.ATTR_HEADER_LENGTH;
      int length = end - v;
      switch (NetlinkAttributes.u16(b, p + 2) & Netlink.NLA_TYPE_MASK) {
        case DEST_ATTR_ADDR: addr = v; addrLength = length; break;
        case DEST_ATTR_PORT: port = v; portLength = length; break;
        case DEST_ATTR_FWD_METHOD: fwd = v; fwdLength = length; break;
        case DEST_ATTR_WEIGHT: weight = v; weightLength = length; break;
        case DEST_ATTR_U_THRESH: upper = v; upperLength = length; break;
        case DEST_ATTR_L_THRESH: lower = v; lowerLength = length; break;
        case DEST_ATTR_ACTIVE_CONNS: active = v; activeLength = length; break;
        case DEST_ATTR_INACT_CONNS: inactive = v; inactiveLength = length; break;
        case DEST_ATTR_PERSIST_CONNS: persistent = v; persistentLength = length; break;
        case DEST_ATTR_ADDR_FAMILY: af = v; afLength = length; break;
        case DEST_ATTR_TUN_TYPE: tunType = v; tunTypeLength = length; break;
        case DEST_ATTR_TUN_PORT: tunPort = v; tunPortLength = length; break;
        case DEST_ATTR_TUN_FLAGS: tunFlags = v; tunFlagsLength = length; break;
        case DEST_ATTR_STATS: stats = v; statsEnd = end; break;
        case DEST_ATTR_STATS64: stats64 = v; stats64End = end; break;
        default: break;
      }
      p = Math.min(to, Netlink.align(end));
    }
    AddressFamily family = af >= 0
        ? family(NetlinkAttributes.u16(b, NetlinkAttributes.require(DEST_ATTR_ADDR_FAMILY, af, afLength, 2)))
        : serviceFamily;
    Endpoint endpoint = new Endpoint(address(family, b, NetlinkAttributes.require(DEST_ATTR_ADDR, addr, addrLength, 0),
        addrLength), be16(b, NetlinkAttributes.require(DEST_ATTR_PORT, port, portLength, 2)));
    try {
      ForwardingMethod method = forwarding(
          u32(b, DEST_ATTR_FWD_METHOD, fwd, fwdLength) & CONN_F_FWD_MASK);
      Optional<Tunnel> tunnel = Optional.empty();
      if (method == ForwardingMethod.TUNNEL && tunType >= 0) {
        TunnelType type = TunnelType.fromKernelValue(
            b[NetlinkAttributes.require(DEST_ATTR_TUN_TYPE, tunType, tunTypeLength, 1)] & 0xff);
        int tport = tunPort >= 0 ? be16(b, NetlinkAttributes.require(DEST_ATTR_TUN_PORT, tunPort, tunPortLength, 2)) : 0;
        int tflags = tunFlags >= 0
            ? NetlinkAttributes.u16(b, NetlinkAttributes.require(DEST_ATTR_TUN_FLAGS, tunFlags, tunFlagsLength, 2))
            : 0;
        tunnel = Optional.of(new Tunnel(type, type == TunnelType.GUE ? tport : 0,
            type == TunnelType.IPIP ? Tunnel.Checksum.NONE : Tunnel.Checksum.fromKernelFlags(tflags)));
      }
      RealServer server = new RealServer(endpoint, u32(b, DEST_ATTR_WEIGHT, weight, weightLength), method,
          u32(b, DEST_ATTR_U_THRESH, upper, upperLength), u32(b, DEST_ATTR_L_THRESH, lower, lowerLength), tunnel);
      // connection counts come only in the kernel's answers, not in requests (which this also decodes in tests)
      return new IpvsDestination(server, optionalU32(b, DEST_ATTR_ACTIVE_CONNS, active, activeLength),
          optionalU32(b, DEST_ATTR_INACT_CONNS, inactive, inactiveLength),
          optionalU32(b, DEST_ATTR_PERSIST_CONNS, persistent, persistentLength),
          withStats ? stats(b, stats, statsEnd, stats64, stats64End) : Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("the kernel reported destination " + endpoint
          + " that lbkit cannot represent: " + e.getMessage());
    }
  }

  /** A u32 value that must be there. */
  private static int u32(byte[] b, int type, int at, int length) throws MalformedMessageException {
    return NetlinkAttributes.u32(b, NetlinkAttributes.require(type, at, length, 4));
  }

  /** A u32 value, 0 when absent. */
  private static int optionalU32(byte[] b, int type, int at, int length) throws MalformedMessageException {
    return at < 0 ? 0 : u32(b, type, at, length);
  }

  private static int be16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  private static ForwardingMethod forwarding(int kernelValue) {
    switch (kernelValue) { // IP_VS_CONN_F_MASQ, _LOCALNODE, _TUNNEL, _DROUTE, _BYPASS
      case 0: return ForwardingMethod.MASQUERADE;
      case 2: return ForwardingMethod.TUNNEL;
      case 3: return ForwardingMethod.DIRECT_ROUTE;
      default: return ForwardingMethod.fromKernelValue(kernelValue);
    }
  }

  /**
   * The counters of an entry: its {@code *_STATS64} nest when it has one (the lab's kernel sends both), else its
   * 32-bit {@code *_STATS} nest, else all zero (requests carry none).
   */
  private static Optional<IpvsStats> stats(byte[] b, int stats, int statsEnd, int stats64, int stats64End)
      throws MalformedMessageException {
    IpvsStats s = stats64 >= 0 ? stats(b, stats64, stats64End, true)
        : stats >= 0 ? stats(b, stats, statsEnd, false) : IpvsStats.ZERO;
    return s == IpvsStats.ZERO ? SOME_ZERO : s == ZERO_32 ? SOME_ZERO_32 : Optional.of(s);
  }

  /** A stats nest walked in place: u32 counters in {@code IPVS_*_ATTR_STATS} (bytes u64), all u64 in STATS64. */
  private static IpvsStats stats(byte[] b, int from, int to, boolean wide) throws MalformedMessageException {
    long[] v = null;
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int end = NetlinkAttributes.attributeEnd(b, p, to); // small enough for C1 to inline
      int type = NetlinkAttributes.u16(b, p + 2) & Netlink.NLA_TYPE_MASK;
      if (type >= STATS_ATTR_CONNS && type <= STATS_ATTR_OUTBPS) {
        int at = p + Netlink.ATTR_HEADER_LENGTH;
        boolean u64 = wide || type == STATS_ATTR_INBYTES || type == STATS_ATTR_OUTBYTES;
        int size = u64 ? 8 : 4;
        if (end - at < size) {
          NetlinkAttributes.require(type, at, end - at, size); // throws, naming the attribute
        }
        int nonzero = 0;
        for (int k = at; k < at + size; k++) { // an idle table's counters are all zero: only look at them
          nonzero |= b[k];
        }
        if (nonzero != 0) {
          if (v == null) {
            v = new long[STATS_ATTR_OUTBPS + 1];
          }
          v[type] = u64 ? NetlinkAttributes.u64(b, at) : Integer.toUnsignedLong(NetlinkAttributes.u32(b, at));
        }
      }
      p = Math.min(to, Netlink.align(end));
    }
    if (v == null) { // all zero, the usual case for an idle table
      return wide ? IpvsStats.ZERO : ZERO_32;
    }
    return new IpvsStats(v[STATS_ATTR_CONNS], v[STATS_ATTR_INPKTS], v[STATS_ATTR_OUTPKTS], v[STATS_ATTR_INBYTES],
        v[STATS_ATTR_OUTBYTES], v[STATS_ATTR_CPS], v[STATS_ATTR_INPPS], v[STATS_ATTR_OUTPPS], v[STATS_ATTR_INBPS],
        v[STATS_ATTR_OUTBPS], wide);
  }

  private static final int AF_INET = 2; // AF_INET
  private static final int AF_INET6 = 10; // AF_INET6
  private static final IpvsStats ZERO_32 = new IpvsStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);
  private static final Optional<IpvsStats> SOME_ZERO = Optional.of(IpvsStats.ZERO);
  private static final Optional<IpvsStats> SOME_ZERO_32 = Optional.of(ZERO_32);

  /** An address from {@code union nf_inet_addr} bytes. */
  private static InetAddress address(AddressFamily family, byte[] b, int at, int length)
      throws MalformedMessageException {
    int n = family == AddressFamily.IPV4 ? 4 : 16;
    if (length < n) {
      throw new MalformedMessageException("address of " + length + " bytes for " + family);
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + n));
    } catch (UnknownHostException e) {
      throw new MalformedMessageException("address: " + e.getMessage());
    }
  }

  /** The answer to {@code IPVS_CMD_GET_CONFIG}. */
  public static IpvsTimeouts timeouts(NetlinkMessage m) throws MalformedMessageException {
    NetlinkAttributes a = m.genlAttributes();
    long tcp = Integer.toUnsignedLong(a.u32(CMD_ATTR_TIMEOUT_TCP));
    long tcpFin = Integer.toUnsignedLong(a.u32(CMD_ATTR_TIMEOUT_TCP_FIN));
    long udp = Integer.toUnsignedLong(a.u32(CMD_ATTR_TIMEOUT_UDP));
    try {
      return IpvsTimeouts.ofSeconds(tcp, tcpFin, udp);
    } catch (IllegalArgumentException e) {
      // the kernel keeps its timeouts in an int: a u32 above 2^31-1 is a broken answer
      throw new MalformedMessageException("the kernel reported timeouts tcp " + tcp + " s, tcpfin " + tcpFin
          + " s, udp " + udp + " s that lbkit cannot represent: " + e.getMessage());
    }
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

  private static AddressFamily family(int af) throws MalformedMessageException {
    if (af == AF_INET) {
      return AddressFamily.IPV4;
    }
    if (af == AF_INET6) {
      return AddressFamily.IPV6;
    }
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

  /** Decodes a raw datagram's first message, for tests and tools. */
  static NetlinkMessage first(ByteBuffer datagram) throws MalformedMessageException {
    return NetlinkMessage.parseAll(datagram).get(0);
  }
}
