package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.ConsistentHashContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance rdp-cookie` with `hash-type consistent crc32 avalanche`. */
final class RdpCookieConsistentContractProperties implements ConsistentHashContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("rdp-cookie", "consistent crc32 avalanche", destinations);
  }

  @Override
  public boolean skipsOverloaded() {
    return false; // a hash hit goes to its server even at maxconn: HAProxy queues it there
  }

  @Override
  public double disruptionBound() {
    return 0.0; // ring points depend only on server id and weight
  }
}
