package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Beta;
import java.time.Duration;
import java.util.List;

/**
 * A tracked program, keepalived's {@code vrrp_script}: it passes when it exits 0 within {@code timeout}. The router
 * runs it every {@code interval} (never on the engine thread) and tracks the object {@code name} with keepalived's
 * rise/fall rule: after {@code rise} passes in a row the object is up, after {@code fall} failures in a row it is
 * down. The first result alone decides the initial state, as in keepalived; until then the object counts as up,
 * unless {@code initFail} (keepalived's {@code init_fail}) starts it down. Give it a weight with
 * {@link VrrpConfig.Builder#track}.
 *
 * @param name the tracked object's name
 * @param command program and arguments (run directly, no shell)
 * @param interval time between the starts of two runs; a run still going when the next is due delays it
 * @param timeout a run taking longer fails and is killed
 * @param rise passes in a row that bring the object up, at least 1
 * @param fall failures in a row that bring it down, at least 1
 * @param initFail whether the object starts down instead of up
 */
@Beta
public record VrrpScript(String name, List<String> command, Duration interval, Duration timeout, int rise, int fall,
    boolean initFail) {
  public VrrpScript {
    requireNonNull(name, "name");
    command = List.copyOf(command);
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("tracked script '" + name + "' needs a command");
    }
    if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("tracked script '" + name + "' needs a positive interval and timeout but got "
          + interval + " and " + timeout);
    }
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("tracked script '" + name + "': rise and fall must be at least 1 but were "
          + rise + " and " + fall);
    }
  }

  /**
   * A script with rise 1 and fall 1 (keepalived's defaults): each result counts at once.
   *
   * @throws IllegalArgumentException for an empty command or a non-positive interval or timeout
   */
  public static VrrpScript of(String name, List<String> command, Duration interval, Duration timeout) {
    return new VrrpScript(name, command, interval, timeout, 1, 1, false);
  }

  /**
   * This script with keepalived's {@code rise} and {@code fall}.
   *
   * @throws IllegalArgumentException if either is below 1
   */
  public VrrpScript withRiseFall(int newRise, int newFall) {
    return new VrrpScript(name, command, interval, timeout, newRise, newFall, initFail);
  }

  /** This script starting down (keepalived's {@code init_fail}) or up. */
  public VrrpScript withInitFail(boolean value) {
    return new VrrpScript(name, command, interval, timeout, rise, fall, value);
  }
}
