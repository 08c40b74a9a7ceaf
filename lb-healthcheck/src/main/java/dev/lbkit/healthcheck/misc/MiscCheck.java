package dev.lbkit.healthcheck.misc;

import static java.util.Objects.requireNonNull;

import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * keepalived {@code MISC_CHECK}: run a program and judge it by how it ended, as keepalived 2.2.7 does
 * ({@code check_misc.c}). The program is started from an argument vector, never through a shell, in a process group
 * of its own, with stdin, stdout and stderr on /dev/null and no inherited descriptors; as {@link #user()} (or the
 * checker's {@code script_user}) when one is given.
 *
 * <p>Three endings, told apart as keepalived tells them:
 * <ul>
 *   <li>it exited: 0 is up; with {@code dynamic} (keepalived {@code misc_dynamic}) 2 to 255 are up with weight
 *       {@code status - 2}, and 0 is up at the configured weight (100 %: keepalived goes back to it on exit 0);
 *       anything else is down, {@link DownReason#EXIT_STATUS} ("exited with status N");
 *   <li>something else killed it by a signal: down, {@link DownReason#SIGNALED} ("due to signal N"), whatever
 *       the signal number, so a crash or an OOM kill never passes for {@code exit(128 + N)} nor, with
 *       {@code dynamic}, for a weight;
 *   <li>it ran past the deadline: down, {@link DownReason#TIMEOUT} ("timed out"), reported at the deadline; its
 *       process group then gets SIGTERM and, two seconds later if still there, SIGKILL.
 * </ul>
 *
 * <pre>{@code
 * Check c = MiscCheck.of("/usr/local/bin/check-db", "--port", "5432");
 * }</pre>
 *
 * @param command the program and its arguments, at least the program
 * @param dynamic keepalived {@code misc_dynamic}
 * @param workingDirectory where to run it; empty: the JVM's
 * @param environment variables to add to the inherited environment
 * @param user keepalived {@code user USER [GROUP]}; empty: the checker's script user, else the JVM's own
 */
public record MiscCheck(List<String> command, boolean dynamic, Optional<Path> workingDirectory,
    Map<String, String> environment, Optional<ScriptUser> user) implements Check {

  /** The largest exit status a process can return. */
  public static final int MAX_STATUS = 255;

  public MiscCheck {
    command = List.copyOf(requireNonNull(command, "command"));
    requireNonNull(workingDirectory, "workingDirectory");
    environment = Map.copyOf(requireNonNull(environment, "environment"));
    requireNonNull(user, "user");
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("MISC_CHECK needs a program to run but the command was " + command);
    }
  }

  /** A check as the JVM's (or the checker's script) user. */
  public MiscCheck(List<String> command, boolean dynamic, Optional<Path> workingDirectory,
      Map<String, String> environment) {
    this(command, dynamic, workingDirectory, environment, Optional.empty());
  }

  /** A static check of {@code program args...}. */
  public static MiscCheck of(String... command) {
    return new MiscCheck(List.of(command), false, Optional.empty(), Map.of());
  }

  /** The same check with {@code misc_dynamic} on or off. */
  public MiscCheck withDynamic(boolean dynamic) {
    return new MiscCheck(command, dynamic, workingDirectory, environment, user);
  }

  /** The same check run as {@code user} (keepalived {@code user} in the {@code MISC_CHECK} block). */
  public MiscCheck withUser(ScriptUser user) {
    return new MiscCheck(command, dynamic, workingDirectory, environment, Optional.of(user));
  }

  /**
   * Judges an exit status as keepalived does.
   *
   * @param status 0 to 255
   */
  public CheckResult judge(int status) {
    if (status == 0) {
      // misc_dynamic: exit 0 takes the weight back to the configured one (keepalived 2.2.7 does so after an exit
      // 2-255 had changed it; seen in the kernel lab), i.e. 100 % of it
      return dynamic ? new CheckResult.Up("exit 0", OptionalInt.empty(), OptionalInt.of(100))
          : CheckResult.Up.of("exit 0");
    }
    if (status >= 2 && status <= MAX_STATUS && dynamic) {
      return new CheckResult.Up("exit " + status, OptionalInt.of(status - 2), OptionalInt.empty());
    }
    return new CheckResult.Down(DownReason.EXIT_STATUS, "exit " + status);
  }

  /**
   * Judges a death by {@code signal} that the checker did not cause: down, whatever {@code dynamic} says.
   *
   * @param signal the signal number
   * @param coreDumped whether the kernel wrote a core file
   */
  public CheckResult judgeSignal(int signal, boolean coreDumped) {
    return new CheckResult.Down(DownReason.SIGNALED, "killed by signal " + signal + signalName(signal)
        + (coreDumped ? ", core dumped" : ""));
  }

  private static String signalName(int signal) {
    String[] names = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
        "USR2", "PIPE", "ALRM", "TERM"};
    return signal > 0 && signal < names.length ? " (SIG" + names[signal] + ")" : "";
  }

  @Override
  public String describe() {
    return "MISC_CHECK " + String.join(" ", command) + user.map(u -> " as " + u).orElse("");
  }
}
