package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.ipvs.internal.netlink.Errno;
import dev.lbkit.ipvs.internal.netlink.MalformedMessageException;
import dev.lbkit.ipvs.internal.netlink.Netlink;
import dev.lbkit.ipvs.internal.netlink.NetlinkAttributes;
import dev.lbkit.ipvs.internal.netlink.NetlinkConnection;
import dev.lbkit.ipvs.internal.netlink.NetlinkException;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import dev.lbkit.ipvs.internal.netlink.NetlinkProtocol;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Interface addresses through rtnetlink (RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR), on the shared netlink layer of
 * lb-ipvs. Thread-safe (the connection serializes exchanges).
 */
final class Rtnetlink implements AutoCloseable {
  static final int RTM_GETLINK = 18; // RTM_GETLINK
  static final int RTM_NEWADDR = 20; // RTM_NEWADDR
  static final int RTM_DELADDR = 21; // RTM_DELADDR
  static final int RTM_GETADDR = 22; // RTM_GETADDR
  static final int IFA_ADDRESS = 1; // IFA_ADDRESS
  static final int IFA_LOCAL = 2; // IFA_LOCAL
  static final int IFA_F_SECONDARY = 0x01; // IFA_F_SECONDARY
  static final int IFA_F_NODAD = 0x02; // IFA_F_NODAD: a VIP must not wait for duplicate address detection
  static final int RT_SCOPE_UNIVERSE = 0; // RT_SCOPE_UNIVERSE
  static final int RT_SCOPE_LINK = 253; // RT_SCOPE_LINK

  private static final String ADD_OPERATION = "add a virtual address";
  private static final String WARM_UP_OPERATION = "look up the interface (warm-up)";
  private static final String REMOVE_OPERATION = "remove a virtual address";
  /** Drops the answer of a warm-up request; a class of its own (see {@link #warmUp}). */
  private static final NetlinkConnection.Decoder<Void> IGNORE_ANSWER = m -> null;
  private final NetlinkConnection connection;
  /** The last RTM_GETLINK request {@link #warmUp} made (a takeover's priming repeats it). */
  private volatile LinkLookUp lastLookUp;

  /** An ended RTM_GETLINK request for the interface {@code ifindex}. */
  private record LinkLookUp(int ifindex, NetlinkMessageWriter request) {}

  private Rtnetlink(NetlinkConnection connection) {
    this.connection = connection;
  }

  /**
   * Opens a NETLINK_ROUTE connection.
   *
   * @throws IOException if netlink is unavailable
   */
  static Rtnetlink open() throws IOException {
    try {
      return new Rtnetlink(NetlinkConnection.open(NetlinkProtocol.ROUTE));
    } catch (UnsupportedOperationException e) {
      throw new IOException("rtnetlink is unavailable here: " + e.getMessage(), e);
    }
  }

  /**
   * The interface index.
   *
   * @throws IOException if there is no such interface in this network namespace
   */
  static int ifindex(String interfaceName) throws IOException {
    NetworkInterface ni;
    try {
      ni = NetworkInterface.getByName(interfaceName);
    } catch (SocketException e) {
      throw new IOException("look up interface '" + interfaceName + "': " + e.getMessage(), e);
    }
    if (ni == null) {
      throw new IOException("interface '" + interfaceName + "' does not exist (ip link show lists the interfaces of "
          + "this network namespace)");
    }
    return ni.getIndex();
  }

  /** One address of an interface as the kernel lists it. */
  record Address(InetAddress address, int prefixLength, int flags, int scope) {}

  /** The addresses of one family on the interface, in the kernel's order (primary before secondary). */
  List<Address> addresses(int ifindex, AddressFamily family) throws IOException {
    NetlinkMessageWriter w = new NetlinkMessageWriter().begin(RTM_GETADDR, 0);
    ifaddrmsg(w, family, 0, 0, 0, 0);
    List<Address> all = connection.dump("list addresses", w.end(), m -> decode(m, ifindex));
    return all.stream().filter(a -> AddressFamily.of(a.address()) == family).toList();
  }

  /** An address of a dump, or null for another message type or interface. Package-private for tests. */
  static Address decode(NetlinkMessage m, int ifindex) throws NetlinkException {
    if (m.type() != RTM_NEWADDR) {
      return null;
    }
    ByteBuffer p = m.payload();
    if (p.remaining() < 8) {
      throw new MalformedMessageException("RTM_NEWADDR of " + p.remaining()
          + " payload bytes, fewer than its 8-byte ifaddrmsg header");
    }
    int prefix = p.get(1) & 0xff;
    int flags = p.get(2) & 0xff;
    int scope = p.get(3) & 0xff;
    int index = p.getInt(4);
    if (index != ifindex) {
      return null;
    }
    NetlinkAttributes attrs = m.attributesAfter(8);
    byte[] raw = attrs.has(IFA_LOCAL) ? attrs.bytes(IFA_LOCAL) : attrs.has(IFA_ADDRESS) ? attrs.bytes(IFA_ADDRESS)
        : null;
    if (raw == null || (raw.length != 4 && raw.length != 16)) {
      return null;
    }
    try {
      InetAddress a = raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
      return new Address(a, prefix, flags, scope);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The RTM_NEWADDR request that adds {@code address/prefixLength} on the interface, ended and ready to send
   * (sequence number and port id 0: the connection patches them in when it sends). Built ahead of a takeover.
   */
  static NetlinkMessageWriter addMessage(int ifindex, InetAddress address, int prefixLength) {
    AddressFamily family = AddressFamily.of(address);
    NetlinkMessageWriter w = new NetlinkMessageWriter(64).begin(RTM_NEWADDR, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL);
    ifaddrmsg(w, family, prefixLength, family == AddressFamily.IPV6 ? IFA_F_NODAD : 0, RT_SCOPE_UNIVERSE, ifindex);
    return w.attrBytes(IFA_LOCAL, address.getAddress()).attrBytes(IFA_ADDRESS, address.getAddress()).end();
  }

  /** The RTM_DELADDR request that removes {@code address/prefixLength} from the interface, ended. */
  static NetlinkMessageWriter removeMessage(int ifindex, InetAddress address, int prefixLength) {
    AddressFamily family = AddressFamily.of(address);
    NetlinkMessageWriter w = new NetlinkMessageWriter(64).begin(RTM_DELADDR, 0);
    ifaddrmsg(w, family, prefixLength, 0, RT_SCOPE_UNIVERSE, ifindex);
    return w.attrBytes(IFA_LOCAL, address.getAddress()).attrBytes(IFA_ADDRESS, address.getAddress()).end();
  }

  /**
   * Sends a request made by {@link #addMessage}; already present is fine. The other arguments only name the
   * address in an error.
   *
   * @throws IOException with errno; EPERM explains CAP_NET_ADMIN
   */
  void add(NetlinkMessageWriter prepared, String interfaceName, InetAddress address, int prefixLength)
      throws IOException {
    try {
      // a takeover runs this once, in the interpreter: the operation's name is built only for an error
      connection.execute(ADD_OPERATION, prepared);
    } catch (NetlinkException e) {
      if (e.errno() != Errno.EEXIST) {
        throw explain(e, "add " + address.getHostAddress() + "/" + prefixLength + " to " + interfaceName);
      }
    }
  }

  /**
   * Sends a request made by {@link #removeMessage}; already absent is fine.
   *
   * @throws IOException with errno; EPERM explains CAP_NET_ADMIN
   */
  void remove(NetlinkMessageWriter prepared, String interfaceName, InetAddress address, int prefixLength)
      throws IOException {
    try {
      connection.execute(REMOVE_OPERATION, prepared);
    } catch (NetlinkException e) {
      if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENOENT && e.errno() != Errno.ENODEV) {
        throw explain(e, "remove " + address.getHostAddress() + "/" + prefixLength + " from " + interfaceName);
      }
    }
  }

  /**
   * Makes {@code rounds} RTM_GETLINK requests for the interface with an ACK, reading and dropping the answers:
   * read-only, so it changes nothing, but it runs the request/answer/ACK code that adding an address runs.
   *
   * <p>The first goes through {@link NetlinkConnection#request} with a decoder class of this one's, the others through
   * {@link NetlinkConnection#execute} as an add does: with the add's decoder the only class of its interface loaded,
   * the JIT would compile {@code request}'s decoder call for that class alone, on the condition that no other class
   * implements the interface, and the router's first address dump (another decoder class) would throw that code away
   * soon after start-up, leaving {@code request} to the interpreter until some takeover crossed the compile threshold
   * again and waited for the compiler (RtnetlinkJitTest).
   *
   * @throws IOException if a request fails (no such interface)
   */
  void warmUp(int ifindex, int rounds) throws IOException {
    LinkLookUp last = lastLookUp;
    if (last == null || last.ifindex() != ifindex) {
      NetlinkMessageWriter w = new NetlinkMessageWriter(64).begin(RTM_GETLINK, 0);
      // struct ifinfomsg: family, pad, type, index, flags, change
      w.u8(0).u8(0).u16(0).u32(ifindex).u32(0).u32(0).end();
      last = new LinkLookUp(ifindex, w);
      lastLookUp = last;
    }
    NetlinkMessageWriter w = last.request();
    for (int i = 0; i < rounds; i++) {
      if (i == 0) {
        connection.request(WARM_UP_OPERATION, w, IGNORE_ANSWER);
      } else {
        connection.execute(WARM_UP_OPERATION, w);
      }
    }
  }

  private static IOException explain(NetlinkException e, String op) {
    if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
      return new IOException(op + ": operation not permitted (EPERM); changing addresses needs CAP_NET_ADMIN", e);
    }
    if (e.getMessage() != null
        && (e.getMessage().contains(ADD_OPERATION) || e.getMessage().contains(REMOVE_OPERATION))) {
      return new IOException(op + ": " + e.getMessage(), e);
    }
    return e;
  }

  /** {@code struct ifaddrmsg}: family, prefix length, flags, scope, interface index. */
  private static void ifaddrmsg(NetlinkMessageWriter w, AddressFamily family, int prefix, int flags, int scope,
      int ifindex) {
    w.u8(family.linuxValue()).u8(prefix).u8(flags).u8(scope).u32(ifindex);
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
