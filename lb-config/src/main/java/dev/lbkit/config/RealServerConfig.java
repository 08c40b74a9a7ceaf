package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.RealServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code real_server} of a virtual server with its health checkers.
 *
 * @param realServer endpoint, configured {@code weight}, forwarding (its own {@code lvs_method}/{@code lb_kind} or
 *     the virtual server's) and {@code uthreshold}/{@code lthreshold}
 * @param inhibitOnFailure {@code inhibit_on_failure} (here or on the virtual server): a failed server stays in
 *     the table with weight 0 instead of being removed
 * @param alpha {@code alpha} (here or on the virtual server): the server starts as down until a check passes
 * @param delayLoop {@code delay_loop} of this server, overriding the virtual server's
 * @param notifyUp {@code notify_up} command, if any
 * @param notifyDown {@code notify_down} command, if any
 * @param checks its checkers; none means always up
 * @param location where the real server is defined
 * @param hookUsers the user {@code notify_up}/{@code notify_down} run as when written after the command, by keyword
 */
public record RealServerConfig(
    RealServer realServer,
    boolean inhibitOnFailure,
    boolean alpha,
    Optional<Duration> delayLoop,
    Optional<String> notifyUp,
    Optional<String> notifyDown,
    List<HealthCheckConfig> checks,
    Location location,
    Map<String, ScriptUserConfig> hookUsers) {
  public RealServerConfig {
    hookUsers = Map.copyOf(hookUsers);
    requireNonNull(realServer, "realServer");
    requireNonNull(delayLoop, "delayLoop");
    requireNonNull(notifyUp, "notifyUp");
    requireNonNull(notifyDown, "notifyDown");
    checks = List.copyOf(checks);
    requireNonNull(location, "location");
  }

  /** A real server whose hooks run as the default script user. */
  public RealServerConfig(RealServer realServer, boolean inhibitOnFailure, boolean alpha, Optional<Duration> delayLoop,
      Optional<String> notifyUp, Optional<String> notifyDown, List<HealthCheckConfig> checks, Location location) {
    this(realServer, inhibitOnFailure, alpha, delayLoop, notifyUp, notifyDown, checks, location, Map.of());
  }
}
