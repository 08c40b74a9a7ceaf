package dev.lbkit.api.sched;

import dev.lbkit.api.Endpoint;

/**
 * A live view of one destination (real server) as a scheduler reads it: configuration and the counters that IPVS
 * keeps per destination. Values may change between calls; a scheduler reads them during a pick and must not
 * cache them across picks unless the implementation tells it about changes.
 *
 * <p>Implementations state their own thread-safety; those in lb-scheduling allow reads from any thread.
 */
public interface Destination {

  /** Address and port. */
  Endpoint endpoint();

  /** A name for reports and traces: HAProxy's server name, or the endpoint as {@code a.b.c.d:port}. */
  default String name() {
    return endpoint().toString();
  }

  /** Current weight; 0 means quiesced: never picked for new connections. */
  int weight();

  /** Connections in an active state (TCP ESTABLISHED), {@code activeconns} in IPVS. */
  int activeConnections();

  /** Connections in other states, {@code inactconns} in IPVS. */
  int inactiveConnections();

  /** Persistence templates pointing here, {@code persistconns} in IPVS. */
  int persistentConnections();

  /** Whether the upper connection threshold was reached and not yet left ({@code IP_VS_DEST_F_OVERLOAD}). */
  boolean overloaded();

  /** Whether the destination is part of its service ({@code IP_VS_DEST_F_AVAILABLE}); false once removed. */
  boolean available();

  /** A snapshot of the counters, for reporting. */
  default DestinationCounters counters() {
    return new DestinationCounters(activeConnections(), inactiveConnections(), persistentConnections(), overloaded());
  }
}
