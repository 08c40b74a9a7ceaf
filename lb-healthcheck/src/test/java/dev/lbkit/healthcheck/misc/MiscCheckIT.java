package dev.lbkit.healthcheck.misc;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MISC_CHECK as root, as keepalived runs it: programs switched to a script user (per check, and the checker-wide
 * script_user), and a program that ignores SIGTERM killed with SIGKILL two seconds after its deadline. Uses the
 * stock {@code nobody}/{@code nogroup} (65534) and {@code daemon} (gid 1) accounts.
 */
final class MiscCheckIT {
  private final HealthChecker checker = HealthChecker.builder().build();

  @BeforeAll
  static void needsRoot() throws Exception {
    Process p = new ProcessBuilder("id", "-u").start();
    String uid = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
    assertEquals("0", uid, "MiscCheckIT switches users and must run as root");
  }

  @AfterEach
  void close() {
    checker.close();
  }

  /** Up only when the program runs with exactly these ids: uid, gid and the supplementary groups. */
  private static MiscCheck idsAre(String uid, String gid, String groups) {
    return MiscCheck.of("sh", "-c", "[ \"$(id -u):$(id -g):$(id -G)\" = \"" + uid + ":" + gid + ":" + groups + "\" ]");
  }

  @Test
  void user_runsTheProgramAsThatUser_withItsGroupAlone() {
    up(result(checker.checkOnce(idsAre("65534", "65534", "65534").withUser(ScriptUser.of("nobody")),
        Duration.ofSeconds(10))));
    up(result(checker.checkOnce(idsAre("65534", "1", "1").withUser(ScriptUser.parse("nobody daemon")),
        Duration.ofSeconds(10))));
    // and without a user, as the JVM's own (root, with root's groups)
    up(result(checker.checkOnce(MiscCheck.of("sh", "-c", "[ \"$(id -u):$(id -g)\" = 0:0 ]"),
        Duration.ofSeconds(10))));
    // the exit code and signals still come through setpriv, which execs the program in place
    down(result(checker.checkOnce(MiscCheck.of("sh", "-c", "exit 3").withUser(ScriptUser.of("nobody")),
        Duration.ofSeconds(10))), DownReason.EXIT_STATUS);
    down(result(checker.checkOnce(MiscCheck.of("sh", "-c", "kill -SEGV $$").withUser(ScriptUser.of("nobody")),
        Duration.ofSeconds(10))), DownReason.SIGNALED);
  }

  @Test
  void scriptUser_appliesToChecksWithoutTheirOwn() {
    try (HealthChecker asNobody = HealthChecker.builder().scriptUser(ScriptUser.of("nobody")).build()) {
      up(result(asNobody.checkOnce(idsAre("65534", "65534", "65534"), Duration.ofSeconds(10))));
      up(result(asNobody.checkOnce(idsAre("65534", "1", "1").withUser(ScriptUser.of("nobody", "daemon")),
          Duration.ofSeconds(10))));
    }
  }

  @Test
  void unknownUserOrGroup_isDownWithTheName() {
    CheckResult.Down d = down(result(checker.checkOnce(MiscCheck.of("true").withUser(ScriptUser.of("no-such-user-x")),
        Duration.ofSeconds(10))), DownReason.IO_ERROR);
    assertTrue(d.detail().contains("script user 'no-such-user-x' does not exist"), d.detail());
    d = down(result(checker.checkOnce(MiscCheck.of("true").withUser(ScriptUser.of("nobody", "no-such-group-x")),
        Duration.ofSeconds(10))), DownReason.IO_ERROR);
    assertTrue(d.detail().contains("script group 'no-such-group-x' does not exist"), d.detail());
  }

  @Test
  void aProgramIgnoringSigterm_isTimedOutAtTheDeadline_thenKilled() throws Exception {
    Path pidFile = Files.createTempFile("lbkit-misc", ".pid");
    long start = System.nanoTime();
    CheckResult.Down d = down(result(checker.checkOnce(MiscCheck.of("sh", "-c",
        "echo $$ > " + pidFile + "; trap '' TERM; while :; do sleep 0.1; done"), Duration.ofMillis(500))),
        DownReason.TIMEOUT);
    long reportedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(reportedMs < 1_500, "reported after " + reportedMs + " ms");
    assertTrue(d.detail().contains("timed out"), d.detail());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Thread.sleep(1_000); // well inside keepalived's 2 s grace: SIGTERM was ignored, it still runs
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "killed before the grace");
    for (int i = 0; i < 60 && Files.exists(Path.of("/proc/" + pid)); i++) {
      Thread.sleep(100); // SIGKILL at 2 s, then reaped by the loop
    }
    assertFalse(Files.exists(Path.of("/proc/" + pid)), "still there (or a zombie) long after SIGKILL");
    Files.delete(pidFile);
  }
}
