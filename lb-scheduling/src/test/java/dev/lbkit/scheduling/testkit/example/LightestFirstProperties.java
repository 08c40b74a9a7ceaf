package dev.lbkit.scheduling.testkit.example;

import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.DeterministicSchedulerContract;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The README's example, compiled and run: a user's scheduler tested with the kit. */
final class LightestFirstProperties implements DeterministicSchedulerContract {

  static final class LightestFirstScheduler implements Scheduler {
    private final List<? extends Destination> destinations;

    LightestFirstScheduler(List<? extends Destination> d) {
      destinations = d;
    }

    @Override
    public String name() {
      return "lightest";
    }

    @Override
    public Optional<Destination> pick(Flow flow) {
      return destinations.stream().filter(d -> d.available() && d.weight() > 0 && !d.overloaded())
          .min(Comparator.comparingDouble(d -> d.activeConnections() / (double) d.weight())).map(d -> d);
    }
  }

  @Override
  public Scheduler create(List<TestDestination> destinations) {
    return new LightestFirstScheduler(destinations);
  }
}
