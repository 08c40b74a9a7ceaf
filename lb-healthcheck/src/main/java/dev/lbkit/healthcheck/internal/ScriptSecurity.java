package dev.lbkit.healthcheck.internal;

import dev.lbkit.api.io.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived's script security ({@code check_script_secure} in {@code notify.c}), applied to a MISC_CHECK program
 * before each start and, through {@link dev.lbkit.healthcheck.misc.ScriptVerdict}, to the other scripts a
 * configuration names: find the program as exec would (a bare name on PATH), then, if it will run with root's user
 * or group, or is set-uid/set-gid root, require that neither it nor any directory on its path (as written and
 * after resolving links) could be changed by anyone but root.
 *
 * <p>The rule per path element: owned by root; and, for a file or a directory without the sticky bit, not
 * writable by its group unless that group is root, and not writable by others. The program must also be a
 * regular file that the user it runs as may execute.
 */
public final class ScriptSecurity {
  private static final int S_ISUID = 04000;
  private static final int S_ISGID = 02000;
  private static final int S_ISVTX = 01000;

  private ScriptSecurity() {}

  /**
   * Why a program may not run.
   *
   * @param text for people
   * @param unsafe true when the program is there and runnable but could be changed by others (keepalived only
   *     warns about these without {@code enable_script_security}); false when it cannot be found or run at all
   * @param found whether the program is there at all (keepalived's {@code SC_ISSCRIPT}: found and stat-able,
   *     even if not executable)
   */
  public record Finding(String text, boolean unsafe, boolean found) {}

  /**
   * Why running {@code program} as {@code uid:gid} would be refused (keepalived disables such a script), or empty
   * when it may run.
   *
   * @param program the first word of the command
   * @param path the PATH to search for a bare name
   * @param workingDirectory where a relative name is resolved
   */
  public static Optional<Finding> problem(String program, String path, Path workingDirectory, int uid, int gid) {
    Path file;
    if (program.indexOf('/') >= 0) {
      file = workingDirectory.resolve(program);
    } else {
      file = null;
      for (String dir : path.split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
        if (Files.isRegularFile(candidate)) {
          file = workingDirectory.resolve(candidate);
          break;
        }
      }
      if (file == null) {
        return Optional.of(new Finding("cannot find " + program + " on PATH " + path, false, false));
      }
    }
    try {
      Path real = file.toRealPath();
      Map<String, Object> st = Files.readAttributes(real, "unix:uid,gid,mode");
      int mode = (Integer) st.get("mode");
      int owner = (Integer) st.get("uid");
      int group = (Integer) st.get("gid");
      if (!Files.isRegularFile(real)) {
        return Optional.of(new Finding(real + " is not a regular file", false, true));
      }
      if (!executable(mode, owner, group, uid, gid)) {
        return Optional.of(new Finding(real + " is not executable for uid:gid " + uid + ":" + gid, false, true));
      }
      boolean needsProtection = uid == 0 || gid == 0
          || (owner == 0 && (mode & 0100) != 0 && (mode & S_ISUID) != 0)
          || (group == 0 && (mode & 010) != 0 && (mode & S_ISGID) != 0);
      if (!needsProtection) {
        return Optional.empty();
      }
      for (Path p : List.of(file.toAbsolutePath().normalize(), real)) {
        Optional<String> unsafe = unsafeElement(p);
        if (unsafe.isPresent()) {
          return Optional.of(new Finding(unsafe.get(), true, true));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(new Finding("cannot access " + file + ": " + InputFiles.reason(e), false, false));
    }
  }

  private static boolean executable(int mode, int owner, int group, int uid, int gid) {
    if (uid == 0) {
      return (mode & 0111) != 0;
    }
    if (owner == uid) {
      return (mode & 0100) != 0;
    }
    return group == gid ? (mode & 010) != 0 : (mode & 01) != 0;
  }

  /** The first element of {@code p} (from the root down) that someone other than root could change. */
  private static Optional<String> unsafeElement(Path p) throws IOException {
    Path at = p.getRoot();
    List<Path> elements = new ArrayList<>();
    elements.add(at);
    for (Path name : p) {
      at = at.resolve(name);
      elements.add(at);
    }
    for (Path e : elements) {
      Map<String, Object> st = Files.readAttributes(e, "unix:uid,gid,mode");
      int mode = (Integer) st.get("mode");
      int owner = (Integer) st.get("uid");
      int group = (Integer) st.get("gid");
      boolean dir = Files.isDirectory(e);
      if (owner != 0) {
        return Optional.of(e + " is owned by uid " + owner + ", not root");
      }
      boolean guarded = dir && (mode & S_ISVTX) != 0;
      if (!guarded && ((group != 0 && (mode & 020) != 0) || (mode & 02) != 0)) {
        return Optional.of(e + " is writable by " + ((mode & 02) != 0 ? "everyone" : "group " + group)
            + " (mode " + Integer.toOctalString(mode & 07777) + ")");
      }
    }
    return Optional.empty();
  }
}
