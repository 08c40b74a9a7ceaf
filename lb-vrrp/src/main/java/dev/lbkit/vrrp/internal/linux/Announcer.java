package dev.lbkit.vrrp.internal.linux;

import com.sun.jna.Native;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6) for a new Master's addresses, in the form
 * keepalived sends: an ARP request with sender = target = the VIP and target MAC ff:ff:ff:ff:ff:ff, broadcast; an
 * ICMPv6 neighbour advertisement (RFC 4861 4.4) to ff02::1 with the Override flag and the target link-layer address.
 * The packet socket is opened once and kept: closing an AF_PACKET socket waits for an RCU grace period (tens of
 * milliseconds), which would slow a takeover of many instances to a crawl.
 */
final class Announcer implements AutoCloseable {
  private int packetFd = -1;

  /** Opens the packet socket ahead (a takeover then finds it open); {@code why} names it in an error. */
  void open(String why) throws IOException {
    packetSocket(why);
  }

  /** Opens the packet socket lazily; protocol 0 so it receives nothing. */
  private synchronized int packetSocket(String interfaceName) throws IOException {
    if (packetFd < 0) {
      int fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new SocketException("open packet socket for gratuitous ARP on " + interfaceName, Native.getLastError());
      }
      packetFd = fd;
    }
    return packetFd;
  }

  @Override
  public synchronized void close() {
    if (packetFd >= 0) {
      LibC.close(packetFd);
      packetFd = -1;
    }
  }

  /*
   * ARP over Ethernet (RFC 826), 28 bytes, sent through an AF_PACKET/SOCK_DGRAM socket so the kernel adds the
   * Ethernet header towards the broadcast address given in sockaddr_ll:
   *   htype 1 | ptype 0x0800 | hlen 6 | plen 4 | op 1 (request) | sender MAC | sender IP | target MAC | target IP
   */
  static byte[] arpFrame(byte[] mac, InetAddress vip) {
    ByteBuffer arp = ByteBuffer.allocate(28).order(ByteOrder.BIG_ENDIAN);
    arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
    arp.put(mac).put(vip.getAddress());
    arp.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(vip.getAddress());
    return arp.array();
  }

  /** {@code struct sockaddr_ll} towards the Ethernet broadcast address, ARP protocol, on the interface. */
  static byte[] arpDestination(int ifindex) {
    ByteBuffer ll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    ll.putShort((short) LibC.AF_PACKET);
    ll.order(ByteOrder.BIG_ENDIAN).putShort((short) LibC.ETH_P_ARP).order(ByteOrder.nativeOrder());
    ll.putInt(ifindex).putShort((short) 1).put((byte) 0).put((byte) 6);
    ll.put(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0});
    return ll.array();
  }

  /**
   * Sends a frame made by {@link #arpFrame} to a destination made by {@link #arpDestination}; {@code vip} only names
   * the address in an error.
   */
  void sendArp(String interfaceName, byte[] frame, byte[] destination, InetAddress vip) throws IOException {
    int fd = packetSocket(interfaceName);
    if (LibC.sendto(fd, frame, frame.length, 0, destination, destination.length) < 0) {
      throw new SocketException("send gratuitous ARP for " + vip.getHostAddress() + " on " + interfaceName,
          Native.getLastError());
    }
  }

  /*
   * Neighbour advertisement, RFC 4861 4.4, through a raw ICMPv6 socket (the kernel fills in the checksum):
   *   type 136 | code 0 | checksum | R S O flags + reserved (O = 0x20000000) | target address (16)
   *   option 2 (target link-layer address) | length 1 (8 bytes) | MAC
   */
  static byte[] naMessage(byte[] mac, InetAddress vip) {
    ByteBuffer na = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
    na.put((byte) 136).put((byte) 0).putShort((short) 0).putInt(0x20000000).put(vip.getAddress());
    na.put((byte) 2).put((byte) 1).put(mac);
    return na.array();
  }

  /** {@code struct sockaddr_in6} of ff02::1 (all nodes) on the interface. */
  static byte[] allNodes(int ifindex) {
    try {
      return RawVrrpSocket.sockaddr(InetAddress.getByName("ff02::1"), ifindex);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e); // a literal is never looked up
    }
  }

  /**
   * Sends a message made by {@link #naMessage} from {@code source} (the link-local address's sockaddr) to
   * {@code destination} (made by {@link #allNodes}); {@code vip} and {@code linkLocal} only name things in errors.
   */
  static void sendNa(String interfaceName, int ifindex, byte[] msg, byte[] source, byte[] destination,
      InetAddress vip, InetAddress linkLocal) throws IOException {
    int fd = LibC.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_ICMPV6);
    if (fd < 0) {
      throw new SocketException("open ICMPv6 socket for neighbour advertisement on " + interfaceName,
          Native.getLastError());
    }
    try {
      byte[] hops = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(255).array();
      LibC.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_HOPS, hops, 4);
      byte[] idx = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(ifindex).array();
      LibC.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_IF, idx, 4);
      if (LibC.bind(fd, source, source.length) < 0) {
        throw new SocketException("bind ICMPv6 socket to " + linkLocal.getHostAddress(), Native.getLastError());
      }
      if (LibC.sendto(fd, msg, msg.length, 0, destination, destination.length) < 0) {
        throw new SocketException("send neighbour advertisement for " + vip.getHostAddress() + " on "
            + interfaceName, Native.getLastError());
      }
    } finally {
      LibC.close(fd);
    }
  }

  /**
   * The interface's Ethernet address.
   *
   * @throws IOException if it has none
   */
  static byte[] mac(String interfaceName) throws IOException {
    NetworkInterface ni = NetworkInterface.getByName(interfaceName);
    byte[] mac = ni == null ? null : ni.getHardwareAddress();
    if (mac == null || mac.length != 6) {
      throw new IOException("interface '" + interfaceName + "' has no Ethernet address to announce from");
    }
    return mac;
  }
}
