package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.util.Comparator;
import java.util.TreeSet;

/** HAProxy {@code balance leastconn}: the server with the fewest requests in flight per unit of weight. */
public final class LeastconnScheduler extends HaproxyScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "leastconn";

  /*
   * HAProxy's lb_fwlc.c, re-expressed. Usable servers sit in one ordered set per group keyed by 0 when idle, else
   * (inflight + 1) * 4096 / eweight; a pick takes the first server that is not at maxconn. A server is moved
   * behind the others of equal key whenever its key changes (a request starts or ends there) and on any weight
   * change, so idle servers of any weight rotate in declaration order when requests are short. Picking does not
   * move anything: the backend's connectionStarted does.
   */
  private static final long EWEIGHT_MAX = 4096;

  private static final Comparator<HaproxyServer> ORDER =
      Comparator.<HaproxyServer>comparingLong(s -> s.treeKey).thenComparingLong(s -> s.treeSeq);

  private final TreeSet<HaproxyServer> active = new TreeSet<>(ORDER);
  private final TreeSet<HaproxyServer> backup = new TreeSet<>(ORDER);
  private long seq;

  LeastconnScheduler(HaproxyBackend backend) {
    super(backend);
  }

  @Override
  public String name() {
    return NAME;
  }

  private static long key(HaproxyServer s) {
    int inflight = s.served();
    return inflight == 0 ? 0 : (inflight + 1L) * EWEIGHT_MAX / s.eweight;
  }

  private void queue(HaproxyServer s) {
    TreeSet<HaproxyServer> tree = s.backup() ? backup : active;
    s.treeKey = key(s);
    s.treeSeq = seq++;
    tree.add(s);
    s.tree = tree;
  }

  private void dequeue(HaproxyServer s) {
    if (s.tree != null) {
      s.tree.remove(s);
      s.tree = null;
    }
  }

  @Override
  void init() {
    for (HaproxyServer s : backend.servers()) {
      if (s.usable) {
        queue(s);
      }
    }
  }

  @Override
  HaproxyServer select(Request request, byte[] body) {
    return firstNotFull(active, backup);
  }

  @Override
  void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    dequeue(s);
    if (s.usable) {
      queue(s);
    }
  }

  @Override
  void connectionChanged(HaproxyServer s) {
    if (s.tree != null && key(s) != s.treeKey) {
      dequeue(s);
      queue(s);
    }
  }
}
