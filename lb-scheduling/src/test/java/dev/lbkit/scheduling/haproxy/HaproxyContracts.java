package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Scheduler;
import dev.lbkit.scheduling.testkit.TestDestination;
import java.util.List;

/** Builds a HAProxy backend from test-kit destinations, for the contract properties of each algorithm. */
final class HaproxyContracts {
  private HaproxyContracts() {}

  /**
   * Server {@code d<id>} with id {@code id} (so a server keeps its ring points when others are removed), weight
   * capped at 256, in maint when unavailable, and at maxconn 1 with one request in flight when overloaded.
   */
  static Scheduler backend(String balance, String hashType, List<TestDestination> destinations) {
    HaproxyBackend.Builder b = HaproxyBackend.builder().balance(balance).hashType(hashType);
    for (TestDestination d : destinations) {
      ServerConfig c = ServerConfig.of(d.name(), d.endpoint(), Math.min(d.weight(), ServerConfig.MAX_WEIGHT))
          .withId(d.id());
      b.server(d.overloaded() ? c.withMaxconn(1) : c);
    }
    HaproxyBackend backend = b.build();
    for (TestDestination d : destinations) {
      if (!d.available()) {
        backend.setState(d.name(), ServerState.MAINT);
      }
      if (d.overloaded()) {
        backend.connectionStarted(backend.server(d.name()));
      }
    }
    return backend.scheduler();
  }
}
