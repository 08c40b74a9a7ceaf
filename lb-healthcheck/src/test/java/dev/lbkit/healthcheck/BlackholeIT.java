package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A destination that never answers SYN (inside a network namespace this test creates): timeout, no leaks. */
final class BlackholeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** Grace for a loaded 2-core CI machine: 100 attempts are queued on one loop before their deadlines start. */
  private static final Duration GRACE = Duration.ofSeconds(3);

  @Test
  void neverAnsweredSyn_isTimeoutByTheDeadline_andLeavesNoDescriptorsOrThreads() throws Exception {
    try (BlackholeNetns net = new BlackholeNetns();
        HealthChecker checker = HealthChecker.builder().threadName("blackhole").build()) {
      Endpoint dead = Endpoint.parse(net.blackhole + ":80");
      // warm both paths (plain TCP on the epoll connector, HTTP on JDK channels), so that what they open once per
      // loop or per JVM (epoll set, eventfd, classes from jars not yet opened) is in the baseline
      Await.down(Await.result(checker.checkOnce(TcpCheck.of(dead), TIMEOUT)), DownReason.TIMEOUT);
      Await.down(Await.result(checker.checkOnce(HttpCheck.builder(dead).build(), TIMEOUT)), DownReason.TIMEOUT);
      int fds = Resources.openFds();
      Map<String, String> targets = Resources.fdTargets();
      int threads = Resources.threads();

      List<CompletableFuture<CheckResult>> futures = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        Endpoint target = dead.withPort(1000 + i);
        futures.add(checker.checkOnce(i % 2 == 0 ? TcpCheck.of(target) : HttpCheck.builder(target).build(), TIMEOUT));
      }
      assertEquals(threads, Resources.threads(), "100 pending connects must not add threads");
      for (CompletableFuture<CheckResult> f : futures) {
        CheckResult.Down d = Await.down(Await.result(f), DownReason.TIMEOUT);
        assertTrue(d.detail().contains("SYN"), d.detail());
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(TIMEOUT.plus(GRACE)) <= 0, "100 blackholed checks took " + took);
      int fdsAfter = Resources.openFdsSettlingTo(fds);
      assertTrue(fdsAfter <= fds, "file descriptors leaked: " + fds + " before, " + fdsAfter + " after; new: "
          + Resources.added(targets, Resources.fdTargets()));
    }
  }
}
