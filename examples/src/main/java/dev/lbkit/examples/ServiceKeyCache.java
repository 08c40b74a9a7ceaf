package dev.lbkit.examples;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The last service key {@link IpvsadmParser} read, so the destination lines of an {@code ipvsadm -R} file, which
 * follow their service, do not parse it again; with a quick path for the common {@code a.b.c.d:port} endpoint. A
 * restore file has a hundred thousand lines, and the JVM in the kernel lab is slow. Not thread-safe: one per session.
 */
final class ServiceKeyCache {
  private Protocol protocol;
  private String text;
  private ServiceKey key;

  ServiceKey get(Protocol p, String t) {
    if (p != protocol || !t.equals(text)) {
      ServiceKey k = ServiceKey.of(p, endpoint(t));
      protocol = p;
      text = t;
      key = k;
    }
    return key;
  }

  /**
   * {@link Endpoint#parse}, with a quick path for the common {@code a.b.c.d:port} (decimal octets without leading
   * zeros, as Endpoint.parse accepts them); anything else goes to Endpoint.parse, which also words the errors.
   */
  static Endpoint endpoint(String text) {
    int n = text.length();
    byte[] addr = new byte[4];
    int i = 0;
    for (int octet = 0; octet < 4; octet++) {
      int value = 0;
      int digits = 0;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9' && digits < 4) {
        value = value * 10 + (text.charAt(i++) - '0');
        digits++;
      }
      boolean leadingZero = digits > 1 && text.charAt(i - digits) == '0';
      if (digits == 0 || digits > 3 || value > 255 || leadingZero) {
        return Endpoint.parse(text);
      }
      addr[octet] = (byte) value;
      char sep = octet < 3 ? '.' : ':';
      if (i >= n || text.charAt(i) != sep) {
        return Endpoint.parse(text);
      }
      i++;
    }
    int port = 0;
    int digits = 0;
    for (; i < n; i++, digits++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9' || digits >= 5) {
        return Endpoint.parse(text);
      }
      port = port * 10 + (c - '0');
    }
    if (digits == 0 || port > Endpoint.MAX_PORT) {
      return Endpoint.parse(text);
    }
    try {
      return new Endpoint(InetAddress.getByAddress(addr), port);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }
}
