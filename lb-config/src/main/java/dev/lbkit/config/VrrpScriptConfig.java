package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@code vrrp_script}: a command run every interval whose exit status tracks a VRRP instance.
 *
 * @param name the script's name, as {@code track_script} refers to it
 * @param script the command line
 * @param interval {@code interval} (default 1 s)
 * @param timeout {@code timeout}: a run taking longer fails (default: the interval)
 * @param weight {@code weight}: 0 means failure puts the instance in FAULT; otherwise added to (positive: while
 *     succeeding) or subtracted from (negative: while failing) the priority; -253 to 253
 * @param rise {@code rise}: successes needed to count as up (default 1)
 * @param fall {@code fall}: failures needed to count as down (default 1)
 * @param user {@code user}: the user to run as, if not the default
 * @param location where the script is defined
 */
public record VrrpScriptConfig(
    String name, String script, Duration interval, Duration timeout, int weight, int rise, int fall,
    Optional<String> user, Location location) {
  public VrrpScriptConfig {
    requireNonNull(name, "name");
    requireNonNull(script, "script");
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    requireNonNull(user, "user");
    requireNonNull(location, "location");
    if (weight < -253 || weight > 253) {
      throw new IllegalArgumentException("vrrp_script weight must be in [-253, 253] but was " + weight);
    }
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("vrrp_script rise and fall must be at least 1 but were " + rise + ", " + fall);
    }
  }
}
