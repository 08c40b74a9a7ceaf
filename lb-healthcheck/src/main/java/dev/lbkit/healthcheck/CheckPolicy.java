package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When to check and how many results it takes to change state: HAProxy's {@code inter fastinter downinter rise
 * fall slowstart} and keepalived's {@code delay_loop retry delay_before_retry warmup alpha omega
 * inhibit_on_failure} and fixed start-up delay, in one immutable value.
 *
 * <p>How they combine. An <em>attempt</em> that fails while the destination is up is retried {@code retry}
 * times, {@code delayBeforeRetry} apart (keepalived retries only servers that are up); a check fails when its
 * last retry fails. Check results then move HAProxy's health counter as HAProxy 2.6 does (check.c
 * {@code set_server_check_status}): it runs from 0 to {@code rise + fall - 1}; a pass adds one, and when that
 * reaches {@code rise} the counter jumps to its maximum; a failure takes one away, and when that drops below
 * {@code rise} the counter becomes 0. The destination is up while the counter is at least {@code rise}. So from
 * steady state it takes {@code fall} failures in a row to go down and {@code rise} passes in a row to come back; a
 * single pass between failures of an up destination restores its full margin, and a single failure of a destination
 * coming up starts its count again. keepalived is {@code rise 1 fall 1}. (HaproxyCheckTimingIT compares this, check
 * by check, with a real HAProxy.)
 *
 * <p>The next check is {@code interval} after the last while the destination is steadily up,
 * {@code fastInterval} while the counter is between its extremes (a state change may be coming), and
 * {@code downInterval} while it is steadily down. {@code timeout} is the hard deadline of one attempt.
 *
 * <p>The first check runs {@code startDelay} plus a random time in [0, {@code warmup}] after the target is added
 * (keepalived: 1 s, its {@code BOOTSTRAP_DELAY}, plus the random warmup; {@link #KEEPALIVED_START_DELAY}).
 *
 * @param interval HAProxy {@code inter}, keepalived {@code delay_loop}
 * @param fastInterval HAProxy {@code fastinter}
 * @param downInterval HAProxy {@code downinter}
 * @param timeout the hard deadline of one attempt (keepalived {@code connect_timeout}, HAProxy {@code timeout check})
 * @param rise passes needed to come up, at least 1
 * @param fall failures needed to go down, at least 1
 * @param retry keepalived {@code retry}: extra attempts before a check of an up destination counts as failed
 * @param delayBeforeRetry keepalived {@code delay_before_retry}
 * @param warmup keepalived {@code warmup}: the first check waits a random time in [0, warmup]
 * @param startDown keepalived {@code alpha}: start down and wait for the first pass (otherwise start up)
 * @param downOnStop keepalived {@code omega}: report up destinations down when the checker stops
 * @param inhibitOnFailure keepalived {@code inhibit_on_failure}: on failure set the weight to 0 instead of
 *     reporting the destination down
 * @param slowStart HAProxy {@code slowstart}: after coming back up the weight ramps to full over this time (in
 *     whole seconds, rounded up, as HAProxy keeps it), a step a second in sixteenths of the weight as HAProxy's
 *     dynamic algorithms do; zero disables
 * @param startDelay a fixed wait before the first check, before the random {@code warmup}: keepalived waits
 *     {@link #KEEPALIVED_START_DELAY} before every checker's first run, at start and after a reload; zero
 *     by default
 * @param retryRule when a failed attempt is retried: {@link RetryRule#WHILE_UP} (the default, as described above)
 *     or keepalived 2.2.7's TCP_CHECK rule, {@link RetryRule#KEEPALIVED_TCP}, which the keepalived.conf import uses
 * @param staticAlgorithm the destination is balanced by an algorithm that cannot change weights on the fly (HAProxy's
 *     static ones: {@code static-rr}, and {@code source}, {@code uri}, {@code hdr}, ... with the default
 *     {@code hash-type map-based}): {@code slowStart} then ramps nothing and the full weight is published at once, as
 *     HAProxy 2.6 does (server.c {@code server_recalc_eweight} ramps only algorithms with {@code BE_LB_PROP_DYN})
 * @param spreadChecks HAProxy's global {@code spread-checks}, a percentage in [0, 50]: each interval after a check
 *     is moved by a random amount up to this share of it, either way (check.c: {@code rv = inter * pct / 100}, the
 *     interval {@code inter + rv - (int) (2 * rv * u)} in whole milliseconds, {@code u} uniform in [0, 1]); 0, the
 *     default, keeps every interval exact
 */
public record CheckPolicy(
    Duration interval,
    Duration fastInterval,
    Duration downInterval,
    Duration timeout,
    int rise,
    int fall,
    int retry,
    Duration delayBeforeRetry,
    Duration warmup,
    boolean startDown,
    boolean downOnStop,
    boolean inhibitOnFailure,
    Duration slowStart,
    Duration startDelay,
    RetryRule retryRule,
    boolean staticAlgorithm,
    int spreadChecks) {

  /**
   * keepalived 2.2.7's fixed wait before a checker's first run, at start and after every reload: each checker
   * starts {@code BOOTSTRAP_DELAY} (one second, {@code TIMER_HZ}) plus a random part of its {@code warmup} after
   * the checker process registered it (check_api.c {@code register_checkers_thread}, called by check_daemon.c
   * {@code start_check}, which a reload runs again for every checker).
   */
  public static final Duration KEEPALIVED_START_DELAY = Duration.ofSeconds(1);

  public CheckPolicy {
    positive(interval, "interval");
    positive(fastInterval, "fastInterval");
    positive(downInterval, "downInterval");
    positive(timeout, "timeout");
    notNegative(delayBeforeRetry, "delayBeforeRetry");
    notNegative(warmup, "warmup");
    notNegative(slowStart, "slowStart");
    notNegative(startDelay, "startDelay");
    requireNonNull(retryRule, "retryRule");
    if (rise < 1) {
      throw new IllegalArgumentException("rise must be at least 1 but was " + rise);
    }
    if (fall < 1) {
      throw new IllegalArgumentException("fall must be at least 1 but was " + fall);
    }
    if (retry < 0) {
      throw new IllegalArgumentException("retry must not be negative but was " + retry);
    }
    if (spreadChecks < 0 || spreadChecks > 50) {
      throw new IllegalArgumentException("spreadChecks must be in [0, 50] (HAProxy's spread-checks) but was "
          + spreadChecks);
    }
  }

  /** This policy with another {@code startDelay} (what {@link HealthChecker#addAll} sets to spread first checks). */
  public CheckPolicy withStartDelay(Duration startDelay) {
    return new CheckPolicy(interval, fastInterval, downInterval, timeout, rise, fall, retry, delayBeforeRetry, warmup,
        startDown, downOnStop, inhibitOnFailure, slowStart, startDelay, retryRule, staticAlgorithm, spreadChecks);
  }

  /** HAProxy's defaults: {@code inter 2s rise 2 fall 3}, timeout 2s, no retries, start up. */
  public static Builder haproxy() {
    return new Builder().interval(Duration.ofSeconds(2)).rise(2).fall(3).timeout(Duration.ofSeconds(2));
  }

  /**
   * keepalived's defaults: {@code delay_loop 60}, {@code connect_timeout 5}, {@code retry 1},
   * {@code delay_before_retry 1}; rise and fall 1. Its fixed start-up delay is not included (the first check is
   * at {@code warmup}): add {@code startDelay(KEEPALIVED_START_DELAY)} to start as keepalived does, as the
   * keepalived.conf import does.
   */
  public static Builder keepalived() {
    return new Builder().interval(Duration.ofSeconds(60)).timeout(Duration.ofSeconds(5)).rise(1).fall(1)
        .retry(1).delayBeforeRetry(Duration.ofSeconds(1));
  }

  /** A builder starting from {@link #haproxy()}. */
  public static Builder builder() {
    return haproxy();
  }

  /** The health counter's maximum, {@code rise + fall - 1}. */
  public int maxHealth() {
    return rise + fall - 1;
  }

  private static void positive(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + d);
    }
  }

  private static void notNegative(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative but was " + d);
    }
  }

  /** Builds a {@link CheckPolicy}; {@code fastInterval} and {@code downInterval} default to {@code interval}. */
  public static final class Builder {
    private Duration interval = Duration.ofSeconds(2);
    private Duration fastInterval;
    private Duration downInterval;
    private Duration timeout;
    private int rise = 2;
    private int fall = 3;
    private int retry;
    private Duration delayBeforeRetry = Duration.ofSeconds(1);
    private Duration warmup = Duration.ZERO;
    private boolean startDown;
    private boolean downOnStop;
    private boolean inhibitOnFailure;
    private Duration slowStart = Duration.ZERO;
    private Duration startDelay = Duration.ZERO;
    private RetryRule retryRule = RetryRule.WHILE_UP;
    private boolean staticAlgorithm;
    private int spreadChecks;

    private Builder() {}

    /** HAProxy {@code inter}, keepalived {@code delay_loop}. */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** HAProxy {@code fastinter}. */
    public Builder fastInterval(Duration fastInterval) {
      this.fastInterval = fastInterval;
      return this;
    }

    /** HAProxy {@code downinter}. */
    public Builder downInterval(Duration downInterval) {
      this.downInterval = downInterval;
      return this;
    }

    /** The hard deadline of one attempt; defaults to the interval. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Passes needed to come up. */
    public Builder rise(int rise) {
      this.rise = rise;
      return this;
    }

    /** Failures needed to go down. */
    public Builder fall(int fall) {
      this.fall = fall;
      return this;
    }

    /** keepalived {@code retry}. */
    public Builder retry(int retry) {
      this.retry = retry;
      return this;
    }

    /** keepalived {@code delay_before_retry}. */
    public Builder delayBeforeRetry(Duration delayBeforeRetry) {
      this.delayBeforeRetry = delayBeforeRetry;
      return this;
    }

    /** keepalived {@code warmup}. */
    public Builder warmup(Duration warmup) {
      this.warmup = warmup;
      return this;
    }

    /** keepalived {@code alpha}. */
    public Builder startDown(boolean startDown) {
      this.startDown = startDown;
      return this;
    }

    /** keepalived {@code omega}. */
    public Builder downOnStop(boolean downOnStop) {
      this.downOnStop = downOnStop;
      return this;
    }

    /** keepalived {@code inhibit_on_failure}. */
    public Builder inhibitOnFailure(boolean inhibitOnFailure) {
      this.inhibitOnFailure = inhibitOnFailure;
      return this;
    }

    /** HAProxy {@code slowstart}. */
    public Builder slowStart(Duration slowStart) {
      this.slowStart = slowStart;
      return this;
    }

    /** A fixed wait before the first check, before the random warmup (keepalived: {@link #KEEPALIVED_START_DELAY}). */
    public Builder startDelay(Duration startDelay) {
      this.startDelay = startDelay;
      return this;
    }

    /** When a failed attempt is retried (default {@link RetryRule#WHILE_UP}). */
    public Builder retryRule(RetryRule retryRule) {
      this.retryRule = retryRule;
      return this;
    }

    /**
     * The destination's algorithm is static (HAProxy {@code static-rr}, map-based hashing): slow start keeps the
     * full weight, as HAProxy does (default false: a dynamic algorithm, whose weight ramps).
     */
    public Builder staticAlgorithm(boolean staticAlgorithm) {
      this.staticAlgorithm = staticAlgorithm;
      return this;
    }

    /** HAProxy's {@code spread-checks}: randomize each interval by up to this percentage either way (0 to 50). */
    public Builder spreadChecks(int percent) {
      this.spreadChecks = percent;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalArgumentException naming the field and value that break a rule
     */
    public CheckPolicy build() {
      Duration t = timeout == null ? interval : timeout;
      return new CheckPolicy(interval, fastInterval == null ? interval : fastInterval,
          downInterval == null ? interval : downInterval, t, rise, fall, retry, delayBeforeRetry, warmup,
          startDown, downOnStop, inhibitOnFailure, slowStart, startDelay, retryRule, staticAlgorithm, spreadChecks);
    }
  }
}
