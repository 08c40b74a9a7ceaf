package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one target's state.
 *
 * @param key which target
 * @param up whether it is up (an inhibited destination is down with weight 0)
 * @param health HAProxy's health counter, 0 to {@code rise + fall - 1}
 * @param weight the effective weight now
 * @param lastResult the latest attempt's result, empty before the first
 * @param lastChange when {@code up} last changed (or the target was added)
 */
public record TargetStatus(
    Target.Key key, boolean up, int health, int weight, Optional<CheckResult> lastResult, Instant lastChange) {
  public TargetStatus {
    requireNonNull(key, "key");
    requireNonNull(lastResult, "lastResult");
    requireNonNull(lastChange, "lastChange");
  }
}
