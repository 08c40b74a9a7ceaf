package dev.lbkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

final class EndpointTest {

  @Test
  void parse_readsIpv4AndBracketedIpv6() {
    Endpoint v4 = Endpoint.parse("192.0.2.1:80");
    assertEquals(AddressFamily.IPV4, v4.family());
    assertEquals(80, v4.port());
    assertEquals("192.0.2.1:80", v4.toString());

    Endpoint v6 = Endpoint.parse("[2001:db8:0:0:0:0:0:1]:443");
    assertEquals(AddressFamily.IPV6, v6.family());
    assertEquals("[2001:db8::1]:443", v6.toString());
  }

  @Test
  void parse_addressAloneHasPortZero() {
    assertEquals(0, Endpoint.parse("10.0.0.1").port());
    assertEquals(0, Endpoint.parse("2001:db8::5").port());
    assertEquals(0, Endpoint.parse("[2001:db8::5]").port());
  }

  @Test
  void ipv4MappedIpv6_isStoredAsIpv4() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 192;
    mapped[14] = 2;
    mapped[15] = 7;
    InetAddress six = Inet6Address.getByAddress(null, mapped, -1);
    Endpoint e = new Endpoint(six, 80);
    assertTrue(e.address() instanceof Inet4Address);
    assertEquals(Endpoint.parse("192.0.2.7:80"), e);
    assertEquals(Endpoint.parse("192.0.2.7:80"), Endpoint.parse("[::ffff:192.0.2.7]:80"));
    assertEquals(AddressFamily.IPV4, e.family());
  }

  @Test
  void rejects_portOutOfRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:65536"));
    assertEquals("port must be in [0, 65535] but was 65536 (address 10.0.0.1)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:-1"));
  }

  @Test
  void rejects_hostNamesAndGarbage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("example.com:80"));
    assertEquals("'example.com' is not an IPv4 or IPv6 address", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:http"));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("[2001:db8::1:80"));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("[2001:db8::1]80"));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("300.0.0.1:80"));
  }
}
