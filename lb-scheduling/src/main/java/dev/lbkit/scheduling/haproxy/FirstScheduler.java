package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.util.Comparator;
import java.util.TreeSet;

/** HAProxy {@code balance first}: the lowest-id server that still has a free connection slot. */
public final class FirstScheduler extends HaproxyScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "first";

  /*
   * HAProxy's lb_fas.c, re-expressed: usable servers ordered by numeric id; a pick takes the first one below its
   * maxconn (a server without maxconn is never full), so load fills servers one after another and idle ones can be
   * powered down. Weights only matter through weight 0, which makes a server unusable.
   */
  private static final Comparator<HaproxyServer> BY_ID = Comparator.comparingInt(HaproxyServer::id);

  private final TreeSet<HaproxyServer> active = new TreeSet<>(BY_ID);
  private final TreeSet<HaproxyServer> backup = new TreeSet<>(BY_ID);

  FirstScheduler(HaproxyBackend backend) {
    super(backend);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  void init() {
    for (HaproxyServer s : backend.servers()) {
      if (s.usable) {
        (s.backup() ? backup : active).add(s);
      }
    }
  }

  @Override
  HaproxyServer select(Request request, byte[] body) {
    return firstNotFull(active, backup);
  }

  @Override
  void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    TreeSet<HaproxyServer> tree = s.backup() ? backup : active;
    if (s.usable) {
      tree.add(s);
    } else {
      tree.remove(s);
    }
  }
}
