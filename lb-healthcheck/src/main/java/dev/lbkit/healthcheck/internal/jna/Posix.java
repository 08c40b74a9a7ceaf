package dev.lbkit.healthcheck.internal.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls that running a program needs and the JDK does not offer: spawning into a new process
 * group, the raw wait status (exit code or signal), signalling a process group, and user lookups. Bound with JNA
 * direct mapping; only this package touches libc.
 */
final class Posix {
  private static final Throwable UNAVAILABILITY_CAUSE;
  private static final Throwable NP_UNAVAILABILITY_CAUSE;

  static {
    Throwable cause = null;
    try {
      if (!Platform.isLinux()) {
        cause = new UnsupportedOperationException("process groups and wait statuses need Linux, but this is "
            + System.getProperty("os.name"));
      } else {
        Native.register(Posix.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      }
    } catch (Throwable t) { // UnsatisfiedLinkError, or JNA's native stub missing for this platform
      cause = t;
    }
    UNAVAILABILITY_CAUSE = cause;
    Throwable np = cause;
    if (np == null) {
      try {
        Native.register(Np.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      } catch (Throwable t) { // glibc before 2.34
        np = t;
      }
    }
    NP_UNAVAILABILITY_CAUSE = np;
  }

  /** glibc extensions: close inherited descriptors, change directory (2.34 and 2.29). */
  static final class Np {
    private Np() {}

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);
  }

  private Posix() {}

  static Throwable unavailabilityCause() {
    return UNAVAILABILITY_CAUSE;
  }

  static Throwable npUnavailabilityCause() {
    return NP_UNAVAILABILITY_CAUSE;
  }

  static native int posix_spawnp(int[] pid, String file, Pointer fileActions, Pointer attr, Pointer argv,
      Pointer envp);

  static native int posix_spawn_file_actions_init(Pointer fileActions);

  static native int posix_spawn_file_actions_destroy(Pointer fileActions);

  static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int oflag, int mode);

  static native int posix_spawnattr_init(Pointer attr);

  static native int posix_spawnattr_destroy(Pointer attr);

  static native int posix_spawnattr_setflags(Pointer attr, short flags);

  static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

  static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  static native int sigemptyset(Pointer set);

  static native int sigfillset(Pointer set);

  static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

  static native int kill(int pid, int sig) throws LastErrorException;

  static native int geteuid();

  static native int getegid();

  static native Pointer getpwnam(String name);

  static native Pointer getgrnam(String name);
}
