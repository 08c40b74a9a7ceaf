package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * keepalived's several checkers of one real server, each on its own delay loop, retry and warmup, on the manual
 * clock: when each check runs, and that the server is up exactly while all its checkers are.
 */
final class IndependentChecksTest {
  private static final Instant START = Instant.parse("2030-05-01T12:00:00Z");
  private static final Endpoint RS = Endpoint.parse("10.0.0.1:80");
  private static final CheckResult UP = CheckResult.Up.of("test: fine");
  private static final CheckResult REFUSED = new CheckResult.Down(DownReason.REFUSED, "test: stopped");

  private final ManualClock clock = new ManualClock(START);
  private final Map<Check, CheckResult> answers = new HashMap<>();
  /** When each check was asked, in seconds since the start. */
  private final Map<Check, List<Double>> asked = new HashMap<>();
  private final List<DestinationEvent> events = new ArrayList<>();
  private final HealthChecker checker = HealthChecker.builder().manualClock(clock, c -> {
    asked.computeIfAbsent(c, k -> new ArrayList<>()).add(Duration.between(START, clock.instant()).toMillis() / 1000.0);
    return answers.getOrDefault(c, UP);
  }).random(new SplittableRandom(7)).listener(events::add).build();

  private final Check fast = TcpCheck.of(Endpoint.parse("10.0.0.1:80"));
  private final Check slow = TcpCheck.of(Endpoint.parse("10.0.0.1:8080"));

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private static CheckPolicy.Builder keepalived(double delayLoop) {
    return CheckPolicy.keepalived().interval(s(delayLoop)).timeout(s(1)).retry(0);
  }

  private List<String> log() {
    return events.stream().map(e -> (e instanceof DestinationUp ? "up" : e instanceof DestinationDown ? "down"
        : "weight " + ((WeightChanged) e).newWeight()) + " @" + Duration.between(START, e.at()).toMillis() / 1000.0)
        .collect(Collectors.toList());
  }

  private int times(Check c) {
    return asked.getOrDefault(c, List.of()).size();
  }

  @Test
  void eachChecker_runsOnItsOwnDelayLoop() {
    checker.add(Target.of(RS, 1, new IndependentChecks(List.of(
        new IndependentChecks.Member(fast, keepalived(1).build()),
        new IndependentChecks.Member(slow, keepalived(5).build()))), CheckPolicy.keepalived().build()));
    clock.advance(s(20));
    assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0), asked.get(slow));
    assertEquals(21, times(fast), asked.get(fast).toString());
    assertEquals(List.of("up @0.0"), log());
    assertEquals(26, checker.stats().checksStarted(), "checks of both members count");
  }

  @Test
  void theServer_isDownWhileAnyCheckerFails_andUpOnceAllPassAgain() {
    checker.add(Target.of(RS, 1, new IndependentChecks(List.of(
        new IndependentChecks.Member(fast, keepalived(1).build()),
        new IndependentChecks.Member(slow, keepalived(5).build()))), CheckPolicy.keepalived().build()));
    clock.advance(s(1));
    answers.put(slow, REFUSED);
    clock.advance(s(3.5)); // 4.5: the slow checker has not run again yet
    assertEquals(List.of("up @0.0"), log());
    clock.advance(s(0.5)); // 5.0: it fails, the server goes down although the fast one passes every second
    assertEquals(List.of("up @0.0", "down @5.0"), log());
    assertTrue(events.get(1).reason().contains("10.0.0.1:8080"), events.get(1).reason());
    answers.put(slow, UP);
    answers.put(fast, REFUSED);
    clock.advance(s(5)); // 10.0: the slow one passes again, but the fast one fails since 6.0: still down
    assertEquals(List.of("up @0.0", "down @5.0"), log());
    answers.put(fast, UP);
    clock.advance(s(1)); // 11.0: both pass
    assertEquals(List.of("up @0.0", "down @5.0", "up @11.0"), log());
    assertTrue(checker.status(new Target.Key(Optional.empty(), RS)).get().up());
  }

  @Test
  void eachChecker_hasItsOwnRetry_alpha_andWarmup() {
    checker.add(Target.of(RS, 1, new IndependentChecks(List.of(
        new IndependentChecks.Member(fast, keepalived(2).retry(2).delayBeforeRetry(s(0.5)).build()),
        new IndependentChecks.Member(slow, keepalived(30).warmup(s(30)).startDown(true).build()))),
        CheckPolicy.keepalived().build()));
    // alpha on one checker: the server starts down and comes up once that checker has passed
    assertEquals(List.of("down @0.0"), log());
    clock.advance(s(30));
    double firstSlow = asked.get(slow).get(0);
    assertTrue(firstSlow > 0 && firstSlow <= 30, "warmup: a random start in [0, 30] but was " + firstSlow);
    assertEquals(List.of("down @0.0", "up @" + firstSlow), log());
    answers.put(fast, REFUSED);
    clock.advance(s(3)); // the fast checker fails at 32 and is retried at 32.5 and 33: down at 33
    assertEquals("down @33.0", log().get(2));
    assertEquals(List.of(32.0, 32.5, 33.0), asked.get(fast).subList(asked.get(fast).size() - 3,
        asked.get(fast).size()));
  }

  @Test
  void inhibitOnFailure_andADynamicWeight_areTheServers() {
    Check misc = MiscCheck.of("/bin/true").withDynamic(true);
    checker.add(Target.of(RS, 10, new IndependentChecks(List.of(
        new IndependentChecks.Member(fast, keepalived(1).build()),
        new IndependentChecks.Member(misc, keepalived(3).build()))),
        CheckPolicy.keepalived().inhibitOnFailure(true).build()));
    answers.put(misc, new CheckResult.Up("exit 7", OptionalInt.of(5), OptionalInt.empty()));
    clock.advance(s(0)); // the first run: weight 5
    answers.put(fast, REFUSED);
    clock.advance(s(1)); // fails: inhibited, weight 0, still a member
    answers.put(fast, UP);
    clock.advance(s(1));
    assertEquals(List.of("up @0.0", "weight 5 @0.0", "weight 0 @1.0", "weight 5 @2.0"), log());
  }

  @Test
  void severalDynamicMiscCheckers_addTheirDifferencesToTheConfiguredWeight_asKeepalived() {
    MiscCheck a = MiscCheck.of("/bin/a").withDynamic(true);
    MiscCheck b = MiscCheck.of("/bin/b").withDynamic(true);
    checker.add(Target.of(RS, 3, new IndependentChecks(List.of(
        new IndependentChecks.Member(a, keepalived(1).build()),
        new IndependentChecks.Member(b, keepalived(1).build()))), CheckPolicy.keepalived().build()));
    answers.put(a, a.judge(12)); // weight 10: +7
    clock.advance(s(0));
    answers.put(b, b.judge(7)); // weight 5: +2
    clock.advance(s(1));
    answers.put(a, a.judge(0)); // a's part back to nothing
    clock.advance(s(1));
    answers.put(a, a.judge(9)); // weight 7: +4
    clock.advance(s(1));
    answers.put(a, a.judge(2)); // weight 0: -3
    answers.put(b, b.judge(2)); // weight 0: -3; 3 - 3 - 3 < 0: weight 0, still a member (a first: 2, then 0)
    clock.advance(s(1));
    answers.put(a, a.judge(0));
    answers.put(b, b.judge(0));
    clock.advance(s(1));
    assertEquals(List.of("up @0.0", "weight 10 @0.0", "weight 12 @1.0", "weight 5 @2.0", "weight 9 @3.0",
        "weight 2 @4.0", "weight 0 @4.0", "weight 3 @5.0"), log());
  }

  @Test
  void aDynamicWeight_staysWhileAnotherCheckerFails_andAFailedDynamicCheckerSetsItAgainOnPassing() {
    MiscCheck dyn = MiscCheck.of("/bin/dyn").withDynamic(true);
    MiscCheck plain = MiscCheck.of("/bin/plain");
    checker.add(Target.of(RS, 3, new IndependentChecks(List.of(
        new IndependentChecks.Member(dyn, keepalived(1).build()),
        new IndependentChecks.Member(plain, keepalived(1).build()))), CheckPolicy.keepalived().build()));
    answers.put(dyn, dyn.judge(12));
    clock.advance(s(0)); // weight 10
    answers.put(plain, plain.judge(1));
    clock.advance(s(1)); // down
    answers.put(dyn, dyn.judge(22)); // weight 20 while the server is down: nothing to publish
    clock.advance(s(1));
    answers.put(plain, plain.judge(0));
    clock.advance(s(1)); // up again, at once at 20
    answers.put(dyn, dyn.judge(1));
    clock.advance(s(1)); // the dynamic checker fails: down
    answers.put(dyn, dyn.judge(0));
    clock.advance(s(1)); // passes with exit 0: up at the configured weight
    assertEquals(List.of("up @0.0", "weight 10 @0.0", "down @1.0", "up @3.0", "weight 20 @3.0", "down @4.0",
        "up @5.0", "weight 3 @5.0"), log());
  }

  @Test
  void aSingleDynamicChecker_exit0_takesTheWeightBackToTheConfiguredOne() {
    MiscCheck dyn = MiscCheck.of("/bin/dyn").withDynamic(true);
    checker.add(Target.of(RS, 3, dyn, keepalived(1).build()));
    answers.put(dyn, dyn.judge(12));
    clock.advance(s(0));
    answers.put(dyn, dyn.judge(0));
    clock.advance(s(1));
    answers.put(dyn, dyn.judge(2));
    clock.advance(s(1));
    assertEquals(List.of("up @0.0", "weight 10 @0.0", "weight 3 @1.0", "weight 0 @2.0"), log());
  }

  @Test
  void membersCannotNest_andThereIsAtLeastOne() {
    IndependentChecks.Member one = new IndependentChecks.Member(fast, keepalived(1).build());
    assertThrows(IllegalArgumentException.class, () -> new IndependentChecks(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new IndependentChecks.Member(new IndependentChecks(
        List.of(one)), keepalived(1).build()));
    assertFalse(new IndependentChecks(List.of(one)).describe().isEmpty());
  }

  @Test
  void runOnce_onRealSockets_allMembersMustPass() throws Exception {
    try (HealthChecker real = HealthChecker.builder().build();
        java.net.ServerSocket open = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      int closedPort;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort();
      }
      Check listening = TcpCheck.of(new Endpoint(java.net.InetAddress.getLoopbackAddress(), open.getLocalPort()));
      Check closed = TcpCheck.of(new Endpoint(java.net.InetAddress.getLoopbackAddress(), closedPort));
      IndependentChecks.Member a = new IndependentChecks.Member(listening, keepalived(1).build());
      IndependentChecks.Member b = new IndependentChecks.Member(closed, keepalived(5).build());
      assertTrue(real.checkOnce(new IndependentChecks(List.of(a)), s(2)).get().isUp());
      CheckResult both = real.checkOnce(new IndependentChecks(List.of(a, b)), s(2)).get();
      assertTrue(both instanceof CheckResult.Down d && d.reason() == DownReason.REFUSED, both.toString());
    }
  }

  @Test
  void restartScheduleWithTheNextTarget_checksEachMembersNewCheck_andKeepsTheState() {
    Check other = TcpCheck.of(Endpoint.parse("10.0.0.1:8081"));
    CheckPolicy target = CheckPolicy.keepalived().build();
    checker.add(Target.of(RS, 1, new IndependentChecks(List.of(
        new IndependentChecks.Member(fast, keepalived(1).build()),
        new IndependentChecks.Member(slow, keepalived(5).build()))), target));
    answers.put(slow, REFUSED);
    clock.advance(s(1)); // the slow checker failed at 0: down
    assertEquals(List.of("up @0.0", "down @0.0"), log());
    // a reload that builds the second checker afresh (another port here; in keepalived.conf another client
    // certificate read from the SSL block's files): from now on that check runs, and the state stays as it was
    assertTrue(checker.restartSchedule(Target.of(RS, 1, new IndependentChecks(List.of(
        new IndependentChecks.Member(fast, keepalived(1).build()),
        new IndependentChecks.Member(other, keepalived(5).build()))), target)));
    assertFalse(checker.status(new Target.Key(Optional.empty(), RS)).get().up(), "the state stays down until a check says otherwise");
    int slowBefore = times(slow);
    clock.advance(s(5));
    assertEquals(slowBefore, times(slow), "the old check no longer runs");
    assertEquals(List.of(1.0, 6.0), asked.get(other), "the new one from the restart on, a delay loop apart");
    assertEquals(List.of("up @0.0", "down @0.0", "up @1.0"), log());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> checker.restartSchedule(
        Target.of(RS, 2, new IndependentChecks(List.of(new IndependentChecks.Member(fast, keepalived(1).build()),
            new IndependentChecks.Member(other, keepalived(5).build()))), target)));
    assertTrue(e.getMessage().contains("same target"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> checker.restartSchedule(Target.of(RS, 1,
        new IndependentChecks(List.of(new IndependentChecks.Member(fast, keepalived(1).build()))), target)),
        "another number of checkers");
  }
}
