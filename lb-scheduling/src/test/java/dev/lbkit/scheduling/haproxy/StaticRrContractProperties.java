package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.DeterministicSchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import dev.lbkit.scheduling.testkit.WeightedSchedulerContract;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance static-rr`. */
final class StaticRrContractProperties implements DeterministicSchedulerContract, WeightedSchedulerContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("static-rr", null, destinations);
  }

  @Override
  public double proportionTolerance() {
    return 0.01;
  }
}
