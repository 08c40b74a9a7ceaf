package dev.lbkit.api.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class RequestTest {
  private static final Flow FLOW = Flow.tcp(Endpoint.parse("198.51.100.7:40000"), Endpoint.parse("192.0.2.1:80"));

  @Test
  void headers_areCaseInsensitiveAndKeepOrder() {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("Host", List.of("a.example"));
    headers.put("host", List.of("b.example"));
    headers.put("X-Id", List.of("1", "2"));
    Request r = Request.http(FLOW, "get", "/x?y=1", headers);
    assertEquals(2, r.headerValues("HOST").size());
    assertEquals(Optional.of("2"), r.lastHeader("x-id"));
    assertEquals(Optional.empty(), r.lastHeader("cookie"));
    assertEquals("GET", r.methodUpperCase());
    assertThrows(UnsupportedOperationException.class, () -> r.headers().clear());
  }

  @Test
  void flow_validatesPortsAndNormalisesMappedAddresses() {
    assertThrows(IllegalArgumentException.class, () -> new Flow(dev.lbkit.api.Protocol.TCP,
        Endpoint.parseAddress("10.0.0.1"), 70000, Endpoint.parseAddress("10.0.0.2"), 80, 0));
    Flow mapped = new Flow(dev.lbkit.api.Protocol.UDP, Endpoint.parseAddress("::ffff:10.0.0.1"), 1,
        Endpoint.parseAddress("10.0.0.2"), 53, 0);
    assertEquals(Endpoint.parse("10.0.0.1:1"), mapped.sourceEndpoint());
  }

  @Test
  void counters_computeTheKernelOverhead() {
    assertEquals((3L << 8) + 5, new DestinationCounters(3, 5, 0, false).overhead());
    assertThrows(IllegalArgumentException.class, () -> new DestinationCounters(-1, 0, 0, false));
  }
}
