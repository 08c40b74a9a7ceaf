package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.http.UrlRound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7's HTTP_GET url rounds ({@link UrlRound}) on the fake clock: one url per delay loop, up after a
 * whole round, retries of a failing url, the failed url fetched every delay loop while down, a fresh round once it
 * passes, and no retry after a pass before the first verdict. The same rules are compared with real keepalived in
 * lb-director's KeepalivedCheckerTimingLabIT.
 */
final class UrlRoundScheduleTest {
  private static final Endpoint DEST = Endpoint.parse("10.0.0.2:80");
  private static final Duration LATENCY = Duration.ofMillis(10);

  private final ManualScheduler clock = new ManualScheduler();
  private final List<DestinationEvent> events = new ArrayList<>();
  /** Paths that fail; and every attempt as "PATH@SECONDS". */
  private final Set<String> failing = new HashSet<>();
  private final List<String> attempts = new ArrayList<>();

  private final Prober prober = new Prober() {
    @Override
    public void probe(Check check, Duration timeout, Consumer<CheckResult> done) {
      String path = ((HttpCheck) check).path();
      attempts.add(path + "@" + String.format(Locale.ROOT, "%.2f", clock.elapsed().toMillis() / 1000.0));
      CheckResult r = failing.contains(path) ? new CheckResult.Down(DownReason.BAD_STATUS, "status 503")
          : CheckResult.Up.of("status 200");
      clock.schedule(LATENCY, () -> done.accept(r));
    }
  };

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** delay_loop 2, retry 1, delay_before_retry 1, warmup 0, the start delay of 1 s. */
  private static CheckPolicy.Builder policy() {
    return CheckPolicy.keepalived().interval(s(2)).timeout(s(1)).retry(1).delayBeforeRetry(s(1))
        .warmup(Duration.ZERO).startDelay(CheckPolicy.KEEPALIVED_START_DELAY);
  }

  private TargetMonitor monitor(CheckPolicy policy, String... paths) {
    List<HttpCheck> urls = new ArrayList<>();
    for (String p : paths) {
      urls.add(HttpCheck.builder(DEST).path(p).build());
    }
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 1, new UrlRound(urls), policy), clock, prober,
        new SplittableRandom(1), events::add);
    m.start();
    return m;
  }

  private List<String> kinds() {
    return events.stream().map(e -> (e instanceof DestinationUp ? "up@" : e instanceof DestinationDown ? "down@"
        : "weight@") + String.format(Locale.ROOT, "%.2f", Duration.between(events.get(0).at(), e.at()).toMillis()
        / 1000.0)).collect(Collectors.toList());
  }

  @Test
  void allPass_oneUrlPerDelayLoop_inOrder() {
    monitor(policy().build(), "/a", "/b", "/c");
    clock.advance(s(8));
    assertEquals(List.of("/a@1.00", "/b@3.01", "/c@5.02", "/a@7.03"), attempts);
    assertEquals(List.of("up@0.00"), kinds());
  }

  @Test
  void alpha_upOnlyAfterTheWholeRound() {
    TargetMonitor m = monitor(policy().startDown(true).build(), "/a", "/b", "/c");
    clock.advance(s(5));
    assertFalse(m.status().up(), "two of three urls passed: still down");
    clock.advance(s(0.03));
    assertTrue(m.status().up(), "the third passed at 5.03");
    assertEquals(List.of("down@0.00", "up@5.03"), kinds());
  }

  @Test
  void failingUrl_retriedThenDown_thenEveryDelayLoop_thenAFreshRound() {
    TargetMonitor m = monitor(policy().build(), "/a", "/b", "/c");
    clock.advance(s(6)); // a whole round passed: 1, 3.01, 5.02
    failing.add("/b");
    clock.advance(s(7)); // a at 7.03; b fails at 9.04, retried at 10.05 (fails): down at 10.06; b again at 12.06
    assertEquals(List.of("/a@1.00", "/b@3.01", "/c@5.02", "/a@7.03", "/b@9.04", "/b@10.05", "/b@12.06"), attempts);
    assertFalse(m.status().up());
    failing.clear();
    clock.advance(s(7)); // b passes at 14.07: a fresh round from /a at 16.08, /b 18.09, /c 20.10 -> up 20.11
    assertEquals(List.of("/b@14.07", "/a@16.08", "/b@18.09"), attempts.subList(7, attempts.size()));
    assertFalse(m.status().up(), "not up before the whole round");
    clock.advance(s(1.2));
    assertTrue(m.status().up());
    assertEquals(List.of("up@0.00", "down@10.06", "up@20.11"), kinds());
  }

  @Test
  void firstRound_aFailureAfterAPass_isFinalWithoutRetry() {
    failing.add("/b");
    TargetMonitor m = monitor(policy().build(), "/a", "/b");
    clock.advance(s(3.5)); // a at 1 passes, b at 3.01 fails: down at once (no retry before the first verdict)
    assertFalse(m.status().up());
    assertEquals(List.of("up@0.00", "down@3.02"), kinds());
    clock.advance(s(2)); // the failed url again a delay loop later
    assertEquals(List.of("/a@1.00", "/b@3.01", "/b@5.02"), attempts);
  }

  @Test
  void firstCheckFails_isFinal_keepalivedStartsWithItsRetriesUsedUp() {
    failing.add("/a");
    TargetMonitor m = monitor(policy().build(), "/a", "/b");
    clock.advance(s(3.5)); // a at 1 fails: down at 1.01 without a retry; the failed url again a delay loop later
    assertFalse(m.status().up());
    assertEquals(List.of("/a@1.00", "/a@3.01"), attempts);
    assertEquals(List.of("up@0.00", "down@1.01"), kinds());
  }

  @Test
  void down_aLaterUrlFailing_isFetchedAgainAfterDelayBeforeRetry() {
    failing.add("/a");
    TargetMonitor m = monitor(policy().build(), "/a", "/b");
    clock.advance(s(2.5)); // down at 1.01 on /a
    failing.clear();
    failing.add("/b");
    clock.advance(s(5)); // /a passes at 3.01: round from /a at 5.02, /b fails at 7.03: not the failed url, so
    // keepalived fetches it again after delay_before_retry (8.04), not a delay loop later
    assertEquals(List.of("/a@1.00", "/a@3.01", "/a@5.02", "/b@7.03"), attempts);
    clock.advance(s(1.1));
    assertEquals("/b@8.04", attempts.get(attempts.size() - 1));
    assertFalse(m.status().up());
  }

  @Test
  void restartSchedule_startsTheRoundFromTheFirstUrl() {
    TargetMonitor m = monitor(policy().build(), "/a", "/b", "/c");
    clock.advance(s(4)); // /a at 1, /b at 3.01
    m.restartSchedule(); // at 4: next check at 5, the first url
    clock.advance(s(1.5));
    assertEquals(List.of("/a@1.00", "/b@3.01", "/a@5.00"), attempts);
  }
}
