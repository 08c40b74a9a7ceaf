package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;

/**
 * IPVS {@code wlc}: weighted least-connection, ipvsadm's default.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_wlc.c}): the kernel starts from the first destination in list order with
 * weight above 0 and no OVERLOAD, then lets each later destination without OVERLOAD replace it when
 * {@code overhead(least) * weight(d) > overhead(d) * weight(least)} in 64-bit arithmetic, where overhead is
 * {@code activeconns * 256 + inactconns}. So it returns the destination with the smallest overhead/weight among those
 * with weight above 0 and no OVERLOAD (a weight-0 destination can never replace, the left side being 0), and on equal
 * ratios the one nearest the list head. Nothing eligible: empty.
 *
 * <p>How: no scan. A heap ordered by the cross-multiplied ratio and then list position holds the eligible
 * destinations; each change re-files one destination in O(log n); the heap top is published after each change and a pick is one volatile read, without the lock.
 */
public final class WlcScheduler extends IndexedIpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "wlc";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public WlcScheduler() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected boolean eligible(IpvsDestination d) {
    return d.weight() > 0 && !d.overloaded();
  }

  @Override
  protected boolean before(IpvsDestination a, IpvsDestination b) {
    return weightedBefore(a.overhead(), a.weight(), a.listSequence(), b.overhead(), b.weight(), b.listSequence());
  }
}
