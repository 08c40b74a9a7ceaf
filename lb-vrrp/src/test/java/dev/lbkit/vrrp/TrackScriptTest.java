package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default script runner: keepalived's vrrp_script pass rule, up on exit 0 within the timeout. */
final class TrackScriptTest {
  private final TrackScript runner = new TrackScript();

  private static VrrpScript script(String... command) {
    return VrrpScript.of("chk", List.of(command), Duration.ofSeconds(1), Duration.ofMillis(2_000));
  }

  @Test
  void exitZero_passes() throws Exception {
    assertTrue(runner.runOnce(script("/bin/true")));
  }

  @Test
  void exitNonZero_fails() throws Exception {
    assertFalse(runner.runOnce(script("/bin/sh", "-c", "exit 3")));
  }

  @Test
  void missingProgram_fails() throws Exception {
    assertFalse(runner.runOnce(script("/nonexistent/check")));
  }

  @Test
  void overTimeout_failsAndIsKilled() throws Exception {
    VrrpScript slow = VrrpScript.of("slow", List.of("/bin/sleep", "30"), Duration.ofSeconds(1),
        Duration.ofMillis(50));
    assertFalse(runner.runOnce(slow));
  }

  @Test
  void run_reportsOnAThreadOfItsOwn() throws Exception {
    java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
    runner.run(script("/bin/true"), passed -> result.complete(passed + " on " + Thread.currentThread().getName()));
    assertEquals("true on vrrp-track-script", result.get(10, java.util.concurrent.TimeUnit.SECONDS));
    runner.close();
  }

  @Test
  void emptyCommand_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VrrpScript.of("x", List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertEquals("tracked script 'x' needs a command", e.getMessage());
  }

  @Test
  void riseOrFallBelowOne_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> script("/bin/true").withRiseFall(0, 2));
    assertEquals("tracked script 'chk': rise and fall must be at least 1 but were 0 and 2", e.getMessage());
  }
}
