package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.internal.DestinationHeap;

/**
 * IPVS {@code nq}: never queue.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_nq.c}): scanning in list order over destinations with weight other than 0
 * and no OVERLOAD, the first one with no active connection is returned at once, whatever its weight; if none is
 * idle, the sed choice: the smallest {@code (activeconns + 1) / weight}, 64-bit cross-multiplied, strict, so the one
 * nearest the list head wins a tie. Nothing eligible: empty.
 *
 * <p>How: no scan. Two heaps: the idle eligible destinations by list position, and all eligible ones in sed order;
 * the answer is published after each change and a pick is one volatile read.
 */
public final class NqScheduler extends IndexedIpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "nq";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public NqScheduler() {}

  private final DestinationHeap idle = new DestinationHeap((a, b) -> a.listSequence() < b.listSequence());

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
    // nq's overheads are unsigned ints widened to 64 bits
    return weightedBefore(Integer.toUnsignedLong(a.activeConnections() + 1), a.weight(), a.listSequence(),
        Integer.toUnsignedLong(b.activeConnections() + 1), b.weight(), b.listSequence());
  }

  @Override
  protected void refile(IpvsDestination d) {
    idle.set(d, d.available() && eligible(d) && d.activeConnections() == 0);
    super.refile(d);
  }

  @Override
  protected IpvsDestination best() {
    IpvsDestination d = idle.peek();
    return d != null ? d : heap.peek();
  }
}
