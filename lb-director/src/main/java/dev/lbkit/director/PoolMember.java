package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.RealServer;

/**
 * A real server of a {@link ServicePool} and what happens to it when it fails.
 *
 * @param server the real server at its configured weight
 * @param inhibitOnFailure keepalived's {@code inhibit_on_failure}: a failed server stays in the table with weight 0
 *     (existing connections go on, no new ones) instead of being removed
 * @param startsDown keepalived's {@code alpha}: the server counts as down until its first check passes
 */
public record PoolMember(RealServer server, boolean inhibitOnFailure, boolean startsDown) {
  public PoolMember {
    requireNonNull(server, "server");
  }

  /** A member removed on failure and up from the start. */
  public static PoolMember of(RealServer server) {
    return new PoolMember(server, false, false);
  }
}
