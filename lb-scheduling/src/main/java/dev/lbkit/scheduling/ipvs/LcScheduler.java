package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;

/**
 * IPVS {@code lc}: least-connection.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_lc.c}): among destinations with weight other than 0 and without OVERLOAD,
 * the one with the smallest overhead {@code activeconns * 256 + inactconns} ({@code ip_vs_dest_conn_overhead}); the
 * kernel's scan keeps the earlier one on a tie (strict {@code <}), so the destination nearest the list head wins.
 * Weights matter only through being 0. Nothing eligible: empty.
 *
 * <p>How: no scan. The eligible destinations sit in a heap ordered by (overhead, list position), re-filed in
 * O(log n) whenever a counter, flag or weight of one of them changes; the heap top is published after each change and a pick is one volatile read, without the lock.
 */
public final class LcScheduler extends IndexedIpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "lc";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public LcScheduler() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected boolean eligible(IpvsDestination d) {
    return d.weight() != 0 && !d.overloaded();
  }

  @Override
  protected boolean before(IpvsDestination a, IpvsDestination b) {
    // the kernel keeps overheads in unsigned ints here
    int c = Integer.compareUnsigned(a.overhead(), b.overhead());
    return c < 0 || (c == 0 && a.listSequence() < b.listSequence());
  }
}
