package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any IPsec-AH datagram handed to the engine, authentic, mutated, with the wrong key or garbage, to a Backup or a
 * Master: never an exception, and each is counted exactly once, as accepted or as a rejection with its reason (but
 * for one that claims to come from the router's own address, ignored as its own advertisement looped back).
 */
final class IpsecAhProperties {
  private static final InetAddress SOURCE = ip("10.0.0.2");
  private static final InetAddress VIP = ip("10.0.0.100");

  @Property(tries = 1000)
  void anyAhDatagram_isCountedOnceNeverThrown(@ForAll("datagrams") VrrpDatagram d, @ForAll boolean owner)
      throws Exception {
    long[] now = {0};
    VrrpRouter router = VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).ticker(() -> now[0])
        .instance(VrrpConfig.builder("VI").interfaceName("eth0").vrid(51).priority(owner ? 255 : 100)
            .virtualAddress("10.0.0.100/24").authType(VrrpConfig.AuthType.AH).authPassword("secret12").build())
        .build();
    router.start();
    VrrpInstance i = router.instance("VI");
    assertEquals(owner ? VrrpState.MASTER : VrrpState.BACKUP, i.state());
    now[0] += 1_000_000;
    router.onDatagram(d);
    long byInstance = i.stats().advertisementsReceived() + i.stats().rejectedTotal();
    long counted = byInstance + router.unclaimedStats().rejectedTotal();
    byte[] h = d.ipHeader();
    // a (mutated) header naming our own address is taken for our own advertisement looped back: ignored uncounted
    boolean own = h.length >= 20 && h[12] == 10 && h[13] == 0 && h[14] == 0 && h[15] == 1;
    if (own) {
      assertEquals(0, byInstance, i.stats()::toString); // (an unknown VRID or a bad layout is still counted)
    } else {
      assertEquals(1, counted, () -> i.stats() + " / " + router.unclaimedStats());
    }
  }

  @Provide
  Arbitrary<VrrpDatagram> datagrams() {
    Arbitrary<VrrpDatagram> sealed = Combinators.combine(Arbitraries.integers().between(1, 255),
        Arbitraries.of(51, 52), Arbitraries.of("secret12", "other"), Arbitraries.longs().between(1, 0xffffffffL),
        Arbitraries.integers().between(0, 3), Arbitraries.integers(), Arbitraries.bytes())
        .as((priority, vrid, password, seq, mutations, where, value) -> {
          byte[] message = VrrpCodec.encode(VrrpPacket.v2(vrid, priority, Duration.ofSeconds(1),
              VrrpPacket.AUTH_AH, new byte[8], List.of(VIP)), SOURCE, VrrpRouter.multicastGroup(
              dev.lbkit.api.AddressFamily.IPV4));
          AuthenticationHeader.Sealed s = AuthenticationHeader.seal((Inet4Address) SOURCE,
              (Inet4Address) ip("224.0.0.18"), 7, seq, false,
              AuthenticationHeader.key(password.getBytes(StandardCharsets.US_ASCII)), message);
          byte[] header = s.ipHeader();
          byte[] payload = s.payload();
          for (int m = 0; m < mutations; m++) {
            int at = Math.floorMod(where + 31 * m, header.length + payload.length);
            if (at < header.length) {
              header[at] ^= (byte) (value | 1);
            } else {
              payload[at - header.length] ^= (byte) (value | 1);
            }
          }
          return new VrrpDatagram("eth0", SOURCE, ip("224.0.0.18"), 255, payload, Duration.ZERO, header);
        });
    Arbitrary<VrrpDatagram> garbage = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMinSize(1)
            .ofMaxSize(40), Arbitraries.bytes().array(byte[].class).ofMaxSize(80))
        .as((header, payload) -> new VrrpDatagram("eth0", SOURCE, ip("224.0.0.18"), 255, payload, Duration.ZERO,
            header));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, sealed), net.jqwik.api.Tuple.of(1, garbage));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
