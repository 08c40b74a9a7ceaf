package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance url_param user` with `hash-type consistent djb2`. */
final class UrlParamConsistentContractProperties implements HaproxyConsistentContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("url_param user", "consistent djb2", destinations);
  }
}
