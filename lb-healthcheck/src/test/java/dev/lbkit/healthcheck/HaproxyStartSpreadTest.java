package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.agent.AgentCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link HealthChecker#addAllSpread}: first checks spread as HAProxy 2.6's start_checks spreads them, on a manual
 * clock (HaproxyCheckSpreadIT compares with a real HAProxy).
 */
final class HaproxyStartSpreadTest {
  private static Endpoint ep(int i) {
    return Endpoint.parse("10.0.0." + i + ":80");
  }

  /** The first time each check (or agent, "a" after the address) was asked, in ms since the start. */
  private static Map<String, Long> firstChecks(HealthChecker.Builder builder, ManualClock clock, List<Target> targets) {
    Map<String, Long> first = new LinkedHashMap<>();
    try (HealthChecker checker = builder.manualClock(clock, c -> {
      String who = c instanceof AgentCheck a ? a.target() + "a" : ((TcpCheck) c).target().toString();
      first.putIfAbsent(who, clock.elapsed().toMillis());
      return c instanceof AgentCheck ? CheckResult.Up.of("agent") : CheckResult.Up.of("ok");
    }).build()) {
      checker.addAllSpread(targets);
      clock.advance(Duration.ofSeconds(5));
    }
    return first;
  }

  private static List<Target> targets() {
    List<Target> t = new ArrayList<>();
    // start interval: fastinter 2 s (rise 2 fall 3 starts at health 2, not full); inter 4 s (fall 1); 0.5 s (below
    // HAProxy's 1 s threshold: sets no spread, is spread over the others' 2 s); 2 s with an agent every 3 s
    t.add(Target.of(ep(1), 1, TcpCheck.of(ep(1)), CheckPolicy.haproxy().interval(Duration.ofSeconds(10))
        .fastInterval(Duration.ofSeconds(2)).build()));
    t.add(Target.of(ep(2), 1, TcpCheck.of(ep(2)), CheckPolicy.haproxy().interval(Duration.ofSeconds(4)).fall(1)
        .build()));
    t.add(Target.of(ep(3), 1, TcpCheck.of(ep(3)), CheckPolicy.haproxy().interval(Duration.ofMillis(500)).build()));
    t.add(Target.of(ep(4), 1, TcpCheck.of(ep(4)), CheckPolicy.haproxy().interval(Duration.ofSeconds(2)).build())
        .withAgent(AgentCheck.of(ep(5)), Duration.ofSeconds(3)));
    return t;
  }

  @Test
  void addAllSpread_positionTimesIntervalOverCount() {
    // N = 5 (four checks, one agent); the smallest start interval of at least 1 s is 2 s
    Map<String, Long> first = firstChecks(HealthChecker.builder(), new ManualClock(), targets());
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("10.0.0.1:80", 0L); // 2000 * 0 / 5
    expected.put("10.0.0.2:80", 800L); // max(2000, 4000) * 1 / 5
    expected.put("10.0.0.3:80", 800L); // max(2000, 500) * 2 / 5
    expected.put("10.0.0.4:80", 1200L); // 2000 * 3 / 5
    expected.put("10.0.0.5:80a", 2400L); // the agent: max(2000, 3000) * 4 / 5
    assertEquals(expected, sorted(first, expected));
  }

  @Test
  void addAllSpread_maxSpreadChecksCapsTheSpread() {
    Map<String, Long> first = firstChecks(HealthChecker.builder().maxSpreadChecks(Duration.ofMillis(1000)),
        new ManualClock(), targets());
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("10.0.0.1:80", 0L);
    expected.put("10.0.0.2:80", 200L); // 1000 * 1 / 5
    expected.put("10.0.0.3:80", 400L);
    expected.put("10.0.0.4:80", 600L);
    expected.put("10.0.0.5:80a", 800L);
    assertEquals(expected, sorted(first, expected));
  }

  private static Map<String, Long> sorted(Map<String, Long> actual, Map<String, Long> order) {
    Map<String, Long> out = new LinkedHashMap<>();
    order.keySet().forEach(k -> out.put(k, actual.get(k)));
    return out;
  }
}
