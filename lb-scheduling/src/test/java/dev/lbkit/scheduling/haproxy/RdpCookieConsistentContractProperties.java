package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** The scheduler test kit's contract, run on HAProxy `balance rdp-cookie` with `hash-type consistent crc32 avalanche`. */
final class RdpCookieConsistentContractProperties implements HaproxyConsistentContract {
  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return HaproxyContracts.backend("rdp-cookie", "consistent crc32 avalanche", destinations);
  }
}
