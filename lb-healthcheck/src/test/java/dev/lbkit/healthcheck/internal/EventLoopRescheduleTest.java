package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A recurring task's timer is handed back and queued again once it has run, so a target's next check costs no new
 * timer; one still queued is never reused (it is cancelled and a new one made), and a cancelled timer stays
 * cancelled.
 */
final class EventLoopRescheduleTest {
  @Test
  void aTimerThatRan_isQueuedAgain_theSameObject() throws Exception {
    try (EventLoop loop = new EventLoop("reschedule-test", Clock.systemUTC(), false, Duration.ZERO)) {
      List<CheckScheduler.Timer> timers = new ArrayList<>();
      CountDownLatch fiveRuns = new CountDownLatch(5);
      Runnable[] task = new Runnable[1];
      task[0] = () -> {
        fiveRuns.countDown();
        if (fiveRuns.getCount() > 0) {
          timers.add(loop.reschedule(timers.get(timers.size() - 1), Duration.ofMillis(1), task[0]));
        }
      };
      loop.execute(() -> timers.add(loop.reschedule(null, Duration.ofMillis(1), task[0])));
      assertTrue(fiveRuns.await(10, TimeUnit.SECONDS), "the task did not run five times");
      CompletableFuture<List<CheckScheduler.Timer>> seen = new CompletableFuture<>();
      loop.execute(() -> seen.complete(List.copyOf(timers)));
      List<CheckScheduler.Timer> all = seen.get(10, TimeUnit.SECONDS);
      assertEquals(5, all.size());
      for (CheckScheduler.Timer t : all) {
        assertSame(all.get(0), t, "one timer for every run");
      }
    }
  }

  @Test
  void aTimerStillQueued_isCancelledAndReplaced_andACancelledOneDoesNotRun() throws Exception {
    try (EventLoop loop = new EventLoop("reschedule-test", Clock.systemUTC(), false, Duration.ZERO)) {
      List<String> ran = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      Runnable task = () -> ran.add("task");
      CompletableFuture<Boolean> replaced = new CompletableFuture<>();
      loop.execute(() -> {
        CheckScheduler.Timer first = loop.reschedule(null, Duration.ofMillis(50), task);
        CheckScheduler.Timer second = loop.reschedule(first, Duration.ofMillis(100), task); // first still queued
        replaced.complete(first != second);
        CheckScheduler.Timer other = loop.schedule(Duration.ofMillis(10), () -> ran.add("cancelled"));
        other.cancel();
        loop.schedule(Duration.ofMillis(300), () -> {
          ran.add("end");
          done.countDown();
        });
      });
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertTrue(replaced.get(), "a queued timer was reused");
      CompletableFuture<List<String>> seen = new CompletableFuture<>();
      loop.execute(() -> seen.complete(List.copyOf(ran)));
      assertEquals(List.of("task", "end"), seen.get(10, TimeUnit.SECONDS), "the first, cancelled, did not run");
    }
  }

  @Test
  void anotherTasksTimer_orOneFromAnotherScheduler_isNotReused() throws Exception {
    try (EventLoop loop = new EventLoop("reschedule-test", Clock.systemUTC(), false, Duration.ZERO);
        EventLoop other = new EventLoop("reschedule-other", Clock.systemUTC(), false, Duration.ZERO)) {
      CompletableFuture<CheckScheduler.Timer> fromOther = new CompletableFuture<>();
      Runnable task = () -> { };
      other.execute(() -> fromOther.complete(other.schedule(Duration.ZERO, task)));
      CheckScheduler.Timer foreign = fromOther.get(10, TimeUnit.SECONDS);
      Thread.sleep(50); // it has run on the other loop
      CompletableFuture<List<CheckScheduler.Timer>> got = new CompletableFuture<>();
      loop.execute(() -> {
        CheckScheduler.Timer mine = loop.schedule(Duration.ZERO, () -> { });
        loop.schedule(Duration.ofMillis(20), () -> got.complete(List.of(mine,
            loop.reschedule(mine, Duration.ofMillis(1), task), loop.reschedule(foreign, Duration.ofMillis(1), task))));
      });
      List<CheckScheduler.Timer> t = got.get(10, TimeUnit.SECONDS);
      assertNotSame(t.get(0), t.get(1), "another task's timer");
      assertNotSame(foreign, t.get(2), "another loop's timer");
    }
  }
}
