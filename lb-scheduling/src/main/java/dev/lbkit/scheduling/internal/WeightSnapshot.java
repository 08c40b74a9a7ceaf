package dev.lbkit.scheduling.internal;

import dev.lbkit.scheduling.IpvsDestination;

/**
 * A destination list with each entry's "effective weight" beside it in a dense array: the weight, or -1 while the
 * destination has OVERLOAD. Scanning schedulers (rr, wrr) test {@code w[i] > 0} or {@code w[i] >= cw} without
 * touching the destination objects, which keeps a scan in one cache line per 16 destinations.
 *
 * <p>A new snapshot is made when the list changes; a weight or flag change updates one entry in place (its owner
 * does that under the service lock). Readers without the lock may see an entry a moment old, as the kernel's
 * lockless readers may.
 */
public final class WeightSnapshot {
  public final IpvsDestination[] list;
  public final int[] weights;

  public WeightSnapshot(IpvsDestination[] list) {
    this.list = list;
    this.weights = new int[list.length];
    for (int i = 0; i < list.length; i++) {
      weights[i] = effective(list[i]);
    }
  }

  /** Re-reads one destination if it is in this snapshot. */
  public void update(IpvsDestination d) {
    int i = d.listIndex();
    if (i >= 0 && i < list.length && list[i] == d) {
      weights[i] = effective(d);
    }
  }

  /** The weight, or -1 with OVERLOAD. */
  public static int effective(IpvsDestination d) {
    return d.overloaded() ? -1 : d.weight();
  }
}
