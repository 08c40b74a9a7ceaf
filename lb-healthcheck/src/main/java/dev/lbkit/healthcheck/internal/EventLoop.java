package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.internal.linux.EpollConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread: non-blocking sockets, a timer heap and a task inbox. Every probe and every target monitor
 * assigned to a loop runs on its thread, so their state needs no locks.
 *
 * <p>The loop repeats: select until the next timer (at least a millisecond; at once if work is queued), dispatch
 * ready keys to their {@link Handler}, run due timers, drain the inbox. With a timer slack the wait ends on the next
 * multiple of the slack instead, so that timers due within one slack of each other (thousands of targets' checks)
 * run in one turn: fewer wakeups of the loop, and of the targets, which then see their connections in bursts. I/O
 * goes before timers so that when the loop runs late (a starved CPU) a reply that did arrive is not reported as a
 * timeout. A handler that throws is logged and its channel closed; the loop goes on. This is the one place that
 * reads the real clock.
 *
 * <p>On Linux the loop also owns an {@link EpollConnector}, where plain TCP connect checks run with a third of the
 * system calls of a channel ({@link ConnectProbe}); against this host's own addresses the handshake completes
 * within {@code connect} and nothing waits. While no channel is registered the loop blocks in that
 * epoll set (its eventfd wakes it for submitted tasks); while channels are registered too, it blocks in the
 * selector for at most a millisecond at a time and then collects finished connects without waiting. Where the
 * binding does not load, or when turned off, every check takes the channel path.
 */
public final class EventLoop implements CheckScheduler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  /** Receives readiness of a registered channel. Called on the loop thread. */
  public interface Handler {
    /** The channel is ready for the key's ready ops. */
    void onReady(SelectionKey key);

    /** The loop is closing or the handler threw: release everything, report if still pending. */
    void abort(String why);
  }

  private final Selector selector;
  private final EpollConnector connector; // null: channels only
  private final Thread thread;
  private final Clock wallClock;
  private final long timerSlackNanos;
  private final long originNanos = System.nanoTime(); // the slack grid counts from here
  private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final TimerQueue timers = new TimerQueue();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Set<Runnable> closeHooks = new LinkedHashSet<>(); // loop thread only
  private final List<Linger> lingering = new ArrayList<>(); // loop thread only, while closing
  private volatile boolean closing;

  /**
   * What a close hook leaves to end by itself, such as a program it sent SIGTERM: the closing loop polls it until
   * it has finished or its grace is over, and then forces it, before the loop's thread ends. All of a loop's
   * lingerers wait side by side, so the loop waits one grace at most, not one each.
   */
  interface Lingering {
    /** Whether it has finished; polled a few milliseconds apart, on the loop thread. */
    boolean finished();

    /** Its grace is over and it has not finished: end it now, within a bounded time. */
    void force();
  }

  private record Linger(Lingering what, long deadlineNanos) {}

  /**
   * Opens the selector and starts the thread.
   *
   * @throws UncheckedIOException if no selector can be opened (out of file descriptors)
   */
  public EventLoop(String name, Clock wallClock) {
    this(name, wallClock, true);
  }

  /**
   * As above; {@code nativeConnect} false keeps plain TCP connect checks on the JDK's channels even where the
   * epoll path is available.
   *
   * @throws UncheckedIOException if no selector can be opened (out of file descriptors)
   */
  public EventLoop(String name, Clock wallClock, boolean nativeConnect) {
    this(name, wallClock, nativeConnect, Duration.ZERO);
  }

  /**
   * As above; timers due within one {@code timerSlack} of each other run in one turn of the loop: the loop sleeps
   * until the next multiple of the slack (counted from the loop's start) at or after the earliest deadline, so a
   * timer runs at most one slack (plus the millisecond of the wait's resolution) after its deadline and never
   * before it. Zero wakes for every deadline, at millisecond resolution.
   *
   * @throws UncheckedIOException if no selector can be opened (out of file descriptors)
   * @throws IllegalArgumentException if {@code timerSlack} is negative or above a second
   */
  public EventLoop(String name, Clock wallClock, boolean nativeConnect, Duration timerSlack) {
    if (timerSlack.isNegative() || timerSlack.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("timer slack must be in [0, 1s] but was " + timerSlack);
    }
    this.timerSlackNanos = timerSlack.toNanos();
    this.wallClock = wallClock;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for " + name, e);
    }
    this.connector = nativeConnect ? openConnector(name) : null;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static EpollConnector openConnector(String name) {
    if (!EpollConnector.isAvailable()) {
      log.debug("loop {}: TCP connect checks use JDK channels: {}", name,
          EpollConnector.unavailabilityCause().map(Object::toString).orElse("?"));
      return null;
    }
    try {
      return EpollConnector.open();
    } catch (IOException | RuntimeException e) {
      log.warn("loop {}: cannot open the epoll connect path; TCP connect checks use JDK channels", name, e);
      return null;
    }
  }

  /** The native connect path of this loop, or null when checks use channels only. Loop thread only. */
  EpollConnector connector() {
    return connector;
  }

  /** Whether plain TCP connect checks on this loop take the epoll path. */
  public boolean nativeConnect() {
    return connector != null;
  }

  /** The loop's thread, for tests that measure it. */
  public Thread thread() {
    return thread;
  }

  /** Whether the caller runs on this loop. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** A read buffer shared by all probes of this loop; valid only within one handler call. */
  ByteBuffer readBuffer() {
    return readBuffer.clear();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return wallClock.instant();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    long delayNanos = Math.max(0, saturatedNanos(delay));
    TimerQueue.Entry timer = new TimerQueue.Entry(System.nanoTime() + delayNanos, task);
    if (inLoop()) {
      timer.owner = timers; // one made elsewhere is queued later, by a task: never reused
      timers.add(timer, delayNanos);
    } else {
      submit(() -> timers.add(timer, -1)); // computed on another thread: not ordered with this loop's deadlines
    }
    return timer;
  }

  /**
   * Reuses {@code previous} when it is this loop's timer for the same task and in no queue any more (it ran, or was
   * cancelled and dropped): its deadline is set again and it is queued like a new one. Otherwise as the default.
   */
  @Override
  public Timer reschedule(Timer previous, Duration delay, Runnable task) {
    if (previous instanceof TimerQueue.Entry e && e.task == task && e.queued == 0 && e.owner == timers
        && inLoop()) {
      long delayNanos = Math.max(0, saturatedNanos(delay));
      e.deadline = System.nanoTime() + delayNanos;
      e.cancelled = false;
      timers.add(e, delayNanos);
      return e;
    }
    return CheckScheduler.super.reschedule(previous, delay, task);
  }

  /**
   * Runs {@code task} {@code delayNanos} after {@code startNanos} (a {@link #nanoTime()} reading this thread took
   * earlier). Loop thread only.
   */
  CheckScheduler.Timer scheduleFrom(long startNanos, long delayNanos, Runnable task) {
    assert inLoop();
    TimerQueue.Entry timer = new TimerQueue.Entry(startNanos + Math.max(0, delayNanos), task);
    timers.add(timer, Math.max(0, delayNanos));
    return timer;
  }

  @Override
  public void execute(Runnable task) {
    submit(task);
  }

  private void submit(Runnable task) {
    if (closing) {
      log.debug("loop {} is closing; dropping a task", thread.getName());
      return;
    }
    inbox.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
      if (connector != null) {
        connector.wakeup(); // the loop may be blocked in the epoll set instead
      }
    }
  }

  /** Runs {@code hook} if the loop closes before {@link #removeCloseHook} is called. Loop thread only. */
  void addCloseHook(Runnable hook) {
    assert inLoop();
    closeHooks.add(hook);
  }

  /** Forgets a close hook. Loop thread only. */
  void removeCloseHook(Runnable hook) {
    closeHooks.remove(hook);
  }

  /**
   * From a close hook: the loop waits for {@code what} to finish, up to {@code grace} from now, and forces it then.
   * Loop thread only.
   */
  void linger(Lingering what, Duration grace) {
    assert inLoop();
    lingering.add(new Linger(what, System.nanoTime() + saturatedNanos(grace)));
  }

  /**
   * Registers a channel with the loop's selector. Loop thread only.
   *
   * @throws IOException if the channel is closed or cannot be registered
   */
  SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
    assert inLoop();
    return channel.register(selector, ops, handler);
  }

  private void run() {
    try {
      while (!closing) {
        turn();
      }
    } catch (IOException | ClosedSelectorException e) {
      log.error("event loop {} failed; its checks stop", thread.getName(), e);
    } finally {
      shutdown();
      stopped.countDown();
    }
  }

  /**
   * One turn of the loop: wait, then I/O, timers, inbox. A method of its own so that the JIT compiles it after a
   * few thousand turns; as the body of {@link #run}'s loop it would run interpreted until on-stack replacement,
   * which at a few hundred turns a second takes minutes.
   */
  private void turn() throws IOException {
    long wait = 0; // 0: block until woken
    boolean timerDue = false;
    if (!timers.isEmpty()) {
      long now = System.nanoTime();
      long earliest = timers.earliestDeadline();
      timerDue = earliest - now <= 0;
      long wakeAt = wakeAt(earliest, originNanos, timerSlackNanos);
      wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeAt - now + 999_999));
    }
    boolean work = timerDue || !inbox.isEmpty();
    boolean connecting = connector != null && connector.pending() > 0;
    if (connector != null && selector.keys().isEmpty()) {
      // no channels, at most native connects in flight: block in their epoll set (-1: until woken), which
      // costs less per wakeup than the JDK's selector
      connector.poll(work ? 0 : wait == 0 ? -1 : (int) Math.min(wait, Integer.MAX_VALUE));
      wakeupPending.set(false);
      runTimers();
      runInbox();
      return;
    }
    if (work) {
      selector.selectNow();
    } else if (connecting) {
      selector.select(1); // finished connects are collected below, at most a millisecond late
    } else {
      selector.select(wait);
    }
    wakeupPending.set(false);
    // I/O before timers: when the loop runs late, an answer that did arrive beats its overdue deadline
    for (SelectionKey key : selector.selectedKeys()) {
      Handler h = (Handler) key.attachment();
      try {
        if (key.isValid()) {
          h.onReady(key);
        }
      } catch (RuntimeException e) {
        log.warn("check handler {} threw; closing its channel and continuing", h, e);
        h.abort("internal error: " + e);
      }
    }
    selector.selectedKeys().clear();
    if (connecting) {
      connector.poll(0);
    }
    runTimers();
    runInbox();
  }

  private void runTimers() {
    long now = System.nanoTime();
    TimerQueue.Entry t;
    while ((t = timers.pollDue(now)) != null) {
      if (!t.cancelled) {
        t.cancelled = true;
        runSafely(t.task);
      }
    }
  }

  private void runInbox() {
    Runnable task;
    int budget = 100_000; // leave room for I/O under a flood of submissions
    while (budget-- > 0 && (task = inbox.poll()) != null) {
      runSafely(task);
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("task {} threw; continuing", task, e);
    }
  }

  private void shutdown() {
    List<Handler> handlers = new ArrayList<>();
    try {
      for (SelectionKey key : selector.keys()) {
        handlers.add((Handler) key.attachment());
      }
    } catch (ClosedSelectorException e) {
      log.debug("selector already closed", e);
    }
    for (Handler h : handlers) {
      try {
        h.abort("checker closed");
      } catch (RuntimeException e) {
        log.warn("handler {} threw while closing; continuing", h, e);
      }
    }
    if (connector != null) {
      connector.close(o -> {
        try {
          ((ConnectProbe) o).abort("checker closed");
        } catch (RuntimeException e) {
          log.warn("probe {} threw while closing; continuing", o, e);
        }
      });
    }
    for (Runnable hook : List.copyOf(closeHooks)) {
      runSafely(hook);
    }
    closeHooks.clear();
    awaitLingering();
    try {
      selector.close();
    } catch (IOException e) {
      log.warn("closing the selector of {} failed; its descriptor may leak", thread.getName(), e);
    }
    timers.clear();
    inbox.clear();
  }

  /** Polls what the close hooks left running until each has finished or is forced at its deadline. */
  private void awaitLingering() {
    long pause = TimeUnit.MILLISECONDS.toNanos(1);
    while (!lingering.isEmpty()) {
      long now = System.nanoTime();
      lingering.removeIf(l -> {
        try {
          if (l.what().finished()) {
            return true;
          }
          if (now - l.deadlineNanos() >= 0) {
            l.what().force();
            return true;
          }
          return false;
        } catch (RuntimeException e) {
          log.warn("{} threw while the loop closed; no longer waiting for it", l.what(), e);
          return true;
        }
      });
      if (!lingering.isEmpty()) {
        LockSupport.parkNanos(pause);
        pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }

  /**
   * Asks the thread to stop, aborting pending probes, without waiting for it; {@link #close} waits. Closing several
   * loops this way first lets their close hooks' grace periods run side by side.
   */
  public void requestClose() {
    closing = true;
    selector.wakeup();
    if (connector != null) {
      connector.wakeup();
    }
  }

  /**
   * Stops the thread, aborting pending probes, and waits up to five seconds for it (what its close hooks left
   * lingering included).
   */
  @Override
  public void close() {
    requestClose();
    if (!inLoop()) {
      try {
        if (!stopped.await(5, TimeUnit.SECONDS)) {
          log.warn("event loop {} did not stop within 5s", thread.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * When to wake for a timer due at {@code deadline}: the first multiple of {@code slack} after {@code origin} that
   * is not before it (the deadline itself when {@code slack} is 0), so that every timer due up to that instant
   * runs in the same turn.
   */
  static long wakeAt(long deadline, long origin, long slack) {
    if (slack == 0) {
      return deadline;
    }
    return origin + Math.floorDiv(deadline - origin + slack - 1, slack) * slack;
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }
}
