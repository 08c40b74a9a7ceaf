package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import dev.lbkit.api.sched.Scheduler;
import java.util.Optional;

/**
 * The scheduler of a {@link HaproxyBackend}: one subclass per {@code balance} algorithm. A pick chooses a server
 * and moves the algorithm's own state (round-robin positions, fallback cursors) exactly as HAProxy does; it does
 * not count a request in flight: call {@link HaproxyBackend#connectionStarted} when the request is sent.
 *
 * <p>Thread safety: picks may run from any thread; they are serialised with the backend's changes.
 */
public abstract class HaproxyScheduler implements Scheduler {
  private static final byte[] NO_BODY = new byte[0];

  final HaproxyBackend backend;

  HaproxyScheduler(HaproxyBackend backend) {
    this.backend = backend;
  }

  /** The backend whose servers this scheduler picks from. */
  public HaproxyBackend backend() {
    return backend;
  }

  @Override
  public Optional<Destination> pick(Flow flow) {
    return pick(Request.of(flow));
  }

  @Override
  public Optional<Destination> pick(Request request) {
    return pickServer(request, NO_BODY).map(s -> s);
  }

  /** Like {@link #pick(Request)}, typed. */
  public Optional<HaproxyServer> pickServer(Request request) {
    return pickServer(request, NO_BODY);
  }

  /**
   * Picks for a request whose body has (partly) arrived: {@code url_param} searches POST bodies; other algorithms
   * ignore it.
   *
   * @param body the body bytes received when the server is chosen, empty when none
   */
  public Optional<HaproxyServer> pickServer(Request request, byte[] body) {
    synchronized (backend.lock) {
      return Optional.ofNullable(select(request, body));
    }
  }

  /** Chooses a server, or null; called with the backend's lock held. */
  abstract HaproxyServer select(Request request, byte[] body);

  /** Builds the initial state from the servers' configuration; called once with the lock held. */
  abstract void init();

  /** A server's usability or effective weight changed; backend totals are already recounted. */
  abstract void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight);

  /**
   * The first server not at maxconn of the group in use, for algorithms that keep usable servers in one ordered
   * set per group: the active set while any active server is usable, else the first usable backup alone (unless
   * {@code option allbackups}), else the backup set.
   */
  final HaproxyServer firstNotFull(Iterable<HaproxyServer> active, Iterable<HaproxyServer> backup) {
    Iterable<HaproxyServer> tree;
    if (backend.srvAct > 0) {
      tree = active;
    } else if (backend.fbck != null) {
      return backend.fbck;
    } else if (backend.srvBck > 0) {
      tree = backup;
    } else {
      return null;
    }
    for (HaproxyServer s : tree) {
      if (!s.full()) {
        return s;
      }
    }
    return null;
  }

  /** A server's in-flight count changed. */
  void connectionChanged(HaproxyServer s) {}

  @Override
  public String toString() {
    return name();
  }
}
