package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
      CheckResult warm = Await.result(checker.checkOnce(TcpCheck.of(dead), TIMEOUT));
      Await.down(warm, DownReason.TIMEOUT);
      int fds = Resources.openFds();
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
      assertTrue(fdsAfter <= fds, "file descriptors leaked: " + fds + " before, " + fdsAfter + " after");
    }
  }
}
