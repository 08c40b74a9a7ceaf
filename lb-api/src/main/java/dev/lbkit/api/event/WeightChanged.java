package dev.lbkit.api.event;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ServiceKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The effective weight of a destination changed (slow start, agent check, MISC_CHECK dynamic weight, inhibit).
 *
 * @param at when
 * @param service its service, if known
 * @param destination the destination
 * @param oldWeight weight before, at least 0
 * @param newWeight weight now, at least 0
 * @param reason why, for an operator
 */
public record WeightChanged(
    Instant at, Optional<ServiceKey> service, Endpoint destination, int oldWeight, int newWeight, String reason)
    implements DestinationEvent {
  public WeightChanged {
    requireNonNull(at, "at");
    requireNonNull(service, "service");
    requireNonNull(destination, "destination");
    requireNonNull(reason, "reason");
    if (oldWeight < 0 || newWeight < 0) {
      throw new IllegalArgumentException("weights must not be negative but were " + oldWeight + " -> " + newWeight
          + " (destination " + destination + ")");
    }
  }
}
