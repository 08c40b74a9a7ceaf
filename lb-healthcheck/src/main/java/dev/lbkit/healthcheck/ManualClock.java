package dev.lbkit.healthcheck;

import dev.lbkit.healthcheck.internal.ManualScheduler;
import java.time.Duration;
import java.time.Instant;

/**
 * Time that moves only when a test says so, for unit-testing a control plane built on {@link HealthChecker}
 * without sleeping: every interval, rise/fall count, retry, slow-start step and warmup runs at its exact instant.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * Map<Check, CheckResult> answers = new HashMap<>();
 * HealthChecker checker = HealthChecker.builder().manualClock(clock, answers::get).listener(myDirector).build();
 * checker.add(Target.of(web1, 100, web1Check, CheckPolicy.haproxy().interval(Duration.ofSeconds(2)).fall(3).build()));
 * answers.put(web1Check, new CheckResult.Down(DownReason.REFUSED, "test: stopped"));
 * clock.advance(Duration.ofSeconds(6));   // three failed checks: myDirector saw DestinationDown, at 6 s
 * }</pre>
 *
 * <p>Threading: none of its own. {@link #advance} runs the due checks, their results and the listeners on the
 * calling thread; use one thread for the clock and the checker it drives.
 */
public final class ManualClock {
  private final ManualScheduler scheduler;

  /** A clock at 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this.scheduler = new ManualScheduler();
  }

  /** A clock at {@code start}; event timestamps count from it. */
  public ManualClock(Instant start) {
    this.scheduler = new ManualScheduler(start);
  }

  /**
   * Moves time forward by {@code step}, running everything that falls due on the way, each at its instant.
   *
   * @throws IllegalArgumentException if {@code step} is negative
   * @throws IllegalStateException if called from a listener while the clock is running one
   */
  public void advance(Duration step) {
    scheduler.advance(step);
  }

  /** Runs what is due now without moving time. */
  public void runDue() {
    scheduler.runDue();
  }

  /** Time since the clock started. */
  public Duration elapsed() {
    return scheduler.elapsed();
  }

  /** The clock's wall-clock time: its start plus {@link #elapsed()}. */
  public Instant instant() {
    return scheduler.now();
  }

  ManualScheduler scheduler() {
    return scheduler;
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + "]";
  }
}
