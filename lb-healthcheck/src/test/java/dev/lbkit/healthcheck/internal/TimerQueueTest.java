package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class TimerQueueTest {
  private final List<String> ran = new ArrayList<>();

  private TimerQueue.Entry entry(long deadline, String name) {
    return new TimerQueue.Entry(deadline, () -> ran.add(name));
  }

  private void drain(TimerQueue q, long now) {
    TimerQueue.Entry e;
    while ((e = q.pollDue(now)) != null) {
      e.task.run();
    }
  }

  @Test
  void pollDue_takesDeadlineOrderAcrossQueuesAndHeap_tiesInInsertionOrder() {
    TimerQueue q = new TimerQueue();
    q.add(entry(1000, "a:1000"), 1000); // deadline "0 + 1000"
    q.add(entry(500, "heap:500"), -1); // from another thread
    q.add(entry(700, "b:700"), 200); // another delay
    q.add(entry(1000, "c:1000"), 200); // same delay, later
    q.add(entry(1000, "heap:1000"), -1);
    q.add(entry(1500, "a:1500"), 1000);
    assertEquals(500, q.earliestDeadline());
    assertNull(q.pollDue(499));
    drain(q, 1000);
    assertEquals(List.of("heap:500", "b:700", "a:1000", "c:1000", "heap:1000"), ran);
    assertFalse(q.isEmpty());
    drain(q, 2000);
    assertEquals("a:1500", ran.get(ran.size() - 1));
    assertTrue(q.isEmpty());
  }

  @Test
  void manyDelays_andOutOfOrderDeadlines_fallBackToTheHeap_andStayOrdered() {
    TimerQueue q = new TimerQueue();
    Random random = new Random(7);
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      long delay = random.nextInt(20) * 10L; // more distinct delays than FIFO queues
      long deadline = random.nextInt(100_000);
      q.add(new TimerQueue.Entry(deadline, () -> { }), delay);
      expected.add(deadline);
    }
    expected.sort(null);
    List<Long> got = new ArrayList<>();
    TimerQueue.Entry e;
    while ((e = q.pollDue(Long.MAX_VALUE / 4)) != null) {
      got.add(e.deadline);
    }
    assertEquals(expected, got);
  }

  @Test
  void oneOffDelays_doNotKeepARecurringDelayOutOfTheQueues() {
    TimerQueue q = new TimerQueue();
    for (int i = 0; i < 2 * TimerQueue.MAX_FIFOS; i++) {
      q.add(entry(10 + i, "warmup" + i), 10 + i); // random warmups: one timer per delay
    }
    drain(q, 1000);
    q.add(entry(2000, "inter"), 1000);
    q.add(entry(1500, "out-of-order"), 1000); // earlier than the queue's tail: must not be queued behind it
    q.add(entry(2000, "timeout"), 1000);
    ran.clear();
    drain(q, 3000);
    assertEquals(List.of("out-of-order", "inter", "timeout"), ran);
  }

  @Test
  void cancelledTimersAtTheFront_doNotCountAsTheEarliest() {
    TimerQueue q = new TimerQueue();
    TimerQueue.Entry deadline = entry(100, "deadline");
    q.add(deadline, 100); // an attempt's deadline, cancelled by its result
    q.add(entry(50, "heap"), -1);
    TimerQueue.Entry next = entry(1000, "next check");
    q.add(next, 1000);
    deadline.cancel();
    assertEquals(50, q.earliestDeadline());
    drain(q, 60);
    assertEquals(1000, q.earliestDeadline(), "the loop must not wake at 100 for a cancelled deadline");
    next.cancel();
    assertTrue(q.isEmpty());
    assertEquals(List.of("heap"), ran);
  }
}
