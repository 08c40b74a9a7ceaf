package dev.lbkit.scheduling.internal;

import dev.lbkit.scheduling.IpvsDestination;
import java.util.Arrays;

/**
 * Weights of destinations by list position in a Fenwick tree, so that "the first destination in list order at
 * which the running weight sum reaches r" is found in O(log n) instead of by walking the list. Not thread-safe.
 *
 * <p>Each destination added takes the next slot number, so slots increase in the order of addition and the kernel
 * list order (newest first) is decreasing slot order. A removed destination's slot keeps weight 0; a re-added one
 * takes a new slot. Slots are renumbered when the tree fills with holes.
 */
public final class WeightTree {
  /** Fenwick sums in 32 bits (the kernel's twos sums weights in an int); see {@link #firstReaching}. */
  private int[] tree = new int[16];
  private long[] weights = new long[16];
  private IpvsDestination[] bySlot = new IpvsDestination[16];
  /** Each slot's connection overhead, mirrored so that a pick need not read the destination objects. */
  private int[] overheadBySlot = new int[16];
  private int[] slotById = new int[16];
  private int used;
  private long total;

  /** Sum of all weights. */
  public long total() {
    return total;
  }

  /** Gives a newly linked destination the next slot, with weight 0. */
  public void link(IpvsDestination d, IpvsDestination[] listHeadFirst) {
    if (used + 1 >= tree.length) {
      grow(listHeadFirst, d);
      return;
    }
    place(d, ++used);
  }

  private void place(IpvsDestination d, int slot) {
    if (d.id() >= slotById.length) {
      slotById = Arrays.copyOf(slotById, Math.max(d.id() + 1, slotById.length * 2));
    }
    slotById[d.id()] = slot;
    bySlot[slot] = d;
    weights[slot] = 0;
    overheadBySlot[slot] = d.overhead();
  }

  /** Sets a linked destination's weight (0 for ineligible). */
  public void set(IpvsDestination d, long weight) {
    int slot = slotById[d.id()];
    long delta = weight - weights[slot];
    if (delta == 0) {
      return;
    }
    weights[slot] = weight;
    total += delta;
    for (int i = slot; i < tree.length; i += i & -i) {
      tree[i] += (int) delta;
    }
  }

  /** Mirrors a linked destination's current overhead. */
  public void setOverhead(IpvsDestination d) {
    overheadBySlot[slotById[d.id()]] = d.overhead();
  }

  /** The destination in a slot. */
  public IpvsDestination destination(int slot) {
    return bySlot[slot];
  }

  /** The weight filed for a slot. */
  public int weight(int slot) {
    return (int) weights[slot];
  }

  /** The overhead mirrored for a slot. */
  public int overhead(int slot) {
    return overheadBySlot[slot];
  }

  /** Unlinks a destination: its weight becomes 0 and its slot a hole. */
  public void unlink(IpvsDestination d) {
    set(d, 0);
    bySlot[slotById[d.id()]] = null;
  }

  /**
   * The first destination in list order (highest slot first) at which the running sum of weights reaches
   * {@code target}, for {@code 1 <= target <= total()}.
   */
  public IpvsDestination firstReaching(long target) {
    return bySlot[slotReaching(target)];
  }

  /** The slot of {@link #firstReaching}. */
  public int slotReaching(long target) {
    if (total > Integer.MAX_VALUE) {
      return slotReachingByScan(target);
    }
    // in list order the running sum up to slot k is total - prefix(k - 1); find the largest m with
    // prefix(m) <= total - target, then slot m + 1 is the first with a positive weight that reaches target.
    // Sums fit 31 bits here; the steps are written without branches (conditional moves) because the
    // comparisons are unpredictable.
    int budget = (int) (total - target);
    int[] t = tree;
    int pos = 0;
    for (int step = Integer.highestOneBit(t.length - 1); step > 0; step >>= 1) {
      int v = t[pos + step];
      boolean take = v <= budget;
      pos = take ? pos + step : pos;
      budget = take ? budget - v : budget;
    }
    return pos + 1;
  }

  /** The same answer by walking slots from the list head, for totals beyond 31 bits (the kernel overflows there). */
  private int slotReachingByScan(long target) {
    long run = 0;
    for (int slot = tree.length - 1; slot >= 1; slot--) {
      run += weights[slot];
      if (weights[slot] > 0 && run >= target) {
        return slot;
      }
    }
    return 0;
  }

  private void grow(IpvsDestination[] listHeadFirst, IpvsDestination adding) {
    int live = listHeadFirst.length + 1;
    int cap = tree.length;
    while (cap < 2 * live + 2) {
      cap *= 2;
    }
    long[] oldWeights = weights;
    int[] oldSlots = slotById;
    tree = new int[cap];
    weights = new long[cap];
    bySlot = new IpvsDestination[cap];
    overheadBySlot = new int[cap];
    total = 0;
    used = 0;
    // renumber the linked destinations from the tail (oldest) to the head, then the new one
    for (int i = listHeadFirst.length - 1; i >= 0; i--) {
      IpvsDestination d = listHeadFirst[i];
      if (d == adding) {
        continue;
      }
      long w = oldWeights[oldSlots[d.id()]];
      place(d, ++used);
      set(d, w);
    }
    place(adding, ++used);
  }
}
