package dev.lbkit.vrrp.internal.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.vrrp.internal.codec.Rejection;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.testkit.VrrpArbitraries;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One test per configuration-dependent receive check (RFC 3768 7.1, RFC 5798 7.1). */
final class ReceiveChecksTest {
  private static final InetAddress ME = VrrpArbitraries.parse("10.0.0.2");
  private static final InetAddress PEER = VrrpArbitraries.parse("10.0.0.1");
  private static final InetAddress VIP = VrrpArbitraries.parse("10.0.0.100");
  private static final byte[] SECRET = Arrays.copyOf("secret".getBytes(StandardCharsets.US_ASCII), 8);
  private final ReceiveChecks v2pass = new ReceiveChecks(2, Duration.ofSeconds(1), 1, SECRET, List.of(VIP), ME);
  private final ReceiveChecks v3 = new ReceiveChecks(3, Duration.ofSeconds(1), 0, new byte[8], List.of(VIP), ME);

  private static VrrpPacket v2(int prio, int secs, int auth, byte[] data, List<InetAddress> vips) {
    return VrrpPacket.v2(5, prio, Duration.ofSeconds(secs), auth, data, vips);
  }

  @Test
  void accepts_matchingAdvert() {
    assertEquals(Optional.empty(), v2pass.check(v2(100, 1, 1, SECRET, List.of(VIP)), PEER));
  }

  @Test
  void rejects_ownPacket() {
    assertEquals(Optional.of(Rejection.OWN_PACKET), v2pass.check(v2(100, 1, 1, SECRET, List.of(VIP)), ME));
  }

  @Test
  void rejects_otherVersion() {
    assertEquals(Optional.of(Rejection.VERSION_MISMATCH),
        v2pass.check(VrrpPacket.v3(5, 100, Duration.ofSeconds(1), List.of(VIP)), PEER));
  }

  @Test
  void rejects_authTypeMismatch() {
    assertEquals(Optional.of(Rejection.AUTH_TYPE), v2pass.check(v2(100, 1, 0, new byte[8], List.of(VIP)), PEER));
  }

  @Test
  void rejects_wrongPassword() {
    byte[] other = Arrays.copyOf("other".getBytes(StandardCharsets.US_ASCII), 8);
    assertEquals(Optional.of(Rejection.AUTH_PASSWORD), v2pass.check(v2(100, 1, 1, other, List.of(VIP)), PEER));
  }

  @Test
  void rejects_v2IntervalMismatch() {
    assertEquals(Optional.of(Rejection.INTERVAL_MISMATCH), v2pass.check(v2(100, 2, 1, SECRET, List.of(VIP)), PEER));
  }

  @Test
  void v3_adoptsOtherIntervals() {
    assertEquals(Optional.empty(), v3.check(VrrpPacket.v3(5, 100, Duration.ofMillis(2000), List.of(VIP)), PEER));
  }

  @Test
  void rejects_addressListMismatchUnlessOwner() {
    List<InetAddress> other = List.of(VrrpArbitraries.parse("10.0.0.101"));
    assertEquals(Optional.of(Rejection.ADDRESS_MISMATCH),
        v3.check(VrrpPacket.v3(5, 100, Duration.ofSeconds(1), other), PEER));
    assertEquals(Optional.empty(), v3.check(VrrpPacket.v3(5, 255, Duration.ofSeconds(1), other), PEER));
  }

  @Test
  void rejects_otherFamily() {
    assertEquals(Optional.of(Rejection.ADDRESS_FAMILY), v3.check(VrrpPacket.v3(5, 100, Duration.ofSeconds(1),
        List.of(VrrpArbitraries.parse("2001:db8::1"))), PEER));
  }
}
