package dev.lbkit.scheduling.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.sched.Request;
import dev.lbkit.api.sched.Scheduler;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** For schedulers without randomness: two fresh instances fed the same requests pick the same destinations. */
public interface DeterministicSchedulerContract extends SchedulerContract {

  @Property(tries = 100)
  default void freshInstancesPickAlike(@ForAll(supplier = DestinationSets.class) List<TestDestination> set,
      @ForAll(supplier = Requests.class) List<Request> requests) {
    assertEquals(picks(create(set), requests), picks(create(set), requests), "picks over " + set);
  }

  private static List<String> picks(Scheduler s, List<Request> requests) {
    List<String> out = new ArrayList<>();
    for (Request r : requests) {
      out.add(s.pick(r).map(d -> d.endpoint().toString()).orElse("-"));
    }
    return out;
  }
}
