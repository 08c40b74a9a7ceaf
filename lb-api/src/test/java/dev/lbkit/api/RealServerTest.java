package dev.lbkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

final class RealServerTest {
  private static final Endpoint EP = Endpoint.parse("10.0.0.2:80");

  @Test
  void builder_usesIpvsadmDefaults() {
    RealServer rs = RealServer.builder(EP).build();
    assertEquals(1, rs.weight());
    assertEquals(ForwardingMethod.DIRECT_ROUTE, rs.forwarding());
    assertEquals(0, rs.upperThreshold());
    assertEquals(Optional.empty(), rs.tunnel());
  }

  @Test
  void weightZero_isQuiescedNotAnError() {
    assertEquals(0, RealServer.builder(EP).weight(0).build().weight());
  }

  @Test
  void rejects_negativeWeightNamingTheServer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RealServer.builder(EP).weight(-1).build());
    assertEquals("weight must be in [0, 2147483647] but was -1 (real server 10.0.0.2:80)", e.getMessage());
  }

  @Test
  void rejects_badThresholds() {
    assertThrows(IllegalArgumentException.class, () -> RealServer.builder(EP).upperThreshold(-5).build());
    assertThrows(IllegalArgumentException.class, () -> RealServer.builder(EP).lowerThreshold(-5).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RealServer.builder(EP).upperThreshold(10).lowerThreshold(11).build());
    assertEquals("lower threshold 11 must not be above upper threshold 10 (real server 10.0.0.2:80)", e.getMessage());
    // the kernel refuses a lower threshold with no upper one too (ERANGE)
    assertThrows(IllegalArgumentException.class, () -> RealServer.builder(EP).lowerThreshold(1).build());
  }

  @Test
  void tunnel_defaultsToIpipAndOnlyGoesWithTunnelForwarding() {
    RealServer t = RealServer.builder(EP).forwarding(ForwardingMethod.TUNNEL).build();
    assertEquals(Optional.of(Tunnel.IPIP), t.tunnel());
    RealServer gue = RealServer.builder(EP).tunnel(Tunnel.gue(6080, Tunnel.Checksum.CHECKSUM)).build();
    assertEquals(ForwardingMethod.TUNNEL, gue.forwarding());
    assertThrows(IllegalArgumentException.class, () -> new RealServer(EP, 1, ForwardingMethod.MASQUERADE, 0, 0,
        Optional.of(Tunnel.IPIP)));
  }

  @Test
  void tunnel_validatesPortAndChecksum() {
    assertThrows(IllegalArgumentException.class, () -> Tunnel.gue(0, Tunnel.Checksum.NONE));
    assertThrows(IllegalArgumentException.class, () -> new Tunnel(TunnelType.GRE, 80, Tunnel.Checksum.NONE));
    assertThrows(IllegalArgumentException.class, () -> new Tunnel(TunnelType.IPIP, 0, Tunnel.Checksum.CHECKSUM));
    assertEquals(TunnelType.GRE, TunnelType.parse("GRE"));
    assertThrows(IllegalArgumentException.class, () -> TunnelType.parse("vxlan"));
  }
}
