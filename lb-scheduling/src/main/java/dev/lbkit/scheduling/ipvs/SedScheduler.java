package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;

/**
 * IPVS {@code sed}: shortest expected delay.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_sed.c}): as wlc, with overhead {@code activeconns + 1} (inactive
 * connections are ignored): the destination with the smallest {@code (activeconns + 1) / weight} among those with
 * weight above 0 and no OVERLOAD, compared by 64-bit cross-multiplication with strict {@code >}, so the one nearest
 * the list head wins a tie. Nothing eligible: empty.
 *
 * <p>How: no scan; a heap ordered by that ratio and list position, re-filed on each change; a pick reads the published top without the lock.
 */
public final class SedScheduler extends IndexedIpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "sed";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public SedScheduler() {}

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
    return weightedBefore(a.activeConnections() + 1L, a.weight(), a.listSequence(),
        b.activeConnections() + 1L, b.weight(), b.listSequence());
  }
}
