package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-instance counters of the IPsec-AH mode, against keepalived 2.2.7's rules (see {@link AhSession}). */
final class AhSessionTest {
  private static final byte[] KEY = Arrays.copyOf("pw".getBytes(StandardCharsets.US_ASCII), 8);

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<VrrpDatagram> plain(String... destinations) {
    byte[] message = VrrpCodec.encode(VrrpPacket.v2(51, 150, Duration.ofSeconds(1), VrrpPacket.AUTH_AH,
        new byte[8], List.of(ip("10.98.0.100"))), ip("10.98.0.1"), ip("224.0.0.18"));
    return Arrays.stream(destinations)
        .map(d -> new VrrpDatagram("eth0", ip("10.98.0.1"), ip(d), 255, message)).toList();
  }

  private static AuthenticationHeader.Opened open(VrrpDatagram d) {
    return ((AuthenticationHeader.Parsed.Ok) AuthenticationHeader.open(d.ipHeader(), d.payload())).opened();
  }

  @Test
  void seal_takesOneIpIdAndSequenceNumberPerAdvertisement_forAllPeers() {
    AhSession s = new AhSession(KEY, true);
    List<VrrpDatagram> first = s.seal(plain("10.98.0.2", "10.98.0.3"));
    List<VrrpDatagram> second = s.seal(plain("10.98.0.2", "10.98.0.3"));
    for (VrrpDatagram d : first) {
      assertTrue(d.authenticated());
      assertEquals(1, open(d).sequence());
      assertEquals(1, ((d.ipHeader()[4] & 0xff) << 8) | (d.ipHeader()[5] & 0xff));
      assertNull(open(d).verify(KEY, true));
    }
    for (VrrpDatagram d : second) {
      assertEquals(2, open(d).sequence());
      assertEquals(2, d.ipHeader()[5]);
    }
    // the destination is covered: the two peers' ICVs differ
    assertFalse(Arrays.equals(first.get(0).payload(), first.get(1).payload()));
    assertEquals(2, s.sequence());
  }

  @Test
  void accept_perSender_movesTheSharedCounter() {
    AhSession s = new AhSession(KEY, false);
    InetAddress a = ip("10.98.0.2");
    InetAddress b = ip("10.98.0.3");
    assertTrue(s.accept(a, 5));
    assertFalse(s.accept(a, 5), "a replay");
    assertFalse(s.accept(a, 4));
    assertEquals(5, s.sequence());
    s.seal(plain("224.0.0.18"));
    assertEquals(6, s.sequence(), "sending continues above what was heard, as keepalived's counter does");
    // keepalived would drop b's 6 (its counter is 6 after sending); per sender it is b's first and is heard
    assertTrue(s.accept(b, 6));
    assertTrue(s.accept(a, 6));
    assertFalse(s.accept(b, 6));
    assertTrue(s.accept(b, 40));
    assertEquals(41, open(s.seal(plain("224.0.0.18")).get(0)).sequence());
  }

  @Test
  void sendersBeyondTheLimit_forgetTheLeastRecentlyHeard() {
    AhSession s = new AhSession(KEY, false);
    assertTrue(s.accept(ip("10.0.0.1"), 10));
    for (int i = 0; i < AhSession.MAX_SENDERS; i++) {
      assertTrue(s.accept(ip("10.1." + (i / 250) + "." + (i % 250 + 1)), 100 + i));
    }
    assertTrue(s.accept(ip("10.0.0.1"), 10), "forgotten: heard again as a new sender");
  }

  @Test
  void heardLowerPriority_jumpsAboveTheSendersNumber() {
    AhSession s = new AhSession(KEY, false);
    s.accept(ip("10.98.0.2"), 3);
    s.heardLowerPriority(41);
    assertEquals(43, open(s.seal(plain("224.0.0.18")).get(0)).sequence());
  }

  @Test
  void counterStopsBelowTheTop_andStartsAgainOnBecomingMaster() {
    AhSession s = new AhSession(KEY, false);
    s.accept(ip("10.98.0.2"), AhSession.LAST_INCREMENTED);
    assertEquals(0xFFFFFFFEL, open(s.seal(plain("224.0.0.18")).get(0)).sequence());
    assertEquals(0xFFFFFFFEL, open(s.seal(plain("224.0.0.18")).get(0)).sequence(), "stopped: repeats");
    s.becomingMaster();
    assertEquals(1, open(s.seal(plain("224.0.0.18")).get(0)).sequence());
    s.becomingMaster();
    assertEquals(2, open(s.seal(plain("224.0.0.18")).get(0)).sequence(), "only a stopped counter restarts");
  }

  @Test
  void stoppedCounter_acceptingANumberNotBelowIt_clearsTheStop_asKeepalivedDoes() {
    AhSession s = new AhSession(KEY, false);
    s.counterForTest(0xFFFFFFFDL);
    s.seal(plain("224.0.0.18"));
    s.seal(plain("224.0.0.18")); // stopped at 0xFFFFFFFE
    assertTrue(s.accept(ip("10.98.0.3"), 0xFFFFFFFFL));
    s.becomingMaster();
    assertEquals(0xFFFFFFFFL, open(s.seal(plain("224.0.0.18")).get(0)).sequence(), "not restarted from 1");
  }

  @Test
  void stoppedCounter_acceptingALowerNumber_keepsTheStop() {
    AhSession s = new AhSession(KEY, false);
    s.counterForTest(0xFFFFFFFEL);
    s.seal(plain("224.0.0.18")); // stopped: repeats 0xFFFFFFFE
    assertTrue(s.accept(ip("10.98.0.3"), 5), "a sender's first number");
    s.becomingMaster();
    assertEquals(1, open(s.seal(plain("224.0.0.18")).get(0)).sequence());
  }

  @Test
  void counterForTest_setsTheNextNumber_andRejectsValuesOutside32Bits() {
    AhSession s = new AhSession(KEY, false);
    s.counterForTest(0xFFFFFFFAL);
    assertEquals(0xFFFFFFFBL, open(s.seal(plain("224.0.0.18")).get(0)).sequence());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> s.counterForTest(0x100000000L));
    assertEquals("AH sequence counter must be in [0, 4294967295] but was 4294967296", e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> s.counterForTest(-1));
  }

  @Test
  void ipIdWrapsPast65535To1_neverZero() {
    AhSession s = new AhSession(KEY, false);
    for (int i = 0; i < 0xffff; i++) {
      s.seal(List.of());
    }
    byte[] h = s.seal(plain("224.0.0.18")).get(0).ipHeader();
    assertArrayEquals(new byte[] {0, 1}, Arrays.copyOfRange(h, 4, 6));
  }
}
