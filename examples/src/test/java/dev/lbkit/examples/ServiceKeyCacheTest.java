package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The quick a.b.c.d:port path of lbkit ipvsadm's endpoint parsing against Endpoint.parse. */
final class ServiceKeyCacheTest {
  @Test
  void endpoint_quickPathAgreesWithEndpointParse() {
    for (String text : List.of("10.0.0.1:80", "0.0.0.0:0", "255.255.255.255:65535", "1.2.3.4:080", "1.2.3.4:00080",
        "1.2.3.4", "[2001:db8::1]:53", "2001:db8::1", "::ffff:10.0.0.1")) {
      assertEquals(dev.lbkit.api.Endpoint.parse(text), ServiceKeyCache.endpoint(text), text);
    }
    for (String text : List.of("256.0.0.1:80", "01.2.3.4:80", "1.2.3:80", "1.2.3.4:", "1.2.3.4:65536",
        "1.2.3.4:123456", "1.2.3.4:-1", "1.2.3.4.5:80", "1.2.3.4:8x", "a.b.c.d:80", "1..3.4:80", "1234.2.3.4:80")) {
      IllegalArgumentException quick = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> ServiceKeyCache.endpoint(text), text);
      IllegalArgumentException parse = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> dev.lbkit.api.Endpoint.parse(text), text);
      assertEquals(parse.getMessage(), quick.getMessage(), text);
    }
  }
}
