package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every receive-side check of RFC 3768 / RFC 5798, taken through the engine (not only the codec): the datagram is
 * dropped, counted once under its reason in the statistics of the instance of its VRID (or the router's unclaimed
 * counters when no instance has that VRID), no exception leaves the engine and the Backup stays Backup.
 */
final class ReceiveCountingTest {
  private static final InetAddress PEER = ip("10.0.0.2");
  private static final InetAddress GROUP = VrrpRouter.multicastGroup(AddressFamily.IPV4);
  private static final InetAddress VIP2 = ip("10.0.0.100");
  private static final InetAddress VIP3 = ip("10.0.0.101");
  private static final byte[] SECRET = Arrays.copyOf("secret".getBytes(StandardCharsets.US_ASCII), 8);

  private final long[] now = {0};
  private VrrpRouter router;

  @BeforeEach
  void start() throws java.io.IOException {
    router = startedBackups(now);
  }

  /**
   * A started router with two Backups on eth0, one second after its start on the ticker {@code now}: "V2" (VRID 51,
   * VRRPv2, 1 s, password "secret", VIP 10.0.0.100) and "V3" (VRID 52, VRRPv3, 100 ms, VIP 10.0.0.101).
   */
  static VrrpRouter startedBackups(long[] now) throws java.io.IOException {
    VrrpRouter r = VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).ticker(() -> now[0])
        .instance(VrrpConfig.builder("V2").interfaceName("eth0").vrid(51).priority(100).version(2)
            .advertInterval(Duration.ofSeconds(1)).authPassword("secret").virtualAddress("10.0.0.100/24").build())
        .instance(VrrpConfig.builder("V3").interfaceName("eth0").vrid(52).priority(100).version(3)
            .advertInterval(Duration.ofMillis(100)).virtualAddress("10.0.0.101/24").build())
        .build();
    r.start();
    now[0] += 1_000_000;
    return r;
  }

  private static byte[] v2(int vrid, int interval, int authType, byte[] auth, InetAddress vip) {
    return VrrpCodec.encode(VrrpPacket.v2(vrid, 120, Duration.ofSeconds(interval), authType, auth, List.of(vip)),
        PEER, GROUP);
  }

  private static byte[] v3(int vrid, InetAddress vip) {
    return VrrpCodec.encode(VrrpPacket.v3(vrid, 120, Duration.ofMillis(100), List.of(vip)), PEER, GROUP);
  }

  /** Hands the datagram to the engine and returns what it counted, by instance and unclaimed. */
  private Map<String, Map<String, Long>> deliver(int ttl, byte[] payload) {
    router.onDatagram(new VrrpDatagram("eth0", PEER, GROUP, ttl, payload));
    return Map.of("V2", router.instance("V2").stats().rejected(), "V3", router.instance("V3").stats().rejected(),
        "unclaimed", router.unclaimedStats().rejected());
  }

  private void assertCounted(String where, String reason, int ttl, byte[] payload) {
    Map<String, Map<String, Long>> counted = deliver(ttl, payload);
    Map<String, Map<String, Long>> expected = new java.util.HashMap<>(Map.of("V2", Map.of(), "V3", Map.of(),
        "unclaimed", Map.of()));
    expected.put(where, Map.of(reason, 1L));
    assertEquals(expected, counted);
    assertEquals(0, router.instance("V2").stats().advertisementsReceived());
    assertEquals(0, router.instance("V3").stats().advertisementsReceived());
    assertEquals(VrrpState.BACKUP, router.instance("V2").state());
    assertEquals(VrrpState.BACKUP, router.instance("V3").state());
  }

  @Test
  void sane_isAcceptedAndCountedAsReceived() {
    router.onDatagram(new VrrpDatagram("eth0", PEER, GROUP, 255, v2(51, 1, VrrpPacket.AUTH_PASS, SECRET, VIP2)));
    router.onDatagram(new VrrpDatagram("eth0", PEER, GROUP, 255, v3(52, VIP3)));
    assertEquals(1, router.instance("V2").stats().advertisementsReceived());
    assertEquals(1, router.instance("V3").stats().advertisementsReceived());
    assertEquals(0, router.instance("V2").stats().rejectedTotal() + router.instance("V3").stats().rejectedTotal()
        + router.unclaimedStats().rejectedTotal());
  }

  @Test
  void ttlBelow255_isCountedAsTtl() {
    assertCounted("V3", "ttl", 254, v3(52, VIP3));
  }

  @Test
  void badChecksum_isCountedAsChecksum() {
    byte[] p = v3(52, VIP3);
    p[6] ^= 0x01;
    assertCounted("V3", "checksum", 255, p);
  }

  @Test
  void unknownVersion_isCountedAsVersion() {
    byte[] p = v3(52, VIP3);
    p[0] = (byte) (0x40 | (p[0] & 0x0f)); // version 4
    assertCounted("V3", "version", 255, p);
  }

  @Test
  void otherVersionThanConfigured_isCountedAsVersionMismatch() {
    assertCounted("V2", "version_mismatch", 255, v3(51, VIP2));
  }

  @Test
  void vridNotConfigured_isCountedUnclaimed() {
    assertCounted("unclaimed", "vrid", 255, v3(53, VIP3));
  }

  @Test
  void v2AuthTypeOtherThanConfigured_isCountedAsAuthType() {
    assertCounted("V2", "auth_type", 255, v2(51, 1, VrrpPacket.AUTH_NONE, new byte[8], VIP2));
  }

  @Test
  void v2WrongPassword_isCountedAsAuthPassword() {
    byte[] other = Arrays.copyOf("other".getBytes(StandardCharsets.US_ASCII), 8);
    assertCounted("V2", "auth_password", 255, v2(51, 1, VrrpPacket.AUTH_PASS, other, VIP2));
  }

  @Test
  void v2IntervalMismatch_isCountedAsIntervalMismatch() {
    assertCounted("V2", "interval_mismatch", 255, v2(51, 2, VrrpPacket.AUTH_PASS, SECRET, VIP2));
  }

  @Test
  void addressListMismatch_isCountedAsAddressMismatch() {
    assertCounted("V3", "address_mismatch", 255, v3(52, ip("10.0.0.199")));
  }

  @Test
  void truncated_isCountedNeverThrown() {
    byte[] p = v3(52, VIP3);
    assertCounted("V3", "length", 255, Arrays.copyOf(p, p.length - 2));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
