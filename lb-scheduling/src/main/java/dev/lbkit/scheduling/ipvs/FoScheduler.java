package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;

/**
 * IPVS {@code fo}: weighted failover.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_fo.c}): the destination with the highest weight among those without
 * OVERLOAD and with weight above 0; the kernel's strict {@code >} keeps the one nearest the list head on a tie.
 * Connections are ignored. Nothing eligible: empty.
 *
 * <p>How: no scan; a heap ordered by (weight descending, list position), re-filed on weight and flag changes;
 * a pick is one volatile read of the published top.
 */
public final class FoScheduler extends IndexedIpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "fo";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public FoScheduler() {}

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
    int aw = a.weight();
    int bw = b.weight();
    return aw > bw || (aw == bw && a.listSequence() < b.listSequence());
  }
}
