package dev.lbkit.scheduling.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Scheduler;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract's properties catch broken schedulers (called directly with a failing example). */
final class SchedulerContractTest {

  /** Picks the first destination whatever its state; "hashes" with modulo when asked. */
  private static final class Naive implements Scheduler {
    private final List<TestDestination> set;
    private final boolean modulo;
    private final Random random;

    Naive(List<TestDestination> set, boolean modulo, Random random) {
      this.set = set;
      this.modulo = modulo;
      this.random = random;
    }

    @Override
    public String name() {
      return "naive";
    }

    @Override
    public Optional<Destination> pick(Flow flow) {
      if (set.isEmpty()) {
        return Optional.empty();
      }
      int i = 0;
      if (modulo) {
        i = Math.floorMod(flow.source().hashCode(), set.size());
      } else if (random != null) {
        i = random.nextInt(set.size());
      }
      return Optional.of(set.get(i));
    }
  }

  private static final List<TestDestination> SET = List.of(TestDestination.of(1, 1).withAvailable(false),
      TestDestination.of(2, 3), TestDestination.of(3, 1));

  @Test
  void ineligiblePick_fails() {
    SchedulerContract c = set -> new Naive(set, false, null);
    assertThrows(AssertionError.class,
        () -> c.neverPicksAnIneligibleDestination(SET, SchedulerArbitraries.distinctRequests(1, 3)));
  }

  @Test
  void disproportionatePicks_fail() {
    WeightedSchedulerContract c = new WeightedSchedulerContract() {
      @Override
      public Scheduler create(List<TestDestination> set) {
        return new Naive(set, false, null);
      }

      @Override
      public double proportionTolerance() {
        return 0.1;
      }
    };
    assertThrows(AssertionError.class,
        () -> c.picksAreProportionalToWeights(List.of(TestDestination.of(1, 1), TestDestination.of(2, 1)), 5));
  }

  @Test
  void moduloHashing_isNotConsistent() {
    ConsistentHashContract c = new ConsistentHashContract() {
      @Override
      public Scheduler create(List<TestDestination> set) {
        return new Naive(set, true, null);
      }

      @Override
      public double disruptionBound() {
        return 0.1;
      }
    };
    List<TestDestination> five = List.of(TestDestination.of(1, 1), TestDestination.of(2, 1), TestDestination.of(3,
        1), TestDestination.of(4, 1), TestDestination.of(5, 1));
    assertThrows(AssertionError.class, () -> c.removingADestinationMovesFewOthers(five, 0, 7));
  }

  @Test
  void randomPicks_areNotDeterministic() {
    Random shared = new Random(3);
    DeterministicSchedulerContract c = set -> new Naive(set, false, shared);
    List<TestDestination> two = List.of(TestDestination.of(1, 1), TestDestination.of(2, 1));
    assertThrows(AssertionError.class,
        () -> c.freshInstancesPickAlike(two, SchedulerArbitraries.distinctRequests(2, 40)));
  }
}
