package dev.lbkit.scheduling.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.sched.Request;
import dev.lbkit.api.sched.Scheduler;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For consistent-hashing schedulers: removing one destination moves at most {@link #disruptionBound()} of the
 * requests that were <em>not</em> on it (ideal consistent hashing moves none of them).
 */
public interface ConsistentHashContract extends DeterministicSchedulerContract {

  /** The largest allowed fraction of requests that change destination although theirs stayed. */
  double disruptionBound();

  /** 3 to 10 healthy destinations, weights 1 to 5. */
  final class RingSets implements ArbitrarySupplier<List<TestDestination>> {
    @Override
    public Arbitrary<List<TestDestination>> get() {
      return SchedulerArbitraries.healthyWeightedSets(3, 10, 5);
    }
  }

  @Property(tries = 50)
  default void removingADestinationMovesFewOthers(@ForAll(supplier = RingSets.class) List<TestDestination> set,
      @ForAll @IntRange(min = 0, max = 9) int removeAt, @ForAll long seed) {
    TestDestination removed = set.get(removeAt % set.size());
    List<TestDestination> reduced = new ArrayList<>(set);
    reduced.remove(removed);
    Scheduler before = create(set);
    Scheduler after = create(reduced);
    List<Request> requests = SchedulerArbitraries.distinctRequests(seed, 400);
    int stayed = 0;
    int moved = 0;
    for (Request r : requests) {
      TestDestination was = SchedulerContract.find(set, before.pick(r).orElseThrow());
      if (was.equals(removed)) {
        continue;
      }
      stayed++;
      if (!SchedulerContract.find(set, after.pick(r).orElseThrow()).equals(was)) {
        moved++;
      }
    }
    double fraction = stayed == 0 ? 0 : moved / (double) stayed;
    int m = moved;
    int s = stayed;
    assertTrue(fraction <= disruptionBound(), () -> before.name() + ": removing " + removed + " moved " + m
        + " of " + s + " requests of other destinations; set " + set);
  }
}
