package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.DeterministicSchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import dev.lbkit.scheduling.testkit.WeightedSchedulerContract;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance roundrobin`. */
final class RoundrobinContractProperties implements DeterministicSchedulerContract, WeightedSchedulerContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("roundrobin", null, destinations);
  }

  @Override
  public double proportionTolerance() {
    return 0.01;
  }
}
