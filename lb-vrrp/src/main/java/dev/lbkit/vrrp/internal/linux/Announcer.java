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
  void gratuitousArp(String interfaceName, int ifindex, byte[] mac, InetAddress vip) throws IOException {
    ByteBuffer arp = ByteBuffer.allocate(28).order(ByteOrder.BIG_ENDIAN);
    arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
    arp.put(mac).put(vip.getAddress());
    arp.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(vip.getAddress());
    ByteBuffer ll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    ll.putShort((short) LibC.AF_PACKET);
    ll.order(ByteOrder.BIG_ENDIAN).putShort((short) LibC.ETH_P_ARP).order(ByteOrder.nativeOrder());
    ll.putInt(ifindex).putShort((short) 1).put((byte) 0).put((byte) 6);
    ll.put(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0});
    int fd = packetSocket(interfaceName);
    byte[] frame = arp.array();
    byte[] sa = ll.array();
    if (LibC.sendto(fd, frame, frame.length, 0, sa, sa.length) < 0) {
      throw new SocketException("send gratuitous ARP for " + vip.getHostAddress() + " on " + interfaceName,
          Native.getLastError());
    }
  }

  /*
   * Neighbour advertisement, RFC 4861 4.4, through a raw ICMPv6 socket (the kernel fills in the checksum):
   *   type 136 | code 0 | checksum | R S O flags + reserved (O = 0x20000000) | target address (16)
   *   option 2 (target link-layer address) | length 1 (8 bytes) | MAC
   */
  static void unsolicitedNa(String interfaceName, int ifindex, byte[] mac, InetAddress vip, InetAddress linkLocal)
      throws IOException {
    ByteBuffer na = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
    na.put((byte) 136).put((byte) 0).putShort((short) 0).putInt(0x20000000).put(vip.getAddress());
    na.put((byte) 2).put((byte) 1).put(mac);
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
      byte[] src = RawVrrpSocket.sockaddr(linkLocal, ifindex);
      if (LibC.bind(fd, src, src.length) < 0) {
        throw new SocketException("bind ICMPv6 socket to " + linkLocal.getHostAddress(), Native.getLastError());
      }
      byte[] dst = RawVrrpSocket.sockaddr(InetAddress.getByName("ff02::1"), ifindex);
      byte[] msg = na.array();
      if (LibC.sendto(fd, msg, msg.length, 0, dst, dst.length) < 0) {
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
