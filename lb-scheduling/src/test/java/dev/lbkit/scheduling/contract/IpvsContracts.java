package dev.lbkit.scheduling.contract;

import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Builds an IPVS service from test-kit destinations for the contract properties: every destination is added
 * with its weight; unavailable ones are then removed again (IPVS keeps them, unavailable, in its trash) and
 * overloaded ones get the overload flag. Connection counters are not reproduced: IPVS counts only connections
 * it scheduled itself.
 */
final class IpvsContracts {
  private IpvsContracts() {}

  static Scheduler service(String name, List<TestDestination> destinations) {
    IpvsService svc = IpvsService.builder(Schedulers.create(name)).random(new SplittableRandom(7)).build();
    for (TestDestination d : destinations) {
      svc.addDestination(d.endpoint(), d.weight());
    }
    for (TestDestination d : destinations) {
      if (!d.available()) {
        svc.removeDestination(d.endpoint());
      } else if (d.overloaded()) {
        svc.setOverloaded(d.endpoint(), true);
      }
    }
    return new Scheduler() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<Destination> pick(Flow flow) {
        return svc.pick(flow);
      }
    };
  }
}
