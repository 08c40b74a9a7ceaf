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
 * Picks run under the service lock.
 */
public final class RrScheduler extends IpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "rr";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public RrScheduler() {}

  /** null means the list head. */
  private IpvsDestination cursor;
  /** The cursor's index in the current list; checked before use and recomputed if stale. */
  private int cursorIndex = -1;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    IpvsDestination[] list = list();
    int n = list.length;
    if (cursor == null) {
      for (int i = 0; i < n; i++) {
        IpvsDestination d = list[i];
        if (d.weight() > 0 && !d.overloaded()) {
          cursor = d;
          cursorIndex = i;
          return d;
        }
      }
      return null;
    }
    int start = cursorIndex;
    if (start < 0 || start >= n || list[start] != cursor) {
      start = find(list, cursor);
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
        cursorIndex = i;
        return d;
      }
    }
    return null;
  }

  private static int find(IpvsDestination[] list, IpvsDestination d) {
    for (int i = 0; i < list.length; i++) {
      if (list[i] == d) {
        return i;
      }
    }
    throw new IllegalStateException("rr cursor " + d + " is not in the list");
  }

  @Override
  protected void added(IpvsDestination d) {
    if (cursor != null) {
      cursorIndex++;
    }
  }

  @Override
  protected void removed(IpvsDestination d, int formerIndex) {
    if (cursor == d) {
      cursorIndex = formerIndex - 1;
      cursor = cursorIndex < 0 ? null : list()[cursorIndex];
    } else if (cursor != null && formerIndex < cursorIndex) {
      cursorIndex--;
    }
  }

  @Override
  public Map<String, Object> state() {
    return Map.of("cursor", cursor == null ? "HEAD" : cursor.name());
  }
}
