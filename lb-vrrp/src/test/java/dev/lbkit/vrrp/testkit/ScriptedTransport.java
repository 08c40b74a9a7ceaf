package dev.lbkit.vrrp.testkit;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.VrrpRouter;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A transport on a hand-moved clock that the router's own waits move: datagrams are scheduled to arrive at set ticker
 * times; a blocking {@link #receive} returns the first one arriving within the timeout (the clock jumps to its
 * arrival plus {@link #wakeLatencyNanos}) or lets the whole timeout pass, plus the same wake-up latency a sleeping
 * thread pays; a non-blocking receive (timeout zero, the takeover spin's poll) sees what arrived up to now and then
 * costs {@link #pollStepNanos}; reading the clock through {@link #read} costs {@link #readStepNanos}. Datagrams
 * carry their true age, as the kernel's receive stamp gives it. Records every
 * blocking wait and counts the polls. Engine thread only; {@link #onReceive} lets a test act at each call.
 */
public final class ScriptedTransport implements VrrpTransport {
  private final TreeMap<Long, List<VrrpDatagram>> arrivals = new TreeMap<>();
  private final List<VrrpDatagram> sent = new ArrayList<>();
  private final List<Long> sentAt = new ArrayList<>();
  private final List<Long> waits = new ArrayList<>();
  private long now;
  private long wakeLatencyNanos;
  private long pollStepNanos = 1_000;
  private long readStepNanos = 10;
  private int polls;
  private long primeStepNanos;
  private final List<Long> primedAt = new ArrayList<>();
  private Runnable onReceive = () -> {};
  private boolean inTakeover;
  private final List<Long> takeoverBegins = new ArrayList<>();
  private final List<Long> takeoverEnds = new ArrayList<>();
  private int blockingWaitsInTakeover;

  public ScriptedTransport(long start) {
    this.now = start;
  }

  /** The clock, for the router's ticker. */
  public LongSupplier clock() {
    return () -> now;
  }

  public long now() {
    return now;
  }

  /** The router's ticker: the clock moves {@link #readStepNanos} per read, as a real one does while code runs. */
  public long read() {
    long t = now;
    now += readStepNanos;
    return t;
  }

  public ScriptedTransport readStepNanos(long value) {
    this.readStepNanos = value;
    return this;
  }

  public ScriptedTransport wakeLatencyNanos(long value) {
    this.wakeLatencyNanos = value;
    return this;
  }

  /** How long a {@link #prime} takes (default 0). */
  public ScriptedTransport primeStepNanos(long value) {
    this.primeStepNanos = value;
    return this;
  }

  /** When each {@link #prime} began. */
  public List<Long> primedAt() {
    return List.copyOf(primedAt);
  }

  @Override
  public void prime() {
    primedAt.add(now);
    now += primeStepNanos;
  }

  public ScriptedTransport pollStepNanos(long value) {
    this.pollStepNanos = value;
    return this;
  }

  /** Runs before every receive (a test closes the router from there, on the engine thread). */
  public ScriptedTransport onReceive(Runnable value) {
    this.onReceive = value;
    return this;
  }

  /**
   * Closes {@code router} at the first receive after the clock passed {@code until}: from the engine thread, so the
   * router's {@code run()} ends after that round. Replaces any {@link #onReceive} action.
   */
  public ScriptedTransport closeAfter(long until, VrrpRouter router) {
    return onReceive(() -> {
      if (now > until) {
        try {
          router.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  /** {@code datagram} arrives at ticker time {@code at}. */
  public void arriveAt(long at, VrrpDatagram datagram) {
    arrivals.computeIfAbsent(at, k -> new ArrayList<>()).add(datagram);
  }

  /** The blocking waits' timeouts, in order. */
  public List<Long> waits() {
    return waits;
  }

  /** Non-blocking polls so far. */
  public int polls() {
    return polls;
  }

  public List<VrrpDatagram> sent() {
    return sent;
  }

  /** Ticker time of each sent datagram. */
  public List<Long> sentAt() {
    return sentAt;
  }

  @Override
  public void open(String interfaceName, AddressFamily family) {}

  @Override
  public InetAddress primaryAddress(String interfaceName, AddressFamily family) {
    return VirtualAddress.parse("10.0.0.1/24").address();
  }

  @Override
  public void send(VrrpDatagram datagram) {
    sent.add(datagram);
    sentAt.add(now);
  }

  @Override
  public Optional<VrrpDatagram> receive(Duration timeout) {
    onReceive.run();
    long t = timeout.toNanos();
    if (t == 0) {
      polls++;
      long pollAt = now; // the poll sees what arrived by when it began; the hand-over comes a step later
      now += pollStepNanos;
      return take(pollAt, now);
    }
    waits.add(t);
    if (inTakeover) {
      blockingWaitsInTakeover++;
    }
    Long first = arrivals.isEmpty() ? null : arrivals.firstKey();
    if (first != null && first <= now + t) {
      now = Math.max(now, first) + wakeLatencyNanos;
      return take(now, now);
    }
    now += t + wakeLatencyNanos;
    return Optional.empty();
  }

  /** The first datagram that arrived by {@code seenBy}, with its age at {@code handedAt}. */
  private Optional<VrrpDatagram> take(long seenBy, long handedAt) {
    Long first = arrivals.isEmpty() ? null : arrivals.firstKey();
    if (first == null || first > seenBy) {
      return Optional.empty();
    }
    List<VrrpDatagram> list = arrivals.get(first);
    VrrpDatagram d = list.remove(0);
    if (list.isEmpty()) {
      arrivals.remove(first);
    }
    return Optional.of(new VrrpDatagram(d.interfaceName(), d.source(), d.destination(), d.ttl(), d.payload(),
        Duration.ofNanos(handedAt - first)));
  }

  @Override
  public void beginTakeover() {
    if (!inTakeover) {
      inTakeover = true;
      takeoverBegins.add(now);
    }
  }

  @Override
  public void endTakeover() {
    if (inTakeover) {
      inTakeover = false;
      takeoverEnds.add(now);
    }
  }

  /** Whether the router's takeover window ({@link #beginTakeover()} until {@link #endTakeover()}) is open now. */
  public boolean inTakeover() {
    return inTakeover;
  }

  /** When each takeover window began. */
  public List<Long> takeoverBegins() {
    return List.copyOf(takeoverBegins);
  }

  /** When each takeover window ended. */
  public List<Long> takeoverEnds() {
    return List.copyOf(takeoverEnds);
  }

  /** Blocking receives made while a takeover window was open (the router must end it before it sleeps). */
  public int blockingWaitsInTakeover() {
    return blockingWaitsInTakeover;
  }

  @Override
  public void wakeup() {}

  @Override
  public void close() {}
}
