package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.internal.WeightSnapshot;
import java.util.Map;

/**
 * IPVS {@code rr}: round robin.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_rr.c}): the state is a cursor that is either the list head or the
 * destination picked last. A pick scans from the destination after the cursor to the end of the list, then wraps
 * and scans from the first destination up to and including the cursor's own destination, which is checked last;
 * from the head it scans the list once. The first destination with weight above 0 and without OVERLOAD is returned
 * and becomes the cursor; when none qualifies the result is empty and the cursor stays. Connection counts and the
 * size of weights do not matter.
 *
 * <p>Removing the cursor's destination moves the cursor to its predecessor in the list (or the head), the way the
 * kernel steps back through the unlinked entry's successor. Adds and edits leave the cursor alone; a new destination
 * at the list head is therefore reached only after the scan wraps.
 *
 * <p>Cost: O(1) per pick while destinations are eligible; a run of ineligible ones is scanned, as in the kernel.
 * Picks take no lock (see {@link #lockFreePicks()}).
 */
public final class RrScheduler extends IpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "rr";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public RrScheduler() {}

  /** The list with effective weights; replaced when the list changes. */
  private volatile WeightSnapshot snap = new WeightSnapshot(new IpvsDestination[0]);
  /**
   * The cursor: the index of the destination picked last, -1 for the list head. A plain field: a pick reads and
   * writes it without the lock, and list changes shift it under the lock.
   */
  private int cursor = -1;

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Picks without the service lock: the list and its weights are one snapshot and the cursor one int. Threads racing
   * on the cursor may both move past the same destination, or a list change may shift a cursor a racing pick
   * overwrites (the kernel serialises with a spinlock); a single thread, and every trace, sees the kernel's exact
   * sequence.
   */
  @Override
  protected boolean lockFreePicks() {
    return true;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    WeightSnapshot s = snap;
    int[] w = s.weights;
    int n = w.length;
    int start = cursor;
    if (start >= n) {
      start = -1;
    }
    if (start < 0) {
      for (int i = 0; i < n; i++) {
        if (w[i] > 0) {
          cursor = i;
          return s.list[i];
        }
      }
      return null;
    }
    // after the cursor to the end, then from the head up to and including the cursor
    for (int i = start + 1; i < n; i++) {
      if (w[i] > 0) {
        cursor = i;
        return s.list[i];
      }
    }
    for (int i = 0; i <= start; i++) {
      if (w[i] > 0) {
        cursor = i;
        return s.list[i];
      }
    }
    return null;
  }

  @Override
  protected void added(IpvsDestination d) {
    snap = new WeightSnapshot(list());
    if (cursor >= 0) {
      cursor++;
    }
  }

  @Override
  protected void removed(IpvsDestination d, int formerIndex) {
    snap = new WeightSnapshot(list());
    if (cursor == formerIndex) {
      cursor = formerIndex - 1;
    } else if (cursor > formerIndex) {
      cursor--;
    }
  }

  @Override
  protected void edited(IpvsDestination d) {
    snap.update(d);
  }

  @Override
  protected void countersChanged(IpvsDestination d) {
    snap.update(d);
  }

  @Override
  public Map<String, Object> state() {
    int c = cursor;
    return Map.of("cursor", c < 0 ? "HEAD" : snap.list[c].name());
  }
}
