package dev.lbkit.vrrp.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.vrrp.testkit.Pcap;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7's IPsec-AH packets (src/test/resources/pcaps/ORIGIN.md): they open and verify with the password
 * they were made with, and sealing their VRRP message with the same source, destination, IP ID and sequence gives
 * the very bytes keepalived sent. Then one test per receive check.
 */
final class AuthenticationHeaderTest {
  private static final byte[] SECRET12 = key("secret12");
  private static final byte[] SHORT = key("short");
  private static final Inet4Address R1 = (Inet4Address) VrrpCodecTest.ip("10.98.0.1");
  private static final Inet4Address R2 = (Inet4Address) VrrpCodecTest.ip("10.98.0.2");
  private static final Inet4Address GROUP = (Inet4Address) VrrpCodecTest.ip("224.0.0.18");

  private static byte[] key(String password) {
    return AuthenticationHeader.key(password.getBytes(StandardCharsets.US_ASCII));
  }

  private static List<byte[]> handover() {
    return Pcap.ipv4Datagrams("/pcaps/keepalived-vrrpv2-ah-handover.pcap", AuthenticationHeader.IPPROTO_AH);
  }

  private static AuthenticationHeader.Opened open(byte[] datagram) {
    AuthenticationHeader.Parsed p = AuthenticationHeader.open(Arrays.copyOf(datagram, 20),
        Arrays.copyOfRange(datagram, 20, datagram.length));
    return assertInstanceOf(AuthenticationHeader.Parsed.Ok.class, p, () -> "bad: " + p).opened();
  }

  private static byte[] concat(AuthenticationHeader.Sealed s) {
    byte[] all = Arrays.copyOf(s.ipHeader(), s.ipHeader().length + s.payload().length);
    System.arraycopy(s.payload(), 0, all, s.ipHeader().length, s.payload().length);
    return all;
  }

  @Test
  void keepalivedMulticastHandover_opensVerifiesAndReseals() {
    List<byte[]> ds = handover();
    assertEquals(8, ds.size());
    long[] sequences = {1, 2, 3, 4, 5, 6, 7, 8};
    int[] ipIds = {1, 2, 3, 4, 1, 2, 3, 4};
    int[] priorities = {150, 150, 150, 0, 100, 100, 100, 100};
    for (int i = 0; i < ds.size(); i++) {
      byte[] d = ds.get(i);
      AuthenticationHeader.Opened o = open(d);
      assertNull(o.verify(SECRET12, false), "packet " + i);
      Inet4Address source = i < 4 ? R1 : R2;
      assertEquals(source, o.source());
      assertEquals(GROUP, o.destination());
      assertEquals(255, o.ttl());
      assertEquals(sequences[i], o.sequence());
      // the VRRP part: auth type 2 with zero auth data, a normal v2 checksum
      Decoded inner = VrrpCodec.decode(o.source(), o.destination(), o.ttl(), o.message());
      VrrpPacket p = assertInstanceOf(Decoded.Accepted.class, inner, () -> "inner " + inner).packet();
      assertEquals(VrrpPacket.v2(51, priorities[i], Duration.ofSeconds(1), VrrpPacket.AUTH_AH, new byte[8],
          List.of(VrrpCodecTest.ip("10.98.0.100"))), p);
      AuthenticationHeader.Sealed s = AuthenticationHeader.seal(source, GROUP, ipIds[i], sequences[i], false,
          SECRET12, VrrpCodec.encode(p, source, GROUP));
      assertArrayEquals(d, concat(s), "packet " + i);
    }
  }

  @Test
  void keepalivedUnicast_leavesTheTtlOutOfTheIcv_andPadsAShortPassword() {
    List<byte[]> ds = Pcap.ipv4Datagrams("/pcaps/keepalived-vrrpv2-ah-unicast.pcap", AuthenticationHeader.IPPROTO_AH);
    assertEquals(1, ds.size());
    AuthenticationHeader.Opened o = open(ds.get(0));
    assertNull(o.verify(SHORT, true));
    // with the TTL in the ICV (the multicast rule) the same packet does not verify
    assertEquals(Rejection.AUTH_AH_ICV, o.verify(SHORT, false).rejection());
    VrrpPacket p = ((Decoded.Accepted) VrrpCodec.decode(R1, R2, 255, o.message())).packet();
    assertEquals(52, p.vrid());
    byte[] again = concat(AuthenticationHeader.seal(R1, R2, 1, 1, true, SHORT, VrrpCodec.encode(p, R1, R2)));
    assertArrayEquals(ds.get(0), again);
  }

  @Test
  void wrongPassword_failsTheIcv() {
    AuthenticationHeader.Opened o = open(handover().get(0));
    Decoded.Rejected r = o.verify(key("secret13"), false);
    assertNotNull(r);
    assertEquals(Rejection.AUTH_AH_ICV, r.rejection());
  }

  @Test
  void anyCoveredByteChanged_failsTheIcv() {
    byte[] d = handover().get(0);
    // every byte but the mutable ones (TOS 1, flags/offset 6-7, checksum 10-11) is covered; TTL (8) with multicast
    for (int i = 0; i < d.length; i++) {
      if (i == 1 || i == 6 || i == 7 || i == 10 || i == 11) {
        continue;
      }
      byte[] changed = d.clone();
      changed[i] ^= 0x01;
      AuthenticationHeader.Parsed p = AuthenticationHeader.open(Arrays.copyOf(changed, 20),
          Arrays.copyOfRange(changed, 20, changed.length));
      if (p instanceof AuthenticationHeader.Parsed.Ok ok) {
        Decoded.Rejected r = ok.opened().verify(SECRET12, false);
        assertNotNull(r, "byte " + i + " changed but the packet still verifies");
        assertEquals(Rejection.AUTH_AH_ICV, r.rejection(), "byte " + i);
      }
      // else the layout check caught it first (version, protocol, length, next header, AH length)
    }
  }

  @Test
  void mutableFieldsChanged_stillVerify() {
    byte[] d = handover().get(0).clone();
    d[1] = 0x10; // TOS rewritten on the way
    d[10] = 0x12; // checksum
    assertNull(open(d).verify(SECRET12, false));
  }

  @Test
  void spiOtherThanTheSender_isRejected() {
    // an ICV that verifies but names another SPI: only a sender with the key can make one, so seal by hand
    AuthenticationHeader.Sealed s = AuthenticationHeader.seal(R1, GROUP, 7, 9, false, SECRET12, message());
    byte[] payload = s.payload();
    payload[7] = 9; // SPI 10.98.0.9
    System.arraycopy(AuthenticationHeader.icv(s.ipHeader(), payload, false, SECRET12), 0, payload, 12, 12);
    AuthenticationHeader.Parsed p = AuthenticationHeader.open(s.ipHeader(), payload);
    Decoded.Rejected r = ((AuthenticationHeader.Parsed.Ok) p).opened().verify(SECRET12, false);
    assertEquals(Rejection.AUTH_AH_SPI, r.rejection());
  }

  @Test
  void layoutChecks_eachNameTheirRule() {
    AuthenticationHeader.Sealed s = AuthenticationHeader.seal(R1, GROUP, 7, 9, false, SECRET12, message());
    assertBad(Rejection.AH_FORMAT, new byte[19], s.payload());
    byte[] h = s.ipHeader().clone();
    h[9] = 112;
    assertBad(Rejection.AH_FORMAT, h, s.payload());
    h = s.ipHeader().clone();
    h[3]++;
    assertBad(Rejection.LENGTH, h, s.payload());
    h = s.ipHeader().clone();
    h[6] = 0x20; // more fragments
    assertBad(Rejection.AH_FORMAT, h, s.payload());
    byte[] p = s.payload().clone();
    p[0] = 6; // AH over TCP: not ours
    assertBad(Rejection.AH_FORMAT, s.ipHeader(), p);
    p = s.payload().clone();
    p[1] = 3;
    assertBad(Rejection.AH_FORMAT, s.ipHeader(), p);
    byte[] shortHeader = s.ipHeader().clone();
    shortHeader[3] = 40;
    assertBad(Rejection.TOO_SHORT, shortHeader, Arrays.copyOf(s.payload(), 20));
  }

  @Test
  void seal_refusesValuesOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> AuthenticationHeader.seal(R1, GROUP, 0, 1, false, SECRET12,
        message()));
    assertThrows(IllegalArgumentException.class, () -> AuthenticationHeader.seal(R1, GROUP, 1, 0, false, SECRET12,
        message()));
    assertThrows(IllegalArgumentException.class, () -> AuthenticationHeader.seal(R1, GROUP, 1, 1L << 32, false,
        SECRET12, message()));
    assertThrows(IllegalArgumentException.class, () -> AuthenticationHeader.seal(R1, GROUP, 1, 1, false,
        new byte[7], message()));
    assertThrows(IllegalArgumentException.class, () -> AuthenticationHeader.key(new byte[9]));
    assertThrows(IllegalArgumentException.class, () -> AuthenticationHeader.key(new byte[0]));
  }

  private static void assertBad(Rejection expected, byte[] header, byte[] payload) {
    AuthenticationHeader.Parsed p = AuthenticationHeader.open(header, payload);
    assertEquals(expected, assertInstanceOf(AuthenticationHeader.Parsed.Bad.class, p).rejected().rejection());
  }

  static byte[] message() {
    InetAddress vip = VrrpCodecTest.ip("10.98.0.100");
    return VrrpCodec.encode(VrrpPacket.v2(51, 150, Duration.ofSeconds(1), VrrpPacket.AUTH_AH, new byte[8],
        List.of(vip)), R1, GROUP);
  }
}
