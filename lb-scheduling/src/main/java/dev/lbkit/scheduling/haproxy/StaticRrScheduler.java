package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;

/** HAProxy {@code balance static-rr}: weighted round robin over a static table; weights change only to 0 and back. */
public final class StaticRrScheduler extends HaproxyScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "static-rr";

  /*
   * The map-based table of lb_map.c (see MapTable): weights reduced by their GCD, one slot per unit, spread
   * evenly; a round-robin index walks it, skipping servers at maxconn. A server going down or up rebuilds the
   * table but keeps the index, so the rotation goes on where it was.
   */
  private final MapTable map;

  StaticRrScheduler(HaproxyBackend backend) {
    super(backend);
    this.map = new MapTable(backend);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  void init() {
    map.invalidate();
  }

  @Override
  HaproxyServer select(Request request, byte[] body) {
    return map.next();
  }

  @Override
  void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    map.invalidate();
  }
}
