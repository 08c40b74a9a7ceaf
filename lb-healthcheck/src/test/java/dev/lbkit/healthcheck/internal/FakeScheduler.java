package dev.lbkit.healthcheck.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A {@link CheckScheduler} whose time moves only by {@link #advance}; tasks run on the caller's thread. */
public final class FakeScheduler implements CheckScheduler {
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long seq;

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

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Instant now() {
    return EPOCH.plusNanos(now);
  }

  /** Time elapsed since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(now);
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Task t = new Task(now + Math.max(0, delay.toNanos()), seq++, task);
    tasks.add(t);
    return t;
  }

  /** Runs every task due within {@code d}, in order, moving time to each task's deadline; then to now + d. */
  public void advance(Duration d) {
    long end = now + d.toNanos();
    while (!tasks.isEmpty() && tasks.peek().at <= end) {
      Task t = tasks.poll();
      if (t.cancelled) {
        continue;
      }
      now = Math.max(now, t.at);
      t.run.run();
    }
    now = end;
  }

  /** Runs what is due now. */
  public void runDue() {
    advance(Duration.ZERO);
  }
}
