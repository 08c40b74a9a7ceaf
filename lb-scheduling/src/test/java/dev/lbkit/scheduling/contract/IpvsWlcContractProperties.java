package dev.lbkit.scheduling.contract;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.DeterministicSchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on IPVS `wlc`. */
final class IpvsWlcContractProperties implements DeterministicSchedulerContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return IpvsContracts.service("wlc", destinations);
  }
}
