package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's shutdown hooks with real short scripts: {@code KeepalivedDirector.close()} starts every {@code omega}
 * hook at once, gives each one second, then kills its process group with SIGKILL, and leaves nothing running.
 *
 * <p>Two tests bound how long {@code close()} takes: that bound is the behaviour under test (keepalived's deadline),
 * not a speed target, so the margins are wide (the deadline must have been waited for, and no more than a few
 * seconds past it).
 */
final class ShutdownHooksTest {
  @TempDir
  Path dir;

  private Path script(String name, String body) throws IOException {
    Path p = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body);
    assertTrue(p.toFile().setExecutable(true));
    return p;
  }

  /** A keepalived.conf with one omega virtual server whose real servers (no checkers: always alive) have hooks. */
  private static KeepalivedConfig omega(List<String> notifyDowns, String quorumDown) throws Exception {
    StringBuilder b = new StringBuilder("virtual_server 192.0.2.10 80 {\n  protocol TCP\n  omega\n");
    if (quorumDown != null) {
      b.append("  quorum_down \"").append(quorumDown).append("\"\n");
    }
    for (int i = 0; i < notifyDowns.size(); i++) {
      b.append("  real_server 10.0.0.").append(i + 1).append(" 80 {\n    notify_down \"").append(notifyDowns.get(i))
          .append("\"\n  }\n");
    }
    return KeepalivedDirectorTest.parse(b.append("}\n").toString());
  }

  private static KeepalivedDirector node(KeepalivedConfig config) {
    return KeepalivedDirector.builder(config, new RecordingTableWriter())
        .manualClock(new ManualClock(), c -> CheckResult.Up.of("test"), new SplittableRandom(1)).build();
  }

  /** Closes {@code node} and returns how long it took. */
  private static Duration close(KeepalivedDirector node) {
    long t0 = System.nanoTime();
    node.close();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Test
  void shutdownHooks_allStartAtOnce_andRunSideBySide() throws Exception {
    // each hook marks that it runs, then waits up to 0.8 s (inside keepalived's one second) for all four marks: run
    // one after the other, the first would wait alone and say so
    Path gate = script("gate.sh", "name=$1\n: > '" + dir + "'/in-$name\ni=0\nwhile [ $i -lt 80 ]; do\n"
        + "  set -- '" + dir + "'/in-*\n  if [ $# -ge 4 ]; then echo \"$name met\" >> '" + dir + "/log'; exit 0; fi\n"
        + "  sleep 0.01\n  i=$((i + 1))\ndone\necho \"$name alone\" >> '" + dir + "/log'\n");
    KeepalivedConfig c = omega(List.of(gate + " rs1", gate + " rs2", gate + " rs3"), gate + " qd");
    try (KeepalivedDirector node = node(c)) {
      node.start();
      Duration took = close(node);
      assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "close took " + took);
    }
    List<String> log = new ArrayList<>(Files.readAllLines(dir.resolve("log")));
    Collections.sort(log);
    assertEquals(List.of("qd met", "rs1 met", "rs2 met", "rs3 met"), log);
  }

  @Test
  void shutdownHook_stillRunningAtItsDeadline_isKilledWithItsGroup_bySigkill_andReaped() throws Exception {
    // stubborn ignores SIGTERM and leaves a child in its group; term would note a SIGTERM (keepalived sends none at the
    // deadline: SIGKILL); quick ends at once and must not be disturbed
    Path stubborn = script("stubborn.sh", "trap '' TERM\necho $$ > '" + dir + "/stubborn.pid'\nsleep 30 &\n"
        + "echo $! > '" + dir + "/stubborn-child.pid'\nwait\nwait\n");
    Path term = script("term.sh", "trap 'echo term >> \"" + dir + "/log\"; exit 0' TERM\necho $$ > '" + dir
        + "/term.pid'\nsleep 30 &\nwait\n");
    Path quick = script("quick.sh", "echo quick >> '" + dir + "/log'\n");
    KeepalivedConfig c = omega(List.of(stubborn.toString(), term.toString()), quick.toString());
    Duration took;
    try (KeepalivedDirector node = node(c)) {
      node.start();
      took = close(node);
    }
    assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0, "close did not wait for the deadline: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "close took " + took);
    assertEquals(List.of("quick"), Files.readAllLines(dir.resolve("log")), "SIGKILL, not SIGTERM, at the deadline");
    for (String pid : List.of("stubborn.pid", "stubborn-child.pid", "term.pid")) {
      assertFalse(running(readPid(dir.resolve(pid))), pid + " still running after close");
    }
  }

  @Test
  void hookRunningBeforeTheStop_getsSigterm_andItsGroupIsKilledASecondLaterIfItStays() throws Exception {
    // quorum_up runs at the start (keepalived's rule) on the hook thread; it notes SIGTERM but carries on
    Path stays = script("stays.sh", "trap 'echo term >> \"" + dir + "/log\"' TERM\necho $$ > '" + dir
        + "/stays.pid.tmp'\nmv '" + dir + "/stays.pid.tmp' '" + dir + "/stays.pid'\nsleep 30 &\nwait\nsleep 30\n");
    KeepalivedConfig c = KeepalivedDirectorTest.parse("virtual_server 192.0.2.10 80 {\n  protocol TCP\n"
        + "  quorum_up \"" + stays + "\"\n  real_server 10.0.0.1 80 {\n  }\n}\n");
    Duration took;
    try (KeepalivedDirector node = node(c)) {
      node.start();
      long pid = awaitPid(dir.resolve("stays.pid"));
      took = close(node);
      assertFalse(running(pid), "the hook is still running after close");
    }
    assertEquals(List.of("term"), Files.readAllLines(dir.resolve("log")), "SIGTERM first, as keepalived's exit");
    assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0, "no second between SIGTERM and SIGKILL: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "close took " + took);
  }

  private static long readPid(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  /** Waits (bounded) for a hook to write its pid, which it does by renaming a complete file into place. */
  private static long awaitPid(Path file) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(file)) {
      assertTrue(System.nanoTime() < until, "the hook did not start within 20 s");
      Thread.sleep(10);
    }
    return readPid(file);
  }

  /** Whether a process runs (a zombie, reaped by nobody yet, does not). */
  private static boolean running(long pid) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (NoSuchFileException e) {
      return false;
    }
    char state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }
}
