package dev.lbkit.scheduling.contract;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.DeterministicSchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import dev.lbkit.scheduling.testkit.WeightedSchedulerContract;
import java.util.List;

/** The scheduler test kit's contract, run on IPVS `wrr`. */
final class IpvsWrrContractProperties implements DeterministicSchedulerContract, WeightedSchedulerContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return IpvsContracts.service("wrr", destinations);
  }

  @Override
  public double proportionTolerance() {
    return 0.01;
  }
}
