package dev.lbkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class LoadBalancedServiceTest {
  private static final VirtualService WEB =
      VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:80"))).build();

  private static RealServer rs(String endpoint, ForwardingMethod fwd) {
    return RealServer.builder(Endpoint.parse(endpoint)).forwarding(fwd).build();
  }

  @Test
  void rejects_duplicateRealServers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadBalancedService.of(WEB,
        rs("10.0.0.2:80", ForwardingMethod.MASQUERADE), rs("10.0.0.2:80", ForwardingMethod.DIRECT_ROUTE)));
    assertEquals("real server 10.0.0.2:80 appears twice in service TCP 192.0.2.1:80", e.getMessage());
  }

  @Test
  void mixedFamilies_needTunnelForwarding() {
    assertThrows(IllegalArgumentException.class,
        () -> LoadBalancedService.of(WEB, rs("[2001:db8::2]:80", ForwardingMethod.MASQUERADE)));
    LoadBalancedService ok = LoadBalancedService.of(WEB, rs("[2001:db8::2]:80", ForwardingMethod.TUNNEL));
    assertEquals(1, ok.realServers().size());
  }

  @Test
  void realServerPortZero_onlyWherePortsComeFromThePacket() {
    assertThrows(IllegalArgumentException.class,
        () -> LoadBalancedService.of(WEB, rs("10.0.0.2", ForwardingMethod.DIRECT_ROUTE)));
    VirtualService fwm = VirtualService.builder(ServiceKey.firewallMark(7)).build();
    assertTrue(LoadBalancedService.of(fwm, rs("10.0.0.2", ForwardingMethod.DIRECT_ROUTE))
        .realServer(Endpoint.parse("10.0.0.2")).isPresent());
    VirtualService allPorts = VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:0")))
        .persistence(Persistence.of(Duration.ofSeconds(60))).build();
    assertEquals(1, LoadBalancedService.of(allPorts, rs("10.0.0.2", ForwardingMethod.DIRECT_ROUTE))
        .realServers().size());
  }

  @Test
  void realServers_areCopiedIn() {
    List<RealServer> list = new ArrayList<>(List.of(rs("10.0.0.2:80", ForwardingMethod.MASQUERADE)));
    LoadBalancedService lbs = new LoadBalancedService(WEB, list);
    list.clear();
    assertEquals(1, lbs.realServers().size());
    assertThrows(UnsupportedOperationException.class, () -> lbs.realServers().clear());
  }
}
