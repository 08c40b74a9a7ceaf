package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.director.internal.TableDiff;
import dev.lbkit.ipvs.IpvsChange;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Applying the diff between two tables to the first gives the second, and a table differs from itself in nothing. */
final class TableDiffProperties {

  @Property(tries = 500)
  void applyingTheDiff_givesTheTarget(@ForAll("tables") List<LoadBalancedService> from,
      @ForAll("tables") List<LoadBalancedService> to) {
    Set<ServiceKey> managed = new HashSet<>();
    from.forEach(s -> managed.add(s.service().key()));
    to.forEach(s -> managed.add(s.service().key()));
    Map<ServiceKey, LoadBalancedService> t = new LinkedHashMap<>();
    for (LoadBalancedService s : from) {
      t.put(s.service().key(), s);
    }
    for (IpvsChange c : TableDiff.between(from, to, managed)) {
      t = TableDiff.apply(t, c);
    }
    assertEquals(normal(to), normal(List.copyOf(t.values())));
    assertEquals(List.of(), TableDiff.between(to, to, managed));
  }

  private static Map<ServiceKey, Map<Endpoint, RealServer>> normal(List<LoadBalancedService> table) {
    Map<ServiceKey, Map<Endpoint, RealServer>> m = new LinkedHashMap<>();
    for (LoadBalancedService s : table) {
      Map<Endpoint, RealServer> servers = new LinkedHashMap<>();
      s.realServers().forEach(rs -> servers.put(rs.endpoint(), rs));
      m.put(s.service().key(), servers);
    }
    return Map.copyOf(m);
  }

  @Provide
  Arbitrary<List<LoadBalancedService>> tables() {
    Arbitrary<VirtualService> services = Combinators.combine(Arbitraries.integers().between(1, 4),
        Arbitraries.of("rr", "wlc", "sh")).as((port, sched) ->
        VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:" + port))).scheduler(sched)
            .build());
    Arbitrary<RealServer> servers = Combinators.combine(Arbitraries.integers().between(1, 5),
        Arbitraries.integers().between(0, 3)).as((host, weight) ->
        RealServer.builder(Endpoint.parse("10.0.0." + host + ":80")).weight(weight).build());
    Arbitrary<LoadBalancedService> entries = Combinators.combine(services,
        servers.list().ofMaxSize(5).uniqueElements(RealServer::endpoint))
        .as(LoadBalancedService::new);
    return entries.list().ofMaxSize(4).uniqueElements(s -> s.service().key());
  }
}
