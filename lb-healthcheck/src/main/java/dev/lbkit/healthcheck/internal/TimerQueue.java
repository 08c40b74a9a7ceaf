package dev.lbkit.healthcheck.internal;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * The event loop's timers, ordered by deadline then by insertion. Owner thread only.
 *
 * <p>Most timers of a health checker share a handful of delays (every target's {@code inter}, every attempt's
 * {@code timeout}), and a deadline is "now + delay" with a clock that never goes back, so timers of one delay
 * arrive already sorted. Those go to a first-in-first-out queue per delay (at most {@value #MAX_FIFOS} delays at a
 * time; an empty queue is taken over by the next new delay, so one-off delays such as random warmups do not keep
 * the recurring ones out):
 * adding and taking are O(1), where a heap of 20,000 timers (10,000 targets: the next check plus the attempt's
 * deadline, most of them cancelled) costs a sift through ~15 levels per take. Other delays, and timers whose
 * deadline was computed on another thread (not ordered with this thread's), go to a binary heap. The earliest
 * timer is the smallest head among the queues and the heap.
 */
final class TimerQueue {
  static final int MAX_FIFOS = 8;

  /**
   * A scheduled task. An entry that is in no queue any more (it ran, or was cancelled and dropped) may be queued
   * again with a new deadline ({@link EventLoop#reschedule}), so a recurring task such as a target's next check
   * costs no new timer and no store of a new object into its owner.
   */
  static final class Entry implements CheckScheduler.Timer, Comparable<Entry> {
    long deadline;
    final Runnable task;
    long seq;
    volatile boolean cancelled;
    /** How many times this entry sits in this queue (owner thread): 0 means it may be queued again. */
    int queued;
    /** The queue of the loop that made it (a timer is queued again only there). */
    TimerQueue owner;

    Entry(long deadline, Runnable task) {
      this.deadline = deadline;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(deadline - o.deadline, 0);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Entry> heap = new PriorityQueue<>();
  private final long[] fifoDelays = new long[MAX_FIFOS];
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: the queues are only ever ArrayDeque<Entry>
  private final ArrayDeque<Entry>[] fifos = new ArrayDeque[MAX_FIFOS];
  private int fifoCount;
  private long seq;

  /**
   * Adds a timer. {@code delayNanos} is what its deadline was computed from, or -1 when the deadline was computed
   * on another thread (the heap keeps it in order).
   */
  void add(Entry e, long delayNanos) {
    e.seq = seq++;
    e.queued++;
    if (delayNanos >= 0) {
      ArrayDeque<Entry> q = fifoFor(delayNanos);
      if (q != null && (q.isEmpty() || q.peekLast().deadline - e.deadline <= 0)) {
        q.addLast(e);
        return;
      }
    }
    heap.add(e);
  }

  /** Whether no timer is queued (a cancelled one counts only while another timer is before it). */
  boolean isEmpty() {
    dropCancelledHeads();
    if (!heap.isEmpty()) {
      return false;
    }
    for (int i = 0; i < fifoCount; i++) {
      if (!fifos[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The earliest deadline of a timer not cancelled; only when not {@link #isEmpty()}. */
  long earliestDeadline() {
    dropCancelledHeads();
    return first().deadline;
  }

  /**
   * Removes cancelled timers from the front of every queue, so that a loop does not wake for them (most attempts'
   * deadlines are cancelled by their result long before they are due).
   */
  private void dropCancelledHeads() {
    while (!heap.isEmpty() && heap.peek().cancelled) {
      heap.poll().queued--;
    }
    for (int i = 0; i < fifoCount; i++) {
      ArrayDeque<Entry> q = fifos[i];
      while (!q.isEmpty() && q.peekFirst().cancelled) {
        q.pollFirst().queued--;
      }
    }
  }

  /** Removes and returns the earliest timer if it is due at {@code now}, else null. */
  Entry pollDue(long now) {
    Entry first = null;
    int from = -1; // -1: the heap
    if (!heap.isEmpty()) {
      first = heap.peek();
    }
    for (int i = 0; i < fifoCount; i++) {
      Entry h = fifos[i].peekFirst();
      if (h != null && (first == null || h.compareTo(first) < 0)) {
        first = h;
        from = i;
      }
    }
    if (first == null || first.deadline - now > 0) {
      return null;
    }
    Entry e = from < 0 ? heap.poll() : fifos[from].pollFirst();
    e.queued--;
    return e;
  }

  void clear() {
    heap.clear();
    for (int i = 0; i < fifoCount; i++) {
      fifos[i].clear();
    }
  }

  private Entry first() {
    Entry first = heap.peek();
    for (int i = 0; i < fifoCount; i++) {
      Entry h = fifos[i].peekFirst();
      if (h != null && (first == null || h.compareTo(first) < 0)) {
        first = h;
      }
    }
    return first;
  }

  private ArrayDeque<Entry> fifoFor(long delayNanos) {
    int empty = -1;
    for (int i = 0; i < fifoCount; i++) {
      if (fifoDelays[i] == delayNanos) {
        return fifos[i];
      }
      if (empty < 0 && fifos[i].isEmpty()) {
        empty = i;
      }
    }
    if (empty >= 0) {
      // a queue whose delay is no longer used (a one-off such as a random warmup) takes the new delay
      fifoDelays[empty] = delayNanos;
      return fifos[empty];
    }
    if (fifoCount < MAX_FIFOS) {
      fifoDelays[fifoCount] = delayNanos;
      fifos[fifoCount] = new ArrayDeque<>();
      return fifos[fifoCount++];
    }
    return null;
  }
}
