package dev.lbkit.vrrp.testkit;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Shared jqwik arbitraries for VRRP: addresses and advertisements. */
public final class VrrpArbitraries {
  private VrrpArbitraries() {}

  public static Arbitrary<InetAddress> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4).map(VrrpArbitraries::address);
  }

  public static Arbitrary<InetAddress> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16).map(b -> {
      b[0] = 0x20; // global unicast: never read back as an IPv4-mapped address
      return address(b);
    });
  }

  public static Arbitrary<VrrpPacket> packets() {
    Arbitrary<VrrpPacket> v2 = Combinators.combine(Arbitraries.integers().between(1, 255),
        Arbitraries.integers().between(0, 255), Arbitraries.integers().between(1, 255),
        Arbitraries.integers().between(0, 2), Arbitraries.bytes().array(byte[].class).ofSize(8),
        ipv4().list().ofMinSize(1).ofMaxSize(20))
        .as((vrid, prio, secs, auth, data, addrs) ->
            VrrpPacket.v2(vrid, prio, Duration.ofSeconds(secs), auth, data, addrs));
    Arbitrary<VrrpPacket> v3 = Combinators.combine(Arbitraries.integers().between(1, 255),
        Arbitraries.integers().between(0, 255), Arbitraries.integers().between(1, 4095),
        Arbitraries.oneOf(ipv4().list().ofMinSize(1).ofMaxSize(20), ipv6().list().ofMinSize(1).ofMaxSize(20)))
        .as((vrid, prio, cs, addrs) -> VrrpPacket.v3(vrid, prio, Duration.ofMillis(10L * cs), addrs));
    return Arbitraries.oneOf(v2, v3);
  }

  public static InetAddress sourceFor(VrrpPacket p) {
    return p.family() == AddressFamily.IPV4 ? parse("192.0.2.7") : parse("fe80::7");
  }

  public static InetAddress groupFor(VrrpPacket p) {
    return p.family() == AddressFamily.IPV4 ? parse("224.0.0.18") : parse("ff02::12");
  }

  static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static InetAddress parse(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
