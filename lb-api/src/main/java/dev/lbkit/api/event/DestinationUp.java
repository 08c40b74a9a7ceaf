package dev.lbkit.api.event;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ServiceKey;
import java.time.Instant;
import java.util.Optional;

/**
 * A destination is now up.
 *
 * @param at when
 * @param service its service, if known
 * @param destination the destination
 * @param reason why, for an operator
 */
public record DestinationUp(Instant at, Optional<ServiceKey> service, Endpoint destination, String reason)
    implements DestinationEvent {
  public DestinationUp {
    requireNonNull(at, "at");
    requireNonNull(service, "service");
    requireNonNull(destination, "destination");
    requireNonNull(reason, "reason");
  }
}
