package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;

/**
 * IPVS {@code ovf}: weighted overflow.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_ovf.c}): a destination is eligible without OVERLOAD, with weight other
 * than 0 and with {@code activeconns <= weight} (equal still counts; inactive connections do not). Among those, the
 * highest weight; the one nearest the list head wins a tie. Nothing eligible: empty.
 *
 * <p>How: no scan; a heap ordered by (weight descending, list position) holds exactly the eligible destinations,
 * and a connection count crossing the weight moves a destination in or out in O(log n).
 */
public final class OvfScheduler extends IndexedIpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "ovf";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public OvfScheduler() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected boolean eligible(IpvsDestination d) {
    int w = d.weight();
    return w != 0 && !d.overloaded() && d.activeConnections() <= w;
  }

  @Override
  protected boolean before(IpvsDestination a, IpvsDestination b) {
    int aw = a.weight();
    int bw = b.weight();
    return aw > bw || (aw == bw && a.listSequence() < b.listSequence());
  }
}
