package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.RealServer;
import java.util.Optional;

/**
 * A destination (real server) as listed from IPVS: its definition, connection counts and counters. Immutable.
 *
 * @param server the definition
 * @param activeConnections connections in an active state
 * @param inactiveConnections other connections
 * @param persistentConnections persistence templates pointing at it
 * @param stats the counters; empty when the listing omitted them ({@link IpvsClient.Stats#OMITTED}); the
 *     connection counts above are there either way
 */
public record IpvsDestination(RealServer server, int activeConnections, int inactiveConnections,
    int persistentConnections, Optional<IpvsStats> stats) {
  public IpvsDestination {
    requireNonNull(server, "server");
    requireNonNull(stats, "stats");
  }

  /** A destination with its counters. */
  public IpvsDestination(RealServer server, int activeConnections, int inactiveConnections,
      int persistentConnections, IpvsStats stats) {
    this(server, activeConnections, inactiveConnections, persistentConnections, Optional.of(stats));
  }

  /** A destination listed without its counters ({@link IpvsClient.Stats#OMITTED}). */
  public static IpvsDestination withoutStats(RealServer server, int activeConnections, int inactiveConnections,
      int persistentConnections) {
    return new IpvsDestination(server, activeConnections, inactiveConnections, persistentConnections,
        Optional.empty());
  }

  /** A destination without connections or traffic. */
  public static IpvsDestination idle(RealServer server) {
    return new IpvsDestination(server, 0, 0, 0, IpvsStats.ZERO);
  }
}
