package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.RetryRule;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * keepalived's start of a checker on the fake clock: the fixed start delay before the random warmup, and the fresh
 * start a reload gives every checker it keeps ({@link TargetMonitor#restartSchedule()}).
 */
final class KeepalivedScheduleTest {
  private static final Endpoint DEST = Endpoint.parse("10.0.0.2:80");

  private final ManualScheduler clock = new ManualScheduler();
  private final List<DestinationEvent> events = new ArrayList<>();

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private static CheckPolicy.Builder keepalived(double delayLoop) {
    return CheckPolicy.keepalived().interval(s(delayLoop)).timeout(s(1)).retry(0)
        .startDelay(CheckPolicy.KEEPALIVED_START_DELAY);
  }

  private TargetMonitor monitor(ScriptedProber prober, CheckPolicy policy, long seed) {
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 3, TcpCheck.of(DEST), policy), clock, prober,
        new SplittableRandom(seed), events::add);
    m.start();
    return m;
  }

  private static List<Double> seconds(ScriptedProber p) {
    return p.attemptTimes.stream().map(d -> d.toMillis() / 1000.0).collect(Collectors.toList());
  }

  private List<String> kinds() {
    return events.stream().map(e -> e instanceof DestinationUp ? "up" : e instanceof DestinationDown ? "down"
        : "weight " + ((WeightChanged) e).newWeight()).collect(Collectors.toList());
  }

  @Test
  void warmupZero_firstCheckOneSecondAfterTheStart_thenEveryDelayLoop() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    monitor(p, keepalived(5).warmup(Duration.ZERO).build(), 1);
    clock.advance(s(0.999));
    assertEquals(List.of(), seconds(p), "nothing before keepalived's start delay");
    clock.advance(s(15));
    assertEquals(List.of(1.0, 6.01, 11.02), seconds(p)); // delay_loop counts from the end of a check
  }

  @Test
  void warmup_addsARandomPartOfItAfterTheStartDelay_neverBefore() {
    List<Double> firsts = new ArrayList<>();
    for (long seed = 0; seed < 40; seed++) {
      ManualScheduler c = new ManualScheduler();
      ScriptedProber p = new ScriptedProber(c, s(0.01));
      new TargetMonitor(Target.of(DEST, 3, TcpCheck.of(DEST), keepalived(30).warmup(s(10)).build()), c, p,
          new SplittableRandom(seed), e -> { }).start();
      c.advance(s(11));
      assertEquals(1, p.attemptTimes.size(), "one first check within start delay + warmup");
      firsts.add(p.attemptTimes.get(0).toMillis() / 1000.0);
    }
    assertTrue(firsts.stream().allMatch(t -> t >= 1.0 && t <= 11.0), firsts.toString());
    assertTrue(firsts.stream().anyMatch(t -> t < 4) && firsts.stream().anyMatch(t -> t > 8),
        "spread over the warmup: " + firsts);
  }

  @Test
  void restart_dropsTheOldSchedule_keepsTheState_andStartsAfterTheStartDelay() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    TargetMonitor m = monitor(p, keepalived(12).warmup(Duration.ZERO).build(), 1);
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(5)); // checked at 1: down
    assertEquals(List.of(1.0), seconds(p));
    assertFalse(m.status().up());
    int eventsBefore = events.size();
    m.restartSchedule(); // a reload at 5: the next check is at 6, not at 13.01
    p.answer(ScriptedProber.UP);
    clock.advance(s(0.999));
    assertEquals(1, p.attemptTimes.size());
    clock.advance(s(0.001));
    assertEquals(List.of(1.0, 6.0), seconds(p));
    clock.advance(s(12.5));
    assertEquals(List.of(1.0, 6.0, 18.01), seconds(p), "the old 13.01 check is gone");
    assertTrue(m.status().up());
    assertEquals(eventsBefore + 1, events.size(), "no event for the restart itself, one for coming up");
  }

  @Test
  void restart_whileAnAttemptRuns_abandonsIt() {
    ScriptedProber slow = new ScriptedProber(clock, s(0.8)); // each attempt answers 0.8 s after it starts
    TargetMonitor m = monitor(slow, keepalived(10).timeout(s(5)).warmup(Duration.ZERO).build(), 1);
    clock.advance(s(2)); // the first check (1 .. 1.8) passed
    assertTrue(m.status().up());
    slow.answer(ScriptedProber.DOWN);
    clock.advance(s(10.3)); // the second check started at 11.8 and answers at 12.6
    m.restartSchedule(); // at 12.3: the attempt in flight must not count
    slow.answer(ScriptedProber.UP);
    clock.advance(s(0.5)); // 12.8: its DOWN has come and gone
    assertTrue(m.status().up(), "the abandoned attempt's failure changed nothing: " + kinds());
    clock.advance(s(1.5)); // 14.3: the fresh schedule's first check (13.3 .. 14.1) ran and passed
    assertEquals(List.of(1.0, 11.8, 13.3), seconds(slow));
    assertTrue(m.status().up());
    assertEquals(List.of("up"), kinds());
  }

  @Test
  void keepalivedTcpRetries_firstFailureFinal_thenACycleOfRetriesPerDelayLoopWhileDown_aPassEndsIt() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    TargetMonitor m = monitor(p, keepalived(3).retry(2).warmup(Duration.ZERO).retryRule(RetryRule.KEEPALIVED_TCP)
        .build(), 1);
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(10));
    // 1: down at once; then, down, each failure starts retry 2 cycles: 4.01, 5.02, 6.03, then a delay loop: 9.04
    assertEquals(List.of(1.0, 4.01, 5.02, 6.03, 9.04), seconds(p));
    assertEquals(List.of("up", "down"), kinds());
    p.answer(ScriptedProber.UP);
    clock.advance(s(1)); // 10.05 passes: up
    assertTrue(m.status().up());
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(6)); // 13.06 fails: retried at 14.07 and 15.08 (up, as usual), down at 15.09
    assertEquals(List.of(1.0, 4.01, 5.02, 6.03, 9.04, 10.05, 13.06, 14.07, 15.08), seconds(p));
    assertEquals(List.of("up", "down", "up", "down"), kinds());
  }

  @Test
  void keepalivedRetries_firstFailureFinal_noRetriesWhileDown_retriesOnceUpAgain() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    TargetMonitor m = monitor(p, keepalived(3).retry(2).warmup(Duration.ZERO).retryRule(RetryRule.KEEPALIVED)
        .build(), 1);
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(8));
    assertEquals(List.of(1.0, 4.01, 7.02), seconds(p)); // down at 1.01, then a delay loop apart
    p.answer(ScriptedProber.UP);
    clock.advance(s(3)); // 10.03 passes
    assertTrue(m.status().up());
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(6)); // 13.04 fails: retried at 14.05, 15.06: down at 15.07
    assertEquals(List.of(1.0, 4.01, 7.02, 10.03, 13.04, 14.05, 15.06), seconds(p));
    assertEquals(List.of("up", "down", "up", "down"), kinds());
  }

  @Test
  void keepalivedSmtpRetries_everyCycleRetried_theFirstToo_upOrDown() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    TargetMonitor m = monitor(p, keepalived(3).retry(2).warmup(Duration.ZERO).retryRule(RetryRule.KEEPALIVED_SMTP)
        .build(), 1);
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(10));
    // 1.0 fails and is retried at 2.01 and 3.02 (down at 3.03); the next cycle, down, is retried alike: 6.03...
    assertEquals(List.of(1.0, 2.01, 3.02, 6.03, 7.04, 8.05), seconds(p));
    assertEquals(List.of("up", "down"), kinds());
    p.answer(ScriptedProber.UP);
    clock.advance(s(3)); // 11.06 passes: up
    assertTrue(m.status().up());
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(6)); // 14.07 fails: retried at 15.08 and 16.09, down at 16.10
    assertEquals(List.of(1.0, 2.01, 3.02, 6.03, 7.04, 8.05, 11.06, 14.07, 15.08, 16.09), seconds(p));
    assertEquals(List.of("up", "down", "up", "down"), kinds());
  }

  @Test
  void whileUpRetries_theDefault_retryTheFirstFailure_andNeverWhileDown() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    monitor(p, keepalived(3).retry(2).warmup(Duration.ZERO).build(), 1);
    p.answer(ScriptedProber.DOWN);
    clock.advance(s(10));
    assertEquals(List.of(1.0, 2.01, 3.02, 6.03, 9.04), seconds(p));
  }

  @Test
  void restart_beforeStartOrAfterStop_doesNothing() {
    ScriptedProber p = new ScriptedProber(clock, s(0.01));
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 3, TcpCheck.of(DEST), keepalived(5).build()), clock, p,
        new SplittableRandom(1), events::add);
    m.restartSchedule();
    clock.advance(s(10));
    assertEquals(List.of(), seconds(p));
    m.start();
    m.stop(false);
    m.restartSchedule();
    clock.advance(s(10));
    assertEquals(List.of(), seconds(p));
  }
}
