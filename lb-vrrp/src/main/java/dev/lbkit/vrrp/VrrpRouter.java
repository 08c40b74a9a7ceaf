package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Beta;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.event.VrrpStateListener;
import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.internal.codec.Decoded;
import dev.lbkit.vrrp.internal.codec.Rejection;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.ScriptRunner;
import dev.lbkit.vrrp.spi.TrafficFilter;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VRRP router: one or more {@link VrrpInstance}s sharing a transport, an address manager, a ticker and one engine
 * thread, with optional sync groups and tracked objects. Start here.
 *
 * <pre>{@code
 * VrrpRouter router = VrrpRouter.builder(transport, addresses)
 *     .instance(VrrpConfig.builder("VI_51").interfaceName("eth0").vrid(51).priority(150)
 *         .virtualAddress("10.99.0.100/24").build())
 *     .listener(event -> System.out.println(event))
 *     .build();
 * router.startInBackground();   // or router.run() on a thread of your own
 * ...
 * router.close();               // resigns (priority 0), removes the virtual addresses
 * }</pre>
 *
 * <p>Threading: the engine methods ({@link #start()}, {@link #onDatagram}, {@link #runDueTimers()},
 * {@link #shutdown(String)}, {@link #setTracked}, {@link #setPriority}) must be called from one thread, the engine
 * thread; {@link #run()} is such a loop, sleeping until the next timer, datagram or command. From other threads use
 * {@link #execute(Runnable)}, {@link #updateScripts}, {@link #updateTrackedChecks}, {@link #close()} and the read-only getters. Listeners run on the engine thread and must not block; one that throws is logged and the engine
 * goes on.
 */
@Beta
public final class VrrpRouter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VrrpRouter.class);
  /** With nothing due the engine still waits at most this long; commands and close() wake it at once anyway. */
  private static final long MAX_WAIT_NANOS = 3_600_000_000_000L;
  /**
   * A datagram's age counts up to this much: the arrival stamp (the kernel's wall-clock time) serves to take the
   * engine's own reading time off the timers, and a wall clock stepped between the arrival and the read must not move
   * a timer by more than that.
   */
  static final long MAX_AGE_NANOS = 10_000_000L;
  /** Default of {@link Builder#takeoverSpin}: above the timer wake-up latency measured in the lab (65-205 us). */
  static final Duration DEFAULT_TAKEOVER_SPIN = Duration.ofNanos(500_000);
  /** Default of {@link Builder#warmUpTakeovers}: enough for C1 to compile the path and profile it as taken. */
  static final int DEFAULT_WARM_UP_TAKEOVERS = 2_000;
  /** Reads of the real ticker in the warm-up: past C2's thresholds for its read(), about a millisecond. */
  private static final int TICKER_WARM_UP_READS = 50_000;
  /** Datagrams handled at the end of a takeover spin before the timers run (the rest wait their turn). */
  private static final int MAX_SPIN_DATAGRAMS = 64;
  /**
   * A takeover spin primes the takeover's system calls at its start, and the transport's again this long before the
   * deadline (half the spin when the spin is shorter: the warm-up's 20 us spins then take both sides of that test, and
   * C2 does not compile one of them as a trap that the real spins would hit).
   */
  static final long PRIME_AGAIN_NANOS = 100_000;
  /**
   * How long before a takeover spin, in advertisement intervals of the instance due, the engine opens the takeover
   * window and sleeps on inside it, so that the spin's own wake-up preempts normal threads instead of waiting for a CPU.
   * Two intervals: a Master_Down_Interval is three and a bit, so this is about 1.6 intervals after the last
   * advertisement, which a Master that still advertises never lets come (a priority-0 advertisement's Skew_Time opens
   * it at once). The wake-up that opens it is a normal one and may come late on a loaded host (traced in the lab at
   * load 10: 37 ms), which this leaves room for; one 10 ms before the spin did not.
   */
  static final int TAKEOVER_WINDOW_INTERVALS = 2;
  /** Upper bound of {@link Builder#takeoverSpin}: the CPU a spin may burn per takeover. */
  static final Duration MAX_TAKEOVER_SPIN = Duration.ofMillis(5);

  private final VrrpTransport transport;
  private final AddressManager addresses;
  private final TrafficFilter trafficFilter;
  private final Ticker ticker;
  private final Clock clock;
  /** Replaced whole (never changed in place) by a reload, so other threads may read it while the engine runs. */
  private volatile Map<String, VrrpInstance> instances;
  private final List<List<VrrpInstance>> syncGroups = new ArrayList<>();
  private final Set<String> openedInterfaces = new java.util.HashSet<>();
  private final List<VrrpStateListener> listeners = new CopyOnWriteArrayList<>();
  private final List<PolledCheck> checks = new ArrayList<>();
  private final Map<String, ScriptState> scripts = new LinkedHashMap<>();
  private final ScriptRunner scriptRunner;
  private final Map<String, Boolean> trackedUp = new HashMap<>();
  private final VrrpInstance.Counters unclaimed = new VrrpInstance.Counters();
  private final Set<Rejection> loggedUnclaimed = EnumSet.noneOf(Rejection.class);
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile Thread engineThread;
  private boolean propagating;
  private boolean started;
  private final long spinNanos;
  private final int warmUpTakeovers;
  /** Whether takeover windows run at real-time priority ({@link Builder#takeoverRealtime}). */
  private final boolean takeoverRealtime;
  /** Where state changes are logged: the log, or (a private warm-up router) a sink that logs nothing. */
  private final StateLog stateLog;
  /** The ticker's last reading in the warm-up. Engine thread only. */
  private long tickerWarmedAt;
  /** The earliest master-down deadline, as the last {@link #nextDeadlineNanos()} found it. Engine thread only. */
  private long takeoverDeadline = Long.MAX_VALUE;
  /** How long before the spin the takeover window opens for that deadline (TAKEOVER_WINDOW_INTERVALS). */
  private long takeoverWindowNanos;
  // takeover spin counters: written by the engine thread only, read by any
  private volatile long spins;
  private volatile long spinsCancelled;
  private volatile long spinNanosTotal;
  private volatile long spinNanosLongest;
  private volatile long spinNanosLast;
  private volatile long spinOvershootLast;
  private volatile long spinOvershootLongest;

  private VrrpRouter(Builder b) {
    this.transport = b.transport;
    this.addresses = b.addresses;
    this.trafficFilter = b.trafficFilter;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.spinNanos = b.takeoverSpin.toNanos();
    this.warmUpTakeovers = b.warmUpTakeovers;
    this.takeoverRealtime = b.takeoverRealtime;
    this.stateLog = b.stateLog != null ? b.stateLog : VrrpRouter::logStateChange;
    Map<String, VrrpInstance> built = new LinkedHashMap<>();
    for (VrrpConfig c : b.configs) {
      built.put(c.name(), new VrrpInstance(c, this));
    }
    this.instances = java.util.Collections.unmodifiableMap(built);
    for (List<String> group : b.syncGroups) {
      syncGroups.add(group.stream().map(instances::get).toList());
    }
    listeners.addAll(b.listeners);
    checks.addAll(b.checks);
    this.scriptRunner = b.scriptRunner != null ? b.scriptRunner : new TrackScript();
    for (VrrpScript script : b.scripts) {
      scripts.put(script.name(), new ScriptState(script));
    }
  }

  /** A builder over this transport and address manager. */
  public static Builder builder(VrrpTransport transport, AddressManager addresses) {
    return new Builder(transport, addresses);
  }

  /** 224.0.0.18 or ff02::12. */
  public static InetAddress multicastGroup(AddressFamily family) {
    try {
      return InetAddress.getByAddress(family == AddressFamily.IPV4 ? new byte[] {(byte) 224, 0, 0, 18}
          : new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** The instances, in configuration order. */
  public List<VrrpInstance> instances() {
    return List.copyOf(instances.values());
  }

  /**
   * The instance of this name.
   *
   * @throws IllegalArgumentException if there is none
   */
  public VrrpInstance instance(String name) {
    VrrpInstance i = instances.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no VRRP instance named '" + name + "'; have " + instances.keySet());
    }
    return i;
  }

  /** Packets no instance claimed (unknown VRID, malformed): counted here. */
  public VrrpStats unclaimedStats() {
    return unclaimed.snapshot();
  }

  public void addListener(VrrpStateListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  VrrpTransport transport() {
    return transport;
  }

  AddressManager addresses() {
    return addresses;
  }

  /** Only instances with accept mode off call it; build() made sure it is there for them. */
  TrafficFilter trafficFilter() {
    return trafficFilter;
  }

  // ---- engine thread ----

  /**
   * Opens the transport on every instance's interface and starts the instances (RFC 5798 Startup).
   *
   * @throws IOException if an interface is missing, has no usable address, or raw sockets are not permitted
   */
  public void start() throws IOException {
    if (started) {
      return;
    }
    started = true;
    for (VrrpInstance i : instances.values()) {
      VrrpConfig c = i.config();
      // keepalived removes leftover VIPs at startup; so do we, so a restart after a crash starts clean
      for (VirtualAddress a : c.virtualAddresses()) {
        addresses.remove(c.interfaceName(), a);
      }
      if (c.filtersTraffic()) {
        i.filter(false); // and any drop rule a crashed run left for them
      }
      open(c);
    }
    long now = ticker.read();
    for (VrrpInstance i : instances.values()) {
      VrrpConfig c = i.config();
      i.prepare(transport.primaryAddress(c.interfaceName(), c.family()));
    }
    // tracked objects first: an instance whose object is down at startup goes from Initialize straight to Fault, as
    // keepalived's does (never Backup first)
    for (PolledCheck check : checks) {
      runCheck(check, now);
    }
    for (ScriptState state : scripts.values()) {
      state.due = now;
      if (state.counter.up() != null) {
        trackedUp.put(state.script.name(), state.counter.up()); // init_fail: down until it passes
      }
    }
    applyTracking(now);
    for (VrrpInstance i : instances.values()) {
      i.begin(now);
    }
  }

  private void open(VrrpConfig c) throws IOException {
    if (!openedInterfaces.contains(c.interfaceName() + "/" + c.family())) {
      transport.open(c.interfaceName(), c.family());
      openedInterfaces.add(c.interfaceName() + "/" + c.family());
    }
    if (c.authType() == VrrpConfig.AuthType.AH && openedInterfaces.add(c.interfaceName() + "/AH")) {
      transport.openAuthenticationHeader(c.interfaceName());
    }
  }

  /**
   * Applies a new configuration at run time, as keepalived does on a reload (SIGHUP). A new instance takes the place
   * of a running one with the same interface, address family and VRID, both multicast or both unicast (keepalived's
   * {@code vrrp_exist}), whatever its name:
   * <ul>
   *   <li>unchanged ({@link VrrpConfig#equals}): it keeps running untouched;
   *   <li>changed: a new instance continues the old one's state and counters without a state change: a Master stays
   *       Master, drops the addresses the new configuration left out, adds and announces the new ones and advertises
   *       at once (with a changed priority, the election then goes on from there); a Backup stays Backup with a fresh
   *       master-down timer; an instance in Fault or Initialize starts afresh, and tracking decides on Fault again;
   *   <li>gone from the new configuration: it stops as on shutdown (a Master resigns with priority 0 and removes its
   *       addresses), reporting Initialize;
   *   <li>new: it starts as at startup (its interface's transport is opened if no instance used it yet).
   * </ul>
   * The sync groups are replaced by {@code syncGroups}. Engine thread only (use {@link #execute}). Before
   * {@link #start()} it only replaces the configuration.
   *
   * @return which instances were kept, changed, added and removed
   * @throws IllegalArgumentException for no instances, duplicate names or VRIDs, or a sync group naming an unknown
   *     instance; nothing changes then
   * @throws IOException if the transport cannot be opened on a new instance's interface; instances already handled
   *     stay as they are, the rest of the old configuration keeps running
   */
  public Reload reload(List<VrrpConfig> configs, List<List<String>> syncGroupNames) throws IOException {
    validate(configs, syncGroupNames, trafficFilter != null);
    long now = ticker.read();
    Map<String, VrrpInstance> next = new LinkedHashMap<>();
    Set<VrrpInstance> matched = new java.util.HashSet<>();
    List<String> kept = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<VrrpInstance> toStart = new ArrayList<>();
    Map<VrrpInstance, VrrpInstance> toResume = new LinkedHashMap<>();
    for (VrrpConfig c : configs) {
      VrrpInstance old = null;
      for (VrrpInstance i : instances.values()) {
        if (!matched.contains(i) && sameRouter(i.config(), c)) {
          old = i;
          break;
        }
      }
      if (old != null) {
        matched.add(old);
      }
      if (old != null && old.config().equals(c)) {
        next.put(c.name(), old);
        kept.add(c.name());
      } else if (old != null) {
        VrrpInstance successor = new VrrpInstance(c, this, old.counters());
        next.put(c.name(), successor);
        toResume.put(successor, old);
        changed.add(c.name());
      } else {
        VrrpInstance fresh = new VrrpInstance(c, this);
        next.put(c.name(), fresh);
        toStart.add(fresh);
        added.add(c.name());
      }
    }
    List<VrrpInstance> gone = instances.values().stream().filter(i -> !matched.contains(i)).toList();
    List<String> removed = gone.stream().map(VrrpInstance::name).toList();
    if (started) {
      for (VrrpInstance i : gone) {
        i.shutdown(now, "removed by a reload");
      }
      for (Map.Entry<VrrpInstance, VrrpInstance> e : toResume.entrySet()) {
        VrrpConfig c = e.getKey().config();
        VrrpInstance old = e.getValue();
        open(c); // a changed instance may have changed to auth_type AH
        old.detach();
        e.getKey().resume(old, transport.primaryAddress(c.interfaceName(), c.family()), now);
      }
    }
    instances = java.util.Collections.unmodifiableMap(next);
    syncGroups.clear();
    for (List<String> group : syncGroupNames) {
      syncGroups.add(group.stream().map(instances::get).toList());
    }
    if (started) {
      for (VrrpInstance i : toStart) {
        VrrpConfig c = i.config();
        open(c);
        i.prepare(transport.primaryAddress(c.interfaceName(), c.family()));
      }
      applyTracking(now); // a new instance whose tracked object is down starts in Fault
      for (VrrpInstance i : toStart) {
        i.begin(now);
      }
    }
    Reload result = new Reload(kept, changed, added, removed);
    log.info("VRRP reload: {}", result);
    return result;
  }

  /** keepalived's {@code vrrp_exist}: the same virtual router on the wire. */
  private static boolean sameRouter(VrrpConfig a, VrrpConfig b) {
    return a.vrid() == b.vrid() && a.family() == b.family() && a.interfaceName().equals(b.interfaceName())
        && a.unicastPeers().isEmpty() == b.unicastPeers().isEmpty();
  }

  /**
   * What {@link #reload} did, by instance name (a changed instance under its new name, a removed one under its old).
   *
   * @param kept unchanged and left running
   * @param changed replaced, continuing the old state
   * @param added started
   * @param removed stopped
   */
  public record Reload(List<String> kept, List<String> changed, List<String> added, List<String> removed) {
    public Reload {
      kept = List.copyOf(kept);
      changed = List.copyOf(changed);
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }
  }

  /**
   * Handles one received datagram: decode, check, dispatch to the instance of its VRID. Never throws for bad input.
   * The datagram counts as received {@link VrrpDatagram#age()} before now (at most 10 ms): a Backup
   * starts its master-down timer from the advertisement's arrival, as RFC 5798 means it, not from when the engine got
   * to read it.
   */
  public void onDatagram(VrrpDatagram d) {
    drainCommands();
    long now = ticker.read() - Math.min(MAX_AGE_NANOS, d.age().toNanos());
    if (d.authenticated()) {
      onAuthenticated(d, now);
      return;
    }
    Decoded decoded = VrrpCodec.decode(d.source(), d.destination(), d.ttl(), d.payload());
    byte[] payload = d.payload();
    int vrid = payload.length > 1 ? payload[1] & 0xff : -1;
    AddressFamily family = AddressFamily.of(d.source());
    VrrpInstance target = null;
    for (VrrpInstance i : instances.values()) {
      VrrpConfig c = i.config();
      if (i.started() && c.vrid() == vrid && c.family() == family && c.interfaceName().equals(d.interfaceName())) {
        target = i;
        break;
      }
    }
    if (decoded instanceof Decoded.Rejected r) {
      if (target != null) {
        target.reject(r.rejection(), d.source());
      } else {
        countUnclaimed(r.rejection(), d);
      }
      return;
    }
    if (target == null) {
      // RFC 5798 7.1: drop unless the VRID is configured on this interface
      countUnclaimed(Rejection.VRID, d);
      return;
    }
    target.receive(((Decoded.Accepted) decoded).packet(), d.source(), now);
  }

  /** An IPsec-AH datagram: its layout here, the rest in the instance of its VRID, which has the key. */
  private void onAuthenticated(VrrpDatagram d, long now) {
    AuthenticationHeader.Parsed parsed = AuthenticationHeader.open(d.ipHeader(), d.payload());
    if (parsed instanceof AuthenticationHeader.Parsed.Bad bad) {
      countUnclaimed(bad.rejected().rejection(), d);
      return;
    }
    AuthenticationHeader.Opened opened = ((AuthenticationHeader.Parsed.Ok) parsed).opened();
    for (VrrpInstance i : instances.values()) {
      VrrpConfig c = i.config();
      if (i.started() && c.vrid() == opened.vrid() && c.family() == AddressFamily.IPV4
          && c.interfaceName().equals(d.interfaceName())) {
        i.receiveAuthenticated(opened, now);
        return;
      }
    }
    // RFC 5798 7.1: drop unless the VRID is configured on this interface
    countUnclaimed(Rejection.VRID, d);
  }

  private void countUnclaimed(Rejection r, VrrpDatagram d) {
    unclaimed.count(r);
    if (loggedUnclaimed.add(r)) {
      log.info("dropped VRRP datagram from {} on {}: {} (logged once per reason)", d.source().getHostAddress(),
          d.interfaceName(), r.description());
    }
  }

  /** Runs every timer and tracked-object check that is due. */
  public void runDueTimers() {
    drainCommands();
    long now = ticker.read();
    boolean trackingChanged = false;
    for (PolledCheck check : checks) {
      if (now >= check.due && runCheck(check, now)) {
        trackingChanged = true;
      }
    }
    if (trackingChanged) {
      applyTracking(now);
    }
    boolean started = false;
    for (ScriptState state : scripts.values()) {
      if (!state.running && now >= state.due) {
        state.running = true;
        state.due = now + state.script.interval().toNanos();
        started = true;
        scriptRunner.run(state.script, passed -> execute(() -> scriptFinished(state, passed)));
      }
    }
    if (started) {
      drainCommands(); // a runner that answered at once (in memory) is counted before the timers below
    }
    for (VrrpInstance i : instances.values()) {
      i.runTimers(now);
    }
  }

  /** Runs a polled check and schedules the next; true if its object changed. */
  private boolean runCheck(PolledCheck check, long now) {
    check.due = now + check.intervalNanos;
    boolean up;
    try {
      up = check.check.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("tracked check {} threw; counting it as down", check.name, e);
      up = false;
    }
    return !Boolean.valueOf(up).equals(trackedUp.put(check.name, up));
  }

  private void scriptFinished(ScriptState state, boolean passed) {
    state.running = false;
    if (scripts.get(state.script.name()) != state) {
      return; // replaced or removed by updateScripts while it ran
    }
    if (state.counter.record(passed)) {
      boolean up = state.counter.up();
      log.info("tracked script {} is {} ({} of rise {} / fall {})", state.script.name(), up ? "up" : "down",
          passed ? "a pass" : "a failure", state.script.rise(), state.script.fall());
      setTracked(state.script.name(), up);
    }
  }

  /**
   * Replaces the tracked scripts (a reload): an unchanged script runs on with its rise/fall count, a changed or new
   * one starts afresh (due at once), a removed one stops and its object keeps its last state. Thread-safe: runs on the
   * engine thread (at once when called there, or when nothing runs the engine, as in {@link InMemoryVrrpNetwork}).
   */
  public void updateScripts(List<VrrpScript> newScripts) {
    List<VrrpScript> copy = List.copyOf(newScripts);
    onEngine(() -> {
      Map<String, ScriptState> next = new LinkedHashMap<>();
      long now = ticker.read();
      for (VrrpScript script : copy) {
        ScriptState old = scripts.get(script.name());
        if (old != null && old.script.equals(script)) {
          next.put(script.name(), old);
        } else {
          ScriptState fresh = new ScriptState(script);
          fresh.due = now;
          next.put(script.name(), fresh);
        }
      }
      scripts.clear();
      scripts.putAll(next);
      runDueTimers();
    });
  }

  /**
   * Replaces the polled tracked-object checks (a reload changing keepalived's {@code track_interface}): a check whose
   * name and interval are unchanged keeps its schedule and last result (polling the new supplier from then on), a new
   * or re-timed one is polled at once, a removed one is no longer polled and its object keeps its last state.
   * Thread-safe like {@link #updateScripts}.
   *
   * @param newChecks the checks by tracked-object name
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public void updateTrackedChecks(Map<String, BooleanSupplier> newChecks, Duration interval) {
    requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("check interval must be positive but was " + interval);
    }
    Map<String, BooleanSupplier> copy = Map.copyOf(newChecks);
    long intervalNanos = interval.toNanos();
    onEngine(() -> {
      Map<String, PolledCheck> old = new HashMap<>();
      checks.forEach(c -> old.put(c.name, c));
      checks.clear();
      long now = ticker.read();
      for (Map.Entry<String, BooleanSupplier> e : new TreeMap<>(copy).entrySet()) {
        PolledCheck fresh = new PolledCheck(e.getKey(), e.getValue(), intervalNanos);
        PolledCheck before = old.get(e.getKey());
        fresh.due = before != null && before.intervalNanos == intervalNanos ? before.due : now;
        checks.add(fresh);
      }
      if (started) {
        runDueTimers();
      }
    });
  }

  /** Runs now when called on the engine thread or with no engine thread (a simulation drives it), else queues. */
  private void onEngine(Runnable r) {
    Thread t = engineThread;
    if (t == null || t == Thread.currentThread()) {
      r.run();
    } else {
      execute(r);
    }
  }

  /** The ticker time of the next due timer, or {@link Long#MAX_VALUE}. */
  public long nextDeadlineNanos() {
    long next = Long.MAX_VALUE;
    for (VrrpInstance i : instances.values()) {
      next = Math.min(next, i.nextDeadline());
    }
    return Math.min(next, nextCheckOrScript());
  }

  /** {@link #nextDeadlineNanos()}, also noting the earliest master-down deadline in {@link #takeoverDeadline}. */
  private long nextDeadline() {
    long next = Long.MAX_VALUE;
    long takeover = Long.MAX_VALUE;
    long window = 0;
    for (VrrpInstance i : instances.values()) {
      next = Math.min(next, i.nextDeadline());
      long t = i.takeoverDeadline();
      if (t < takeover) {
        takeover = t;
        window = TAKEOVER_WINDOW_INTERVALS * i.config().advertInterval().toNanos();
      }
    }
    takeoverDeadline = takeover;
    takeoverWindowNanos = window;
    return Math.min(next, nextCheckOrScript());
  }

  private long nextCheckOrScript() {
    long next = Long.MAX_VALUE;
    for (PolledCheck check : checks) {
      next = Math.min(next, check.due);
    }
    for (ScriptState state : scripts.values()) {
      if (!state.running) {
        next = Math.min(next, state.due);
      }
    }
    return next;
  }

  /** Sets a tracked object up or down (the callback form of keepalived's track_* objects). */
  public void setTracked(String objectName, boolean up) {
    requireNonNull(objectName, "objectName");
    Boolean before = trackedUp.put(objectName, up);
    if (before == null || before != up) {
      applyTracking(ticker.read());
    }
  }

  /**
   * Changes an instance's configured priority at run time, as a reload of keepalived would.
   *
   * @throws IllegalArgumentException for an unknown instance or a priority outside [1, 254]
   */
  public void setPriority(String instanceName, int priority) {
    if (priority < 1 || priority > 254) {
      throw new IllegalArgumentException("priority must be in [1, 254] but was " + priority);
    }
    instance(instanceName).fsm().setPriority(priority, ticker.read());
  }

  /** Resigns every instance: a Master sends priority 0 and removes its virtual addresses. */
  public void shutdown(String reason) {
    long now = ticker.read();
    for (VrrpInstance i : instances.values()) {
      i.shutdown(now, reason);
    }
  }

  private void applyTracking(long now) {
    if (!started) {
      return;
    }
    Map<VrrpInstance, Boolean> groupFault = new HashMap<>();
    // a first pass finds own faults, the second applies group faults to every member
    for (VrrpInstance i : instances.values()) {
      i.applyTracking(trackedUp, false, now);
    }
    for (List<VrrpInstance> group : syncGroups) {
      boolean any = group.stream().anyMatch(VrrpInstance::ownFault);
      for (VrrpInstance i : group) {
        groupFault.merge(i, any, Boolean::logicalOr);
      }
    }
    for (Map.Entry<VrrpInstance, Boolean> e : groupFault.entrySet()) {
      if (e.getValue()) {
        e.getKey().applyTracking(trackedUp, true, now);
      }
    }
  }

  /**
   * Whether {@code instance}, whose master-down timer fired, may take over: yes unless it is in a sync group with a
   * member that does not want Master (keepalived's vrrp_sync_can_goto_master: the group goes Master only when all its
   * members want to, and prefers Backup to thrashing when one of them still hears a better Master).
   */
  boolean syncGroupConsents(VrrpInstance instance) {
    for (List<VrrpInstance> group : syncGroups) {
      if (group.contains(instance)) {
        for (VrrpInstance other : group) {
          if (other != instance && (other.fsm() == null || !other.fsm().wantsMaster())) {
            return false;
          }
        }
      }
    }
    return true;
  }

  void stateChanged(VrrpInstance instance, VrrpState from, VrrpState to, String reason) {
    VrrpConfig c = instance.config();
    // the new Master has its addresses, advertised and announced itself: the takeover window (spinUntil) ends
    // before the log line and the listeners, which are not the engine's to hurry
    transport.endTakeover();
    VrrpStateChanged event = new VrrpStateChanged(clock.instant(), c.name(), c.vrid(), from, to, reason);
    // a call, not an if on "quiet": the warm-up's routers would take such a branch one way only, and C2 would compile
    // the other way as a trap that the first real state changes hit
    stateLog.stateChanged(c, event);
    for (VrrpStateListener l : listeners) {
      try {
        l.onStateChange(event);
      } catch (RuntimeException e) {
        log.warn("listener {} threw on {}; continuing", l, event, e);
      }
    }
    if (!propagating && (to == VrrpState.MASTER || (from == VrrpState.MASTER && to == VrrpState.BACKUP))) {
      propagating = true;
      try {
        long now = ticker.read();
        for (List<VrrpInstance> group : syncGroups) {
          if (!group.contains(instance)) {
            continue;
          }
          for (VrrpInstance other : group) {
            if (other != instance) {
              if (to == VrrpState.MASTER) {
                other.fsm().forceMaster(now, "sync group: " + c.name() + " became MASTER");
              } else {
                other.fsm().forceBackup(now, "sync group: " + c.name() + " became BACKUP");
              }
            }
          }
        }
      } finally {
        propagating = false;
      }
    }
  }

  /** How a router reports its state changes besides the listeners; a private warm-up router gives its own. */
  @FunctionalInterface
  interface StateLog {
    void stateChanged(VrrpConfig config, VrrpStateChanged event);
  }

  private static void logStateChange(VrrpConfig c, VrrpStateChanged e) {
    log.info("{} (vrid {} on {}): {} -> {} ({})", c.name(), c.vrid(), c.interfaceName(), e.from(), e.to(),
        e.reason());
  }

  // ---- threads ----

  /** Runs {@code command} on the engine thread before its next step. Thread-safe. */
  public void execute(Runnable command) {
    commands.add(requireNonNull(command, "command"));
    transport.wakeup();
  }

  private void drainCommands() {
    Runnable r;
    while ((r = commands.poll()) != null) {
      r.run();
    }
  }

  /**
   * Runs the engine on the calling thread until {@link #close()}: starts, then receives and runs timers; on the way
   * out resigns and removes the virtual addresses.
   *
   * @throws IOException if starting fails or the transport fails for good
   * @throws InterruptedException if the thread is interrupted (the instances resign first)
   */
  public void run() throws IOException, InterruptedException {
    engineThread = Thread.currentThread();
    try {
      warmUp();
      start();
      while (!closing) {
        runDueTimers();
        // sleep until the next timer: a datagram, a command (execute) or close() ends the wait early
        long next = nextDeadline();
        long wakeAt = next;
        boolean window = false;
        if (spinNanos > 0 && next != Long.MAX_VALUE && next == takeoverDeadline) {
          // the next timer is a takeover: wake a little early and watch the last stretch without sleeping
          long left = next - ticker.read();
          if (left <= spinNanos) {
            spinUntil(next);
            continue;
          }
          if (left <= spinNanos + takeoverWindowNanos) {
            // the last sleep before the spin ends in the takeover window: its wake-up does not wait for a CPU behind
            // the host's normal threads (VrrpTransport.beginTakeover)
            if (takeoverRealtime) {
              transport.beginTakeover();
            }
            window = true;
            wakeAt = next - spinNanos;
          } else {
            // adverts that still arrive push the deadline back before this; after a Master died the engine wakes
            // here once, to open the window
            wakeAt = next - spinNanos - takeoverWindowNanos;
          }
        }
        if (!window) {
          // a takeover window never outlasts its takeover: an advertisement that re-armed the timer ends it here
          transport.endTakeover();
        }
        // (the ticker may be negative: no subtraction from Long.MAX_VALUE)
        long wait = wakeAt == Long.MAX_VALUE ? MAX_WAIT_NANOS
            : Math.max(0, Math.min(MAX_WAIT_NANOS, wakeAt - ticker.read()));
        Optional<VrrpDatagram> d = transport.receive(Duration.ofNanos(wait));
        if (d.isPresent()) {
          onDatagram(d.get());
        }
      }
      drainCommands();
    } finally {
      transport.endTakeover();
      shutdown("stopping");
      stopped.countDown();
    }
  }

  /** Runs {@link TakeoverWarmUp} for each version and family configured, before the transport opens. */
  private void warmUp() {
    if (warmUpTakeovers == 0 || started) {
      return;
    }
    long t0 = System.nanoTime();
    Set<String> done = new java.util.HashSet<>();
    int takeovers = 0;
    for (VrrpInstance i : instances.values()) {
      VrrpConfig c = i.config();
      if (done.add(c.version() + "/" + c.family())) {
        try {
          takeovers += TakeoverWarmUp.run(c.version(), c.family(), warmUpTakeovers, takeoverRealtime, () -> closing);
        } catch (RuntimeException e) {
          // only the first takeovers get slower: never let the warm-up keep the engine from starting
          log.warn("takeover warm-up for VRRPv{} {} failed; starting without it", c.version(), c.family(), e);
        }
      }
    }
    // the real ticker is read some thousand times in each takeover spin: its read() is compiled here, not in the first
    // spins (the warm-up's tickers are classes of their own). The last read goes to a field, so no compiler drops it
    long last = 0;
    for (int r = 0; r < TICKER_WARM_UP_READS && !closing; r++) {
      last = ticker.read();
    }
    tickerWarmedAt = last;
    if (log.isDebugEnabled()) {
      log.debug("takeover path warmed up: {} simulated takeovers in {} ms", takeovers,
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /*
   * The takeover spin. A sleeping thread wakes some 65-205 us after its timer is due (measured in the lab with a
   * timerfd; keepalived pays the same), and that delay sits between Master_Down_Interval and the takeover. So when the
   * next timer is a master-down deadline, the engine sleeps only until takeoverSpin before it, then watches the
   * clock until the deadline and polls the transport once, without blocking. It only happens at a real failover (or
   * an advertisement so late it arrives within the spin): while advertisements arrive the deadline stays about three
   * intervals ahead and is pushed back before the engine ever wakes for it.
   *
   * RFC 5798 6.4.2 is kept exactly: the poll begins only once the clock read the deadline, and what it finds is
   * handled first, so every advertisement that arrived before the deadline re-arms the timer from its arrival stamp
   * before the timer runs, as when the ppoll returned the socket and the timerfd together. The takeover itself runs
   * in the normal loop (runDueTimers), never early.
   */
  private void spinUntil(long deadline) throws IOException, InterruptedException {
    long start = ticker.read();
    long now = start;
    // normally open already (the sleep before the spin ended in it), unless that sleep was the spin's own start
    if (takeoverRealtime) {
      transport.beginTakeover();
    }
    // the takeover's system calls, gone through without effect: after a wait the first one costs some 25 us more on
    // a loaded host (cold caches), so they run now, and the transport's once more shortly before the deadline
    prime(deadline);
    long primeAgainAt = deadline - Math.min(PRIME_AGAIN_NANOS, spinNanos / 2);
    boolean primedAgain = false;
    // only the clock in the loop: a poll per turn ran enough Java to keep crossing JIT thresholds during the first
    // takeovers of a process, and the compiler threads it woke then took the CPU from the takeover (lab runs 18-24)
    while (!closing && commands.isEmpty() && now < deadline) {
      Thread.onSpinWait();
      now = ticker.read();
      if (!primedAgain && now >= primeAgainAt) {
        // the transport only: its peek and route probe take microseconds, an rtnetlink request here took 30-130 us
        // and now and then over a millisecond (lab), which would have passed the deadline
        primedAgain = true;
        transport.prime();
        now = ticker.read();
      }
    }
    boolean cancelled = false;
    if (now >= deadline) {
      // the poll begins after the deadline: whatever arrived before it is handled before the timer runs (and re-arms
      // it from its arrival stamp), as when ppoll returned the socket and the timerfd together
      for (int i = 0; i < MAX_SPIN_DATAGRAMS; i++) {
        Optional<VrrpDatagram> d = transport.receive(Duration.ZERO);
        if (d.isEmpty()) {
          break;
        }
        onDatagram(d.get());
      }
      nextDeadline();
      cancelled = takeoverDeadline > deadline;
    }
    long spent = Math.max(0, ticker.read() - start);
    spins++;
    if (cancelled) {
      spinsCancelled++;
    }
    spinNanosTotal += spent;
    spinNanosLast = spent;
    spinNanosLongest = Math.max(spinNanosLongest, spent);
    if (!cancelled && now >= deadline) {
      spinOvershootLast = now - deadline;
      spinOvershootLongest = Math.max(spinOvershootLongest, now - deadline);
    }
  }

  /**
   * Primes the transport and the address manager for the instances whose master-down deadline this is (nothing
   * changes: see {@link VrrpTransport#prime} and {@link AddressManager#prime}).
   */
  private void prime(long deadline) {
    for (VrrpInstance i : instances.values()) {
      if (i.takeoverDeadline() == deadline) {
        VrrpConfig c = i.config();
        addresses.prime(c.interfaceName(), c.virtualAddresses());
      }
    }
    transport.prime();
  }

  /**
   * What the takeover spin ({@link Builder#takeoverSpin}) did so far: how often the engine watched a master-down
   * deadline without sleeping, how long, and how late after the deadline it noticed it was due.
   *
   * @param spins spins started (each ends in a takeover, or is cancelled by an advertisement)
   * @param cancelled spins ended by an advertisement that re-armed the master-down timer
   * @param total time spent spinning, all spins
   * @param longest the longest single spin
   * @param last the last spin
   * @param lastOvershoot for the last spin that reached its deadline: the clock read of the poll that ended it, minus
   *     the deadline
   * @param longestOvershoot the largest such overshoot
   */
  public record TakeoverSpinStats(long spins, long cancelled, Duration total, Duration longest, Duration last,
      Duration lastOvershoot, Duration longestOvershoot) {
    public TakeoverSpinStats {
      requireNonNull(total, "total");
      requireNonNull(longest, "longest");
      requireNonNull(last, "last");
      requireNonNull(lastOvershoot, "lastOvershoot");
      requireNonNull(longestOvershoot, "longestOvershoot");
    }
  }

  /** The takeover spin's counters. Thread-safe (each value is the latest published). */
  public TakeoverSpinStats takeoverSpinStats() {
    return new TakeoverSpinStats(spins, spinsCancelled, Duration.ofNanos(spinNanosTotal),
        Duration.ofNanos(spinNanosLongest), Duration.ofNanos(spinNanosLast), Duration.ofNanos(spinOvershootLast),
        Duration.ofNanos(spinOvershootLongest));
  }

  /**
   * Runs {@link #run()} on a new daemon thread named {@code vrrp-engine}; failures are logged.
   *
   * @return the thread
   */
  public Thread startInBackground() {
    Thread t = new Thread(() -> {
      try {
        run();
      } catch (IOException e) {
        log.error("VRRP engine stopped: {}", e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vrrp-engine");
    t.setDaemon(true);
    engineThread = t;
    t.start();
    return t;
  }

  /**
   * Stops the engine: every Master resigns with priority 0 and removes its addresses, then the transport closes.
   * Waits for a running {@link #run()} to finish. Thread-safe and idempotent.
   */
  @Override
  public void close() throws IOException {
    closing = true;
    transport.wakeup();
    Thread t = engineThread;
    if (t != null && t != Thread.currentThread()) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (t == null) {
      shutdown("closing");
    }
    try {
      transport.close();
    } finally {
      try {
        closeIfCloseable(addresses, "address manager");
      } finally {
        try {
          closeIfCloseable(trafficFilter, "traffic filter");
        } finally {
          closeIfCloseable(scriptRunner, "script runner");
        }
      }
    }
  }

  private static void closeIfCloseable(Object o, String what) throws IOException {
    if (o instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("closing the " + what + " failed", e);
      }
    }
  }

  private static void validate(List<VrrpConfig> configs, List<List<String>> syncGroups, boolean haveFilter) {
    Set<String> names = new java.util.HashSet<>();
    Set<String> keys = new java.util.HashSet<>();
    for (VrrpConfig c : configs) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("duplicate instance name '" + c.name() + "'");
      }
      if (c.filtersTraffic() && !haveFilter) {
        throw new IllegalArgumentException("instance '" + c.name() + "' has accept mode off, which needs a traffic "
            + "filter to drop packets to its virtual addresses; set Builder.trafficFilter (LinuxVrrp.routerBuilder() "
            + "has the nftables one) or turn accept mode on");
      }
      if (!keys.add(c.interfaceName() + "/" + c.family() + "/" + c.vrid())) {
        throw new IllegalArgumentException("instance '" + c.name() + "': vrid " + c.vrid() + " is already used for "
            + c.family() + " on " + c.interfaceName());
      }
    }
    if (configs.isEmpty()) {
      throw new IllegalArgumentException("a router needs at least one instance");
    }
    Map<String, List<String>> groupOf = new HashMap<>();
    for (List<String> g : syncGroups) {
      for (String n : g) {
        if (!names.contains(n)) {
          throw new IllegalArgumentException("sync group " + g + " names unknown instance '" + n + "'");
        }
        // two groups holding one instance were silently made one (a change in either forced the other's members),
        // and keepalived refuses an instance in a second group
        List<String> before = groupOf.putIfAbsent(n, g);
        if (before != null) {
          throw new IllegalArgumentException("instance '" + n + "' is named " + (before == g ? "twice in sync group "
              + g : "in sync groups " + before + " and " + g) + "; an instance belongs to one group at most");
        }
      }
    }
  }

  /** A tracked script's schedule and rise/fall count. Engine thread only. */
  private static final class ScriptState {
    final VrrpScript script;
    final ScriptCounter counter;
    long due;
    boolean running;

    ScriptState(VrrpScript script) {
      this.script = script;
      this.counter = new ScriptCounter(script);
    }
  }

  private static final class PolledCheck {
    final String name;
    final BooleanSupplier check;
    final long intervalNanos;
    long due;

    PolledCheck(String name, BooleanSupplier check, long intervalNanos) {
      this.name = name;
      this.check = check;
      this.intervalNanos = intervalNanos;
    }
  }

  /** Builds a {@link VrrpRouter}. Not thread-safe. */
  public static final class Builder {
    private final VrrpTransport transport;
    private final AddressManager addresses;
    private TrafficFilter trafficFilter;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private final List<VrrpConfig> configs = new ArrayList<>();
    private final List<List<String>> syncGroups = new ArrayList<>();
    private final List<VrrpStateListener> listeners = new ArrayList<>();
    private final List<PolledCheck> checks = new ArrayList<>();
    private final List<VrrpScript> scripts = new ArrayList<>();
    private ScriptRunner scriptRunner;
    private Duration takeoverSpin = DEFAULT_TAKEOVER_SPIN;
    private int warmUpTakeovers = DEFAULT_WARM_UP_TAKEOVERS;
    private boolean takeoverRealtime = true;
    private StateLog stateLog;

    private Builder(VrrpTransport transport, AddressManager addresses) {
      this.transport = requireNonNull(transport, "transport");
      this.addresses = requireNonNull(addresses, "addresses");
    }

    /**
     * Drops traffic to the virtual addresses of Masters whose accept mode is off (RFC 5798 6.4.3). Required when an
     * instance has {@link VrrpConfig#acceptMode()} false and priority below 255; {@code LinuxVrrp.routerBuilder()}
     * sets the nftables one.
     */
    public Builder trafficFilter(TrafficFilter value) {
      this.trafficFilter = requireNonNull(value, "trafficFilter");
      return this;
    }

    /** The time source of timers; default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = requireNonNull(value, "ticker");
      return this;
    }

    /**
     * How long before a master-down deadline {@link #run()} stops sleeping and polls the transport without blocking
     * until the deadline, so a takeover does not wait for the thread to wake up (tens to hundreds of microseconds
     * after its timer). Only master-down deadlines get it (a real failover, or an advertisement arriving in the last
     * stretch), so it costs at most this much CPU per such event and nothing while advertisements arrive on time.
     * Default 500 us; {@link Duration#ZERO} turns it off (sleep until the deadline). Never makes a takeover earlier.
     *
     * @throws IllegalArgumentException if negative or above 5 ms
     */
    public Builder takeoverSpin(Duration value) {
      requireNonNull(value, "takeoverSpin");
      if (value.isNegative() || value.compareTo(MAX_TAKEOVER_SPIN) > 0) {
        throw new IllegalArgumentException("takeover spin must be in [0, " + MAX_TAKEOVER_SPIN.toNanos() / 1000
            + " us] but was " + value);
      }
      this.takeoverSpin = value;
      return this;
    }

    /**
     * How many takeovers {@link #run()} simulates before it opens the transport, in a private router on a virtual
     * clock that sends nothing, touches no address and calls no listener: the JIT then has the engine's takeover path
     * compiled for the first real takeover, and a Backup that ran for hours does not find it compiled away. Default
     * 2000 (0.2-0.3 s of one core in a fresh JVM, most of it loading and interpreting code the engine runs anyway;
     * with 1000 a busy JIT queue sometimes dropped the compile as stale); 0 turns it off. {@link #start()} alone (a
     * simulation) never warms up.
     *
     * @throws IllegalArgumentException if negative or above 100000
     */
    public Builder warmUpTakeovers(int value) {
      if (value < 0 || value > 100_000) {
        throw new IllegalArgumentException("warm-up takeovers must be in [0, 100000] but was " + value);
      }
      this.warmUpTakeovers = value;
      return this;
    }

    /**
     * Whether the engine thread runs at real-time priority through a takeover window: the last sleep before a
     * master-down deadline, the {@link #takeoverSpin} and the takeover up to the gratuitous ARPs (see
     * {@link VrrpTransport#beginTakeover()}; the Linux transport uses SCHED_FIFO priority 1 when the process has
     * CAP_SYS_NICE, and leaves a thread whose policy the application set alone). Default true. False: the engine never
     * changes its thread's scheduling policy, as keepalived, which runs at the normal policy unless
     * {@code vrrp_rt_priority} is set; a takeover on a busy host may then wait for a CPU behind other threads.
     */
    public Builder takeoverRealtime(boolean value) {
      this.takeoverRealtime = value;
      return this;
    }

    /** Where state changes are reported instead of the log (the warm-up's private routers: nowhere). */
    Builder stateLog(StateLog value) {
      this.stateLog = requireNonNull(value, "stateLog");
      return this;
    }

    /** The wall clock stamped on events; default UTC system clock. */
    public Builder clock(Clock value) {
      this.clock = requireNonNull(value, "clock");
      return this;
    }

    public Builder instance(VrrpConfig config) {
      configs.add(requireNonNull(config, "config"));
      return this;
    }

    /**
     * Instances that change state together (keepalived vrrp_sync_group): one becoming Master or Backup takes the
     * others along, one in Fault holds them all in Fault, and, as in keepalived, the group goes Master only once every
     * member's master-down timer has run out; while one still hears a better Master, all stay Backup.
     */
    public Builder syncGroup(String... instanceNames) {
      syncGroups.add(List.of(instanceNames));
      return this;
    }

    public Builder listener(VrrpStateListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * A tracked object polled on the engine thread every {@code interval} (keepalived track_script). The check
     * must be quick; it counts as down when it returns false or throws.
     */
    public Builder trackedCheck(String objectName, BooleanSupplier check, Duration interval) {
      requireNonNull(check, "check");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("check interval must be positive but was " + interval);
      }
      checks.add(new PolledCheck(requireNonNull(objectName, "objectName"), check, interval.toNanos()));
      return this;
    }

    /**
     * A tracked program (keepalived's {@code vrrp_script}) with rise 1 and fall 1: the object is up while
     * {@code command} exits 0 within {@code timeout}. Same as {@code trackedScript(VrrpScript.of(...))}.
     *
     * @throws IllegalArgumentException for an empty command or a non-positive interval or timeout
     */
    public Builder trackedScript(String objectName, List<String> command, Duration interval, Duration timeout) {
      return trackedScript(VrrpScript.of(objectName, command, interval, timeout));
    }

    /**
     * A tracked program with keepalived's rise/fall (see {@link VrrpScript}). The router runs it every interval on
     * its ticker through the {@link #scriptRunner} (by default a process on a thread of its own, never the engine
     * thread); name the object in {@link VrrpConfig.Builder#track} to give it a weight.
     *
     * @throws IllegalArgumentException if a script of that name was already added
     */
    public Builder trackedScript(VrrpScript script) {
      requireNonNull(script, "script");
      if (scripts.stream().anyMatch(s -> s.name().equals(script.name()))) {
        throw new IllegalArgumentException("tracked script '" + script.name() + "' was already added");
      }
      scripts.add(script);
      return this;
    }

    /**
     * Runs the tracked scripts: default, each as a process on a thread of its own; {@link InMemoryVrrpNetwork} sets
     * its own, whose results a test chooses. Closed with the router if it is {@link AutoCloseable}.
     */
    public Builder scriptRunner(ScriptRunner value) {
      this.scriptRunner = requireNonNull(value, "scriptRunner");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException for duplicate names or VRIDs, a sync group naming an unknown instance, or an
     *     instance with accept mode off and no {@link #trafficFilter}
     */
    public VrrpRouter build() {
      validate(configs, syncGroups, trafficFilter != null);
      return new VrrpRouter(this);
    }
  }
}
