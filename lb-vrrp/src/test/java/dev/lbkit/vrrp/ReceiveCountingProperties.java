package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any plain (not IPsec-AH) VRRP datagram handed to the engine, v2 or v3, sane, mutated, truncated, with a TTL below
 * 255 or garbage, to a router with a v2 and a v3 instance: never an exception, and each is counted exactly once,
 * accepted or rejected with its reason (in the instance of its VRID, or unclaimed).
 */
final class ReceiveCountingProperties {
  private static final InetAddress PEER = ip("10.0.0.2");
  private static final InetAddress GROUP = VrrpRouter.multicastGroup(AddressFamily.IPV4);

  @Property(tries = 1000)
  void anyPlainDatagram_isCountedOnceNeverThrown(@ForAll("datagrams") VrrpDatagram d) throws Exception {
    long[] now = {0};
    VrrpRouter router = ReceiveCountingTest.startedBackups(now);
    router.onDatagram(d);
    long counted = router.unclaimedStats().rejectedTotal();
    for (String name : List.of("V2", "V3")) {
      VrrpStats s = router.instance(name).stats();
      counted += s.advertisementsReceived() + s.rejectedTotal();
    }
    assertEquals(1, counted, () -> router.instance("V2").stats() + " / " + router.instance("V3").stats() + " / "
        + router.unclaimedStats());
  }

  @Provide
  Arbitrary<VrrpDatagram> datagrams() {
    Arbitrary<VrrpDatagram> mutated = Combinators.combine(Arbitraries.of(2, 3), Arbitraries.of(51, 52, 53),
        Arbitraries.integers().between(0, 255), Arbitraries.of("10.0.0.100", "10.0.0.101"),
        Arbitraries.integers().between(0, 3), Arbitraries.integers(), Arbitraries.bytes(),
        Arbitraries.of(255, 255, 255, 254, 1))
        .as((version, vrid, priority, vip, mutations, where, value, ttl) -> {
          VrrpPacket packet = version == 2
              ? VrrpPacket.v2(vrid, priority, Duration.ofSeconds(1), VrrpPacket.AUTH_PASS,
                  Arrays.copyOf("secret".getBytes(StandardCharsets.US_ASCII), 8), List.of(ip(vip)))
              : VrrpPacket.v3(vrid, priority, Duration.ofMillis(100), List.of(ip(vip)));
          byte[] p = VrrpCodec.encode(packet, PEER, GROUP);
          for (int m = 0; m < mutations; m++) {
            p[Math.floorMod(where + 7 * m, p.length)] ^= (byte) (value | 1);
          }
          if (mutations == 3 && (value & 2) != 0) {
            p = Arrays.copyOf(p, Math.floorMod(where, p.length + 1));
          }
          return new VrrpDatagram("eth0", PEER, GROUP, ttl, p);
        });
    Arbitrary<VrrpDatagram> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(80)
        .map(p -> new VrrpDatagram("eth0", PEER, GROUP, 255, p));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, mutated), net.jqwik.api.Tuple.of(1, garbage));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
