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
 * keepalived {@code MISC_CHECK}: run a program and judge it by its exit status. The program is started from an
 * argument vector, never through a shell, with stdin from nothing and its output discarded; at the deadline it
 * and its descendants are killed and the check is down ({@link DownReason#TIMEOUT}).
 *
 * <p>Exit 0 is up, 1 is down. With {@code dynamic} (keepalived {@code misc_dynamic}), 2 to 255 are up with
 * weight {@code status - 2}; without it, any status but 0 is down. The JDK reports a program killed by signal N
 * as status 128 + N, indistinguishable from {@code exit(128 + N)}.
 *
 * <pre>{@code
 * Check c = MiscCheck.of("/usr/local/bin/check-db", "--port", "5432");
 * }</pre>
 *
 * @param command the program and its arguments, at least the program
 * @param dynamic keepalived {@code misc_dynamic}
 * @param workingDirectory where to run it; empty: the JVM's
 * @param environment variables to add to the inherited environment
 */
public record MiscCheck(List<String> command, boolean dynamic, Optional<Path> workingDirectory,
    Map<String, String> environment) implements Check {

  /** The largest exit status a process can return. */
  public static final int MAX_STATUS = 255;

  public MiscCheck {
    command = List.copyOf(requireNonNull(command, "command"));
    requireNonNull(workingDirectory, "workingDirectory");
    environment = Map.copyOf(requireNonNull(environment, "environment"));
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("MISC_CHECK needs a program to run but the command was " + command);
    }
  }

  /** A static check of {@code program args...}. */
  public static MiscCheck of(String... command) {
    return new MiscCheck(List.of(command), false, Optional.empty(), Map.of());
  }

  /** The same check with {@code misc_dynamic} on or off. */
  public MiscCheck withDynamic(boolean dynamic) {
    return new MiscCheck(command, dynamic, workingDirectory, environment);
  }

  /**
   * Judges an exit status as keepalived does.
   *
   * @param status 0 to 255
   */
  public CheckResult judge(int status) {
    if (status == 0) {
      return CheckResult.Up.of("exit 0");
    }
    if (status >= 2 && status <= MAX_STATUS && dynamic) {
      return new CheckResult.Up("exit " + status, OptionalInt.of(status - 2), OptionalInt.empty());
    }
    return new CheckResult.Down(DownReason.EXIT_STATUS, "exit " + status);
  }

  @Override
  public String describe() {
    return "MISC_CHECK " + String.join(" ", command);
  }
}
