package dev.lbkit.api.event;

import java.time.Instant;

/** Something that happened in a load balancer, with the time it happened. */
public sealed interface LbEvent permits DestinationEvent, VrrpStateChanged {
  /** When it happened, by the publisher's clock. */
  Instant at();
}
