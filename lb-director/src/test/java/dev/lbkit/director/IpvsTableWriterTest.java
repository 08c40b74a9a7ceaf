package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.ipvs.InMemoryIpvs;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The director on lb-ipvs's strict InMemoryIpvs: every change is accepted and the tables agree. */
final class IpvsTableWriterTest {
  @Test
  void directorAndInMemoryIpvs_agreeOnTheTable() throws Exception {
    InMemoryIpvs ipvs = new InMemoryIpvs();
    ServiceKey web = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
    ServiceKey foreign = ServiceKey.of(Protocol.UDP, Endpoint.parse("192.0.2.10:53"));
    ipvs.addService(VirtualService.builder(foreign).build());
    RealServer a = RealServer.builder(Endpoint.parse("10.0.0.1:80")).forwarding(ForwardingMethod.MASQUERADE).build();
    RealServer b = RealServer.builder(Endpoint.parse("10.0.0.2:80")).weight(4).build();
    ServicePool pool = new ServicePool(VirtualService.builder(web).scheduler("sh").build(),
        List.of(PoolMember.of(a), new PoolMember(b, true, false)), 1, 0, Optional.empty(), false);
    try (Director d = Director.builder(new IpvsTableWriter(ipvs)).pool(pool).build()) {
      d.start();
      d.onDestinationEvent(new DestinationDown(Instant.EPOCH, Optional.of(web), b.endpoint(), "test"));
      LoadBalancedService installed = ipvs.table().stream().filter(s -> s.service().key().equals(web)).findFirst()
          .orElseThrow();
      // IPVS lists destinations in its own order; compare as sets
      assertEquals(d.table().get(0).service(), installed.service());
      assertEquals(Set.copyOf(d.table().get(0).realServers()), Set.copyOf(installed.realServers()));
      assertEquals(Set.of(a, b.withWeight(0)), Set.copyOf(installed.realServers()));
      d.reconfigure(List.of());
      assertEquals(List.of(foreign), ipvs.table().stream().map(s -> s.service().key()).toList());
    }
  }
}
