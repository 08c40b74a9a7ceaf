package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance hdr(X-Key)` with `hash-type consistent wt6`. */
final class HdrConsistentContractProperties implements HaproxyConsistentContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("hdr(X-Key)", "consistent wt6", destinations);
  }
}
