package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.healthcheck.internal.EventLoop;
import dev.lbkit.healthcheck.internal.LatenessHistogram;
import dev.lbkit.healthcheck.internal.CheckScheduler;
import dev.lbkit.healthcheck.internal.LoopProber;
import dev.lbkit.healthcheck.internal.ManualScheduler;
import dev.lbkit.healthcheck.internal.Prober;
import dev.lbkit.healthcheck.internal.TargetMonitor;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks many destinations on a small fixed number of event-loop threads and publishes their transitions and
 * effective weights to {@link DestinationListener}s.
 *
 * <pre>{@code
 * try (HealthChecker checker = HealthChecker.builder().listener(director).build()) {
 *   checker.add(Target.of(Endpoint.parse("10.0.0.2:80"), 100,
 *       HttpCheck.builder(Endpoint.parse("10.0.0.2:80")).path("/health").build(),
 *       CheckPolicy.haproxy().interval(Duration.ofSeconds(2)).rise(2).fall(3).build()));
 *   ...
 * }
 * }</pre>
 *
 * <p>Threading: all methods may be called from any thread. Each target is pinned to one loop; its checks,
 * timers and listener calls run on that loop's thread, so listeners must not block. A listener that throws is
 * logged and skipped.
 *
 * <p>For tests, {@link Builder#manualClock} runs the same scheduling (intervals, rise/fall, retries, slow start,
 * warmup) on a {@link ManualClock} with answers from a {@link CheckResponder}: no threads, no sockets, no sleeps.
 */
public final class HealthChecker implements AutoCloseable {
  /**
   * {@link Builder#timerSlack}'s default: none, every check and deadline at its own millisecond. (A 4 ms slack cut
   * the loop's wakeups at 10,000 checks a second from ~750 to ~170 a second but changed neither the checker's nor
   * the targets' CPU measurably, while adding ~3 ms to every check's start; docs/benchmarks.md.)
   */
  public static final Duration DEFAULT_TIMER_SLACK = Duration.ZERO;

  /** HAProxy's {@code SRV_CHK_INTER_THRES}: shorter intervals do not set the spread of the others. */
  private static final long SPREAD_THRESHOLD_MILLIS = 1000;

  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private final List<EventLoop> loops; // empty on a manual clock
  private final List<Lane> lanes;
  private final ManualScheduler manual; // null unless on a manual clock
  private final List<DestinationListener> listeners;
  private final RandomGenerator random;
  private final ConcurrentMap<Target.Key, Entry> targets = new ConcurrentHashMap<>();
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final LatenessHistogram lateness = new LatenessHistogram();
  private final Duration maxSpreadChecks; // null: none
  private volatile boolean closed;

  /** Where a target's timers and attempts run: an event loop, or the manual clock with its responder. */
  private record Lane(CheckScheduler scheduler, Prober prober) {}

  private record Entry(TargetMonitor monitor, Lane lane) {}

  private HealthChecker(Builder b) {
    this.listeners = List.copyOf(b.listeners);
    this.random = b.random;
    this.maxSpreadChecks = b.maxSpreadChecks;
    if (b.clock != null) {
      this.manual = b.clock.scheduler();
      this.loops = List.of();
      this.lanes = List.of(new Lane(manual, new ResponderProber(b.responder)));
      return;
    }
    this.manual = null;
    List<EventLoop> ls = new ArrayList<>();
    List<Lane> lns = new ArrayList<>();
    for (int i = 0; i < b.threads; i++) {
      EventLoop loop = new EventLoop(b.threadName + "-" + i, Clock.systemUTC(), b.nativeConnect, b.timerSlack);
      ls.add(loop);
      lns.add(new Lane(loop, new LoopProber(loop, b.scriptUser, b.scriptSecurity)));
    }
    this.loops = List.copyOf(ls);
    this.lanes = List.copyOf(lns);
  }

  /** A builder: one thread, no listeners. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts checking a target: publishes its initial state, then checks it by its policy.
   *
   * @throws IllegalArgumentException if a target with the same service and destination is already checked
   * @throws IllegalStateException if the checker is closed
   */
  public void add(Target target) {
    add(target, null);
  }

  private void add(Target target, Duration agentStartDelay) {
    requireNonNull(target, "target");
    ensureOpen();
    Lane lane = lanes.get(Math.floorMod(nextLoop.getAndIncrement(), lanes.size()));
    TargetMonitor monitor = new TargetMonitor(target, lane.scheduler(), lane.prober(), random, this::publish,
        lateness);
    if (agentStartDelay != null) {
      monitor.agentStartDelay(agentStartDelay);
    }
    if (targets.putIfAbsent(target.key(), new Entry(monitor, lane)) != null) {
      throw new IllegalArgumentException("target " + target.key() + " is already checked");
    }
    onLane(lane, monitor::start);
  }

  /**
   * Adds targets as HAProxy 2.6 starts the checks of its configuration, spread over the smallest interval instead
   * of all at once (check.c {@code start_checks}/{@code start_check_task}). The N checks (each target's check, then
   * its agent, if any, in list order) take positions 0 to N-1; the one at position p first runs
   * {@code M * p / N} milliseconds after this call, where M is the larger of its own start interval and the
   * smallest start interval of at least one second among all N ({@code SRV_CHK_INTER_THRES}), capped by
   * {@link Builder#maxSpreadChecks}. A check's start interval is what HAProxy uses at its starting health:
   * {@code interval} when {@code fall} is 1, else {@code fastInterval} ({@code downInterval} for a target that starts
   * down with {@code rise} 1); an agent's is its own interval. Each target's policy gets that offset as its
   * {@link CheckPolicy#startDelay()} (plus its random warmup, which HAProxy has not; leave it zero to start as
   * HAProxy does). {@link CheckPolicy#spreadChecks()} then randomizes the intervals after each check.
   *
   * @throws IllegalArgumentException if a target is already checked or two share a key (targets before it stay added)
   * @throws IllegalStateException if the checker is closed
   */
  public void addAllSpread(List<Target> targets) {
    List<Target> all = List.copyOf(targets);
    int n = 0;
    long minInter = 0;
    for (Target t : all) {
      for (long inter : startIntervalsMillis(t)) {
        n++;
        if (inter >= SPREAD_THRESHOLD_MILLIS && (minInter == 0 || inter < minInter)) {
          minInter = inter;
        }
      }
    }
    int position = 0;
    for (Target t : all) {
      long[] inters = startIntervalsMillis(t);
      Duration check = Duration.ofMillis(spreadOffset(minInter, inters[0], position++, n));
      Duration agent = inters.length > 1 ? Duration.ofMillis(spreadOffset(minInter, inters[1], position++, n)) : null;
      add(new Target(t.service(), t.destination(), t.weight(), t.check(), t.policy().withStartDelay(check),
          t.agent()), agent);
    }
  }

  private long spreadOffset(long minInter, long ownInter, int position, int n) {
    long m = Math.max(minInter, ownInter);
    if (maxSpreadChecks != null && m > maxSpreadChecks.toMillis()) {
      m = maxSpreadChecks.toMillis();
    }
    return m * position / n;
  }

  /** The interval HAProxy's check (and agent) use at their starting health (check.h {@code srv_getinter}). */
  private static long[] startIntervalsMillis(Target t) {
    CheckPolicy p = t.policy();
    Duration check;
    if (p.startDown()) {
      check = p.rise() == 1 ? p.downInterval() : p.fastInterval(); // health rise - 1: 0 only when rise is 1
    } else {
      check = p.fall() == 1 ? p.interval() : p.fastInterval(); // health rise: full only when fall is 1
    }
    return t.agent().isPresent() ? new long[] {check.toMillis(), t.agent().get().interval().toMillis()}
        : new long[] {check.toMillis()};
  }

  /** Runs {@code task} on the lane's thread: later on a loop, at once on a manual clock (the caller's thread). */
  private void onLane(Lane lane, Runnable task) {
    if (manual != null) {
      task.run();
    } else {
      lane.scheduler().execute(task);
    }
  }

  /** Stops checking a target; no events follow. Returns whether it was checked. */
  public boolean remove(Target.Key key) {
    Entry e = targets.remove(requireNonNull(key, "key"));
    if (e == null) {
      return false;
    }
    onLane(e.lane(), () -> e.monitor().stop(false));
    return true;
  }

  /**
   * Starts a target's check schedule afresh while it keeps its state (up or down, weight, counters): the pending
   * check or retry is dropped, an attempt in flight is abandoned (its result changes nothing), and the next check
   * runs after the policy's start delay and a random part of its warmup, as the first one did. This is what a
   * keepalived reload does to every checker it keeps (see {@link CheckPolicy#KEEPALIVED_START_DELAY}); with
   * {@link IndependentChecks} every member starts afresh. Returns whether the target is checked.
   */
  public boolean restartSchedule(Target.Key key) {
    Entry e = targets.get(requireNonNull(key, "key"));
    if (e == null) {
      return false;
    }
    onLane(e.lane(), () -> e.monitor().restartSchedule());
    return true;
  }

  /**
   * As {@link #restartSchedule(Target.Key)}, checking the target from now on with {@code next}'s check, whose
   * settings may differ (a client certificate read again, other TLS settings, a url round's {@code fast_recovery}):
   * what a keepalived reload does to a checker it keeps, which it builds afresh from the file and hands its old state.
   * Returns whether a target with {@code next}'s key is checked.
   *
   * @throws IllegalArgumentException if {@code next} has another weight or policy or another kind of check (for
   *     {@link IndependentChecks} another number of members, for a url round another number of urls) than the
   *     target checked now: remove it and add {@code next} instead
   */
  public boolean restartSchedule(Target next) {
    Entry e = targets.get(requireNonNull(next, "next").key());
    if (e == null) {
      return false;
    }
    e.monitor().checkReplacement(next);
    onLane(e.lane(), () -> e.monitor().restartSchedule(next));
    return true;
  }

  /** The state of one target, if it is checked. */
  public Optional<TargetStatus> status(Target.Key key) {
    return Optional.ofNullable(targets.get(key)).map(e -> e.monitor().status());
  }

  /** The state of every target. */
  public List<TargetStatus> statuses() {
    return targets.values().stream().map(e -> e.monitor().status()).collect(Collectors.toList());
  }

  /** Punctuality of scheduled checks since start or the last {@link #resetStats()}. */
  public CheckerStats stats() {
    return new CheckerStats(lateness.count(), lateness.quantile(0.50), lateness.quantile(0.99), lateness.max(),
        loops.size());
  }

  /** Starts {@link #stats()} afresh, e.g. after a warm-up. */
  public void resetStats() {
    lateness.reset();
  }

  /**
   * Whether plain TCP connect checks (no TLS, no {@code bindto}) run on the Linux epoll path rather than on JDK
   * channels; see {@link Builder#nativeConnect(boolean)}.
   */
  public boolean nativeConnect() {
    return !loops.isEmpty() && loops.get(0).nativeConnect();
  }

  /** The number of event-loop threads (0 on a manual clock). */
  public int threads() {
    return loops.size();
  }

  /**
   * Runs one attempt of a check now, outside any target, with a hard deadline. The future completes on a loop
   * thread by the deadline (plus scheduling delay).
   *
   * @throws IllegalArgumentException if the timeout is not positive
   * @throws IllegalStateException if the checker is closed
   */
  public CompletableFuture<CheckResult> checkOnce(Check check, Duration timeout) {
    requireNonNull(check, "check");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive but was " + timeout);
    }
    ensureOpen();
    CompletableFuture<CheckResult> f = new CompletableFuture<>();
    lanes.get(Math.floorMod(nextLoop.getAndIncrement(), lanes.size())).prober().probe(check, timeout, f::complete);
    return f;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("health checker is closed");
    }
  }

  private void publish(DestinationEvent event) {
    for (DestinationListener l : listeners) {
      try {
        l.onDestinationEvent(event);
      } catch (RuntimeException e) {
        log.warn("listener {} threw on {}; continuing", l, event, e);
      }
    }
  }

  /**
   * Stops all checks (publishing omega downs where configured), aborts attempts in flight and stops the
   * threads. Idempotent.
   *
   * <p>A {@code MISC_CHECK} program still running gets SIGTERM to its process group at once, as keepalived 2.2.7's
   * checker sends it when it stops, and one second to end, as keepalived waits about a second before it exits; then
   * SIGKILL to the group if it is still there (keepalived 2.2.7 exits instead and leaves such a program running). Its
   * check completes at once (down: checker closed). This method returns once every such
   * program has ended and been reaped: at once when none runs, within milliseconds when they end on SIGTERM, after
   * about a second (one for all, not one each) when one ignores it. So when it returns, no program it started is left
   * running, no zombie, and no thread of its own.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (manual != null) {
      for (Entry e : targets.values()) {
        e.monitor().stop(true);
      }
      targets.clear();
      return;
    }
    CountDownLatch stoppedAll = new CountDownLatch(loops.size());
    for (EventLoop loop : loops) {
      loop.execute(() -> {
        for (Entry e : targets.values()) {
          if (e.lane().scheduler() == loop) {
            e.monitor().stop(true);
          }
        }
        stoppedAll.countDown();
      });
    }
    try {
      if (!stoppedAll.await(5, TimeUnit.SECONDS)) {
        log.warn("targets did not stop within 5s; closing the loops anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    targets.clear();
    loops.forEach(EventLoop::requestClose); // all at once: their programs' SIGTERM grace runs side by side
    for (EventLoop loop : loops) {
      loop.close();
    }
  }

  /** Builds a {@link HealthChecker}. */
  public static final class Builder {
    private int threads = 1;
    private final List<DestinationListener> listeners = new ArrayList<>();
    private RandomGenerator random = RandomGenerator.getDefault();
    private String threadName = "lbkit-healthcheck";
    private ManualClock clock;
    private CheckResponder responder;
    private Optional<ScriptUser> scriptUser = Optional.empty();
    private boolean scriptSecurity;
    private boolean nativeConnect = true;
    private Duration timerSlack = DEFAULT_TIMER_SLACK;
    private Duration maxSpreadChecks;

    private Builder() {}

    /**
     * HAProxy's global {@code max-spread-checks}: {@link HealthChecker#addAllSpread} spreads first checks over at
     * most this time (default: no cap, the interval).
     */
    public Builder maxSpreadChecks(Duration max) {
      requireNonNull(max, "max");
      if (max.isNegative() || max.isZero()) {
        throw new IllegalArgumentException("maxSpreadChecks must be positive but was " + max);
      }
      this.maxSpreadChecks = max;
      return this;
    }

    /**
     * Runs on {@code clock} instead of event-loop threads, answering every attempt with {@code responder}: for
     * deterministic tests of what is built on the checker. {@link #threads} is then ignored.
     */
    public Builder manualClock(ManualClock clock, CheckResponder responder) {
      this.clock = requireNonNull(clock, "clock");
      this.responder = requireNonNull(responder, "responder");
      return this;
    }

    /** Event-loop threads, 1 to 64 (default 1; one per core is plenty). */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be in [1, 64] but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Adds a listener for up, down and weight events. */
    public Builder listener(DestinationListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** The randomness for keepalived's {@code warmup}. */
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /**
     * keepalived's {@code script_user} in {@code global_defs}: MISC_CHECK programs that name no {@code user} of
     * their own run as this one (the checker must run as root to switch). Without it they run as the JVM's user.
     */
    public Builder scriptUser(ScriptUser user) {
      this.scriptUser = Optional.of(requireNonNull(user, "user"));
      return this;
    }

    /**
     * keepalived's {@code enable_script_security}: refuse to start a MISC_CHECK program that would run with root's
     * user or group (or is set-uid/set-gid root) while it, or a directory on its path, could be changed by anyone
     * but root; such a check is down with the reason. Off (the default), such programs run and are warned about
     * once, as keepalived does.
     */
    public Builder scriptSecurity(boolean enabled) {
      this.scriptSecurity = enabled;
      return this;
    }

    /** The prefix of the loop threads' names. */
    public Builder threadName(String threadName) {
      this.threadName = requireNonNull(threadName, "threadName");
      return this;
    }

    /**
     * Whether plain TCP connect checks may use the Linux epoll path (default true): the same results, reasons
     * and deadlines with about a third of the system calls per check. It is used only where the JNA binding
     * loads (64-bit Linux on x86-64 or arm64); false keeps every check on JDK channels.
     */
    public Builder nativeConnect(boolean nativeConnect) {
      this.nativeConnect = nativeConnect;
      return this;
    }

    /**
     * How late a loop may run a check or a deadline so that those due close together run in one wakeup (default
     * {@link #DEFAULT_TIMER_SLACK}: zero wakes for each, at millisecond resolution). A check starts, and a timeout
     * is declared, at most this much (plus a millisecond) after its time, never before; with many targets the loop
     * wakes less often.
     *
     * @throws IllegalArgumentException if negative or above a second
     */
    public Builder timerSlack(Duration slack) {
      requireNonNull(slack, "slack");
      if (slack.isNegative() || slack.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("timer slack must be in [0, 1s] but was " + slack);
      }
      this.timerSlack = slack;
      return this;
    }

    /** Starts the loop threads (none on a manual clock). */
    public HealthChecker build() {
      return new HealthChecker(this);
    }
  }

  /** Answers attempts from a {@link CheckResponder}, at once, on the manual clock's thread. */
  private static final class ResponderProber implements Prober {
    private final CheckResponder responder;

    ResponderProber(CheckResponder responder) {
      this.responder = responder;
    }

    @Override
    public void probe(Check check, Duration timeout, Consumer<CheckResult> done) {
      CheckResult r;
      try {
        r = responder.respond(check);
      } catch (RuntimeException e) {
        log.warn("check responder {} threw for {}; reporting the check as failed", responder, check.describe(), e);
        r = new CheckResult.Down(DownReason.CHECK_ERROR, "responder threw " + e);
      }
      done.accept(r != null ? r : new CheckResult.Down(DownReason.CHECK_ERROR, "responder gave no result for "
          + check.describe()));
    }
  }
}
