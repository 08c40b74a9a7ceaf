package dev.lbkit.healthcheck.internal.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a program the way keepalived starts a MISC_CHECK script: in a process group of its own (so the whole
 * group can be signalled), stdin, stdout and stderr on /dev/null, no inherited descriptors, default signal
 * dispositions and an empty signal mask; and reports its raw wait status, so an exit code and a death by signal
 * stay apart (the JDK folds a signal N into exit code 128 + N).
 *
 * <p>Children started here are not the JDK's: nothing else reaps them, so every pid must be {@link #reap reaped}
 * until it returns a status.
 */
public final class Spawner {
  private static final Logger log = LoggerFactory.getLogger(Spawner.class);

  // <spawn.h>, glibc
  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int WNOHANG = 1;
  private static final int ESRCH = 3;
  private static final int ECHILD = 10;
  // opaque glibc structures: generous sizes (x86_64: attr 336, file actions 80, sigset 128 bytes)
  private static final int ATTR_SIZE = 1024;
  private static final int ACTIONS_SIZE = 512;
  private static final int SIGSET_SIZE = 256;

  /** A numeric user and group. */
  public record Ids(int uid, int gid) {}

  private Spawner() {}

  /** Whether programs can be started here (Linux with JNA); else {@link #unavailabilityCause()} says why. */
  public static boolean isAvailable() {
    return Posix.unavailabilityCause() == null;
  }

  /** Why {@link #isAvailable()} is false, or null. */
  public static Throwable unavailabilityCause() {
    return Posix.unavailabilityCause();
  }

  /** The effective user and group of this process. */
  public static Ids self() {
    return new Ids(Posix.geteuid(), Posix.getegid());
  }

  /** A user's uid and primary gid from the system's user database (NSS), if it exists. */
  public static synchronized Optional<Ids> user(String name) {
    Pointer pw = Posix.getpwnam(name);
    // struct passwd: char *pw_name, char *pw_passwd, uid_t pw_uid, gid_t pw_gid, ... (64-bit pointers)
    return pw == null ? Optional.empty() : Optional.of(new Ids(pw.getInt(16), pw.getInt(20)));
  }

  /** A group's gid from the system's group database, if it exists. */
  public static synchronized OptionalInt group(String name) {
    Pointer gr = Posix.getgrnam(name);
    // struct group: char *gr_name, char *gr_passwd, gid_t gr_gid, ...
    return gr == null ? OptionalInt.empty() : OptionalInt.of(gr.getInt(16));
  }

  /**
   * Starts {@code argv} (looked up on PATH) with {@code env} as its whole environment.
   *
   * @return the pid, which is also the id of its new process group
   * @throws IOException naming the program and the error when it cannot be started
   */
  public static int spawn(List<String> argv, Map<String, String> env, Optional<Path> directory) throws IOException {
    if (!isAvailable()) {
      throw new IOException("cannot start programs here: " + unavailabilityCause());
    }
    Memory attr = new Memory(ATTR_SIZE);
    Memory actions = new Memory(ACTIONS_SIZE);
    Memory sigset = new Memory(SIGSET_SIZE);
    attr.clear();
    actions.clear();
    check(Posix.posix_spawnattr_init(attr), "posix_spawnattr_init", argv);
    try {
      check(Posix.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", argv);
      try {
        check(Posix.posix_spawnattr_setflags(attr,
            (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)), "setflags", argv);
        check(Posix.posix_spawnattr_setpgroup(attr, 0), "setpgroup", argv);
        Posix.sigemptyset(sigset);
        check(Posix.posix_spawnattr_setsigmask(attr, sigset), "setsigmask", argv);
        Posix.sigfillset(sigset);
        check(Posix.posix_spawnattr_setsigdefault(attr, sigset), "setsigdefault", argv);
        check(Posix.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0), "stdin", argv);
        check(Posix.posix_spawn_file_actions_addopen(actions, 1, "/dev/null", O_WRONLY, 0), "stdout", argv);
        check(Posix.posix_spawn_file_actions_addopen(actions, 2, "/dev/null", O_WRONLY, 0), "stderr", argv);
        if (Posix.npUnavailabilityCause() == null) {
          check(Posix.Np.posix_spawn_file_actions_addclosefrom_np(actions, 3), "closefrom", argv);
          if (directory.isPresent()) {
            check(Posix.Np.posix_spawn_file_actions_addchdir_np(actions, directory.get().toString()), "chdir", argv);
          }
        } else if (directory.isPresent()) {
          throw new IOException("cannot run " + argv.get(0) + " in " + directory.get() + ": this C library has no "
              + "posix_spawn_file_actions_addchdir_np (" + Posix.npUnavailabilityCause() + ")");
        } else {
          log.debug("no posix_spawn_file_actions_addclosefrom_np; {} inherits open descriptors", argv.get(0));
        }
        List<String> envp = new ArrayList<>();
        env.forEach((k, v) -> envp.add(k + "=" + v));
        int[] pid = new int[1];
        int err = Posix.posix_spawnp(pid, argv.get(0), actions, attr, new StringArray(argv.toArray(new String[0])),
            new StringArray(envp.toArray(new String[0])));
        if (err != 0) {
          throw new IOException("cannot run " + argv.get(0) + ": " + strerror(err));
        }
        return pid[0];
      } finally {
        Posix.posix_spawn_file_actions_destroy(actions);
      }
    } finally {
      Posix.posix_spawnattr_destroy(attr);
    }
  }

  private static void check(int err, String what, List<String> argv) throws IOException {
    if (err != 0) {
      throw new IOException("cannot prepare to run " + argv.get(0) + ": " + what + " failed: " + strerror(err));
    }
  }

  private static String strerror(int errno) {
    switch (errno) {
      case 1:
        return "operation not permitted (EPERM)";
      case 2:
        return "no such file or directory (ENOENT)";
      case 7:
        return "argument list too long (E2BIG)";
      case 8:
        return "exec format error (ENOEXEC)";
      case 11:
        return "resource temporarily unavailable (EAGAIN)";
      case 12:
        return "out of memory (ENOMEM)";
      case 13:
        return "permission denied (EACCES)";
      case 20:
        return "not a directory (ENOTDIR)";
      default:
        return "errno " + errno;
    }
  }

  /**
   * Collects the child's status if it has ended, without waiting.
   *
   * @return the raw wait status, or empty while it runs
   * @throws IOException if {@code pid} is not a child of this process (already reaped)
   */
  public static OptionalInt reap(int pid) throws IOException {
    int[] status = new int[1];
    try {
      int r = Posix.waitpid(pid, status, WNOHANG);
      return r == pid ? OptionalInt.of(status[0]) : OptionalInt.empty();
    } catch (LastErrorException e) {
      throw new IOException("waitpid " + pid + ": " + (e.getErrorCode() == ECHILD ? "not a child (ECHILD)"
          : "errno " + e.getErrorCode()), e);
    }
  }

  /** Sends {@code signal} to every process of the group {@code pgid}; false if the group is gone. */
  public static boolean signalGroup(int pgid, int signal) {
    try {
      Posix.kill(-pgid, signal);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() != ESRCH) {
        log.warn("kill -{} -{} failed: errno {}", signal, pgid, e.getErrorCode());
      }
      return false;
    }
  }
}
