package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

/**
 * {@link IpvsReconciler#diff}: its plan turns the live table into the desired one, and does not depend on the order
 * the live destinations are listed in, nor on whether an entry of the desired table is the very object of the live
 * one or an equal copy (the diff takes short cuts for both). Tables are drawn from a few keys and endpoints, so live
 * and desired overlap: same servers with other weights, removed and added ones, other schedulers.
 */
final class IpvsReconcilerProperties {

  @Property(tries = 300)
  void thePlanMakesTheLiveTableTheDesiredOne(@ForAll("tables") List<LoadBalancedService> live,
      @ForAll("tables") List<LoadBalancedService> desired) throws Exception {
    try (InMemoryIpvs ipvs = new InMemoryIpvs()) {
      IpvsReconciler r = new IpvsReconciler(ipvs);
      assertTrue(r.execute(IpvsReconciler.diff(List.of(), live)).complete());
      List<LoadBalancedService> listed = ipvs.table(); // newest destination first, as the kernel lists them
      assertEquals(counted(IpvsReconciler.diff(live, desired)), counted(IpvsReconciler.diff(listed, desired)));
      IpvsReconciler.Result result = r.execute(IpvsReconciler.diff(listed, desired));
      assertTrue(result.complete(), result.failed().toString());
      assertEquals(asMap(desired), asMap(ipvs.table()));
      assertTrue(IpvsReconciler.diff(ipvs.table(), desired).isEmpty());
    }
  }

  @Property(tries = 300)
  void thePlanIgnoresListOrderAndSharing(@ForAll("tables") List<LoadBalancedService> live,
      @ForAll("tables") List<LoadBalancedService> other, @ForAll long choice) {
    // desired: each live entry kept as the same object or replaced by other's entry for its key, plus other's rest
    Map<ServiceKey, LoadBalancedService> desired = new LinkedHashMap<>();
    for (LoadBalancedService s : live) {
      desired.put(s.service().key(), s);
    }
    int bit = 0;
    for (LoadBalancedService s : other) {
      if ((choice >>> (bit++ & 63) & 1) != 0 || !desired.containsKey(s.service().key())) {
        desired.put(s.service().key(), s);
      }
    }
    List<LoadBalancedService> want = new ArrayList<>(desired.values());
    List<IpvsChange> plan = IpvsReconciler.diff(live, want).changes();
    for (int rotate = 0; rotate <= 2; rotate++) {
      List<IpvsChange> fromCopy = IpvsReconciler.diff(copy(live, rotate), want).changes();
      assertEquals(plan.size(), fromCopy.size(), "rotation " + rotate);
      assertEquals(new HashSet<>(plan), new HashSet<>(fromCopy), "rotation " + rotate);
    }
    assertEquals(new HashSet<>(plan).size(), plan.size(), "no change twice");
  }

  @Provide
  Arbitrary<List<LoadBalancedService>> tables() {
    Arbitrary<RealServer> server = Combinators.combine(Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(0, 2), Arbitraries.of(ForwardingMethod.MASQUERADE,
                ForwardingMethod.DIRECT_ROUTE))
        .as((host, weight, forwarding) -> RealServer.builder(Endpoint.parse("10.0.0." + host + ":80"))
            .weight(weight).forwarding(forwarding).build());
    Arbitrary<LoadBalancedService> service = Combinators.combine(Arbitraries.integers().between(0, 4),
            Arbitraries.of("rr", "wrr"), server.list().ofMaxSize(5).uniqueElements(RealServer::endpoint))
        .as((port, scheduler, servers) -> new LoadBalancedService(VirtualService.builder(
            ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:" + (3000 + port)))).scheduler(scheduler).build(),
            servers));
    return service.list().ofMaxSize(5).uniqueElements(s -> s.service().key());
  }

  /** Equal entries as new objects, each service's servers turned by {@code rotate}: 1 reverses, 2 rotates by one. */
  private static List<LoadBalancedService> copy(List<LoadBalancedService> table, int rotate) {
    List<LoadBalancedService> out = new ArrayList<>();
    for (LoadBalancedService s : table) {
      List<RealServer> servers = new ArrayList<>();
      for (RealServer rs : s.realServers()) {
        servers.add(rs.toBuilder().build());
      }
      if (rotate == 1) {
        Collections.reverse(servers);
      } else if (rotate == 2) {
        Collections.rotate(servers, 1);
      }
      out.add(new LoadBalancedService(s.service().toBuilder().build(), servers));
    }
    return out;
  }

  private static Map<IpvsChange, Integer> counted(IpvsReconciler.Plan plan) {
    Map<IpvsChange, Integer> out = new HashMap<>();
    for (IpvsChange c : plan.changes()) {
      out.merge(c, 1, Integer::sum);
    }
    return out;
  }

  private static Map<VirtualService, Set<RealServer>> asMap(List<LoadBalancedService> table) {
    Map<VirtualService, Set<RealServer>> out = new HashMap<>();
    for (LoadBalancedService s : table) {
      out.put(s.service(), new HashSet<>(s.realServers()));
    }
    return out;
  }
}
