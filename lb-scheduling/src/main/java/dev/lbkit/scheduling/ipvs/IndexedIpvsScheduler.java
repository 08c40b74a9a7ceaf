package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.internal.DestinationHeap;

/**
 * An IPVS scheduler that answers from a {@link DestinationHeap} of the eligible linked destinations instead of
 * scanning the list. Subclasses give the order (their kernel formula, ties to the list head) and the eligibility
 * rule; every hook re-files the one destination that changed (O(log n)) and publishes the new answer, so a pick
 * is a single volatile read.
 */
abstract class IndexedIpvsScheduler extends IpvsScheduler {
  protected final DestinationHeap heap;
  /** The current answer, recomputed after every change and read by picks without the lock. */
  private volatile IpvsDestination top;

  protected IndexedIpvsScheduler() {
    heap = new DestinationHeap(this::before);
  }

  /** Strict total order: whether {@code a} wins over {@code b}; ties must go to the smaller list sequence. */
  protected abstract boolean before(IpvsDestination a, IpvsDestination b);

  /** Whether a linked destination may be picked at all. */
  protected abstract boolean eligible(IpvsDestination d);

  /** Re-files one destination after any change and republishes the answer. */
  protected void refile(IpvsDestination d) {
    heap.set(d, d.available() && eligible(d));
    top = best();
  }

  /** The pick for the current state, computed under the lock. */
  protected IpvsDestination best() {
    return heap.peek();
  }

  /**
   * A pick is one volatile read of the answer the last change computed, so picks take no lock. A pick racing with
   * a change sees the answer from just before or just after it, much as the kernel's lockless readers do.
   */
  @Override
  protected boolean lockFreePicks() {
    return true;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    return top;
  }

  @Override
  protected void added(IpvsDestination d) {
    refile(d);
  }

  @Override
  protected void removed(IpvsDestination d, int formerIndex) {
    refile(d);
  }

  @Override
  protected void edited(IpvsDestination d) {
    refile(d);
  }

  @Override
  protected void countersChanged(IpvsDestination d) {
    refile(d);
  }

  /** {@code a.x * b.w} versus {@code b.x * a.w} in 64 bits, then list order: the kernel's weighted comparison. */
  public static boolean weightedBefore(long ax, int aw, long aseq, long bx, int bw, long bseq) {
    long l = ax * bw;
    long r = bx * aw;
    return l < r || (l == r && aseq < bseq);
  }
}
