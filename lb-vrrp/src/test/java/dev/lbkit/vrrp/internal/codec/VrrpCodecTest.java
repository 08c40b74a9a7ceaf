package dev.lbkit.vrrp.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.vrrp.testkit.Pcap;
import dev.lbkit.vrrp.testkit.Pcap.IpDatagram;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden packets captured from keepalived 2.2.7 (see src/test/resources/pcaps/ORIGIN.md) and one test per check. */
final class VrrpCodecTest {
  private static final InetAddress R1 = ip("10.99.0.1");
  private static final InetAddress GROUP4 = ip("224.0.0.18");
  private static final InetAddress LL = ip("fe80::99:ff:fe00:1");
  private static final InetAddress GROUP6 = ip("ff02::12");
  private static final InetAddress VIP = ip("10.99.0.100");

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static VrrpPacket accepted(IpDatagram d) {
    Decoded r = VrrpCodec.decode(d.source(), d.destination(), d.ttl(), d.payload());
    return assertInstanceOf(Decoded.Accepted.class, r, () -> "rejected: " + r).packet();
  }

  /** Every golden datagram decodes and re-encodes to the very bytes keepalived sent. */
  private static void assertReencodes(IpDatagram d, VrrpPacket p) {
    assertArrayEquals(d.payload(), VrrpCodec.encode(p, d.source(), d.destination()));
  }

  @Test
  void decode_keepalivedV2Adverts() {
    List<IpDatagram> ds = Pcap.vrrpDatagrams("/pcaps/keepalived-vrrpv2-adverts.pcap");
    assertEquals(3, ds.size());
    for (IpDatagram d : ds) {
      VrrpPacket p = accepted(d);
      assertEquals(VrrpPacket.v2(51, 150, Duration.ofSeconds(1), 0, new byte[8], List.of(VIP)), p);
      assertEquals(255, d.ttl());
      assertEquals(0xc0, d.tos());
      assertReencodes(d, p);
    }
  }

  @Test
  void decode_keepalivedV2AuthPass() {
    for (IpDatagram d : Pcap.vrrpDatagrams("/pcaps/keepalived-vrrpv2-authpass.pcap")) {
      VrrpPacket p = accepted(d);
      assertEquals(VrrpPacket.AUTH_PASS, p.authType());
      assertArrayEquals(Arrays.copyOf("secret".getBytes(StandardCharsets.US_ASCII), 8), p.authData());
      assertReencodes(d, p);
    }
  }

  @Test
  void decode_keepalivedV3Ipv4With100msInterval() {
    List<IpDatagram> ds = Pcap.vrrpDatagrams("/pcaps/keepalived-vrrpv3-ipv4-100ms.pcap");
    assertEquals(4, ds.size());
    for (IpDatagram d : ds) {
      VrrpPacket p = accepted(d);
      assertEquals(VrrpPacket.v3(52, 150, Duration.ofMillis(100), List.of(VIP)), p);
      assertReencodes(d, p);
    }
  }

  @Test
  void decode_keepalivedV3Ipv6() {
    List<IpDatagram> ds = Pcap.vrrpDatagrams("/pcaps/keepalived-vrrpv3-ipv6.pcap");
    assertEquals(2, ds.size());
    for (IpDatagram d : ds) {
      VrrpPacket p = accepted(d);
      assertEquals(VrrpPacket.v3(53, 150, Duration.ofSeconds(1), List.of(ip("2001:db8:99::100"))), p);
      assertEquals(GROUP6, d.destination());
      assertReencodes(d, p);
    }
  }

  @Test
  void decode_keepalivedPriorityZeroHandover() {
    List<IpDatagram> ds = Pcap.vrrpDatagrams("/pcaps/keepalived-vrrpv2-prio0-handover.pcap");
    int[] priorities = ds.stream().mapToInt(d -> accepted(d).priority()).toArray();
    assertArrayEquals(new int[] {150, 0, 100, 100}, priorities);
    assertEquals(ip("10.99.0.2"), ds.get(2).source());
    // the new master's first advert follows the resignation after Skew_Time(100) = 609 ms
    long gapNanos = ds.get(2).nanos() - ds.get(1).nanos();
    assertEquals(609, gapNanos / 1_000_000, 30);
  }

  @Test
  void encode_v3Ipv4_matchesLabExampleFrame() {
    byte[] expected = hex("3134 9601 000a 4306 0a63 0064");
    assertArrayEquals(expected,
        VrrpCodec.encode(VrrpPacket.v3(52, 150, Duration.ofMillis(100), List.of(VIP)), R1, GROUP4));
  }

  @Test
  void encode_v3_checksumNeedsPseudoHeader() {
    byte[] bytes = VrrpCodec.encode(VrrpPacket.v3(52, 150, Duration.ofMillis(100), List.of(VIP)), R1, GROUP4);
    // the same bytes arriving from another source fail: the pseudo-header is part of the sum
    assertRejected(Rejection.CHECKSUM, VrrpCodec.decode(ip("10.99.0.9"), GROUP4, 255, bytes));
  }

  // ---- one test per receive check ----

  private static byte[] v2Bytes() {
    return VrrpCodec.encode(VrrpPacket.v2(51, 150, Duration.ofSeconds(1), 0, new byte[8], List.of(VIP)), R1, GROUP4);
  }

  private static void assertRejected(Rejection expected, Decoded actual) {
    assertEquals(expected, assertInstanceOf(Decoded.Rejected.class, actual, () -> "accepted: " + actual).rejection());
  }

  /** Rewrites byte i and fixes the v2 checksum, so that only the intended check fails. */
  private static byte[] v2With(int index, int value) {
    byte[] b = v2Bytes();
    b[index] = (byte) value;
    b[6] = 0;
    b[7] = 0;
    int sum = VrrpCodec.checksum(0, b);
    b[6] = (byte) (sum >>> 8);
    b[7] = (byte) sum;
    return b;
  }

  @Test
  void decode_rejectsTtlBelow255() {
    assertRejected(Rejection.TTL, VrrpCodec.decode(R1, GROUP4, 64, v2Bytes()));
  }

  @Test
  void decode_rejectsShortPacket() {
    assertRejected(Rejection.TOO_SHORT, VrrpCodec.decode(R1, GROUP4, 255, new byte[7]));
  }

  @Test
  void decode_rejectsUnknownVersion() {
    assertRejected(Rejection.VERSION, VrrpCodec.decode(R1, GROUP4, 255, v2With(0, 0x41)));
  }

  @Test
  void decode_rejectsV2OverIpv6() {
    byte[] v3 = VrrpCodec.encode(VrrpPacket.v3(53, 150, Duration.ofSeconds(1), List.of(ip("2001:db8::1"))), LL,
        GROUP6);
    v3[0] = 0x21;
    assertRejected(Rejection.VERSION, VrrpCodec.decode(LL, GROUP6, 255, v3));
  }

  @Test
  void decode_rejectsTypeOtherThanAdvertisement() {
    assertRejected(Rejection.TYPE, VrrpCodec.decode(R1, GROUP4, 255, v2With(0, 0x22)));
  }

  @Test
  void decode_rejectsIpv6SourceThatIsNotLinkLocal() {
    byte[] v3 = VrrpCodec.encode(VrrpPacket.v3(53, 150, Duration.ofSeconds(1), List.of(ip("2001:db8::1"))),
        ip("2001:db8::2"), GROUP6);
    assertRejected(Rejection.SOURCE_NOT_LINK_LOCAL, VrrpCodec.decode(ip("2001:db8::2"), GROUP6, 255, v3));
  }

  @Test
  void decode_rejectsZeroAddressCount() {
    assertRejected(Rejection.ADDRESS_COUNT, VrrpCodec.decode(R1, GROUP4, 255, v2With(3, 0)));
  }

  @Test
  void decode_rejectsVridZero_asARejectionNotAnException() {
    // RFC 5798 5.2.3: VRIDs are 1 to 255; a checksum-valid packet with VRID 0 once threw the model's exception
    Decoded v2 = VrrpCodec.decode(R1, GROUP4, 255, v2With(1, 0));
    assertRejected(Rejection.VRID, v2);
    assertEquals("vrid 0, VRIDs are 1 to 255", ((Decoded.Rejected) v2).detail());
    byte[] v3 = VrrpCodec.encode(VrrpPacket.v3(52, 150, Duration.ofMillis(100), List.of(VIP)), R1, GROUP4);
    v3[1] = 0;
    withV3Checksum(v3);
    assertRejected(Rejection.VRID, VrrpCodec.decode(R1, GROUP4, 255, v3));
  }

  /** Stores the VRRPv3 checksum of {@code b} sent from R1 to GROUP4 (pseudo-header included). */
  private static void withV3Checksum(byte[] b) {
    b[6] = 0;
    b[7] = 0;
    byte[] pseudo = new byte[12 + b.length];
    System.arraycopy(R1.getAddress(), 0, pseudo, 0, 4);
    System.arraycopy(GROUP4.getAddress(), 0, pseudo, 4, 4);
    pseudo[9] = 112;
    pseudo[11] = (byte) b.length;
    System.arraycopy(b, 0, pseudo, 12, b.length);
    int sum = VrrpCodec.checksum(0, pseudo);
    b[6] = (byte) (sum >>> 8);
    b[7] = (byte) sum;
  }

  @Test
  void decode_rejectsCountThatDisagreesWithLength() {
    assertRejected(Rejection.LENGTH, VrrpCodec.decode(R1, GROUP4, 255, v2With(3, 2)));
    assertRejected(Rejection.LENGTH, VrrpCodec.decode(R1, GROUP4, 255, Arrays.copyOf(v2Bytes(), 21)));
  }

  @Test
  void decode_rejectsBadChecksum() {
    byte[] b = v2Bytes();
    b[7] ^= 1;
    assertRejected(Rejection.CHECKSUM, VrrpCodec.decode(R1, GROUP4, 255, b));
  }

  @Test
  void decode_rejectsZeroInterval() {
    assertRejected(Rejection.INTERVAL_ZERO, VrrpCodec.decode(R1, GROUP4, 255, v2With(5, 0)));
  }

  @Test
  void decode_rejectsMixedFamilies() {
    assertRejected(Rejection.ADDRESS_FAMILY, VrrpCodec.decode(R1, GROUP6, 255, v2Bytes()));
  }

  @Test
  void decode_v3IgnoresReservedBits() {
    byte[] b = VrrpCodec.encode(VrrpPacket.v3(52, 150, Duration.ofMillis(100), List.of(VIP)), R1, GROUP4);
    b[4] |= (byte) 0xf0;
    withV3Checksum(b);
    Decoded d = VrrpCodec.decode(R1, GROUP4, 255, b);
    assertEquals(Duration.ofMillis(100), assertInstanceOf(Decoded.Accepted.class, d).packet().advertInterval());
  }

  @Test
  void packet_rejectsV2SubSecondInterval() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VrrpPacket.v2(1, 100, Duration.ofMillis(100), 0, new byte[8], List.of(VIP)));
    assertEquals("VRRPv2 advertisement interval must be whole seconds in [1, 255] but was PT0.1S", e.getMessage());
  }

  static byte[] hex(String s) {
    String h = s.replace(" ", "");
    byte[] out = new byte[h.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
