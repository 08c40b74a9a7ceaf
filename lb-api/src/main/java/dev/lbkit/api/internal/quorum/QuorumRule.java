package dev.lbkit.api.internal.quorum;

import java.util.Optional;

/**
 * keepalived's quorum rule for one virtual service, the one implementation behind every lbkit path: lb-config's reading
 * of a keepalived.conf {@code virtual_server} (the values in force, the table at start), lb-healthcheck's
 * {@code ServiceQuorum} (the Java API) and lb-director's pools. Immutable.
 *
 * <p>Source of truth, read for its facts (keepalived 2.2.7, keepalived/check): the configuration check lowers a
 * {@code quorum} above the real servers' total weight to that total and then a {@code hysteresis} not below the
 * quorum to {@code quorum - 1} (check_data.c, logged as warnings; {@link #lowered}). A virtual server starts without
 * its quorum and gains it at once only if the live weight reaches {@code quorum + hysteresis} (ipwrapper.c
 * init_service_vs calls update_quorum_state with init set; {@link #heldAtStart}). At that start it runs
 * {@code quorum_up} when it has the quorum, and {@code quorum_down} when it has not but has a sorry server to bring
 * in; without one it stays silent ({@link #announcedAtStart}). Afterwards the quorum is lost when the live weight is
 * zero or falls below {@code quorum - hysteresis}, and regained when it reaches {@code quorum + hysteresis}
 * ({@link #next}); in between nothing changes, which damps flapping.
 *
 * @param quorum the live weight needed, at least 1
 * @param hysteresis at least 0 and below {@code quorum}
 */
public record QuorumRule(long quorum, long hysteresis) {

  public QuorumRule {
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be at least 1 but was " + quorum);
    }
    if (hysteresis < 0 || hysteresis >= quorum) {
      throw new IllegalArgumentException("hysteresis must be in [0, quorum " + quorum + ") but was " + hysteresis);
    }
  }

  /**
   * The rule keepalived's configuration check makes of a written {@code quorum} and {@code hysteresis}: a quorum above
   * {@code totalWeight} (when that is at least 1) is lowered to it, since it could never be reached; then a hysteresis
   * not below the quorum is lowered to {@code quorum - 1}.
   *
   * @param totalWeight the sum of the configured weights of the service's real servers
   * @throws IllegalArgumentException if {@code quorum} is below 1 or {@code hysteresis} or {@code totalWeight} is
   *     negative
   */
  public static QuorumRule lowered(long quorum, long hysteresis, long totalWeight) {
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be at least 1 but was " + quorum);
    }
    if (hysteresis < 0) {
      throw new IllegalArgumentException("hysteresis must not be negative but was " + hysteresis);
    }
    if (totalWeight < 0) {
      throw new IllegalArgumentException("total weight must not be negative but was " + totalWeight);
    }
    long q = totalWeight >= 1 ? Math.min(quorum, totalWeight) : quorum;
    return new QuorumRule(q, Math.min(hysteresis, q - 1));
  }

  /** Whether a service whose live weight is {@code liveWeight} as it starts starts with its quorum. */
  public boolean heldAtStart(long liveWeight) {
    return liveWeight >= quorum + hysteresis;
  }

  /**
   * What keepalived announces as a virtual server starts: {@code true} ({@code quorum_up}) when it starts with its
   * quorum, {@code false} ({@code quorum_down}, the sorry server brought in) when it starts without it and has a sorry
   * server, nothing when it starts without it and has none.
   */
  public static Optional<Boolean> announcedAtStart(boolean held, boolean sorryServer) {
    return held ? Optional.of(true) : sorryServer ? Optional.of(false) : Optional.empty();
  }

  /** Whether the quorum is held after the live weight became {@code liveWeight}, {@code held} before. */
  public boolean next(boolean held, long liveWeight) {
    if (held) {
      return liveWeight != 0 && liveWeight >= quorum - hysteresis;
    }
    return liveWeight >= quorum + hysteresis;
  }
}
