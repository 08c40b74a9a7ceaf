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
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The public manual clock, used as a control-plane author would: a HealthChecker with a listener, answers set per
 * check, time moved by hand. No threads, sockets or sleeps: every assertion holds at an exact instant.
 */
final class ManualClockTest {
  private static final Instant START = Instant.parse("2030-05-01T12:00:00Z");
  private static final Endpoint WEB1 = Endpoint.parse("10.0.0.1:80");
  private static final Endpoint WEB2 = Endpoint.parse("10.0.0.2:80");
  private static final CheckResult UP = CheckResult.Up.of("test: fine");
  private static final CheckResult REFUSED = new CheckResult.Down(DownReason.REFUSED, "test: stopped");

  private final ManualClock clock = new ManualClock(START);
  private final Map<Check, CheckResult> answers = new HashMap<>();
  private final List<Check> asked = new ArrayList<>();
  private final List<DestinationEvent> events = new ArrayList<>();
  private final HealthChecker checker = HealthChecker.builder().manualClock(clock, c -> {
    asked.add(c);
    return answers.getOrDefault(c, UP);
  }).listener(events::add).build();

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** "up web1 @0.0" lines: what happened to whom and when, in seconds since the start. */
  private List<String> log() {
    return events.stream().map(e -> {
      String what = e instanceof DestinationUp ? "up" : e instanceof DestinationDown ? "down"
          : "weight " + ((WeightChanged) e).newWeight();
      String who = e.destination().equals(WEB1) ? "web1" : "web2";
      return what + " " + who + " @" + Duration.between(START, e.at()).toMillis() / 1000.0;
    }).collect(Collectors.toList());
  }

  @Test
  void riseAndFall_atExactInstants_withoutSleeping() {
    Check web1 = TcpCheck.of(WEB1);
    Target t = Target.of(WEB1, 10, web1, CheckPolicy.haproxy().interval(s(2)).fastInterval(s(0.5))
        .downInterval(s(5)).rise(2).fall(3).build());
    checker.add(t);
    assertEquals(List.of("up web1 @0.0"), log()); // published synchronously by add
    assertEquals(0, checker.threads());
    // a pass at 0 fills the health counter from rise to its maximum (HAProxy 2.6), so checks run every 2 s
    clock.advance(s(10));
    assertEquals(6, asked.size());

    answers.put(web1, REFUSED);
    clock.advance(s(2.9)); // failures at 12 and 12.5 (fastinter once the counter is below its maximum): still up
    assertTrue(checker.status(t.key()).get().up());
    clock.advance(s(0.1)); // the third failure at 13.0: down
    assertEquals(List.of("up web1 @0.0", "down web1 @13.0"), log());
    assertFalse(checker.status(t.key()).get().up());
    assertEquals(START.plusMillis(13_000), checker.status(t.key()).get().lastChange());

    answers.put(web1, UP);
    clock.advance(s(4.9)); // steadily down: downinter 5 s, so nothing runs before 18.0
    assertEquals(2, events.size());
    assertEquals(9, asked.size());
    clock.advance(s(0.6)); // passes at 18.0 and, fastinter, 18.5: up
    assertEquals(List.of("up web1 @0.0", "down web1 @13.0", "up web1 @18.5"), log());
  }

  @Test
  void keepalivedRetry_andSlowStart_runOnTheSameClock() {
    Check web2 = HttpCheck.builder(WEB2).path("/health").build();
    checker.add(Target.of(WEB2, 100, web2, CheckPolicy.keepalived().interval(s(6)).retry(2)
        .delayBeforeRetry(s(1)).slowStart(s(20)).build()));
    clock.advance(s(0)); // the first check runs at 0
    answers.put(web2, REFUSED);
    clock.advance(s(6)); // fails at 6, retried at 7 and 8, the last retry fails: down at 8
    assertEquals(List.of("up web2 @0.0"), log());
    clock.advance(s(2));
    assertEquals(List.of("up web2 @0.0", "down web2 @8.0"), log());
    answers.put(web2, UP);
    clock.advance(s(6)); // up again at 14, weight ramps in sixteenths (slowstart 20 s, a step a second)
    clock.advance(s(10)); // 24: half-way
    List<String> l = log();
    // ceil(100 * (floor(16 * s / 20) + 1) / 16): 7 at 0 and 1 s, 13 at 2 s, 19 at 3 s, ... 57 at 10 s
    assertEquals(List.of("up web2 @14.0", "weight 7 web2 @14.0", "weight 13 web2 @16.0", "weight 19 web2 @17.0"),
        l.subList(2, 6));
    assertEquals("weight 57 web2 @24.0", l.get(l.size() - 1), l.toString());
    clock.advance(s(10));
    // 19 s in, floor(16 * 19 / 20) + 1 is already 16 sixteenths: full weight a second before slowstart ends
    assertEquals("weight 100 web2 @33.0", log().get(log().size() - 1));
  }

  @Test
  void checkOnce_andRemove_andClose_areImmediate() {
    Check web1 = TcpCheck.of(WEB1);
    answers.put(web1, REFUSED);
    CompletableFuture<CheckResult> f = checker.checkOnce(web1, s(1));
    assertTrue(f.isDone());
    assertEquals(REFUSED, f.join());

    Target t = Target.of(WEB1, 10, web1, CheckPolicy.haproxy().downOnStop(true).build());
    checker.add(t);
    assertTrue(checker.remove(t.key()));
    clock.advance(s(60));
    assertEquals(List.of(web1), asked); // only checkOnce asked: the removed target never ran

    answers.clear();
    checker.add(Target.of(WEB2, 10, TcpCheck.of(WEB2), CheckPolicy.haproxy().downOnStop(true).build()));
    clock.advance(s(1));
    checker.close();
    assertEquals(List.of("up web1 @0.0", "up web2 @60.0", "down web2 @61.0"), log()); // omega on close
  }

  @Test
  void aResponderThatThrowsOrGivesNothing_isACheckError_andAdvanceCannotReenter() {
    ManualClock c = new ManualClock();
    List<DestinationEvent> seen = new ArrayList<>();
    List<IllegalStateException> reentries = new ArrayList<>();
    HealthChecker hc = HealthChecker.builder().manualClock(c, check -> {
      if (check.describe().contains("10.0.0.1")) {
        throw new IllegalStateException("test responder bug");
      }
      return null;
    }).listener(seen::add).listener(e -> {
      if (e instanceof DestinationDown) {
        try {
          c.advance(s(1));
        } catch (IllegalStateException expected) {
          reentries.add(expected);
        }
      }
    }).build();
    hc.add(Target.of(WEB1, 1, TcpCheck.of(WEB1), CheckPolicy.haproxy().fall(1).build()));
    hc.add(Target.of(WEB2, 1, TcpCheck.of(WEB2), CheckPolicy.haproxy().fall(1).build()));
    c.runDue();
    assertEquals(4, seen.size()); // two initial ups, two downs
    assertTrue(seen.get(2).reason().startsWith("check error: responder threw"), seen.get(2).reason());
    assertTrue(seen.get(3).reason().startsWith("check error: responder gave no result"), seen.get(3).reason());
    assertEquals(2, reentries.size());
    assertEquals(Duration.ZERO, c.elapsed());
    assertThrows(IllegalArgumentException.class, () -> c.advance(s(-1)));
    hc.close();
  }
}
