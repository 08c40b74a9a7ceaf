package dev.lbkit.scheduling.contract;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.SchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on IPVS `twos`. */
final class IpvsTwosContractProperties implements SchedulerContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return IpvsContracts.service("twos", destinations);
  }
}
