package dev.lbkit.healthcheck.misc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's verdict on a script (notify.c check_script_secure / check_notify_script_secure) on real files: found
 * or not, executable or not, insecure when it runs as root from a path others could change, and refused for that
 * only under enable_script_security.
 */
final class ScriptVerdictTest {
  @TempDir
  Path dir;

  @Test
  void aRootOwnedProgram_runs_andIsNotInsecure() {
    ScriptVerdict v = ScriptVerdict.of(List.of("/bin/true", "x"), Optional.of(ScriptUser.of("root")), true);
    assertEquals(new ScriptVerdict(true, true, false, Optional.empty()), v);
    assertTrue(ScriptVerdict.of(List.of("true"), Optional.empty(), true).runs(), "a bare name found on PATH");
  }

  @Test
  void aProgramThatIsNotThere_neverRuns_andIsNoScript() {
    ScriptVerdict v = ScriptVerdict.of(List.of(dir.resolve("missing.sh").toString()), Optional.empty(), false);
    assertFalse(v.runs());
    assertFalse(v.found());
    v = ScriptVerdict.of(List.of("no-such-program-lbkit"), Optional.empty(), false);
    assertFalse(v.runs() || v.found());
    assertTrue(v.detail().orElseThrow().contains("cannot find no-such-program-lbkit on PATH"), v.detail().toString());
  }

  @Test
  void aProgramThatCannotBeReached_saysWhyInAnOperatorsWords() throws Exception {
    Path missing = dir.resolve("missing.sh");
    String detail = ScriptVerdict.of(List.of(missing.toString()), Optional.empty(), false).detail().orElseThrow();
    assertTrue(detail.startsWith("cannot access " + missing + ": no such file (as uid:gid "), detail);
    // a path through a regular file: the system's reason, where it was the exception's toString
    // ("java.nio.file.FileSystemException: ...: Not a directory")
    Path through = Files.writeString(dir.resolve("plain"), "").resolve("x.sh");
    detail = ScriptVerdict.of(List.of(through.toString()), Optional.empty(), false).detail().orElseThrow();
    assertTrue(detail.startsWith("cannot access " + through + ": Not a directory (as uid:gid "), detail);
  }

  @Test
  void aProgramItsUserMayNotExecute_neverRuns_butIsAScript() throws Exception {
    Path script = Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    ScriptVerdict v = ScriptVerdict.of(List.of(script.toString()), Optional.of(ScriptUser.of("nobody")), false);
    assertFalse(v.runs());
    assertTrue(v.found());
    assertTrue(v.detail().orElseThrow().contains("is not executable"), v.detail().toString());
  }

  @Test
  void aWorldWritableScriptRunAsRoot_isInsecure_refusedOnlyUnderScriptSecurity() throws Exception {
    Path script = Files.writeString(dir.resolve("open.sh"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));
    Optional<ScriptUser> root = Optional.of(ScriptUser.of("root"));
    ScriptVerdict secure = ScriptVerdict.of(List.of(script.toString()), root, true);
    assertEquals(List.of(false, true, true), List.of(secure.runs(), secure.found(), secure.insecure()));
    ScriptVerdict lax = ScriptVerdict.of(List.of(script.toString()), root, false);
    assertEquals(List.of(true, true, true), List.of(lax.runs(), lax.found(), lax.insecure()));
    // run as nobody it gets no root powers, so keepalived does not guard it
    ScriptVerdict asNobody = ScriptVerdict.of(List.of(script.toString()), Optional.of(ScriptUser.of("nobody")), true);
    assertEquals(new ScriptVerdict(true, true, false, Optional.empty()), asNobody);
  }

  @Test
  void unknownUsers_andEmptyCommands() {
    assertFalse(ScriptVerdict.of(List.of("/bin/true"), Optional.of(ScriptUser.of("no-such-user-lbkit")), false)
        .runs());
    assertFalse(ScriptVerdict.of(List.of("/bin/true"), Optional.of(ScriptUser.of("root", "no-such-group-lbkit")),
        false).runs());
    assertThrows(IllegalArgumentException.class, () -> ScriptVerdict.of(List.of(), Optional.empty(), false));
  }
}
