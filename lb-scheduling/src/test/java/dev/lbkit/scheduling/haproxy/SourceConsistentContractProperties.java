package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance source` with `hash-type consistent`. */
final class SourceConsistentContractProperties implements HaproxyConsistentContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("source", "consistent", destinations);
  }
}
