package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The event loop's timer slack: timers due close together run in one wakeup, never before their deadline. */
final class EventLoopSlackTest {
  @Test
  void wakeAt_isTheFirstSlackMultipleNotBeforeTheDeadline() {
    assertEquals(1234, EventLoop.wakeAt(1234, 0, 0), "no slack: the deadline itself");
    assertEquals(4000, EventLoop.wakeAt(1, 0, 4000));
    assertEquals(4000, EventLoop.wakeAt(4000, 0, 4000), "on the grid: not a whole slack later");
    assertEquals(8000, EventLoop.wakeAt(4001, 0, 4000));
    assertEquals(1000 + 8000, EventLoop.wakeAt(1000 + 4001, 1000, 4000), "counted from the origin");
    assertEquals(-4000, EventLoop.wakeAt(-4500 + 1, 0, 4000), "nanoTime may be negative");
    long origin = Long.MAX_VALUE - 10; // nanoTime may wrap: only differences count
    assertEquals(origin + 8000, EventLoop.wakeAt(origin + 5000, origin, 4000));
  }

  @Test
  void withSlack_timersRunNeverBeforeTheirDeadline() throws Exception {
    try (EventLoop loop = new EventLoop("slack-test", Clock.systemUTC(), false, Duration.ofMillis(20))) {
      int n = 30;
      long[] due = new long[n];
      long[] ran = new long[n];
      CountDownLatch all = new CountDownLatch(n);
      loop.execute(() -> {
        for (int i = 0; i < n; i++) {
          int k = i;
          due[k] = loop.nanoTime() + TimeUnit.MILLISECONDS.toNanos(k);
          loop.schedule(Duration.ofMillis(k), () -> {
            ran[k] = System.nanoTime();
            all.countDown();
          });
        }
      });
      assertTrue(all.await(10, TimeUnit.SECONDS), "timers did not run");
      for (int i = 0; i < n; i++) {
        assertTrue(ran[i] - due[i] >= 0, "timer " + i + " ran " + (due[i] - ran[i]) + " ns early");
      }
    }
  }

  @Test
  void slackOutOfRange_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new EventLoop("bad", Clock.systemUTC(), false, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> new EventLoop("bad", Clock.systemUTC(), false, Duration.ofSeconds(2)));
  }
}
