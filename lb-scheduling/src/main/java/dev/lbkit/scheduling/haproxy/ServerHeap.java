package dev.lbkit.scheduling.haproxy;

import java.util.Arrays;

/**
 * A binary min-heap of servers ordered by {@code (treeKey, treeSeq)}, with removal of any member: the ordered set
 * HAProxy's fwrr keeps in an ebtree, where equal keys come out in insertion order (treeSeq). Each server records its
 * heap and position, so it can be in at most one heap. Not thread-safe; guarded by the backend's lock.
 */
final class ServerHeap {
  private HaproxyServer[] items = new HaproxyServer[8];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  HaproxyServer first() {
    return size == 0 ? null : items[0];
  }

  void add(HaproxyServer s) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    s.heap = this;
    s.heapIndex = size;
    items[size++] = s;
    up(s.heapIndex);
  }

  void remove(HaproxyServer s) {
    if (s.heap != this) {
      return;
    }
    int i = s.heapIndex;
    HaproxyServer last = items[--size];
    items[size] = null;
    s.heap = null;
    if (i < size) {
      items[i] = last;
      last.heapIndex = i;
      if (!up(i)) {
        down(i);
      }
    }
  }

  private static boolean less(HaproxyServer a, HaproxyServer b) {
    return a.treeKey < b.treeKey || (a.treeKey == b.treeKey && a.treeSeq < b.treeSeq);
  }

  private boolean up(int i) {
    HaproxyServer s = items[i];
    int start = i;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(s, items[parent])) {
        break;
      }
      items[i] = items[parent];
      items[i].heapIndex = i;
      i = parent;
    }
    items[i] = s;
    s.heapIndex = i;
    return i != start;
  }

  private void down(int i) {
    HaproxyServer s = items[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && less(items[child + 1], items[child])) {
        child++;
      }
      if (!less(items[child], s)) {
        break;
      }
      items[i] = items[child];
      items[i].heapIndex = i;
      i = child;
    }
    items[i] = s;
    s.heapIndex = i;
  }
}
