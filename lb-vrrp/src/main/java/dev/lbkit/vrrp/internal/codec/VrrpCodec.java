package dev.lbkit.vrrp.internal.codec;

import dev.lbkit.api.AddressFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes VRRP advertisements: the bytes of the IP payload, with no IP header. Stateless and
 * thread-safe; knows bytes, not timers or sockets.
 *
 * <pre>
 * VRRPv2, RFC 3768 5.1 (IPv4 only)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Auth Type   |   Adver Int   |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  IP Address (1..count), 4 bytes each          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Authentication Data, 8 bytes                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   checksum: Internet checksum over the VRRP message only; Adver Int in seconds
 *
 * VRRPv3, RFC 5798 5.1 (IPv4 or IPv6)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |(rsvd) |     Max Adver Int     |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            IPvX Address(es): 4 or 16 bytes each               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   checksum: Internet checksum over the IPv4 or IPv6 pseudo-header (source, destination, protocol 112,
 *   length) followed by the VRRP message; Max Adver Int: 12 bits of centiseconds
 * </pre>
 */
public final class VrrpCodec {
  /** IANA protocol number of VRRP. */
  public static final int IPPROTO_VRRP = 112;
  /** RFC 5798 5.1.1.3 / 5.1.2.3: TTL and hop limit on send, required on receive. */
  public static final int REQUIRED_TTL = 255;
  /** Fixed header length, both versions. */
  public static final int HEADER_LENGTH = 8;

  private VrrpCodec() {}

  /**
   * Encodes an advertisement with its checksum.
   *
   * @param source the IP source the datagram will carry (used in the v3 pseudo-header)
   * @param destination the IP destination (multicast group or unicast peer)
   * @throws IllegalArgumentException if source/destination are not of the packet's family
   */
  public static byte[] encode(VrrpPacket packet, InetAddress source, InetAddress destination) {
    AddressFamily family = packet.family();
    if (AddressFamily.of(source) != family || AddressFamily.of(destination) != family) {
      throw new IllegalArgumentException("source " + source.getHostAddress() + " and destination "
          + destination.getHostAddress() + " must be " + family + " like the advertised addresses");
    }
    int addrLen = family == AddressFamily.IPV4 ? 4 : 16;
    int length = HEADER_LENGTH + addrLen * packet.addresses().size()
        + (packet.version() == 2 ? VrrpPacket.AUTH_DATA_LENGTH : 0);
    ByteBuffer b = ByteBuffer.allocate(length);
    b.put((byte) ((packet.version() << 4) | VrrpPacket.TYPE_ADVERTISEMENT));
    b.put((byte) packet.vrid());
    b.put((byte) packet.priority());
    b.put((byte) packet.addresses().size());
    if (packet.version() == 2) {
      b.put((byte) packet.authType());
      b.put((byte) packet.advertInterval().getSeconds());
    } else {
      b.putShort((short) (packet.advertInterval().toMillis() / 10));
    }
    b.putShort((short) 0);
    for (InetAddress a : packet.addresses()) {
      b.put(a.getAddress());
    }
    if (packet.version() == 2) {
      b.put(packet.authData());
    }
    byte[] bytes = b.array();
    int sum = packet.version() == 2 ? checksum(0, bytes) : checksum(pseudoHeaderSum(source, destination, length),
        bytes);
    bytes[6] = (byte) (sum >>> 8);
    bytes[7] = (byte) sum;
    return bytes;
  }

  /**
   * Decodes a received VRRP payload, applying every check that needs no configuration. Never throws on any input
   * bytes.
   *
   * @param source IP source of the datagram
   * @param destination IP destination of the datagram
   * @param ttl the received IPv4 TTL or IPv6 hop limit
   * @param payload the IP payload
   */
  public static Decoded decode(InetAddress source, InetAddress destination, int ttl, byte[] payload) {
    // RFC 5798 7.1: the TTL / hop limit must be 255, else the packet may have crossed a router
    if (ttl != REQUIRED_TTL) {
      return reject(Rejection.TTL, "TTL/hop limit " + ttl + ", expected 255");
    }
    if (payload.length < HEADER_LENGTH) {
      return reject(Rejection.TOO_SHORT, payload.length + " bytes");
    }
    AddressFamily family = AddressFamily.of(source);
    if (AddressFamily.of(destination) != family) {
      return reject(Rejection.ADDRESS_FAMILY, "source and destination families differ");
    }
    int version = (payload[0] & 0xff) >>> 4;
    int type = payload[0] & 0x0f;
    // RFC 5798 7.1: the version must be one we speak; VRRPv2 is IPv4 only (RFC 3768)
    if (version != 2 && version != 3) {
      return reject(Rejection.VERSION, "version " + version);
    }
    if (version == 2 && family != AddressFamily.IPV4) {
      return reject(Rejection.VERSION, "version 2 over IPv6");
    }
    // RFC 5798 5.2.2: only ADVERTISEMENT (1) is defined
    if (type != VrrpPacket.TYPE_ADVERTISEMENT) {
      return reject(Rejection.TYPE, "type " + type);
    }
    // RFC 5798 7.1 (IPv6): the source must be link-local
    if (family == AddressFamily.IPV6 && !source.isLinkLocalAddress()) {
      return reject(Rejection.SOURCE_NOT_LINK_LOCAL, "source " + source.getHostAddress());
    }
    int vrid = payload[1] & 0xff;
    int priority = payload[2] & 0xff;
    int count = payload[3] & 0xff;
    // RFC 5798 5.2.5: at least one address
    if (count == 0) {
      return reject(Rejection.ADDRESS_COUNT, "vrid " + vrid);
    }
    int addrLen = family == AddressFamily.IPV4 ? 4 : 16;
    int expected = HEADER_LENGTH + count * addrLen + (version == 2 ? VrrpPacket.AUTH_DATA_LENGTH : 0);
    // RFC 5798 7.1: the packet must hold the complete message for its address count
    if (payload.length != expected) {
      return reject(Rejection.LENGTH, payload.length + " bytes for " + count + " addresses, expected " + expected);
    }
    // RFC 5798 7.1: verify the checksum, in v3 over the pseudo-header too
    int sum = version == 2 ? checksum(0, payload) : checksum(pseudoHeaderSum(source, destination, expected), payload);
    if (sum != 0) {
      return reject(Rejection.CHECKSUM, String.format(java.util.Locale.ROOT, "residue 0x%04x", sum));
    }
    // RFC 5798 5.2.3: VRIDs are 1 to 255, so no instance is configured for 0 (and VrrpPacket refuses it)
    if (vrid == 0) {
      return reject(Rejection.VRID, "vrid 0, VRIDs are 1 to 255");
    }
    int authType = 0;
    Duration interval;
    if (version == 2) {
      authType = payload[4] & 0xff;
      interval = Duration.ofSeconds(payload[5] & 0xff);
    } else {
      // the top 4 bits are reserved: ignored on receive
      interval = Duration.ofMillis(10L * (((payload[4] & 0x0f) << 8) | (payload[5] & 0xff)));
    }
    if (interval.isZero()) {
      return reject(Rejection.INTERVAL_ZERO, "vrid " + vrid);
    }
    List<InetAddress> addresses = new ArrayList<>(count);
    byte[] raw = new byte[addrLen];
    for (int i = 0; i < count; i++) {
      System.arraycopy(payload, HEADER_LENGTH + i * addrLen, raw, 0, addrLen);
      addresses.add(address(raw));
    }
    byte[] authData = new byte[version == 2 ? VrrpPacket.AUTH_DATA_LENGTH : 0];
    System.arraycopy(payload, HEADER_LENGTH + count * addrLen, authData, 0, authData.length);
    return new Decoded.Accepted(new VrrpPacket(version, vrid, priority, interval, authType, authData, addresses));
  }

  private static Decoded reject(Rejection rejection, String detail) {
    return new Decoded.Rejected(rejection, detail);
  }

  private static InetAddress address(byte[] raw) {
    try {
      InetAddress a = InetAddress.getByAddress(raw);
      // an IPv4-mapped IPv6 address comes back as Inet4Address; keep the family of the wire
      if (raw.length == 16 && a instanceof Inet4Address) {
        return Inet6Address.getByAddress(null, raw, -1);
      }
      return a;
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  /** Sum of the pseudo-header words (RFC 5798 5.2.8: RFC 768-style for IPv4, RFC 8200 8.1 for IPv6). */
  private static int pseudoHeaderSum(InetAddress source, InetAddress destination, int length) {
    int sum = addWords(0, source.getAddress()) + addWords(0, destination.getAddress());
    if (source instanceof Inet4Address) {
      sum += IPPROTO_VRRP + length;
    } else {
      sum += (length >>> 16) + (length & 0xffff) + IPPROTO_VRRP;
    }
    return sum;
  }

  private static int addWords(int sum, byte[] bytes) {
    for (int i = 0; i + 1 < bytes.length; i += 2) {
      sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
    }
    if ((bytes.length & 1) != 0) {
      sum += (bytes[bytes.length - 1] & 0xff) << 8;
    }
    return sum;
  }

  /**
   * The Internet checksum (RFC 1071) of {@code bytes} with an initial partial sum: the value to store when the
   * checksum field is zero, and 0 when verifying a message that carries a correct checksum.
   */
  static int checksum(int initial, byte[] bytes) {
    long sum = initial & 0xffffffffL;
    sum += addWords(0, bytes) & 0xffffffffL;
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
