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
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scheduling semantics on a fake clock: no sockets, no sleeps. */
final class TargetMonitorTest {
  private static final Endpoint DEST = Endpoint.parse("10.0.0.2:80");
  private static final Duration LATENCY = Duration.ofMillis(10);

  private final ManualScheduler clock = new ManualScheduler();
  private final ScriptedProber prober = new ScriptedProber(clock, LATENCY);
  private final List<DestinationEvent> events = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(42);

  private TargetMonitor monitor(CheckPolicy policy, int weight) {
    TargetMonitor m = new TargetMonitor(Target.of(DEST, weight, TcpCheck.of(DEST), policy), clock, prober,
        random, events::add);
    m.start();
    return m;
  }

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private List<String> kinds() {
    return events.stream().map(e -> e instanceof DestinationUp ? "up" : e instanceof DestinationDown ? "down"
        : "weight " + ((WeightChanged) e).oldWeight() + "->" + ((WeightChanged) e).newWeight())
        .collect(Collectors.toList());
  }

  @Test
  void haproxyInitStateUp_firstFailureTakesItDown_thenRiseAndFallCount() {
    TargetMonitor m = monitor(CheckPolicy.haproxy().interval(s(2)).rise(2).fall(3).build(), 10);
    assertEquals(List.of("up"), kinds()); // initial state
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(0.5));
    assertEquals(List.of("up", "down"), kinds());
    assertFalse(m.status().up());
    prober.answer(ScriptedProber.UP);
    clock.advance(s(2));
    assertEquals(2, events.size()); // one pass is not enough with rise 2
    clock.advance(s(2));
    assertEquals(List.of("up", "down", "up"), kinds());
    assertEquals(4, m.status().health()); // rise + fall - 1
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(2 * 2 + 0.1)); // two failures
    assertTrue(m.status().up());
    clock.advance(s(2));
    assertEquals(List.of("up", "down", "up", "down"), kinds());
    assertTrue(((DestinationDown) events.get(3)).reason().startsWith("refused: scripted down"),
        events.get(3).toString());
  }

  @Test
  void aPassRestoresTheFullMargin_andAFailureRestartsTheRise_likeHaproxy() {
    TargetMonitor m = monitor(CheckPolicy.haproxy().interval(s(1)).rise(2).fall(3).build(), 10);
    prober.answer(ScriptedProber.UP);
    clock.advance(s(5)); // health to its maximum 4
    assertEquals(4, m.status().health());
    // F F S F F: 3, 2, then a pass reaching rise fills the counter (4), 3, 2: still up (HAProxy 2.6, real HAProxy
    // agrees in HaproxyCheckTimingIT)
    CheckResult[] seq = {ScriptedProber.DOWN, ScriptedProber.DOWN, ScriptedProber.UP, ScriptedProber.DOWN,
        ScriptedProber.DOWN};
    for (CheckResult r : seq) {
      prober.answer(r);
      clock.advance(s(1));
    }
    assertTrue(m.status().up());
    assertEquals(2, m.status().health());
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(1)); // the third failure in a row: below rise, the counter empties
    assertFalse(m.status().up());
    assertEquals(0, m.status().health());
    // coming up: S F S S. The failure drops the counter below rise again, to 0, so two more passes are needed
    for (CheckResult r : new CheckResult[] {ScriptedProber.UP, ScriptedProber.DOWN, ScriptedProber.UP}) {
      prober.answer(r);
      clock.advance(s(1));
    }
    assertFalse(m.status().up());
    assertEquals(1, m.status().health());
    prober.answer(ScriptedProber.UP);
    clock.advance(s(1));
    assertTrue(m.status().up());
    assertEquals(4, m.status().health());
  }

  @Test
  void intervals_interWhenSteady_fastinterInTransition_downinterWhenDown() {
    monitor(CheckPolicy.haproxy().interval(s(10)).fastInterval(s(1)).downInterval(s(30)).rise(2).fall(2)
        .build(), 10);
    prober.answer(ScriptedProber.UP);
    clock.advance(s(0.02)); // pass: health 3 of 3, steady up
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(10 + 1.01 + 0.02)); // fail at 10.01 (health 2: transitional), fail at 11.02 (down)
    prober.answer(ScriptedProber.UP);
    clock.advance(s(30.01 + 1.01 + 0.02)); // pass at 41.03 (health 1 of rise 2), pass at 42.04 (up)
    clock.advance(s(10.01));
    assertEquals(List.of(s(0), s(10.01), s(11.02), s(41.03), s(42.04), s(52.05)), prober.attemptTimes);
  }

  @Test
  void keepalivedRetry_retriesAnUpServerBeforeFailingIt_butNotADownOne() {
    TargetMonitor m = monitor(CheckPolicy.keepalived().interval(s(60)).retry(2).delayBeforeRetry(s(3)).build(), 5);
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(0.02));
    assertTrue(m.status().up()); // first failure: a retry is pending
    clock.advance(s(3));
    assertTrue(m.status().up());
    clock.advance(s(3.02));
    assertFalse(m.status().up());
    assertEquals(List.of(Duration.ZERO, s(3.01), s(6.02)), prober.attemptTimes);
    clock.advance(s(60.02));
    assertEquals(4, prober.attemptTimes.size()); // down: no retries, next check a delay_loop later
    assertEquals(s(66.03), prober.attemptTimes.get(3));
    prober.answer(ScriptedProber.UP);
    clock.advance(s(60.02));
    assertTrue(m.status().up()); // rise 1
  }

  @Test
  void alpha_startsDown_andTheFirstPassBringsItUp() {
    TargetMonitor m = monitor(CheckPolicy.keepalived().startDown(true).build(), 5);
    assertEquals(List.of("down"), kinds());
    assertFalse(m.status().up());
    clock.advance(s(0.02));
    assertEquals(List.of("down", "up"), kinds());
  }

  @Test
  void inhibitOnFailure_setsWeightZeroInsteadOfRemoving() {
    TargetMonitor m = monitor(CheckPolicy.keepalived().retry(0).inhibitOnFailure(true).interval(s(5)).build(), 7);
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(0.02));
    assertEquals(List.of("up", "weight 7->0"), kinds());
    assertEquals(0, m.status().weight());
    prober.answer(ScriptedProber.UP);
    clock.advance(s(5));
    assertEquals(List.of("up", "weight 7->0", "weight 0->7"), kinds());
  }

  @Test
  void omega_reportsDownOnShutdownOnly() {
    TargetMonitor a = monitor(CheckPolicy.keepalived().downOnStop(true).build(), 1);
    clock.advance(s(0.02));
    a.stop(false);
    assertEquals(List.of("up"), kinds());
    events.clear();
    TargetMonitor b = monitor(CheckPolicy.keepalived().downOnStop(true).build(), 1);
    clock.advance(s(0.02));
    b.stop(true);
    assertEquals(List.of("up", "down"), kinds());
    events.clear();
    TargetMonitor c = monitor(CheckPolicy.keepalived().build(), 1);
    c.stop(true);
    assertEquals(List.of("up"), kinds());
  }

  @Test
  void slowStart_rampsTheWeightAfterComingBackUp_notAtStart() {
    monitor(CheckPolicy.haproxy().interval(s(1)).rise(1).fall(1).slowStart(s(60)).build(), 100);
    clock.advance(s(0.5));
    assertEquals(List.of("up"), kinds()); // no ramp at start
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(1));
    prober.answer(ScriptedProber.UP);
    events.clear();
    clock.advance(s(1)); // up again at 2.02s
    assertEquals(List.of("up", "weight 100->7"), kinds());
    clock.advance(s(61));
    List<Integer> weights = events.stream().filter(e -> e instanceof WeightChanged)
        .map(e -> ((WeightChanged) e).newWeight()).collect(Collectors.toList());
    // HAProxy 2.6: sixteenths of the weight, one more every 60/16 s, rounded up: ceil(100 * n / 16)
    assertEquals(List.of(7, 13, 19, 25, 32, 38, 44, 50, 57, 63, 69, 75, 82, 88, 94, 100), weights);
  }

  @Test
  void slowStart_withAStaticAlgorithm_keepsTheFullWeight_asHaproxy() {
    monitor(CheckPolicy.haproxy().interval(s(1)).rise(1).fall(1).slowStart(s(60)).staticAlgorithm(true).build(), 100);
    clock.advance(s(0.5));
    prober.answer(ScriptedProber.DOWN);
    clock.advance(s(1));
    prober.answer(ScriptedProber.UP);
    events.clear();
    clock.advance(s(1)); // up again at 2.02s: at full weight, and it stays there
    clock.advance(s(61));
    assertEquals(List.of("up"), kinds());
  }

  @Test
  void spreadChecks_movesEachIntervalByUpToItsShare_inWholeMilliseconds() {
    double[] u = {0.0, 0.25, 0.5, 0.75, 0.9999};
    RandomGenerator draws = new RandomGenerator() {
      private int next;

      @Override
      public long nextLong() {
        throw new UnsupportedOperationException("only nextDouble is drawn");
      }

      @Override
      public double nextDouble() {
        return u[next++ % u.length];
      }
    };
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 1, TcpCheck.of(DEST), CheckPolicy.haproxy().interval(s(1))
        .rise(1).fall(1).spreadChecks(50).build()), clock, prober, draws, events::add);
    m.start();
    clock.advance(s(7));
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < 6; i++) {
      gaps.add(prober.attemptTimes.get(i).minus(prober.attemptTimes.get(i - 1)).toMillis());
    }
    // the attempt's 10 ms, then 1000 + rv - (int) (2 * rv * u) with rv = 500: +500, +250, 0, -250, -499
    assertEquals(List.of(1510L, 1260L, 1010L, 760L, 511L), gaps);
  }

  @Test
  void weightHints_miscDynamicAbsolute_agentPercent() {
    TargetMonitor m = monitor(CheckPolicy.keepalived().interval(s(1)).build(), 40);
    prober.answer(new CheckResult.Up("exit 12", OptionalInt.of(10), OptionalInt.empty()));
    clock.advance(s(0.02));
    assertEquals(10, m.status().weight());
    prober.answer(new CheckResult.Up("agent 75%", OptionalInt.empty(), OptionalInt.of(75)));
    clock.advance(s(1));
    assertEquals(30, m.status().weight());
    prober.answer(CheckResult.Up.of("no opinion"));
    clock.advance(s(1));
    assertEquals(30, m.status().weight()); // the last asked-for weight stays
    assertEquals(List.of("up", "weight 40->10", "weight 10->30"), kinds());
  }

  @Test
  void warmup_delaysTheFirstCheckRandomlyWithinTheWarmup() {
    for (int i = 0; i < 5; i++) {
      monitor(CheckPolicy.keepalived().warmup(s(10)).build(), 1);
    }
    clock.advance(s(10));
    assertEquals(5, prober.attemptTimes.size());
    assertTrue(prober.attemptTimes.stream().allMatch(t -> t.compareTo(s(10)) <= 0));
    assertTrue(prober.attemptTimes.stream().distinct().count() > 1, prober.attemptTimes.toString());
  }

  @Test
  void timeout_isTheHardDeadlineOfAnAttempt() {
    ScriptedProber slow = new ScriptedProber(clock, s(100));
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 1, TcpCheck.of(DEST),
        CheckPolicy.haproxy().interval(s(5)).timeout(s(2)).rise(1).fall(1).build()), clock, slow,
        new SplittableRandom(1), events::add);
    m.start();
    clock.advance(s(2));
    assertFalse(m.status().up());
    assertTrue(m.status().lastResult().get().toString().startsWith("timeout"));
  }
}
