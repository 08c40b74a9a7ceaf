package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.http.UrlRound;
import java.time.Duration;

/**
 * Where a {@link UrlRound} is in its round and what a result means, following keepalived 2.2.7's HTTP_GET epilog
 * (check_http.c {@code epilog} and {@code timeout_epilog}; the rules in prose are {@link UrlRound}'s). No I/O, no
 * clock: {@link TargetMonitor} asks it which url to fetch and, for each result, gets the verdict and the delay
 * before the next attempt. Not thread-safe; used on the scheduler's thread.
 */
final class UrlRoundState {
  /** What a result does to the checker's state. */
  enum Verdict {
    NONE, UP, DOWN
  }

  /** A result's verdict and the delay until the next attempt. */
  record Step(Verdict verdict, Duration delay) {}

  private UrlRound round;
  private final int retry;
  private final Duration delayLoop;
  private final Duration delayBeforeRetry;
  /** The url the next attempt fetches (keepalived's url_it). */
  private int index;
  /** The url at {@link #index} failed for good and took the checker down (keepalived's failed_url). */
  private boolean failedUrl;
  /** Failures of the current url since the last pass (keepalived's retry_it). */
  private int failures;
  /** A verdict has been reached: a whole round passed, or a url failed (keepalived's has_run). */
  private boolean hasRun;

  UrlRoundState(UrlRound round, CheckPolicy policy) {
    this.round = round;
    this.retry = policy.retry();
    this.delayLoop = policy.interval();
    this.delayBeforeRetry = policy.delayBeforeRetry();
    this.failures = retry; // keepalived starts every checker with its retries used up (check_data.c)
  }

  /** The url the next attempt fetches. */
  Check current() {
    return round.urls().get(index);
  }

  /** The current url passed; {@code up} is the checker's state before it. */
  Step passed(boolean up) {
    index++;
    failures = 0;
    Verdict v = Verdict.NONE;
    if (index == round.urls().size() && !failedUrl) {
      if (!up || !hasRun) {
        v = Verdict.UP;
        hasRun = true;
      }
      index = 0;
    } else if (failedUrl) {
      // the failed url answers again: a whole new round from the first url before the checker is up
      failedUrl = false;
      index = 0;
    }
    if (!hasRun) {
      failures = retry; // keepalived: no retries after a pass until the first verdict
    }
    return step(v, up, delayLoop);
  }

  /** The current url failed; {@code up} is the checker's state before it. The same url is fetched next. */
  Step failed(boolean up) {
    Verdict v = Verdict.NONE;
    if (up || !hasRun) {
      hasRun = true;
      failures++;
      if (failures > retry) {
        v = up ? Verdict.DOWN : Verdict.NONE;
        failedUrl = true;
      }
    }
    Duration delay = !failedUrl ? delayBeforeRetry
        : delayBeforeRetry.compareTo(delayLoop) > 0 ? delayBeforeRetry : delayLoop;
    return step(v, up, delay);
  }

  /**
   * The step with its delay, or with none under {@code fast_recovery} when, after this result, no verdict has been
   * reached yet or the checker is down with no url marked failed (keepalived's epilog looks at {@code has_run},
   * {@code is_up} and {@code failed_url} once the result has changed them, and then runs the next attempt as an
   * event instead of a timer).
   */
  private Step step(Verdict v, boolean upBefore, Duration delay) {
    boolean upAfter = v == Verdict.UP || (upBefore && v != Verdict.DOWN);
    if (round.fastRecovery() && (!hasRun || (!upAfter && !failedUrl))) {
      return new Step(v, Duration.ZERO);
    }
    return new Step(v, delay);
  }

  /**
   * Back to the first url with no failure counted, keeping whether a verdict was reached (a reload), fetching from
   * now on the urls of {@code next} (as many as before: a reload that keeps the checker; its TLS settings or
   * {@code fast_recovery} may differ).
   */
  void restart(UrlRound next) {
    if (next.urls().size() != round.urls().size()) {
      throw new IllegalArgumentException("a restarted url round must have as many urls (" + round.urls().size()
          + ") but has " + next.urls().size());
    }
    round = next;
    index = 0;
    failedUrl = false;
    failures = 0;
  }

}
