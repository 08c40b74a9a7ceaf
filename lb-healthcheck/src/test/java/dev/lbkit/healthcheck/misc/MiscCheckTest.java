package dev.lbkit.healthcheck.misc;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MISC_CHECK with real programs. */
final class MiscCheckTest {
  private final HealthChecker checker = HealthChecker.builder().build();

  @AfterEach
  void close() {
    checker.close();
  }

  private CheckResult run(MiscCheck c, Duration timeout) {
    return result(checker.checkOnce(c, timeout));
  }

  @Test
  void exit0_isUp_exit1_isDown() {
    up(run(MiscCheck.of("true"), Duration.ofSeconds(10)));
    assertEquals("exit 1", down(run(MiscCheck.of("false"), Duration.ofSeconds(10)), DownReason.EXIT_STATUS).detail());
  }

  @Test
  void miscDynamic_exit2to255_setsTheWeightToCodeMinus2() {
    MiscCheck seven = MiscCheck.of("sh", "-c", "exit 7");
    down(run(seven, Duration.ofSeconds(10)), DownReason.EXIT_STATUS);
    CheckResult.Up u = up(run(seven.withDynamic(true), Duration.ofSeconds(10)));
    assertEquals(OptionalInt.of(5), u.weight());
    assertEquals(OptionalInt.of(253), ((CheckResult.Up) MiscCheck.of("x").withDynamic(true).judge(255)).weight());
    assertEquals(OptionalInt.of(0), ((CheckResult.Up) MiscCheck.of("x").withDynamic(true).judge(2)).weight());
    assertTrue(MiscCheck.of("x").withDynamic(true).judge(0) instanceof CheckResult.Up);
    assertTrue(MiscCheck.of("x").withDynamic(true).judge(1) instanceof CheckResult.Down);
  }

  @Test
  void argumentsArePassedAsIs_neverThroughAShell() {
    // a shell would split "a b" into two words and make test(1) fail
    up(run(MiscCheck.of("test", "a b", "=", "a b"), Duration.ofSeconds(10)));
    // a shell would run "true"; without one there is no program called "true; false"
    down(run(MiscCheck.of("true; false"), Duration.ofSeconds(10)), DownReason.IO_ERROR);
  }

  @Test
  void timeout_killsTheProgramAndItsChildren() throws Exception {
    long before = ProcessHandle.current().children().count();
    CheckResult.Down d = down(run(MiscCheck.of("sh", "-c", "sleep 60 & sleep 60"), Duration.ofMillis(500)),
        DownReason.TIMEOUT);
    assertTrue(d.detail().contains("killed"), d.detail());
    for (int i = 0; i < 100 && ProcessHandle.current().children().count() > before; i++) {
      Thread.sleep(50);
    }
    assertEquals(before, ProcessHandle.current().children().count(), "the killed program must be gone");
  }

  @Test
  void closingTheChecker_killsARunningProgram() throws Exception {
    long before = ProcessHandle.current().children().count();
    HealthChecker other = HealthChecker.builder().build();
    java.util.concurrent.CompletableFuture<CheckResult> pending =
        other.checkOnce(MiscCheck.of("sleep", "60"), Duration.ofSeconds(60));
    for (int i = 0; i < 100 && ProcessHandle.current().children().count() == before; i++) {
      Thread.sleep(20); // wait until it runs
    }
    other.close();
    assertTrue(!result(pending).isUp());
    for (int i = 0; i < 100 && ProcessHandle.current().children().count() > before; i++) {
      Thread.sleep(50);
    }
    assertEquals(before, ProcessHandle.current().children().count(), "close must kill the program");
  }

  @Test
  void allOf_keepsTheWeightAProgramAskedFor() {
    CheckResult r = result(checker.checkOnce(dev.lbkit.healthcheck.AllOf.of(
        MiscCheck.of("sh", "-c", "exit 12").withDynamic(true), MiscCheck.of("true")), Duration.ofSeconds(10)));
    assertEquals(OptionalInt.of(10), up(r).weight());
    assertEquals("exit 12; exit 0", r.detail());
  }

  @Test
  void emptyCommand_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> MiscCheck.of());
    assertThrows(IllegalArgumentException.class, () -> MiscCheck.of(""));
  }
}
