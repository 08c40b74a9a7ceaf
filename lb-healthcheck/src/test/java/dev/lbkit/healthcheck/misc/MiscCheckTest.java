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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MISC_CHECK with real programs. */
final class MiscCheckTest {
  private final HealthChecker checker = HealthChecker.builder().build();
  @TempDir
  Path dir;

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

  /** A program that writes "started" to {@code out}, then on SIGTERM "TERM", cleans up for 0.2 s and exits 0. */
  private static MiscCheck cleansUpOnSigterm(Path out) {
    return MiscCheck.of("sh", "-c", "trap 'echo TERM >> " + out + "; sleep 0.2; echo cleaned >> " + out
        + "; exit 0' TERM; echo started >> " + out + "; while :; do sleep 0.05; done");
  }

  /**
   * A program that ignores SIGTERM: it writes "started", on SIGTERM "TERM UPTIME" (the trap's /proc/uptime), and
   * "tick UPTIME" every 50 ms until it is killed.
   */
  private static MiscCheck ignoresSigterm(Path out) {
    return MiscCheck.of("sh", "-c", "trap 'read up _ < /proc/uptime; echo \"TERM $up\" >> " + out + "' TERM; "
        + "echo started >> " + out + "; while :; do sleep 0.05; read up _ < /proc/uptime; echo \"tick $up\" >> "
        + out + "; done");
  }

  private static void awaitStarted(Path out) throws Exception {
    long guard = System.nanoTime() + dev.lbkit.healthcheck.Await.HANG_GUARD.toNanos();
    while (!(Files.exists(out) && Files.readString(out).startsWith("started\n")) && System.nanoTime() < guard) {
      Thread.sleep(10);
    }
  }

  /** keepalived's shutdown sends SIGTERM first: a program that cleans up on it gets to finish, and exit. */
  @Test
  void closingTheChecker_sendsSigtermFirst_soAProgramCanCleanUp() throws Exception {
    long before = ProcessHandle.current().children().count();
    Path out = dir.resolve("cleanup");
    HealthChecker other = HealthChecker.builder().build();
    CompletableFuture<CheckResult> pending = other.checkOnce(cleansUpOnSigterm(out), Duration.ofSeconds(60));
    awaitStarted(out);
    other.close();
    // before close returns: SIGTERM, the clean-up, its exit reaped (SIGKILL at once would leave "started" alone)
    assertEquals("started\nTERM\ncleaned\n", Files.readString(out));
    assertEquals(before, ProcessHandle.current().children().count(), "close returns once the program is reaped");
    CheckResult.Down d = down(result(pending), DownReason.IO_ERROR);
    assertTrue(d.detail().startsWith("checker closed; sent SIGTERM"), d.detail());
  }

  /**
   * Programs that ignore SIGTERM get SIGKILL one second after it (the second keepalived's shutdown waits; keepalived
   * 2.2.7 then exits and leaves them running, lbkit kills them), side by side (three programs on two loops, one second
   * for all): each outlives its SIGTERM (ticks after it), each is still
   * ticking after every other one got its SIGTERM, and close returns only once all are reaped, not before a second
   * has passed (a lower bound only: a slow machine makes it longer, never shorter).
   */
  @Test
  void closingTheChecker_killsProgramsIgnoringSigterm_aSecondLater_allAtOnce() throws Exception {
    long before = ProcessHandle.current().children().count();
    HealthChecker other = HealthChecker.builder().threads(2).build();
    List<Path> outs = List.of(dir.resolve("a"), dir.resolve("b"), dir.resolve("c"));
    List<CompletableFuture<CheckResult>> pending = new ArrayList<>();
    for (Path out : outs) {
      pending.add(other.checkOnce(ignoresSigterm(out), Duration.ofSeconds(60)));
    }
    for (Path out : outs) {
      awaitStarted(out);
    }
    long t0 = System.nanoTime();
    other.close();
    long took = System.nanoTime() - t0;
    assertEquals(before, ProcessHandle.current().children().count(), "close returns once every program is reaped");
    assertTrue(took >= Duration.ofSeconds(1).toNanos(), "SIGKILL came before a second: " + took / 1_000_000 + " ms");
    Map<Path, Double> term = new HashMap<>();
    Map<Path, Double> lastTick = new HashMap<>();
    for (Path out : outs) {
      List<String> lines = Files.readAllLines(out);
      List<String> terms = lines.stream().filter(l -> l.startsWith("TERM ")).toList();
      assertEquals(1, terms.size(), out + ": " + lines);
      int at = lines.indexOf(terms.get(0));
      assertTrue(at < lines.size() - 1, "killed at SIGTERM, without the grace: " + lines);
      term.put(out, Double.parseDouble(terms.get(0).substring(5)));
      lastTick.put(out, Double.parseDouble(lines.get(lines.size() - 1).substring(5)));
    }
    for (Path a : outs) {
      for (Path b : outs) {
        assertTrue(lastTick.get(a) >= term.get(b), a + " was killed before " + b + " got SIGTERM: one grace each");
      }
    }
    for (CompletableFuture<CheckResult> p : pending) {
      down(result(p), DownReason.IO_ERROR);
    }
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
