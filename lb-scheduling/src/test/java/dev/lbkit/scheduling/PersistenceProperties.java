package dev.lbkit.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Persistence templates under random connects, closes, weight changes (including quiescing), removals, re-adds and
 * time: clients of one network stick to one destination while their template lives and its destination is in the
 * service, whatever its weight; {@code persistconns} counts exactly the live templates; everything expires once
 * the connections are gone.
 */
final class PersistenceProperties {

  @Provide
  Arbitrary<String> schedulers() {
    return Arbitraries.of("rr", "wrr", "wlc", "lc", "sh", "mh", "twos", "lblc");
  }

  @Property(tries = 60)
  void clientNetworksStickToTheirDestinationWhileTheTemplateLives(@ForAll("schedulers") String name,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    IpvsService svc = IpvsService.builder(Schedulers.create(name)).random(new SplittableRandom(seed))
        .persistence(Persistence.of(Duration.ofSeconds(300), 24)).build();
    List<Endpoint> pool = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      pool.add(Endpoint.parse("10.0.0." + i + ":80"));
    }
    for (int i = 0; i < 5; i++) {
      svc.addDestination(pool.get(i), r.nextInt(1, 4));
    }
    List<IpvsConnection> open = new ArrayList<>();
    // the destination each /24 was last given, forgotten when time passes or its destination leaves the service
    Map<Integer, IpvsDestination> sticky = new HashMap<>();
    for (int step = 0; step < 400; step++) {
      int op = r.nextInt(100);
      if (op < 50) {
        int net = r.nextInt(6);
        Flow f = new Flow(Protocol.TCP, Endpoint.parseAddress("198.51." + net + "." + r.nextInt(1, 255)),
            r.nextInt(1024, 65536), Endpoint.parseAddress("192.0.2.1"), 80, 0);
        IpvsConnection c = svc.connect(f).orElse(null);
        IpvsDestination before = sticky.get(net);
        if (before != null && before.available()) {
          assertSame(before, c == null ? null : c.destination(), "network " + net + " left its destination");
        }
        if (c != null) {
          open.add(c);
          sticky.put(net, c.destination());
        } else {
          // nothing could be scheduled: an invalid template was dropped on the way, so the network starts afresh
          sticky.remove(net);
        }
      } else if (op < 70) {
        if (!open.isEmpty()) {
          open.remove(r.nextInt(open.size())).close();
        }
      } else if (op < 80) {
        List<IpvsDestination> linked = svc.destinations();
        if (!linked.isEmpty()) {
          svc.setWeight(linked.get(r.nextInt(linked.size())).endpoint(), r.nextInt(0, 4));
        }
      } else if (op < 85) {
        List<IpvsDestination> linked = svc.destinations();
        if (linked.size() > 1) {
          svc.removeDestination(linked.get(r.nextInt(linked.size())).endpoint());
        }
      } else if (op < 90) {
        Endpoint e = pool.get(r.nextInt(pool.size()));
        if (svc.destination(e).map(d -> !d.available()).orElse(true)) {
          svc.addDestination(e, r.nextInt(1, 4));
        }
      } else {
        svc.advanceTime(Duration.ofSeconds(r.nextInt(1, 400)));
        sticky.clear();
      }
      int persistent = 0;
      for (IpvsDestination d : svc.allDestinations()) {
        persistent += d.persistentConnections();
      }
      assertEquals(svc.persistenceTemplates(), persistent, "persistconns counts the live templates");
    }
    open.forEach(IpvsConnection::close);
    svc.advanceTime(Duration.ofSeconds(300 + 60));
    assertEquals(0, svc.persistenceTemplates());
    for (IpvsDestination d : svc.allDestinations()) {
      assertEquals(0, d.persistentConnections() + d.activeConnections() + d.inactiveConnections(), d.name());
    }
  }
}
