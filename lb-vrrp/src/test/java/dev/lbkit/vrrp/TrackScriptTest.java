package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived's vrrp_script semantics: up on exit 0 within the timeout, down otherwise. */
final class TrackScriptTest {
  private static TrackScript script(String... command) {
    return new TrackScript("chk", List.of(command), Duration.ofSeconds(1), Duration.ofMillis(2_000));
  }

  @Test
  void exitZero_isUp() throws Exception {
    assertTrue(script("/bin/true").runOnce());
  }

  @Test
  void exitNonZero_isDown() throws Exception {
    assertFalse(script("/bin/sh", "-c", "exit 3").runOnce());
  }

  @Test
  void missingProgram_isDown() throws Exception {
    assertFalse(script("/nonexistent/check").runOnce());
  }

  @Test
  void overTimeout_isDownAndKilled() throws Exception {
    TrackScript slow = new TrackScript("slow", List.of("/bin/sleep", "30"), Duration.ofSeconds(1),
        Duration.ofMillis(50));
    assertFalse(slow.runOnce());
  }

  @Test
  void emptyCommand_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrackScript("x", List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertEquals("tracked script 'x' needs a command", e.getMessage());
  }
}
