package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
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

  /** The destination picked last; null means the list head. */
  private volatile IpvsDestination cursor;

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Picks without the service lock: the cursor is one volatile reference and the list an immutable snapshot. Threads
   * racing on the same cursor may both move past the same destination (the kernel serialises them with a spinlock);
   * a single thread, and every trace, sees the exact kernel sequence.
   */
  @Override
  protected boolean lockFreePicks() {
    return true;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    IpvsDestination[] list = list();
    int n = list.length;
    IpvsDestination c = cursor;
    int start = -1;
    if (c != null) {
      start = c.listIndex();
      if (start < 0 || start >= n || list[start] != c) {
        start = find(list, c);
      }
    }
    if (start < 0) {
      for (int i = 0; i < n; i++) {
        IpvsDestination d = list[i];
        if (d.weight() > 0 && !d.overloaded()) {
          cursor = d;
          return d;
        }
      }
      return null;
    }
    // after the cursor to the end, then from the head up to and including the cursor
    for (int k = 1; k <= n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      IpvsDestination d = list[i];
      if (d.weight() > 0 && !d.overloaded()) {
        cursor = d;
        return d;
      }
    }
    return null;
  }

  /** The index of d, or -1 when a concurrent removal unlinked it (then the scan starts at the head). */
  private static int find(IpvsDestination[] list, IpvsDestination d) {
    for (int i = 0; i < list.length; i++) {
      if (list[i] == d) {
        return i;
      }
    }
    return -1;
  }

  @Override
  protected void removed(IpvsDestination d, int formerIndex) {
    if (cursor == d) {
      cursor = formerIndex == 0 ? null : list()[formerIndex - 1];
    }
  }

  @Override
  public Map<String, Object> state() {
    return Map.of("cursor", cursor == null ? "HEAD" : cursor.name());
  }
}
