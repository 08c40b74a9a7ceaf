package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A {@link VirtualServerConfig} built in code, not read from a file, follows keepalived's quorum rule too. */
final class VirtualServerConfigTest {
  private static final VirtualService SERVICE = VirtualService.builder(
      ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"))).scheduler("rr").build();
  private static final Location HERE = new Location("test.conf", 1, 1);

  private static RealServerConfig server(String endpoint, int weight) {
    return new RealServerConfig(RealServer.builder(Endpoint.parse(endpoint)).weight(weight)
        .forwarding(ForwardingMethod.MASQUERADE).build(), false, false, Optional.empty(), Optional.empty(),
        Optional.empty(), List.of(), HERE);
  }

  private static VirtualServerConfig config(int quorum, int hysteresis, List<RealServerConfig> servers) {
    RealServer sorry = RealServer.builder(Endpoint.parse("10.9.9.9:80")).forwarding(ForwardingMethod.MASQUERADE)
        .build();
    return new VirtualServerConfig(SERVICE, VirtualServerConfig.DEFAULT_DELAY_LOOP, servers, quorum, hysteresis,
        Optional.of(sorry), false, false, Optional.empty(), Optional.empty(), Optional.empty(), HERE);
  }

  /** The values in force and the endpoints of the initial table. */
  private static void assertInForce(int quorum, int hysteresis, List<String> table, VirtualServerConfig vs) {
    assertEquals(List.of(quorum, hysteresis), List.of(vs.quorum(), vs.hysteresis()), "quorum, hysteresis");
    assertEquals(table.stream().map(Endpoint::parse).toList(),
        vs.initialTable().realServers().stream().map(RealServer::endpoint).toList());
  }

  @Test
  void quorumAboveTheTotalWeight_isLoweredAsKeepalivedDoes_soTheRealServersServeAtStart() {
    // keepalived lowers quorum 5 over a total weight of 2 to 2 and starts with it (2 >= 2 + 0); before, a config built
    // in code kept quorum 5 and its initial table was the sorry server alone, while the director serves the two
    assertInForce(2, 0, List.of("10.0.0.2:80", "10.0.0.3:80"),
        config(5, 0, List.of(server("10.0.0.2:80", 1), server("10.0.0.3:80", 1))));
  }

  @Test
  void hysteresisNotBelowTheQuorum_isLoweredToQuorumMinusOne() {
    // quorum 2, hysteresis 2 is kept as quorum 2, hysteresis 1: a live weight of 3 reaches 2 + 1 and starts with it;
    // unlowered, 3 < 2 + 2 started on the sorry server
    assertInForce(2, 1, List.of("10.0.0.2:80", "10.0.0.3:80"),
        config(2, 2, List.of(server("10.0.0.2:80", 1), server("10.0.0.3:80", 2))));
  }

  @Test
  void startsWithoutTheQuorum_belowQuorumPlusHysteresis_onTheSorryServer() {
    assertInForce(2, 1, List.of("10.9.9.9:80"),
        config(2, 1, List.of(server("10.0.0.2:80", 1), server("10.0.0.3:80", 1))));
  }
}
