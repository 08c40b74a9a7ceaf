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
 * @param admin the administrative state an HAProxy agent set; {@link AdminState#READY} for other checks. A target
 *     in {@link AdminState#MAINT} may be {@code up} yet have weight 0 and be no member.
 */
public record TargetStatus(Target.Key key, boolean up, int health, int weight, Optional<CheckResult> lastResult,
    Instant lastChange, AdminState admin) {
  public TargetStatus {
    requireNonNull(key, "key");
    requireNonNull(admin, "admin");
    requireNonNull(lastResult, "lastResult");
    requireNonNull(lastChange, "lastChange");
  }
}
