package dev.lbkit.healthcheck.misc;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MISC_CHECK as root, as keepalived runs it: programs switched to a script user (per check, and the checker-wide
 * script_user), script security (enable_script_security) on real files and owners, and a program that ignores
 * SIGTERM killed with SIGKILL two seconds after its deadline. Uses the
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
  void scriptSecurity_refusesWhatOthersCouldChange_asKeepalivedDoes() throws Exception {
    Path dir = Files.createTempDirectory("lbkit-sec"); // in /tmp: root-owned and sticky, which passes
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = dir.resolve("check.sh");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    UserPrincipal root = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
    try (HealthChecker secure = HealthChecker.builder().scriptSecurity(true).build()) {
      up(result(secure.checkOnce(MiscCheck.of(script.toString()), Duration.ofSeconds(10))));

      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xrwx"));
      CheckResult.Down d = down(result(secure.checkOnce(MiscCheck.of(script.toString()), Duration.ofSeconds(10))),
          DownReason.IO_ERROR);
      assertTrue(d.detail().contains(script + " is writable by everyone"), d.detail());
      // run as nobody it gets no root powers, so keepalived does not guard it
      up(result(secure.checkOnce(MiscCheck.of(script.toString()).withUser(ScriptUser.of("nobody")),
          Duration.ofSeconds(10))));

      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setOwner(dir, nobody); // whoever owns a directory can swap the file in it
      d = down(result(secure.checkOnce(MiscCheck.of(script.toString()), Duration.ofSeconds(10))),
          DownReason.IO_ERROR);
      assertTrue(d.detail().contains(dir + " is owned by uid 65534, not root"), d.detail());
      // found on PATH by its bare name, the same rule applies
      d = down(result(secure.checkOnce(new MiscCheck(List.of("check.sh"), false, Optional.empty(),
          Map.of("PATH", dir.toString())), Duration.ofSeconds(10))), DownReason.IO_ERROR);
      assertTrue(d.detail().contains("owned by uid 65534"), d.detail());
    }
    // without enable_script_security keepalived runs it anyway (and warns): so does lbkit
    up(result(checker.checkOnce(MiscCheck.of(script.toString()), Duration.ofSeconds(10))));
    Files.setOwner(dir, root);
    Files.delete(script);
    Files.delete(dir);
  }

  /**
   * The program records each SIGTERM and goes on. Judged by the order of events, not by wall-clock windows: the
   * timeout is reported while the program still runs (not after the kill), SIGTERM comes and the program outlives it,
   * then it is killed and reaped.
   */
  @Test
  void aProgramIgnoringSigterm_isTimedOutAtTheDeadline_thenKilled() throws Exception {
    Path pidFile = Files.createTempFile("lbkit-misc", ".pid");
    Path termFile = Files.createTempFile("lbkit-misc", ".term");
    CheckResult.Down d = down(result(checker.checkOnce(MiscCheck.of("sh", "-c", "echo $$ > " + pidFile
        + "; trap 'echo TERM >> " + termFile + "' TERM; while :; do sleep 0.1; done"), Duration.ofMillis(500))),
        DownReason.TIMEOUT);
    assertTrue(d.detail().contains("timed out"), d.detail());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertTrue(alive(pid), "reported only after the program was killed");
    long guard = System.nanoTime() + Await.HANG_GUARD.toNanos();
    while (Files.size(termFile) == 0 && System.nanoTime() < guard) {
      Thread.sleep(10); // SIGTERM comes at the deadline
    }
    assertEquals("TERM\n", Files.readString(termFile), "SIGTERM once, at the deadline");
    assertTrue(alive(pid), "gone at SIGTERM, which it ignores: killed without the grace");
    while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < guard) {
      Thread.sleep(100); // SIGKILL 2 s after the deadline, then reaped by the loop
    }
    assertFalse(Files.exists(Path.of("/proc/" + pid)), "still there (or a zombie) long after SIGKILL");
    Files.delete(pidFile);
    Files.delete(termFile);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
