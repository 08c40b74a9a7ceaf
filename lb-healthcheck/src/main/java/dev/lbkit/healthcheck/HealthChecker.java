package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.healthcheck.internal.EventLoop;
import dev.lbkit.healthcheck.internal.LatenessHistogram;
import dev.lbkit.healthcheck.internal.LoopProber;
import dev.lbkit.healthcheck.internal.TargetMonitor;
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
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private final List<EventLoop> loops;
  private final List<LoopProber> probers;
  private final List<DestinationListener> listeners;
  private final RandomGenerator random;
  private final ConcurrentMap<Target.Key, Entry> targets = new ConcurrentHashMap<>();
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final LatenessHistogram lateness = new LatenessHistogram();
  private volatile boolean closed;

  private record Entry(TargetMonitor monitor, EventLoop loop) {}

  private HealthChecker(Builder b) {
    this.listeners = List.copyOf(b.listeners);
    this.random = b.random;
    List<EventLoop> ls = new ArrayList<>();
    List<LoopProber> ps = new ArrayList<>();
    for (int i = 0; i < b.threads; i++) {
      EventLoop loop = new EventLoop(b.threadName + "-" + i, Clock.systemUTC());
      ls.add(loop);
      ps.add(new LoopProber(loop));
    }
    this.loops = List.copyOf(ls);
    this.probers = List.copyOf(ps);
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
    requireNonNull(target, "target");
    ensureOpen();
    int i = Math.floorMod(nextLoop.getAndIncrement(), loops.size());
    EventLoop loop = loops.get(i);
    TargetMonitor monitor = new TargetMonitor(target, loop, probers.get(i), random, this::publish, lateness);
    if (targets.putIfAbsent(target.key(), new Entry(monitor, loop)) != null) {
      throw new IllegalArgumentException("target " + target.key() + " is already checked");
    }
    loop.execute(monitor::start);
  }

  /** Stops checking a target; no events follow. Returns whether it was checked. */
  public boolean remove(Target.Key key) {
    Entry e = targets.remove(requireNonNull(key, "key"));
    if (e == null) {
      return false;
    }
    e.loop().execute(() -> e.monitor().stop(false));
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

  /** The number of event-loop threads. */
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
    int i = Math.floorMod(nextLoop.getAndIncrement(), loops.size());
    probers.get(i).probe(check, timeout, f::complete);
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
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CountDownLatch stoppedAll = new CountDownLatch(loops.size());
    for (EventLoop loop : loops) {
      loop.execute(() -> {
        for (Entry e : targets.values()) {
          if (e.loop() == loop) {
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

    private Builder() {}

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

    /** The prefix of the loop threads' names. */
    public Builder threadName(String threadName) {
      this.threadName = requireNonNull(threadName, "threadName");
      return this;
    }

    /** Starts the loop threads. */
    public HealthChecker build() {
      return new HealthChecker(this);
    }
  }
}
