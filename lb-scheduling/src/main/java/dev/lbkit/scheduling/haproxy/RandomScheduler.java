package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.util.random.RandomGenerator;

/** HAProxy {@code balance random(draws)}: the least loaded of a few random picks on the consistent ring. */
public final class RandomScheduler extends HaproxyScheduler {
  /** The algorithm's name in {@code balance}, without its argument. */
  public static final String NAME = "random";

  /*
   * backend.c get_server_rnd, re-expressed: each draw looks a random 32-bit key up on the consistent ring (so
   * weights count); a later draw replaces the best so far unless its served/eweight is strictly larger. A result
   * at maxconn means "no server" (HAProxy queues the request). The generator is injected so that tests and
   * simulations are reproducible.
   */
  private final int draws;
  private final RandomGenerator random;
  private final ChashRing ring;

  RandomScheduler(HaproxyBackend backend, int draws, RandomGenerator random) {
    super(backend);
    this.draws = draws;
    this.random = random;
    this.ring = new ChashRing(backend);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The number of draws per pick. */
  public int draws() {
    return draws;
  }

  @Override
  void init() {
    ring.init();
  }

  @Override
  HaproxyServer select(Request request, byte[] body) {
    if (backend.totWeight == 0) {
      return null;
    }
    HaproxyServer curr = null;
    for (int d = 0; d < draws; d++) {
      HaproxyServer prev = curr;
      curr = ring.byHash(random.nextInt() & HashFunction.MASK);
      if (curr == null) {
        break;
      }
      if (prev != null && prev != curr && (long) curr.served() * prev.eweight > (long) prev.served() * curr.eweight) {
        curr = prev;
      }
    }
    if (curr != null && curr.full()) {
      return null;
    }
    return curr;
  }

  @Override
  void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    ring.serverChanged(s, wasUsable, oldEweight);
  }
}
