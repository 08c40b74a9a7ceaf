package dev.lbkit.scheduling.haproxy;

import dev.lbkit.scheduling.testkit.ConsistentHashContract;

/** What HAProxy's consistent hashing promises the test kit: no disruption, and hash hits ignore maxconn. */
interface HaproxyConsistentContract extends ConsistentHashContract {
  @Override
  default boolean skipsOverloaded() {
    return false; // a hash hit goes to its server even at maxconn: HAProxy queues it there
  }

  @Override
  default double disruptionBound() {
    return 0.0; // ring points depend only on server id and weight
  }
}
