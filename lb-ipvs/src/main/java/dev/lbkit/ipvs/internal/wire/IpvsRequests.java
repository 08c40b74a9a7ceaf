package dev.lbkit.ipvs.internal.wire;

import static dev.lbkit.ipvs.internal.wire.IpvsGenl.*;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.SyncDaemon;
import dev.lbkit.ipvs.internal.netlink.Netlink;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Encodes IPVS requests. The attribute order and the values of fields a command ignores are those of ipvsadm 1.31
 * (libipvs), so lbkit's messages are byte for byte what ipvsadm sends (see the captured vectors in the tests).
 *
 * <pre>
 * nlmsghdr (type = IPVS family id) | genlmsghdr (cmd, version 1) | IPVS_CMD_ATTR_SERVICE (nested)
 *   AF u16 | FWMARK u32 or PROTOCOL u16, ADDR 16 bytes, PORT be16 | SCHED_NAME | PE_NAME? | FLAGS | TIMEOUT | NETMASK
 * | IPVS_CMD_ATTR_DEST (nested)
 *   ADDR_FAMILY u16 | ADDR | PORT be16 | FWD_METHOD u32 | WEIGHT u32 | TUN_TYPE u8 | TUN_PORT be16 | TUN_FLAGS u16
 *   | U_THRESH u32 | L_THRESH u32
 * </pre>
 * Stateless; every method returns an ended writer whose sequence number and port id the connection fills in.
 */
public final class IpvsRequests {
  private final int familyId;

  /** @param familyId the {@code IPVS} generic netlink family id the controller resolved */
  public IpvsRequests(int familyId) {
    this.familyId = familyId;
  }

  /** {@code IPVS_CMD_NEW_SERVICE}: ipvsadm -A. */
  public NetlinkMessageWriter newService(VirtualService service) {
    return service(CMD_NEW_SERVICE, service);
  }

  /** {@code IPVS_CMD_SET_SERVICE}: ipvsadm -E. */
  public NetlinkMessageWriter setService(VirtualService service) {
    return service(CMD_SET_SERVICE, service);
  }

  /** {@code IPVS_CMD_DEL_SERVICE}: ipvsadm -D. */
  public NetlinkMessageWriter delService(ServiceKey key) {
    NetlinkMessageWriter w = begin(CMD_DEL_SERVICE, 0);
    ipvsadmServiceStub(w, key);
    return w.end();
  }

  /** {@code IPVS_CMD_GET_SERVICE} of one service (not a dump); ipvsadm sends a zero netmask here. */
  public NetlinkMessageWriter getService(ServiceKey key) {
    NetlinkMessageWriter w = begin(CMD_GET_SERVICE, 0);
    int nest = w.beginNested(CMD_ATTR_SERVICE | Netlink.NLA_F_NESTED);
    identityAttributes(w, key);
    w.attrString(SVC_ATTR_SCHED_NAME, "");
    w.attrBytes(SVC_ATTR_FLAGS, flagsAndMask(0));
    w.attrU32(SVC_ATTR_TIMEOUT, 0);
    w.attrU32(SVC_ATTR_NETMASK, 0);
    w.endNested(nest);
    return w.end();
  }

  /** {@code IPVS_CMD_GET_SERVICE} to dump every service (send with {@code NLM_F_DUMP}). */
  public NetlinkMessageWriter dumpServices() {
    return begin(CMD_GET_SERVICE, Netlink.NLM_F_ACK).end();
  }

  /** {@code IPVS_CMD_NEW_DEST}: ipvsadm -a. */
  public NetlinkMessageWriter newDest(ServiceKey service, RealServer dest) {
    return dest(CMD_NEW_DEST, service, dest);
  }

  /** {@code IPVS_CMD_SET_DEST}: ipvsadm -e. */
  public NetlinkMessageWriter setDest(ServiceKey service, RealServer dest) {
    return dest(CMD_SET_DEST, service, dest);
  }

  /**
   * {@code IPVS_CMD_DEL_DEST}: ipvsadm -d. The kernel reads only the address and port; the other fields carry
   * ipvsadm's defaults.
   */
  public NetlinkMessageWriter delDest(ServiceKey service, Endpoint dest) {
    return dest(CMD_DEL_DEST, service, RealServer.builder(dest).build());
  }

  /** {@code IPVS_CMD_GET_DEST} to dump a service's destinations (send with {@code NLM_F_DUMP}). */
  public NetlinkMessageWriter dumpDests(ServiceKey service) {
    NetlinkMessageWriter w = begin(CMD_GET_DEST, Netlink.NLM_F_ACK);
    serviceIdentity(w, service);
    return w.end();
  }

  /** {@code IPVS_CMD_FLUSH}: ipvsadm -C. */
  public NetlinkMessageWriter flush() {
    return begin(CMD_FLUSH, 0).end();
  }

  /** {@code IPVS_CMD_ZERO} of everything: ipvsadm -Z. */
  public NetlinkMessageWriter zeroAll() {
    return begin(CMD_ZERO, 0).end();
  }

  /** {@code IPVS_CMD_ZERO} of one service: ipvsadm -Z -t/-u/-f. */
  public NetlinkMessageWriter zero(ServiceKey key) {
    NetlinkMessageWriter w = begin(CMD_ZERO, 0);
    ipvsadmServiceStub(w, key);
    return w.end();
  }

  /** {@code IPVS_CMD_GET_CONFIG}: the timeouts. */
  public NetlinkMessageWriter getConfig() {
    return begin(CMD_GET_CONFIG, 0).end();
  }

  /** {@code IPVS_CMD_SET_CONFIG}: ipvsadm --set; zero leaves a timeout as it is. */
  public NetlinkMessageWriter setConfig(IpvsTimeouts t) {
    NetlinkMessageWriter w = begin(CMD_SET_CONFIG, 0);
    w.attrU32(CMD_ATTR_TIMEOUT_TCP, (int) t.tcp().getSeconds());
    w.attrU32(CMD_ATTR_TIMEOUT_TCP_FIN, (int) t.tcpFin().getSeconds());
    w.attrU32(CMD_ATTR_TIMEOUT_UDP, (int) t.udp().getSeconds());
    return w.end();
  }

  /** {@code IPVS_CMD_GET_INFO}: version and connection table size. */
  public NetlinkMessageWriter getInfo() {
    return begin(CMD_GET_INFO, 0).end();
  }

  /** {@code IPVS_CMD_NEW_DAEMON}: ipvsadm --start-daemon. */
  public NetlinkMessageWriter newDaemon(SyncDaemon d) {
    NetlinkMessageWriter w = begin(CMD_NEW_DAEMON, 0);
    int nest = w.beginNested(CMD_ATTR_DAEMON | Netlink.NLA_F_NESTED);
    w.attrU32(DAEMON_ATTR_STATE, d.role().kernelState());
    w.attrString(DAEMON_ATTR_MCAST_IFN, d.interfaceName());
    w.attrU32(DAEMON_ATTR_SYNC_ID, d.syncId());
    if (d.maxPacketLength() != 0) {
      w.attrU16(DAEMON_ATTR_SYNC_MAXLEN, d.maxPacketLength());
    }
    if (d.port() != 0) {
      w.attrU16(DAEMON_ATTR_MCAST_PORT, d.port());
    }
    if (d.ttl() != 0) {
      w.attrU8(DAEMON_ATTR_MCAST_TTL, d.ttl());
    }
    if (d.group().isPresent()) {
      InetAddress g = d.group().get();
      w.attrBytes(g instanceof Inet4Address ? DAEMON_ATTR_MCAST_GROUP : DAEMON_ATTR_MCAST_GROUP6, g.getAddress());
    }
    w.endNested(nest);
    return w.end();
  }

  /** {@code IPVS_CMD_DEL_DAEMON}: ipvsadm --stop-daemon. */
  public NetlinkMessageWriter delDaemon(SyncDaemon.Role role) {
    NetlinkMessageWriter w = begin(CMD_DEL_DAEMON, 0);
    int nest = w.beginNested(CMD_ATTR_DAEMON | Netlink.NLA_F_NESTED);
    w.attrU32(DAEMON_ATTR_STATE, role.kernelState());
    w.attrString(DAEMON_ATTR_MCAST_IFN, ""); // as ipvsadm sends it; the kernel reads only the state
    w.attrU32(DAEMON_ATTR_SYNC_ID, 0);
    w.endNested(nest);
    return w.end();
  }

  /** {@code IPVS_CMD_GET_DAEMON} (a dump). */
  public NetlinkMessageWriter dumpDaemons() {
    return begin(CMD_GET_DAEMON, Netlink.NLM_F_ACK).end();
  }

  /** The service flags word of a definition. */
  public static int serviceFlags(VirtualService s) {
    int flags = 0;
    if (s.persistence().isPresent()) {
      flags |= SVC_F_PERSISTENT;
    }
    if (s.onePacket()) {
      flags |= SVC_F_ONEPACKET;
    }
    for (SchedulerFlag f : s.schedulerFlags()) {
      flags |= f.kernelBit();
    }
    return flags;
  }

  private NetlinkMessageWriter begin(int command, int flags) {
    return new NetlinkMessageWriter(200).begin(familyId, flags).genlHeader(command, VERSION);
  }

  private NetlinkMessageWriter service(int command, VirtualService s) {
    NetlinkMessageWriter w = begin(command, 0);
    int nest = w.beginNested(CMD_ATTR_SERVICE | Netlink.NLA_F_NESTED);
    identityAttributes(w, s.key());
    w.attrString(SVC_ATTR_SCHED_NAME, s.scheduler());
    s.persistenceEngine().ifPresent(pe -> w.attrString(SVC_ATTR_PE_NAME, pe));
    w.attrBytes(SVC_ATTR_FLAGS, flagsAndMask(serviceFlags(s)));
    w.attrU32(SVC_ATTR_TIMEOUT, s.persistence().map(p -> (int) p.timeout().getSeconds()).orElse(0));
    int prefix = s.persistence().map(p -> p.effectivePrefixLength(s.key().family())).orElse(s.key().family().bits());
    netmask(w, s.key().family(), prefix);
    w.endNested(nest);
    return w.end();
  }

  private NetlinkMessageWriter dest(int command, ServiceKey service, RealServer d) {
    NetlinkMessageWriter w = begin(command, 0);
    ipvsadmServiceStub(w, service);
    int nest = w.beginNested(CMD_ATTR_DEST | Netlink.NLA_F_NESTED);
    Endpoint e = d.endpoint();
    w.attrU16(DEST_ATTR_ADDR_FAMILY, e.family().linuxValue());
    w.attrBytes(DEST_ATTR_ADDR, address(e.address()));
    w.attrBe16(DEST_ATTR_PORT, e.port());
    w.attrU32(DEST_ATTR_FWD_METHOD, d.forwarding().kernelValue());
    w.attrU32(DEST_ATTR_WEIGHT, d.weight());
    Tunnel t = d.tunnel().orElse(null);
    w.attrU8(DEST_ATTR_TUN_TYPE, t == null ? 0 : t.type().kernelValue());
    w.attrBe16(DEST_ATTR_TUN_PORT, t == null ? 0 : t.port());
    w.attrU16(DEST_ATTR_TUN_FLAGS, t == null ? 0 : t.checksum().kernelFlags());
    w.attrU32(DEST_ATTR_U_THRESH, d.upperThreshold());
    w.attrU32(DEST_ATTR_L_THRESH, d.lowerThreshold());
    w.endNested(nest);
    return w.end();
  }

  /** The service as ipvsadm sends it with destination, delete and zero commands: identity plus empty defaults. */
  private static void ipvsadmServiceStub(NetlinkMessageWriter w, ServiceKey key) {
    int nest = w.beginNested(CMD_ATTR_SERVICE | Netlink.NLA_F_NESTED);
    identityAttributes(w, key);
    w.attrString(SVC_ATTR_SCHED_NAME, "");
    w.attrBytes(SVC_ATTR_FLAGS, flagsAndMask(0));
    w.attrU32(SVC_ATTR_TIMEOUT, 0);
    netmask(w, key.family(), key.family().bits());
    w.endNested(nest);
  }

  /** The service's identity alone, as ipvsadm sends it to dump a service's destinations. */
  private static void serviceIdentity(NetlinkMessageWriter w, ServiceKey key) {
    int nest = w.beginNested(CMD_ATTR_SERVICE | Netlink.NLA_F_NESTED);
    identityAttributes(w, key);
    w.endNested(nest);
  }

  private static void identityAttributes(NetlinkMessageWriter w, ServiceKey key) {
    w.attrU16(SVC_ATTR_AF, key.family().linuxValue());
    if (key instanceof ServiceKey.FirewallMark fwm) {
      w.attrU32(SVC_ATTR_FWMARK, (int) fwm.mark());
    } else {
      ServiceKey.Address a = (ServiceKey.Address) key;
      w.attrU16(SVC_ATTR_PROTOCOL, a.protocol().ipProtocolNumber());
      w.attrBytes(SVC_ATTR_ADDR, address(a.endpoint().address()));
      w.attrBe16(SVC_ATTR_PORT, a.endpoint().port());
    }
  }

  /** IPv4: the mask in network order; IPv6: the prefix length (ip_vs_ctl.c reads it so). */
  private static void netmask(NetlinkMessageWriter w, AddressFamily family, int prefix) {
    if (family == AddressFamily.IPV4) {
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      w.attrBytes(SVC_ATTR_NETMASK, new byte[] {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8),
          (byte) mask});
    } else {
      w.attrU32(SVC_ATTR_NETMASK, prefix);
    }
  }

  private static byte[] flagsAndMask(int flags) {
    byte[] b = new byte[8];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).putInt(flags).putInt(-1);
    return b;
  }

  /** An address as {@code union nf_inet_addr}: 16 bytes, IPv4 in the first 4. */
  static byte[] address(InetAddress a) {
    byte[] out = new byte[ADDR_LENGTH];
    byte[] raw = a.getAddress();
    System.arraycopy(raw, 0, out, 0, raw.length);
    return out;
  }

  /** Persistence of a decoded service; whole-address persistence has no prefix length. */
  static Persistence persistence(int timeoutSeconds, int prefix, AddressFamily family) {
    return prefix == family.bits() ? Persistence.of(java.time.Duration.ofSeconds(timeoutSeconds))
        : Persistence.of(java.time.Duration.ofSeconds(timeoutSeconds), prefix);
  }
}
