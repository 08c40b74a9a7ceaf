package dev.lbkit.vrrp.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Raw sockets for IP protocol 112 on one interface and family: a receiving one joined to 224.0.0.18 / ff02::12, and
 * a sending one bound to the interface's primary address with TTL / hop limit 255, TOS 0xc0, multicast loop off and,
 * over IPv4, no Don't Fragment flag.
 * Two sockets because a raw socket bound to a unicast address only receives datagrams addressed to it, and the
 * sender must be bound so the kernel sends from the very address the v3 checksum covers. Not thread-safe: the
 * engine thread uses it; {@link #close()} may come from elsewhere once the engine stopped.
 *
 * <p>For keepalived's IPsec-AH mode ({@link #openAuthenticationHeader}) the same pair serves IP protocol 51 over
 * IPv4: the receiving socket hands datagrams over with their IPv4 header (the ICV covers it), and the sending one
 * has IP_HDRINCL, sending the header the engine built (its IP identification is covered too). The kernel then only
 * fills in the header checksum.
 */
final class RawVrrpSocket implements AutoCloseable {
  private static final int IPPROTO_VRRP = 112;
  private static final int IPPROTO_AH = 51;
  private static final int BUFFER = 65_536;

  private final String interfaceName;
  private final AddressFamily family;
  private final int protocol;
  private final int fd;
  private int sendFd = -1;
  private final Memory buffer = new Memory(BUFFER);
  private final Memory control = new Memory(256);
  private final Memory name = new Memory(28);
  private final Memory iov = new Memory(16);
  private final Memory msghdr = new Memory(56);
  private final Memory now = new Memory(16);
  /** sockaddr of each destination sent to, built once (a handful: the group and the unicast peers). */
  private final java.util.Map<InetAddress, byte[]> destinations = new java.util.HashMap<>();
  private static final byte[] NOTHING = new byte[1];
  /** The group's sockaddr, for {@link #prime}. */
  private byte[] probeTo;
  private int ifindex;
  private volatile boolean closed;

  private RawVrrpSocket(String interfaceName, AddressFamily family, int protocol, int fd) {
    this.interfaceName = interfaceName;
    this.family = family;
    this.protocol = protocol;
    this.fd = fd;
  }

  int fd() {
    return fd;
  }

  String interfaceName() {
    return interfaceName;
  }

  AddressFamily family() {
    return family;
  }

  /**
   * Opens, binds to the interface and the source address, joins the VRRP group.
   *
   * @throws IOException naming the call and errno; EPERM explains CAP_NET_RAW
   */
  static RawVrrpSocket open(String interfaceName, int ifindex, AddressFamily family, InetAddress source)
      throws IOException {
    return open(interfaceName, ifindex, family, source, IPPROTO_VRRP);
  }

  /**
   * Opens the IPsec-AH pair (IP protocol 51, IPv4) on the interface: joined to 224.0.0.18, sending with IP_HDRINCL.
   *
   * @throws IOException naming the call and errno; EPERM explains CAP_NET_RAW
   */
  static RawVrrpSocket openAuthenticationHeader(String interfaceName, int ifindex, InetAddress source)
      throws IOException {
    return open(interfaceName, ifindex, AddressFamily.IPV4, source, IPPROTO_AH);
  }

  private static RawVrrpSocket open(String interfaceName, int ifindex, AddressFamily family, InetAddress source,
      int protocol) throws IOException {
    Throwable cause = LibC.unavailabilityCause();
    if (cause != null) {
      throw new IOException("VRRP raw sockets are unavailable here: " + cause, cause);
    }
    RawVrrpSocket s = new RawVrrpSocket(interfaceName, family, protocol, rawSocket(interfaceName, family, protocol));
    try {
      s.ifindex = ifindex;
      s.setupReceiver(ifindex);
      s.sendFd = rawSocket(interfaceName, family, protocol);
      s.setupSender(ifindex, source);
      // the group's sockaddr ahead: a Backup's first send is its takeover
      InetAddress group = InetAddress.getByName(family == AddressFamily.IPV4 ? "224.0.0.18" : "ff02::12");
      s.destinations.put(group, sockaddr(group, ifindex));
      s.probeTo = s.destinations.get(group);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static int rawSocket(String interfaceName, AddressFamily family, int protocol) throws IOException {
    int domain = family == AddressFamily.IPV4 ? LibC.AF_INET : LibC.AF_INET6;
    int fd = LibC.socket(domain, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw new SocketException("open raw socket for " + (protocol == IPPROTO_AH ? "VRRP with IPsec-AH (IP protocol 51"
          : "VRRP (IP protocol 112") + ", " + family + ") on " + interfaceName, Native.getLastError());
    }
    return fd;
  }

  private void setupReceiver(int ifindex) throws IOException {
    byte[] dev = Arrays.copyOf(interfaceName.getBytes(StandardCharsets.US_ASCII), 16);
    setsockopt(fd, "SO_BINDTODEVICE " + interfaceName, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, dev);
    // the kernel stamps each datagram on arrival: the engine starts its timers from then, not from its own read
    setInt(fd, "SO_TIMESTAMPNS", LibC.SOL_SOCKET, LibC.SO_TIMESTAMPNS, 1);
    if (family == AddressFamily.IPV4) {
      byte[] mreqn = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
          .put(new byte[] {(byte) 224, 0, 0, 18}).put(new byte[4]).putInt(ifindex).array();
      setsockopt(fd, "join 224.0.0.18 on " + interfaceName, LibC.IPPROTO_IP, LibC.IP_ADD_MEMBERSHIP, mreqn);
    } else {
      byte[] mreq = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
          .put(InetAddress.getByName("ff02::12").getAddress()).putInt(ifindex).array();
      setsockopt(fd, "join ff02::12 on " + interfaceName, LibC.IPPROTO_IPV6, LibC.IPV6_ADD_MEMBERSHIP, mreq);
      setInt(fd, "IPV6_RECVHOPLIMIT", LibC.IPPROTO_IPV6, LibC.IPV6_RECVHOPLIMIT, 1);
      setInt(fd, "IPV6_RECVPKTINFO", LibC.IPPROTO_IPV6, LibC.IPV6_RECVPKTINFO, 1);
    }
  }

  private void setupSender(int ifindex, InetAddress source) throws IOException {
    byte[] dev = Arrays.copyOf(interfaceName.getBytes(StandardCharsets.US_ASCII), 16);
    setsockopt(sendFd, "SO_BINDTODEVICE " + interfaceName, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, dev);
    // never read: keep what the kernel queues on it small
    setInt(sendFd, "SO_RCVBUF", LibC.SOL_SOCKET, LibC.SO_RCVBUF, 1);
    if (family == AddressFamily.IPV4) {
      byte[] mif = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
          .put(new byte[4]).put(source.getAddress()).putInt(ifindex).array();
      setsockopt(sendFd, "IP_MULTICAST_IF", LibC.IPPROTO_IP, LibC.IP_MULTICAST_IF, mif);
      setInt(sendFd, "IP_MULTICAST_TTL 255", LibC.IPPROTO_IP, LibC.IP_MULTICAST_TTL, 255);
      setInt(sendFd, "IP_TTL 255", LibC.IPPROTO_IP, LibC.IP_TTL, 255);
      setInt(sendFd, "IP_MULTICAST_LOOP 0", LibC.IPPROTO_IP, LibC.IP_MULTICAST_LOOP, 0);
      setInt(sendFd, "IP_TOS 0xc0", LibC.IPPROTO_IP, LibC.IP_TOS, 0xc0);
      // no Don't Fragment flag, as on keepalived's adverts (its own header, fragment field 0): under the default path
      // MTU discovery the kernel sets DF on a datagram it builds (__ip_make_skb); the identification it picks is the
      // same either way (ip_select_ident). With IP_HDRINCL (AH, below) it sends the engine's header, fragment field 0
      setInt(sendFd, "IP_MTU_DISCOVER IP_PMTUDISC_DONT", LibC.IPPROTO_IP, LibC.IP_MTU_DISCOVER,
          LibC.IP_PMTUDISC_DONT);
      if (protocol == IPPROTO_AH) {
        // TOS, TTL, ID and addresses come from the header the engine built and authenticated
        setInt(sendFd, "IP_HDRINCL", LibC.IPPROTO_IP, LibC.IP_HDRINCL, 1);
      }
    } else {
      setInt(sendFd, "IPV6_MULTICAST_IF", LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_IF, ifindex);
      setInt(sendFd, "IPV6_MULTICAST_HOPS 255", LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_HOPS, 255);
      setInt(sendFd, "IPV6_UNICAST_HOPS 255", LibC.IPPROTO_IPV6, LibC.IPV6_UNICAST_HOPS, 255);
      setInt(sendFd, "IPV6_MULTICAST_LOOP 0", LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_LOOP, 0);
      setInt(sendFd, "IPV6_TCLASS 0xc0", LibC.IPPROTO_IPV6, LibC.IPV6_TCLASS, 0xc0);
    }
    // bound to the primary address, the kernel sends from the very address the v3 checksum covers
    byte[] sa = sockaddr(source, ifindex);
    if (LibC.bind(sendFd, sa, sa.length) < 0) {
      throw new SocketException("bind VRRP socket to " + source.getHostAddress() + " on " + interfaceName,
          Native.getLastError());
    }
  }

  /** {@code sockaddr_in} or {@code sockaddr_in6} (with scope id for link-local), port 0. */
  static byte[] sockaddr(InetAddress address, int ifindex) {
    if (address instanceof Inet6Address) {
      ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
      b.putShort((short) LibC.AF_INET6).putShort((short) 0).putInt(0).put(address.getAddress());
      b.putInt(address.isLinkLocalAddress() || address.isMulticastAddress() ? ifindex : 0);
      return b.array();
    }
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    b.putShort((short) LibC.AF_INET).putShort((short) 0).put(address.getAddress()).put(new byte[8]);
    return b.array();
  }

  void send(VrrpDatagram d) throws IOException {
    byte[] payload = d.payload();
    if (d.authenticated()) {
      if (protocol != IPPROTO_AH) {
        throw new IOException("an IPsec-AH datagram needs the protocol 51 socket on " + interfaceName);
      }
      byte[] header = d.ipHeader();
      byte[] whole = Arrays.copyOf(header, header.length + payload.length);
      System.arraycopy(payload, 0, whole, header.length, payload.length);
      payload = whole;
    }
    byte[] sa = destinations.get(d.destination());
    if (sa == null) {
      sa = sockaddr(d.destination(), ifindex);
      destinations.put(d.destination(), sa);
    }
    long n = LibC.sendto(sendFd, payload, payload.length, 0, sa, sa.length);
    if (n < 0) {
      throw new SocketException("send VRRP advertisement to " + d.destination().getHostAddress() + " on "
          + interfaceName, Native.getLastError());
    }
  }

  /**
   * Runs through a receive and a send without taking or sending anything: a non-blocking receive that only peeks
   * (the datagram, if any, stays queued), and a send of no bytes with MSG_PROBE | MSG_CONFIRM to the group, which the
   * raw socket ends after its route lookup (raw_sendmsg and rawv6_sendmsg). Errors are ignored.
   */
  void prime() {
    aimReceive(1);
    LibC.recvmsg(fd, msghdr, LibC.MSG_DONTWAIT | LibC.MSG_PEEK);
    if (sendFd >= 0 && probeTo != null) {
      LibC.sendto(sendFd, NOTHING, 0, LibC.MSG_PROBE | LibC.MSG_CONFIRM, probeTo, probeTo.length);
    }
  }

  /** Sets the msghdr up for a receive of up to {@code length} bytes into the buffer and the sender into name. */
  private void aimReceive(long length) {
    iov.setPointer(0, buffer);
    iov.setLong(8, length);
    msghdr.clear();
    msghdr.setPointer(0, name);
    msghdr.setInt(8, 28);
    msghdr.setPointer(16, iov);
    msghdr.setLong(24, 1);
  }

  /**
   * Reads one datagram without blocking (call after poll said readable).
   *
   * @return null if nothing was there or it was not a whole IP datagram
   */
  Received receive() throws IOException {
    aimReceive(BUFFER);
    msghdr.setPointer(32, control);
    msghdr.setLong(40, control.size());
    long n = LibC.recvmsg(fd, msghdr, LibC.MSG_DONTWAIT);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
        return null;
      }
      throw new SocketException("receive VRRP on " + interfaceName, errno);
    }
    // the receive time stamp is wall-clock (CLOCK_REALTIME) time: its distance to the wall clock now, taken next to
    // the monotonic clock, gives the arrival on System.nanoTime's scale
    long monotonicNow = System.nanoTime();
    long arrival = monotonicNow;
    int ttl = -1;
    InetAddress dst = null;
    long controlLen = msghdr.getLong(40);
    long off = 0;
    while (off + 16 <= controlLen) {
      long len = control.getLong(off);
      int level = control.getInt(off + 8);
      int type = control.getInt(off + 12);
      if (len < 16) {
        break;
      }
      if (level == LibC.SOL_SOCKET && type == LibC.SO_TIMESTAMPNS && len >= 32) {
        long stamp = control.getLong(off + 16) * 1_000_000_000L + control.getLong(off + 24);
        arrival = arrivalOnMonotonic(stamp, monotonicNow);
      } else if (level == LibC.IPPROTO_IPV6 && type == LibC.IPV6_HOPLIMIT) {
        ttl = control.getInt(off + 16);
      } else if (level == LibC.IPPROTO_IPV6 && type == LibC.IPV6_PKTINFO) {
        dst = Inet6Address.getByAddress(null, control.getByteArray(off + 16, 16), -1);
      }
      off += (len + 7) & ~7L;
    }
    byte[] data = buffer.getByteArray(0, (int) n);
    VrrpDatagram d = family == AddressFamily.IPV4 ? parseIpv4(data) : parseIpv6(data, ttl, dst);
    return d == null ? null : new Received(d, arrival);
  }

  /**
   * The wall-clock stamp on the monotonic clock: the wall clock is read between two monotonic reads, and a pair with
   * the thread descheduled in between (the reads more than 20 us apart) is read again, so the mapping errs by at most
   * 10 us, never by however long the thread was off the CPU (that would start the timers early).
   */
  private long arrivalOnMonotonic(long stamp, long fallback) {
    for (int attempt = 0; attempt < 3; attempt++) {
      long before = System.nanoTime();
      long real = realtimeNanos();
      long after = System.nanoTime();
      if (after - before <= 20_000) {
        long age = real - stamp;
        return age > 0 ? before + (after - before) / 2 - age : fallback;
      }
    }
    return fallback;
  }

  /** CLOCK_REALTIME in nanoseconds. */
  private long realtimeNanos() {
    LibC.clock_gettime(LibC.CLOCK_REALTIME, now);
    return now.getLong(0) * 1_000_000_000L + now.getLong(8);
  }

  /**
   * A received datagram and when it arrived, on the {@link System#nanoTime()} scale (when it was read, if the kernel
   * gave no time stamp).
   */
  record Received(VrrpDatagram datagram, long arrivalNanoTime) {}

  private VrrpDatagram parseIpv4(byte[] data) throws UnknownHostException {
    // a raw IPv4 socket delivers the IP header too: TTL, source and destination come from it
    if (data.length < 20 || (data[0] & 0xf0) != 0x40) {
      return null;
    }
    int ihl = (data[0] & 0x0f) * 4;
    if (ihl < 20 || data.length < ihl) {
      return null;
    }
    int ttl = data[8] & 0xff;
    InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(data, 12, 16));
    InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(data, 16, 20));
    if (protocol == IPPROTO_AH) {
      // the ICV covers the header: hand it over as received
      return new VrrpDatagram(interfaceName, src, dst, ttl, Arrays.copyOfRange(data, ihl, data.length),
          java.time.Duration.ZERO, Arrays.copyOf(data, ihl));
    }
    return new VrrpDatagram(interfaceName, src, dst, ttl, Arrays.copyOfRange(data, ihl, data.length));
  }

  private VrrpDatagram parseIpv6(byte[] data, int ttl, InetAddress dst) throws UnknownHostException {
    // a raw IPv6 socket delivers only the payload: the hop limit and destination arrive as control messages
    if (dst == null) {
      return null;
    }
    InetAddress src = Inet6Address.getByAddress(null, name.getByteArray(8, 16), -1);
    return new VrrpDatagram(interfaceName, src, dst, ttl, data);
  }

  private static void setInt(int fd, String what, int level, int option, int value) throws IOException {
    setsockopt(fd, what, level, option, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
  }

  private static void setsockopt(int fd, String what, int level, int option, byte[] value) throws IOException {
    if (LibC.setsockopt(fd, level, option, value, value.length) < 0) {
      throw new SocketException("set up VRRP socket: " + what, Native.getLastError());
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
      if (sendFd >= 0) {
        LibC.close(sendFd);
      }
    }
  }
}
