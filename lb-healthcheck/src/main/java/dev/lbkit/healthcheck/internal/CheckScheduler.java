package dev.lbkit.healthcheck.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Time and timers for the engine: the event loop in production, a hand-moved fake in tests, so an hour of
 * checking runs in a millisecond. Tasks run on the scheduler's one thread, in deadline order.
 */
public interface CheckScheduler {

  /** A monotonic time in nanoseconds, for intervals and deadlines. */
  long nanoTime();

  /** Wall-clock time, for event timestamps. */
  Instant now();

  /** Runs {@code task} after {@code delay} (zero or negative: as soon as possible). May be called from any thread. */
  Timer schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} after {@code delay} as {@link #schedule} does, first cancelling {@code previous} (a timer this
   * scheduler returned for the same task, or null). A scheduler may hand {@code previous} back, queued again, when
   * it has run or been dropped, so a recurring task costs no new timer: callers keep the timer returned. Scheduler
   * thread only.
   */
  default Timer reschedule(Timer previous, Duration delay, Runnable task) {
    if (previous != null) {
      previous.cancel();
    }
    return schedule(delay, task);
  }

  /** Runs {@code task} on the scheduler's thread as soon as possible. May be called from any thread. */
  default void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  /** A scheduled task. */
  interface Timer {
    /** Stops the task from running if it has not started. Idempotent. */
    void cancel();
  }
}
