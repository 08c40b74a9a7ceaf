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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    // misc_dynamic exit 0: back to the configured weight (100 % of it); without misc_dynamic no opinion
    assertEquals(OptionalInt.of(100), ((CheckResult.Up) MiscCheck.of("x").withDynamic(true).judge(0)).weightPercent());
    assertEquals(OptionalInt.empty(), ((CheckResult.Up) MiscCheck.of("x").judge(0)).weightPercent());
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
    assertTrue(d.detail().startsWith("sh timed out"), d.detail());
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
  void deathBySignal_isNotAnExitCode_evenWithMiscDynamic() {
    // exit(143) is an exit code: with misc_dynamic it is weight 141
    assertEquals(OptionalInt.of(141), up(run(MiscCheck.of("sh", "-c", "exit 143").withDynamic(true),
        Duration.ofSeconds(10))).weight());
    // SIGTERM from elsewhere (the JDK would report it as 143 too) is a failure, as keepalived reports it
    CheckResult.Down term = down(run(MiscCheck.of("sh", "-c", "kill -TERM $$").withDynamic(true),
        Duration.ofSeconds(10)), DownReason.SIGNALED);
    assertEquals("killed by signal 15 (SIGTERM)", term.detail());
    CheckResult.Down kill = down(run(MiscCheck.of("sh", "-c", "kill -KILL $$"), Duration.ofSeconds(10)),
        DownReason.SIGNALED);
    assertEquals("killed by signal 9 (SIGKILL)", kill.detail());
  }

  @Test
  void theProgram_leadsItsOwnProcessGroup_withNothingInherited() {
    // field 5 of /proc/PID/stat is the process group: the program's own pid
    up(run(MiscCheck.of("sh", "-c", "set -- $(cat /proc/$$/stat); [ \"$5\" = \"$$\" ]"), Duration.ofSeconds(10)));
    // no descriptor of the JVM (its sockets, epoll instances, jars) leaks in
    up(run(MiscCheck.of("sh", "-c", "! ls -l /proc/$$/fd | grep -qE 'socket:|anon_inode:|[.]jar|[.]jsa'"),
        Duration.ofSeconds(10)));
    // which this check would see: the JVM's own descriptors
    down(run(MiscCheck.of("sh", "-c", "! ls -l /proc/$PPID/fd | grep -qE 'socket:|anon_inode:|[.]jar|[.]jsa'"),
        Duration.ofSeconds(10)), DownReason.EXIT_STATUS);
    // stdin is /dev/null
    up(run(MiscCheck.of("sh", "-c", "[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ]"), Duration.ofSeconds(10)));
    // the environment is the JVM's plus the check's
    up(run(new MiscCheck(List.of("sh", "-c", "[ \"$LBKIT_TEST\" = yes ] && [ -n \"$PATH\" ]"), false,
        Optional.empty(), Map.of("LBKIT_TEST", "yes")), Duration.ofSeconds(10)));
  }

  @Test
  void emptyCommand_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> MiscCheck.of());
    assertThrows(IllegalArgumentException.class, () -> MiscCheck.of(""));
  }
}
