package dev.lbkit.healthcheck.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A {@link CheckScheduler} whose time moves only by {@link #advance}: tasks run on the thread that advances it, in
 * deadline order (ties in scheduling order), each at its own instant. Behind the public
 * {@link dev.lbkit.healthcheck.ManualClock}; engine tests use it directly.
 *
 * <p>Not thread-safe: schedule, advance and read it from one thread.
 */
public final class ManualScheduler implements CheckScheduler {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private final Instant start;
  private long now;
  private long seq;
  private boolean advancing;

  private static final class Task implements Timer, Comparable<Task> {
    final long at;
    final long seq;
    final Runnable run;
    boolean cancelled;

    Task(long at, long seq, Runnable run) {
      this.at = at;
      this.seq = seq;
      this.run = run;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** Starts at 2026-01-01T00:00:00Z. */
  public ManualScheduler() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Starts at {@code start} (the wall-clock time of events). */
  public ManualScheduler(Instant start) {
    this.start = requireNonNull(start, "start");
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Instant now() {
    return start.plusNanos(now);
  }

  /** Time elapsed since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(now);
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Task t = new Task(now + Math.max(0, EventLoop.saturatedNanos(delay)), seq++, requireNonNull(task, "task"));
    tasks.add(t);
    return t;
  }

  /**
   * Runs every task due within {@code d}, in order, moving time to each task's deadline; then to now + d.
   *
   * @throws IllegalArgumentException if {@code d} is negative
   * @throws IllegalStateException if called from a task this scheduler is running
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time cannot go back, but the step was " + d);
    }
    if (advancing) {
      throw new IllegalStateException("advance called from a task or listener the clock is running");
    }
    advancing = true;
    try {
      long end = now + EventLoop.saturatedNanos(d);
      while (!tasks.isEmpty() && tasks.peek().at <= end) {
        Task t = tasks.poll();
        if (t.cancelled) {
          continue;
        }
        now = Math.max(now, t.at);
        t.run.run();
      }
      now = end;
    } finally {
      advancing = false;
    }
  }

  /** Runs what is due now. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Tasks waiting, cancelled ones included until their time comes. */
  public int pending() {
    return tasks.size();
  }
}
