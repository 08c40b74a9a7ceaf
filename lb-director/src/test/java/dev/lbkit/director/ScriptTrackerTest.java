package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.config.Location;
import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import dev.lbkit.vrrp.VrrpConfig;
import dev.lbkit.vrrp.VrrpRouter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** vrrp_script runs as real processes and moves a router on the in-memory segment into and out of Fault. */
final class ScriptTrackerTest {
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();

  private static VrrpScriptConfig script(String command) {
    return new VrrpScriptConfig("chk", command, Duration.ofMillis(200), Duration.ofSeconds(5), 0, 1, 1,
        Optional.empty(), new Location("t.conf", 1, 1));
  }

  /** Moves simulated time along with real time until the instance is in {@code state} (at most 10 s). */
  private VrrpState await(VrrpRouter router, VrrpState state) throws InterruptedException {
    for (int i = 0; i < 200 && router.instance("VI_1").state() != state; i++) {
      net.advance(Duration.ofMillis(100));
      router.runDueTimers(); // an engine step, which runs the tracker's posted results even in Fault (no timers)
      Thread.sleep(50);
    }
    return router.instance("VI_1").state();
  }

  @Test
  void failingScript_faultsTheInstance_andAnUpdatedScriptBringsItBack() throws Exception {
    net.addHost("lb1", "10.0.0.11", "fe80::11");
    VrrpConfig vi1 = VrrpConfig.builder("VI_1").interfaceName("eth0").vrid(51).priority(150)
        .virtualAddress("10.0.0.100/24").track("chk", 0).build();
    VrrpRouter router = net.start("lb1", b -> b.instance(vi1));
    try (ScriptTracker tracker = new ScriptTracker(router, List.of(script("false")))) {
      assertEquals(VrrpState.FAULT, await(router, VrrpState.FAULT));
      tracker.update(List.of(script("true")));
      assertEquals(VrrpState.MASTER, await(router, VrrpState.MASTER));
      tracker.update(List.of(script("true"))); // unchanged: keeps running, nothing moves
      for (int i = 0; i < 10; i++) { // a second of real time: the script runs five more times
        net.advance(Duration.ofMillis(100));
        Thread.sleep(100);
      }
      assertEquals(VrrpState.MASTER, router.instance("VI_1").state());
    }
  }
}
