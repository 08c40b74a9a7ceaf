package dev.lbkit.api.event;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ServiceKey;
import java.util.Optional;

/** A change of one destination: it came up, went down, or its effective weight changed. */
public sealed interface DestinationEvent extends LbEvent permits DestinationUp, DestinationDown, WeightChanged {
  /** The service the destination belongs to, when the publisher knows it. */
  Optional<ServiceKey> service();

  /** The destination. */
  Endpoint destination();

  /** Why, for an operator: "status 503", "connection refused", "rise 2 reached". */
  String reason();
}
