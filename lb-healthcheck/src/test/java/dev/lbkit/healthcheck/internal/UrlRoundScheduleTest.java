package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7's HTTP_GET url rounds ({@link UrlRound}) on the fake clock: one url per delay loop, up after a
 * whole round, retries of a failing url, the failed url fetched every delay loop while down, a fresh round once it
 * passes, and no retry after a pass before the first verdict; with {@code fast_recovery} no delay before the first
 * verdict and while down with no url marked failed. The same rules are compared with real keepalived in lb-director's
 * KeepalivedCheckerTimingLabIT.
 */
final class UrlRoundScheduleTest {
  private static final Endpoint DEST = Endpoint.parse("10.0.0.2:80");
  private static final Duration LATENCY = Duration.ofMillis(10);

  private final ManualScheduler clock = new ManualScheduler();
  private final List<DestinationEvent> events = new ArrayList<>();
  /** Paths that fail; and every attempt as "PATH@SECONDS". */
  private final Set<String> failing = new HashSet<>();
  /** Paths that fail on some of their requests only: path to the request numbers (1 the first) that fail. */
  private final Map<String, Set<Integer>> failingOn = new HashMap<>();
  private final Map<String, Integer> asked = new HashMap<>();
  private final List<String> attempts = new ArrayList<>();

  private final Prober prober = new Prober() {
    @Override
    public void probe(Check check, Duration timeout, Consumer<CheckResult> done) {
      String path = ((HttpCheck) check).path();
      attempts.add(path + "@" + String.format(Locale.ROOT, "%.2f", clock.elapsed().toMillis() / 1000.0));
      int n = asked.merge(path, 1, Integer::sum);
      boolean fails = failing.contains(path) || failingOn.getOrDefault(path, Set.of()).contains(n);
      CheckResult r = fails ? new CheckResult.Down(DownReason.BAD_STATUS, "status 503")
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
    return monitor(policy, false, paths);
  }

  private TargetMonitor monitor(CheckPolicy policy, boolean fastRecovery, String... paths) {
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 1, round(fastRecovery, paths), policy), clock, prober,
        new SplittableRandom(1), events::add);
    m.start();
    return m;
  }

  private static UrlRound round(boolean fastRecovery, String... paths) {
    List<HttpCheck> urls = new ArrayList<>();
    for (String p : paths) {
      urls.add(HttpCheck.builder(DEST).path(p).build());
    }
    return new UrlRound(urls, fastRecovery);
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

  @Test
  void fastRecovery_firstRound_urlAfterUrl_thenOnePerDelayLoop() {
    monitor(policy().build(), true, "/a", "/b", "/c");
    clock.advance(s(6));
    // each url as soon as the one before answered (10 ms), until the first verdict; then a delay loop apart
    assertEquals(List.of("/a@1.00", "/b@1.01", "/c@1.02", "/a@3.03", "/b@5.04"), attempts);
    assertEquals(List.of("up@0.00"), kinds());
  }

  @Test
  void fastRecovery_afterTheFailedUrlPasses_theFreshRoundRunsAtOnce_andAFailureInItIsFetchedAgainAtOnce() {
    // the lab's fast_recovery server (KeepalivedCheckerTimingLabIT's FAST_ROUND): /flip fails on its 2nd and 3rd
    // requests, /once on its 2nd
    failingOn.put("/flip", Set.of(2, 3));
    failingOn.put("/once", Set.of(2));
    TargetMonitor m = monitor(policy().build(), true, "/a", "/flip", "/once");
    clock.advance(s(10.5));
    assertEquals(List.of("/a@1.00", "/flip@1.01", "/once@1.02", // first round at once: up (it started up)
        "/a@3.03", "/flip@5.04", // up: a delay loop apart
        "/flip@6.05", // fails while up: retried after delay_before_retry; fails again: down, /flip marked failed
        "/flip@8.06", // the failed url a delay loop later (max(delay_before_retry, delay_loop)): passes
        "/a@8.07", "/flip@8.08", "/once@8.09", // down, nothing marked failed: the fresh round at once
        "/once@8.10", // /once fails while down, not marked failed: fetched again at once (keepalived's FAILED path)
        "/a@10.11"), // the round passed: up at 8.11, then a delay loop apart again
        attempts);
    assertEquals(List.of("up@0.00", "down@6.06", "up@8.11"), kinds());
    assertTrue(m.status().up());
  }

  @Test
  void fastRecovery_alpha_aFirstFailureWaitsForTheFailedUrl_thenAFreshRoundAtOnce() {
    failingOn.put("/a", Set.of(1));
    TargetMonitor m = monitor(policy().startDown(true).build(), true, "/a", "/b", "/c");
    clock.advance(s(4));
    // /a fails first: final at once and marked failed, so it waits a delay loop; it passes, and a whole fresh round
    // from the first url (/a again) follows at once
    assertEquals(List.of("/a@1.00", "/a@3.01", "/a@3.02", "/b@3.03", "/c@3.04"), attempts);
    assertEquals(List.of("down@0.00", "up@3.05"), kinds());
    assertTrue(m.status().up());
  }

  @Test
  void restartSchedule_withANewRound_fetchesItsUrls_andAppliesItsFastRecovery() {
    failingOn.put("/a", Set.of(1));
    TargetMonitor m = monitor(policy().build(), "/a", "/b");
    clock.advance(s(1.5)); // /a fails at 1: down, marked failed
    assertFalse(m.status().up());
    m.restartSchedule(Target.of(DEST, 1, round(true, "/x", "/y"), policy().build()));
    clock.advance(s(1.1)); // 1 s after the restart: the new round's first url passes; down and nothing marked
    // failed, so with fast_recovery the next follows at once, and the round brings it up
    assertEquals(List.of("/a@1.00", "/x@2.50", "/y@2.51"), attempts);
    assertEquals(List.of("up@0.00", "down@1.01", "up@2.52"), kinds());
  }

  @Test
  void restartSchedule_withAnotherNumberOfUrls_isRefused() {
    TargetMonitor m = monitor(policy().build(), "/a", "/b");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.restartSchedule(Target.of(DEST, 1, round(false, "/a"), policy().build())));
    assertTrue(e.getMessage().contains("as many urls (2)"), e.getMessage());
  }
}
