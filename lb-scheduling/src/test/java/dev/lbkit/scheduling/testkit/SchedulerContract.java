package dev.lbkit.scheduling.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Request;
import dev.lbkit.api.sched.Scheduler;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The contract every {@link Scheduler} keeps, as jqwik properties. Implement {@link #create} in a test class named
 * {@code *Properties} and the properties run against your scheduler; add {@link DeterministicSchedulerContract},
 * {@link WeightedSchedulerContract} or {@link ConsistentHashContract} for what your scheduler also promises.
 *
 * <pre>{@code
 * class MySchedulerProperties implements SchedulerContract {
 *   public Scheduler create(List<TestDestination> destinations) {
 *     return new MyScheduler(destinations);
 *   }
 * }
 * }</pre>
 *
 * <p>Failing inputs shrink to a minimal destination set and request list.
 */
public interface SchedulerContract {

  /** Builds the scheduler under test over these destinations (in this order). */
  Scheduler create(List<TestDestination> destinations);

  /** Whether picks never go to an overloaded destination; true unless the scheduler says otherwise. */
  default boolean skipsOverloaded() {
    return true;
  }

  /** Up to 10 destinations, weights 0 to 20, some unavailable or overloaded. */
  final class DestinationSets implements ArbitrarySupplier<List<TestDestination>> {
    @Override
    public Arbitrary<List<TestDestination>> get() {
      return SchedulerArbitraries.destinationSets(1, 10, 20);
    }
  }

  /** 1 to 60 requests. */
  final class Requests implements ArbitrarySupplier<List<Request>> {
    @Override
    public Arbitrary<List<Request>> get() {
      return SchedulerArbitraries.requestLists(1, 60);
    }
  }

  /** Never a destination outside the set, unavailable, of weight 0 or (if promised) overloaded. */
  @Property(tries = 200)
  default void neverPicksAnIneligibleDestination(@ForAll(supplier = DestinationSets.class) List<TestDestination> set,
      @ForAll(supplier = Requests.class) List<Request> requests) {
    Scheduler scheduler = create(set);
    for (Request r : requests) {
      Optional<Destination> pick = scheduler.pick(r);
      if (pick.isEmpty()) {
        continue;
      }
      TestDestination d = find(set, pick.get());
      assertTrue(d.available(), () -> scheduler.name() + " picked unavailable " + d + " from " + set);
      assertTrue(d.weight() > 0, () -> scheduler.name() + " picked weight-0 " + d + " from " + set);
      if (skipsOverloaded()) {
        assertFalse(d.overloaded(), () -> scheduler.name() + " picked overloaded " + d + " from " + set);
      }
    }
  }

  /** Nothing eligible means nothing picked. */
  @Property(tries = 100)
  default void picksNothingWhenNothingIsEligible(@ForAll(supplier = DestinationSets.class) List<TestDestination> set,
      @ForAll(supplier = Requests.class) List<Request> requests) {
    List<TestDestination> none = set.stream().map(d -> d.withAvailable(false)).toList();
    Scheduler scheduler = create(none);
    for (Request r : requests) {
      assertEquals(Optional.empty(), scheduler.pick(r), () -> scheduler.name() + " picked from " + none);
    }
  }

  /** The generated destination a pick stands for, matched by endpoint; fails if it is not in the set. */
  static TestDestination find(List<TestDestination> set, Destination picked) {
    Endpoint e = picked.endpoint();
    return set.stream().filter(d -> d.endpoint().equals(e)).findFirst().orElseThrow(
        () -> new AssertionError("picked " + picked.name() + " (" + e + ") which is not in " + set));
  }
}
