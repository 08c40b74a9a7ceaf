package dev.lbkit.healthcheck.misc;

import static java.util.Objects.requireNonNull;

import dev.lbkit.healthcheck.internal.ScriptSecurity;
import dev.lbkit.healthcheck.internal.jna.Spawner;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether keepalived would run a script (a notify hook, a {@code vrrp_script}, a MISC_CHECK program), judged as
 * keepalived 2.2.7 judges every script it loads (notify.c {@code check_script_secure} and
 * {@code check_notify_script_secure}; vrrp.c {@code check_track_script_secure}): it finds the program as exec would
 * (a bare name on PATH); a program it cannot find or access, or that the user it runs as may not execute, is
 * disabled whatever the settings; a program that runs as root (or is set-uid/set-gid root) from a path someone other
 * than root could change is <em>insecure</em>: disabled under {@code enable_script_security}, run with a warning
 * without it.
 *
 * <p>keepalived judges each script once, when it loads its configuration; so does a caller of {@link #of}.
 *
 * @param runs whether keepalived would run it
 * @param found whether the program is there (keepalived's {@code SC_ISSCRIPT}, which its "SECURITY VIOLATION -
 *     scripts are being executed" report counts)
 * @param insecure whether others than root could change what runs as root
 * @param detail why it does not run or is insecure; empty when neither
 */
public record ScriptVerdict(boolean runs, boolean found, boolean insecure, Optional<String> detail) {
  public ScriptVerdict {
    requireNonNull(detail, "detail");
  }

  /**
   * Judges {@code command} run as {@code user} (empty: this process's own user), with or without
   * {@code enable_script_security}; a bare program name is looked up on this process's PATH, a relative path from
   * its working directory.
   *
   * @throws IllegalArgumentException if {@code command} is empty
   */
  public static ScriptVerdict of(List<String> command, Optional<ScriptUser> user, boolean scriptSecurity) {
    requireNonNull(command, "command");
    requireNonNull(user, "user");
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("a script needs a program");
    }
    Spawner.Ids self = Spawner.self();
    int uid = self.uid();
    int gid = self.gid();
    if (user.isPresent()) {
      Optional<Spawner.Ids> ids = Spawner.user(user.get().user());
      if (ids.isEmpty()) {
        return new ScriptVerdict(false, false, false, Optional.of("script user '" + user.get().user()
            + "' does not exist"));
      }
      uid = ids.get().uid();
      gid = ids.get().gid();
      if (user.get().group().isPresent()) {
        String g = user.get().group().get();
        OptionalInt byName = Spawner.group(g);
        if (byName.isPresent()) {
          gid = byName.getAsInt();
        } else if (g.chars().allMatch(Character::isDigit) && g.length() < 10) {
          gid = Integer.parseInt(g);
        } else {
          return new ScriptVerdict(false, false, false, Optional.of("script group '" + g + "' does not exist"));
        }
      }
    }
    Optional<ScriptSecurity.Finding> f = ScriptSecurity.problem(command.get(0),
        Optional.ofNullable(System.getenv("PATH")).orElse(""), Path.of("").toAbsolutePath(), uid, gid);
    if (f.isEmpty()) {
      return new ScriptVerdict(true, true, false, Optional.empty());
    }
    ScriptSecurity.Finding finding = f.get();
    String who = " (as uid:gid " + uid + ":" + gid + ")";
    if (finding.unsafe()) {
      return new ScriptVerdict(!scriptSecurity, true, true, Optional.of(finding.text() + who));
    }
    return new ScriptVerdict(false, finding.found(), false, Optional.of(finding.text() + who));
  }
}
