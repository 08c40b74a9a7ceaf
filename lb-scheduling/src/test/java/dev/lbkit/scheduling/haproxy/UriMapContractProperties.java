package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.DeterministicSchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import dev.lbkit.scheduling.testkit.WeightedSchedulerContract;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance uri` with `hash-type map-based djb2`. */
final class UriMapContractProperties implements DeterministicSchedulerContract, WeightedSchedulerContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("uri", "map-based djb2", destinations);
  }

  @Override
  public boolean skipsOverloaded() {
    return false; // a hash hit goes to its server even at maxconn: HAProxy queues it there
  }

  @Override
  public int picksPerWeightUnit() {
    return 300;
  }

  @Override
  public double proportionTolerance() {
    return 0.1;
  }
}
