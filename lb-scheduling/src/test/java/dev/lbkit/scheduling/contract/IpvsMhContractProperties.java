package dev.lbkit.scheduling.contract;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.ConsistentHashContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on IPVS `mh`. */
final class IpvsMhContractProperties implements ConsistentHashContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return IpvsContracts.service("mh", destinations);
  }

  @Override
  public double disruptionBound() {
    return 0.15; // Maglev tables move a few entries of other destinations when one leaves
  }
}
