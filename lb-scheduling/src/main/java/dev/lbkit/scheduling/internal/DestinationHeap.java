package dev.lbkit.scheduling.internal;

import dev.lbkit.scheduling.IpvsDestination;
import java.util.Arrays;

/**
 * An indexed binary min-heap of destinations under a strict total order, so that a least-connection style pick is a
 * peek instead of a scan. Each destination's slot is found through its {@link IpvsDestination#id()}, so a changed key
 * is re-sifted in O(log n) and membership changes are O(log n). Not thread-safe: its owner guards it.
 *
 * <p>The order must be total and consistent with the kernel's scan: the kernel keeps the first destination in list
 * order among those with the best key, so every order here breaks ties by {@link IpvsDestination#listSequence()}.
 */
public final class DestinationHeap {
  /** A strict total order: {@code before(a, b)} when {@code a} must be preferred to {@code b}. */
  @FunctionalInterface
  public interface Order {
    boolean before(IpvsDestination a, IpvsDestination b);
  }

  private final Order order;
  private IpvsDestination[] heap = new IpvsDestination[8];
  private int size;
  private int[] slotById = new int[8];

  public DestinationHeap(Order order) {
    this.order = order;
    Arrays.fill(slotById, -1);
  }

  /** The preferred destination, or null when empty. */
  public IpvsDestination peek() {
    return size == 0 ? null : heap[0];
  }

  public int size() {
    return size;
  }

  public boolean contains(IpvsDestination d) {
    int id = d.id();
    return id < slotById.length && slotById[id] >= 0;
  }

  /** Puts {@code d} in the heap when {@code member}, takes it out otherwise, and re-sifts it after a key change. */
  public void set(IpvsDestination d, boolean member) {
    boolean in = contains(d);
    if (member) {
      if (in) {
        update(d);
      } else {
        add(d);
      }
    } else if (in) {
      remove(d);
    }
  }

  private void add(IpvsDestination d) {
    int id = d.id();
    if (id >= slotById.length) {
      int old = slotById.length;
      slotById = Arrays.copyOf(slotById, Math.max(id + 1, old * 2));
      Arrays.fill(slotById, old, slotById.length, -1);
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = d;
    slotById[id] = size;
    size++;
    siftUp(size - 1);
  }

  private void remove(IpvsDestination d) {
    int i = slotById[d.id()];
    slotById[d.id()] = -1;
    size--;
    if (i == size) {
      heap[size] = null;
      return;
    }
    IpvsDestination last = heap[size];
    heap[size] = null;
    heap[i] = last;
    slotById[last.id()] = i;
    siftDown(i);
    siftUp(slotById[last.id()]);
  }

  private void update(IpvsDestination d) {
    int i = slotById[d.id()];
    siftUp(i);
    siftDown(slotById[d.id()]);
  }

  private void siftUp(int i) {
    IpvsDestination d = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      IpvsDestination p = heap[parent];
      if (!order.before(d, p)) {
        break;
      }
      heap[i] = p;
      slotById[p.id()] = i;
      i = parent;
    }
    heap[i] = d;
    slotById[d.id()] = i;
  }

  private void siftDown(int i) {
    IpvsDestination d = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      IpvsDestination c = heap[child];
      int right = child + 1;
      if (right < size && order.before(heap[right], c)) {
        child = right;
        c = heap[child];
      }
      if (!order.before(c, d)) {
        break;
      }
      heap[i] = c;
      slotById[c.id()] = i;
      i = child;
    }
    heap[i] = d;
    slotById[d.id()] = i;
  }
}
