package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracked scripts with keepalived's rise/fall, scheduled on the router's ticker: run on the in-memory network, whose
 * clock and script results the test controls.
 */
final class ScriptTrackingTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();

  @BeforeEach
  void hosts() {
    net.addHost("r1", "10.0.0.1", "fe80::1");
    net.addHost("r2", "10.0.0.2", "fe80::2");
  }

  private static VrrpScript chk(int rise, int fall) {
    return VrrpScript.of("chk", List.of("/usr/local/bin/chk"), Duration.ofSeconds(2), Duration.ofSeconds(1))
        .withRiseFall(rise, fall);
  }

  private void start(String host, int priority, int weight, VrrpScript script) {
    VrrpConfig c = VrrpConfig.builder("VI").interfaceName("eth0").vrid(51).priority(priority).virtualAddress(VIP)
        .track("chk", weight).build();
    net.start(host, b -> b.instance(c).trackedScript(script));
  }

  private VrrpInstance instance(String host) {
    return net.router(host).orElseThrow().instances().get(0);
  }

  // ---- keepalived's counter, result by result ----

  private static List<Boolean> states(VrrpScript script, boolean... results) {
    ScriptCounter c = new ScriptCounter(script);
    List<Boolean> out = new ArrayList<>();
    for (boolean r : results) {
      c.record(r);
      out.add(c.up());
    }
    return out;
  }

  @Test
  void counter_firstResultAloneDecides() {
    assertEquals(List.of(true), states(chk(3, 3), true));
    assertEquals(List.of(false), states(chk(3, 3), false));
    assertNull(new ScriptCounter(chk(3, 3)).up(), "unknown before the first result");
  }

  @Test
  void counter_fallFailuresInARowBringItDown_aPassInBetweenStartsOver() {
    // up, then 2 failures (fall 3): still up; a pass starts over; the third failure after it: down
    assertEquals(List.of(true, true, true, true, true, true, false, false),
        states(chk(2, 3), true, false, false, true, false, false, false, false));
  }

  @Test
  void counter_risePassesInARowBringItUp_aFailureInBetweenStartsOver() {
    // down at once, then pass, fail, pass, pass (rise 2): up only after the last two
    assertEquals(List.of(false, false, false, false, true), states(chk(2, 3), false, true, false, true, true));
  }

  @Test
  void counter_initFailStartsDownAndNeedsRisePasses() {
    ScriptCounter c = new ScriptCounter(chk(2, 1).withInitFail(true));
    assertEquals(false, c.up());
    c.record(true);
    assertEquals(false, c.up());
    c.record(true);
    assertEquals(true, c.up());
  }

  // ---- on the simulated segment ----

  @Test
  void scriptRunsEveryIntervalOnTheSimulatedClock() {
    start("r1", 150, -100, chk(1, 1));
    net.advance(Duration.ofSeconds(10));
    // at 0, 2, 4, 6, 8 and 10 s
    assertEquals(6, net.scriptRuns("r1", "chk"));
  }

  @Test
  void failingScript_lowersPriorityAfterFallFailures_andTheBackupTakesOver() {
    start("r1", 150, -100, chk(2, 3));
    start("r2", 100, -100, chk(2, 3));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    net.setScriptResult("r1", "chk", false);
    net.advance(Duration.ofSeconds(4)); // runs at 6 and 8 s fail: fall 3 not reached
    assertEquals(150, instance("r1").priority());
    net.advance(Duration.ofSeconds(1)); // the run at 10 s is the third failure: 150 - 100
    assertEquals(50, instance("r1").priority());
    net.advance(Duration.ofSeconds(4)); // r2 (100) ignores adverts of 50: its master-down timer fires
    assertEquals(VrrpState.MASTER, instance("r2").state());
    assertEquals(VrrpState.BACKUP, instance("r1").state());
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
    net.setScriptResult("r1", "chk", true);
    net.advance(Duration.ofMillis(2_500)); // the run at 16 s passes: one pass is not rise 2
    assertEquals(50, instance("r1").priority());
    net.advance(Duration.ofSeconds(2)); // the run at 18 s is the second pass
    assertEquals(150, instance("r1").priority());
    net.advance(Duration.ofSeconds(4)); // and r1 preempts
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
  }

  @Test
  void weightZeroScript_forcesFaultOnItsFirstFailure() {
    net.setScriptResult("r1", "chk", false);
    start("r1", 150, 0, chk(2, 3));
    net.advance(Duration.ofSeconds(1));
    assertEquals(VrrpState.FAULT, instance("r1").state());
  }

  @Test
  void initFail_startsInFaultUntilRisePasses() {
    start("r1", 150, 0, chk(2, 1).withInitFail(true));
    assertEquals(VrrpState.FAULT, instance("r1").state(), "down from the start");
    net.advance(Duration.ofSeconds(1)); // one pass at 0 s
    assertEquals(VrrpState.FAULT, instance("r1").state());
    net.advance(Duration.ofSeconds(2)); // the second at 2 s
    assertEquals(VrrpState.BACKUP, instance("r1").state());
  }

  @Test
  void updateScripts_keepsAnUnchangedScriptsCountAndRestartsAChangedOne() {
    start("r1", 150, -100, chk(1, 3));
    net.advance(Duration.ofSeconds(3)); // passes at 0, 2 s
    net.setScriptResult("r1", "chk", false);
    net.advance(Duration.ofSeconds(2)); // fails at 4 s: 1 of fall 3
    VrrpRouter r1 = net.router("r1").orElseThrow();
    r1.updateScripts(List.of(chk(1, 3)));
    net.advance(Duration.ofSeconds(4)); // fails at 6 and 8 s: the count went on, 3 failures
    assertEquals(50, instance("r1").priority());
    // a changed script (fall 1) starts afresh, due at once
    net.setScriptResult("r1", "chk", true);
    r1.updateScripts(List.of(chk(1, 1)));
    assertEquals(150, instance("r1").priority(), "no engine thread: applied at once, and the new script ran");
    assertEquals(6, net.scriptRuns("r1", "chk"));
  }

  @Test
  void duplicateScriptName_isRefused() {
    VrrpRouter.Builder b = VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).trackedScript(chk(1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.trackedScript(chk(2, 2)));
    assertEquals("tracked script 'chk' was already added", e.getMessage());
  }
}
