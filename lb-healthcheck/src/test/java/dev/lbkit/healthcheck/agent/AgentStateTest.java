package dev.lbkit.healthcheck.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.healthcheck.AdminState;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.ManualClock;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TargetStatus;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HAProxy's agent model on a checked target: administrative state apart from operational state, each reply
 * changing only what it names. Replies are parsed by the real parser; time is a manual clock.
 */
final class AgentStateTest {
  private static final Endpoint WEB = Endpoint.parse("10.0.0.5:80");
  private static final Duration INTER = Duration.ofSeconds(2);

  private final ManualClock clock = new ManualClock();
  private final List<DestinationEvent> events = new ArrayList<>();
  private CheckResult reply = AgentCheck.parse("up");
  private final HealthChecker checker = HealthChecker.builder().manualClock(clock, c -> reply)
      .listener(events::add).build();
  private final Target target = Target.of(WEB, 40, AgentCheck.of(Endpoint.parse("10.0.0.5:9999")),
      CheckPolicy.haproxy().interval(INTER).rise(3).fall(3).build());

  @AfterEach
  void close() {
    checker.close();
  }

  private void agentSays(String line) {
    reply = AgentCheck.parse(line);
    clock.advance(INTER);
  }

  private TargetStatus status() {
    return checker.status(target.key()).orElseThrow();
  }

  private List<String> log() {
    return events.stream().map(e -> e instanceof DestinationUp ? "member" : e instanceof DestinationDown ? "out"
        : "weight " + ((WeightChanged) e).newWeight()).collect(Collectors.toList());
  }

  @Test
  void maint_takesItOut_withoutTouchingHealth_andReadyBringsItBack() {
    checker.add(target);
    clock.runDue();
    agentSays("maint # upgrade");
    assertEquals(AdminState.MAINT, status().admin());
    assertTrue(status().up()); // operationally still up
    assertEquals(0, status().weight());
    assertEquals(List.of("member", "out"), log());
    agentSays("75%"); // no admin word: still in maintenance, the weight is remembered
    assertEquals(AdminState.MAINT, status().admin());
    assertEquals(List.of("member", "out"), log());
    agentSays("ready");
    assertEquals(AdminState.READY, status().admin());
    assertEquals(List.of("member", "out", "member", "weight 30"), log()); // 75% of 40
    assertEquals(30, status().weight());
  }

  @Test
  void drain_isWeightZeroWhileAMember_andOperationalWordsActAtOnce() {
    checker.add(target);
    clock.runDue();
    agentSays("drain");
    assertEquals(AdminState.DRAIN, status().admin());
    assertEquals(List.of("member", "weight 0"), log());
    agentSays("down # disk full"); // fall 3 does not apply: down now, admin state unchanged
    assertFalse(status().up());
    assertEquals(0, status().health());
    assertEquals(AdminState.DRAIN, status().admin());
    assertEquals(List.of("member", "weight 0", "out"), log());
    agentSays("up"); // rise 3 does not apply either; still draining, so weight 0
    assertTrue(status().up());
    assertEquals(List.of("member", "weight 0", "out", "member"), log());
    assertEquals(0, status().weight());
    agentSays("ready 50%");
    assertEquals(List.of("member", "weight 0", "out", "member", "weight 20"), log());
  }

  @Test
  void anAgentBesideACheck_setsAdminStateAndWeight_whileTheCheckJudgesHealth() {
    Check web = TcpCheck.of(WEB);
    AgentCheck agent = AgentCheck.of(Endpoint.parse("10.0.0.5:9999"));
    List<DestinationEvent> seen = new ArrayList<>();
    ManualClock c = new ManualClock();
    CheckResult[] check = {CheckResult.Up.of("connected")};
    CheckResult[] said = {AgentCheck.parse("ready")};
    try (HealthChecker hc = HealthChecker.builder().manualClock(c, k -> k == agent ? said[0] : check[0])
        .listener(seen::add).build()) {
      Target t = Target.of(WEB, 40, web, CheckPolicy.haproxy().interval(INTER).rise(2).fall(2).build())
          .withAgent(agent, Duration.ofSeconds(1));
      hc.add(t);
      c.advance(Duration.ofSeconds(4));
      said[0] = AgentCheck.parse("maint");
      c.advance(Duration.ofSeconds(1));
      assertEquals(AdminState.MAINT, hc.status(t.key()).orElseThrow().admin());
      assertTrue(hc.status(t.key()).orElseThrow().up()); // the check still passes
      check[0] = new CheckResult.Down(DownReason.REFUSED, "stopped");
      c.advance(Duration.ofSeconds(4)); // two failed checks: down, though already out of service
      assertFalse(hc.status(t.key()).orElseThrow().up());
      said[0] = AgentCheck.parse("ready 50%");
      c.advance(Duration.ofSeconds(1)); // ready again, but the check says down: stays out
      assertEquals(AdminState.READY, hc.status(t.key()).orElseThrow().admin());
      assertFalse(hc.status(t.key()).orElseThrow().up());
      check[0] = CheckResult.Up.of("connected");
      c.advance(Duration.ofSeconds(4)); // rise 2: back, at the agent's 50%
      TargetStatus s = hc.status(t.key()).orElseThrow();
      assertTrue(s.up());
      assertEquals(20, s.weight());
      said[0] = AgentCheck.parse("down # draining the host");
      c.advance(Duration.ofSeconds(1)); // the agent's down acts at once
      assertFalse(hc.status(t.key()).orElseThrow().up());
      said[0] = AgentCheck.parse("");
      c.advance(Duration.ofSeconds(4)); // then passing checks bring it back after rise
      assertTrue(hc.status(t.key()).orElseThrow().up());
      List<String> kinds = seen.stream().map(e -> e instanceof DestinationUp ? "member" : e instanceof DestinationDown
          ? "out" : "weight " + ((WeightChanged) e).newWeight()).collect(Collectors.toList());
      assertEquals(List.of("member", "out", "member", "weight 20", "out", "member"), kinds);
    }
  }

  @Test
  void anAgentThatCannotBeRead_changesNothing() {
    checker.add(target);
    clock.runDue();
    agentSays("stopped");
    assertFalse(status().up());
    reply = new CheckResult.Down(DownReason.REFUSED, "agent port closed");
    clock.advance(INTER.multipliedBy(5));
    reply = new CheckResult.Down(DownReason.PROTOCOL_ERROR, "incomplete line, ignored");
    clock.advance(INTER.multipliedBy(5));
    assertFalse(status().up());
    assertEquals(List.of("member", "out"), log());
    agentSays("banana"); // a complete line with nothing HAProxy acts on: no change either
    agentSays("up # back");
    assertTrue(status().up());
    assertEquals(List.of("member", "out", "member"), log());
    assertTrue(((DestinationUp) events.get(2)).reason().contains("agent: up # back"), events.get(2).reason());
  }
}
