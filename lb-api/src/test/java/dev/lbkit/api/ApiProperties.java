package dev.lbkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

final class ApiProperties {

  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16);
  }

  @Property
  void ipv4MappedIpv6_equalsItsIpv4(@ForAll("ipv4") byte[] v4, @ForAll @IntRange(max = 65535) int port)
      throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v4, 0, mapped, 12, 4);
    Endpoint fromMapped = new Endpoint(java.net.Inet6Address.getByAddress(null, mapped, -1), port);
    Endpoint fromV4 = new Endpoint(InetAddress.getByAddress(v4), port);
    assertEquals(fromV4, fromMapped);
    assertEquals(fromV4.hashCode(), fromMapped.hashCode());
    assertEquals(AddressFamily.IPV4, fromMapped.family());
  }

  @Property
  void endpoint_printsAndParsesBack(@ForAll("ipv6") byte[] address, @ForAll @IntRange(max = 65535) int port)
      throws UnknownHostException {
    Endpoint e = new Endpoint(InetAddress.getByAddress(address), port);
    assertEquals(e, Endpoint.parse(e.toString()));
  }

  @Property
  void endpoint_rejectsEveryPortOutsideTheRange(@ForAll int port) {
    Assume.that(port < 0 || port > 65535);
    assertThrows(IllegalArgumentException.class, () -> new Endpoint(InetAddress.getLoopbackAddress(), port));
  }

  @Property
  void netmask_roundTripsEveryPrefix(@ForAll @IntRange(max = 32) int prefix) {
    assertEquals(prefix, Persistence.prefixLengthOfNetmask(Persistence.netmaskOfPrefixLength(prefix)));
  }

  @Property
  void netmask_rejectsEveryNonContiguousMask(@ForAll("ipv4") byte[] mask) throws UnknownHostException {
    int bits = ((mask[0] & 0xff) << 24) | ((mask[1] & 0xff) << 16) | ((mask[2] & 0xff) << 8) | (mask[3] & 0xff);
    int prefix = Integer.bitCount(bits);
    Assume.that(bits != (prefix == 0 ? 0 : -1 << (32 - prefix)));
    String text = InetAddress.getByAddress(mask).getHostAddress();
    assertThrows(IllegalArgumentException.class, () -> Persistence.prefixLengthOfNetmask(text));
  }

  @Property
  void weight_acceptsExactlyTheKernelRange(@ForAll int weight) {
    RealServer.Builder b = RealServer.builder(Endpoint.parse("10.0.0.1:80")).weight(weight);
    if (weight >= 0) {
      assertEquals(weight, b.build().weight());
    } else {
      assertThrows(IllegalArgumentException.class, b::build);
    }
  }

  @Property
  void realServers_equalExactlyWhenFieldsEqual(@ForAll @IntRange(max = 1000) int w1,
      @ForAll @IntRange(max = 1000) int w2) {
    RealServer a = RealServer.builder(Endpoint.parse("10.0.0.1:80")).weight(w1).build();
    RealServer b = RealServer.builder(Endpoint.parse("10.0.0.1:80")).weight(w2).build();
    if (w1 == w2) {
      assertEquals(a, b);
      assertEquals(a.hashCode(), b.hashCode());
    } else {
      assertNotEquals(a, b);
    }
  }
}
