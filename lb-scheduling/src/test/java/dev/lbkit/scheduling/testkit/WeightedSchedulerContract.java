package dev.lbkit.scheduling.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Request;
import dev.lbkit.api.sched.Scheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * For weighted schedulers: over healthy destinations, each one's share of {@link #picksPerWeightUnit()} x total
 * weight picks (of distinct requests) is its share of the weight, within {@link #proportionTolerance()}.
 */
public interface WeightedSchedulerContract extends SchedulerContract {

  /** The largest allowed |share of picks - share of weight| for any destination. */
  double proportionTolerance();

  /** Picks per unit of total weight; more picks make approximate (hashing, random) schedulers converge. */
  default int picksPerWeightUnit() {
    return 20;
  }

  /** 2 to 8 healthy destinations, weights 1 to 10. */
  final class HealthySets implements ArbitrarySupplier<List<TestDestination>> {
    @Override
    public Arbitrary<List<TestDestination>> get() {
      return SchedulerArbitraries.healthyWeightedSets(2, 8, 10);
    }
  }

  @Property(tries = 50)
  default void picksAreProportionalToWeights(@ForAll(supplier = HealthySets.class) List<TestDestination> set,
      @ForAll long seed) {
    Scheduler scheduler = create(set);
    int total = set.stream().mapToInt(TestDestination::weight).sum();
    int n = total * picksPerWeightUnit();
    Map<TestDestination, Integer> counts = new HashMap<>();
    for (Request r : SchedulerArbitraries.distinctRequests(seed, n)) {
      Destination d = scheduler.pick(r).orElseThrow(() -> new AssertionError(scheduler.name()
          + " picked nothing from healthy " + set));
      counts.merge(SchedulerContract.find(set, d), 1, Integer::sum);
    }
    for (TestDestination d : set) {
      double share = counts.getOrDefault(d, 0) / (double) n;
      double expected = d.weight() / (double) total;
      assertTrue(Math.abs(share - expected) <= proportionTolerance(), () -> scheduler.name() + ": " + d
          + " got " + share + " of " + n + " picks, weight share " + expected + ", set " + set);
    }
  }
}
