package dev.lbkit.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Picks and connections from several threads while another thread adds, removes and re-weights destinations: no
 * exception, every pick is a destination that was linked with positive weight at some point, and the counters add
 * up when all connections are closed. Bounded by operation counts, not time.
 */
final class IpvsServiceConcurrencyTest {

  @ParameterizedTest
  @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc",
      "lblcr"})
  void picksRunConcurrentlyWithDestinationChanges(String name) throws Exception {
    IpvsService svc = IpvsService.create(Schedulers.create(name));
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 1; i <= 16; i++) {
      Endpoint e = Endpoint.parse("10.0.0." + i + ":80");
      eps.add(e);
      svc.addDestination(e, 1 + i % 3);
    }
    int threads = 3;
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<IpvsConnection> all = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        futures.add(pool.submit(() -> {
          start.await();
          SplittableRandom r = new SplittableRandom(seed);
          List<IpvsConnection> mine = new ArrayList<>();
          for (int i = 0; i < 8_000; i++) {
            Flow f = new Flow(Protocol.TCP, Endpoint.parseAddress("198.51.100." + r.nextInt(1, 255)),
                r.nextInt(1024, 65536), Endpoint.parseAddress("203.0.113." + r.nextInt(1, 50)), 80, 0);
            svc.pick(f).ifPresent(d -> assertTrue(eps.contains(d.endpoint())));
            svc.connect(f).ifPresent(mine::add);
            if (mine.size() > 50) {
              IpvsConnection c = mine.remove(r.nextInt(mine.size()));
              if (r.nextBoolean()) {
                c.deactivate();
              }
              c.close();
            }
          }
          all.addAll(mine);
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        start.await();
        SplittableRandom r = new SplittableRandom(99);
        for (int i = 0; i < 3_000; i++) {
          Endpoint e = eps.get(r.nextInt(eps.size()));
          boolean linked = svc.destination(e).map(IpvsDestination::available).orElse(false);
          try {
            if (!linked) {
              svc.addDestination(e, r.nextInt(0, 4));
            } else if (r.nextInt(4) == 0) {
              svc.removeDestination(e);
            } else {
              svc.setWeight(e, r.nextInt(0, 4));
            }
          } catch (IllegalArgumentException raced) {
            // only this thread changes destinations, so this cannot happen
            throw new AssertionError(raced);
          }
        }
        return null;
      }));
      start.countDown();
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    all.forEach(IpvsConnection::close);
    for (IpvsDestination d : svc.allDestinations()) {
      assertEquals(0, d.activeConnections(), d + " active");
      assertEquals(0, d.inactiveConnections(), d + " inactive");
    }
  }
}
