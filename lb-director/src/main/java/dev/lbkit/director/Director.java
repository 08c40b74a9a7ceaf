package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.event.VrrpStateListener;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.director.internal.PoolState;
import dev.lbkit.director.internal.TableDiff;
import dev.lbkit.director.spi.TableWriter;
import dev.lbkit.ipvs.IpvsChange;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an IPVS table in step with VRRP and health checks, as keepalived does: the composition of lbkit's modules
 * into a load balancer.
 *
 * <p>It is fed events: {@link VrrpStateChanged} from a {@code VrrpRouter} (it is a {@link VrrpStateListener}) and
 * {@link DestinationEvent}s from health checks (it is a {@link DestinationListener}). From them it computes the
 * table each {@link ServicePool}'s rules call for (live members, inhibited ones at weight 0, quorum with
 * hysteresis, sorry server) and applies only the difference to its {@link TableWriter}. It is active when every
 * VRRP instance it follows is Master, or when it follows none; while not active, {@link BackupPolicy} says
 * whether the table stays (keepalived's behaviour) or goes.
 *
 * <pre>{@code
 * Director director = Director.builder(new IpvsTableWriter(ipvs))
 *     .pool(ServicePool.of(LoadBalancedService.of(web, server1, server2)))
 *     .vrrpInstances("VI_1")
 *     .listener(event -> System.out.println(event))
 *     .build();
 * director.start();
 * vrrpRouter.addListener(director);     // VRRP decides who is active
 * healthChecks.listener(director);      // health decides who is in the pool
 * }</pre>
 *
 * <p>Thread-safe: events may come from any thread (the VRRP engine, health-check loops); they are handled one at a
 * time and the table writer is called under the director's lock. Listeners run on the calling thread and must not
 * block. A failing table change is reported as {@link DirectorEvent.ApplyFailed} and retried by {@link #resync()}.
 */
public final class Director implements VrrpStateListener, DestinationListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Director.class);

  private final TableWriter writer;
  private final Clock clock;
  private final BackupPolicy backupPolicy;
  private final boolean removeOnClose;
  private final Map<String, VrrpState> vrrpStates = new LinkedHashMap<>();
  private final Map<ServiceKey, PoolState> pools = new LinkedHashMap<>();
  private final List<DirectorListener> listeners = new CopyOnWriteArrayList<>();
  private Map<ServiceKey, LoadBalancedService> installed = new LinkedHashMap<>();
  private boolean active;
  private boolean vrrpHeld;
  private boolean started;
  private boolean closed;

  private Director(Builder b) {
    this.writer = b.writer;
    this.clock = b.clock;
    this.backupPolicy = b.backupPolicy;
    this.removeOnClose = b.removeOnClose;
    for (String name : b.instances) {
      vrrpStates.put(name, VrrpState.INITIALIZE);
    }
    for (ServicePool p : b.pools) {
      if (pools.put(p.key(), new PoolState(p)) != null) {
        throw new IllegalArgumentException("service " + p.key() + " is given twice");
      }
    }
    listeners.addAll(b.listeners);
    active = vrrpStates.isEmpty();
  }

  /** A builder writing to this table. */
  public static Builder builder(TableWriter writer) {
    return new Builder(writer);
  }

  public void addListener(DirectorListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Reads the current table (adopting services it manages that are already there) and installs what the pools
   * call for, if it is to be installed now.
   *
   * @throws IOException if the table cannot be read
   */
  public synchronized void start() throws IOException {
    if (started) {
      return;
    }
    readInstalled();
    started = true;
    sync();
  }

  /** Whether the director is active: every VRRP instance it follows is Master, or it follows none. */
  public synchronized boolean active() {
    return active;
  }

  /** The managed table as installed, in pool order. */
  public synchronized List<LoadBalancedService> table() {
    return List.copyOf(installed.values());
  }

  /** A snapshot for a control plane. */
  public synchronized DirectorStatus status() {
    List<DirectorStatus.Pool> out = new ArrayList<>();
    for (PoolState s : pools.values()) {
      List<DirectorStatus.Member> members = s.pool().members().stream()
          .map(m -> new DirectorStatus.Member(m.server().endpoint(), s.alive(m.server().endpoint()),
              s.effectiveWeight(m)))
          .toList();
      out.add(new DirectorStatus.Pool(s.pool().key(), s.quorumHeld(), s.liveWeight(), members));
    }
    return new DirectorStatus(active, vrrpStates, out, List.copyOf(installed.values()));
  }

  /** The pools as configured now. */
  public synchronized List<ServicePool> pools() {
    return pools.values().stream().map(PoolState::pool).toList();
  }

  /**
   * Follows another set of VRRP instances from now on, with their current states (after a VRRP reload, which may
   * rename, add or remove instances without a state change event): active while all of them are Master, or always
   * when there are none.
   */
  public synchronized void followVrrpInstances(Map<String, VrrpState> states) {
    vrrpHeld = false;
    if (closed) {
      return;
    }
    vrrpStates.clear();
    vrrpStates.putAll(states);
    boolean now = vrrpStates.values().stream().allMatch(s -> s == VrrpState.MASTER);
    if (now != active) {
      active = now;
      log.info("director {}: following VRRP instances {}", now ? "active" : "standing by", vrrpStates);
      publish(new DirectorEvent.ActiveChanged(clock.instant(), now, "VRRP reload: instances " + vrrpStates));
    }
    sync();
  }

  /**
   * Until the next {@link #followVrrpInstances}, VRRP state changes do not change whether the director is active: a
   * reload is resigning the instances it removes, which must not take the table down on their way out.
   */
  synchronized void holdVrrp() {
    vrrpHeld = true;
  }

  @Override
  public synchronized void onStateChange(VrrpStateChanged event) {
    if (closed || vrrpHeld || !vrrpStates.containsKey(event.instance())) {
      return;
    }
    vrrpStates.put(event.instance(), event.to());
    boolean now = vrrpStates.values().stream().allMatch(s -> s == VrrpState.MASTER);
    if (now != active) {
      active = now;
      log.info("director {}: VRRP instance {} is {}", now ? "active" : "standing by", event.instance(), event.to());
      publish(new DirectorEvent.ActiveChanged(clock.instant(), now, "VRRP instance " + event.instance() + " "
          + event.from() + " -> " + event.to() + " (" + event.reason() + ")"));
    }
    sync();
  }

  @Override
  public synchronized void onDestinationEvent(DestinationEvent event) {
    if (closed) {
      return;
    }
    for (PoolState s : pools.values()) {
      if (event.service().isPresent() && !event.service().get().equals(s.pool().key())) {
        continue;
      }
      boolean changed;
      if (event instanceof WeightChanged w) {
        changed = s.setWeight(event.destination(), w.newWeight());
      } else {
        changed = s.setAlive(event.destination(), event instanceof DestinationUp);
      }
      if (!changed) {
        continue;
      }
      PoolMember m = s.pool().member(event.destination()).orElseThrow();
      boolean alive = s.alive(event.destination());
      log.info("{} {}: {} ({})", s.pool().key(), event.destination(), alive ? "up" : "down", event.reason());
      publish(new DirectorEvent.MemberChanged(clock.instant(), s.pool().key(), event.destination(), alive,
          s.effectiveWeight(m), event.reason()));
      if (s.updateQuorum()) {
        log.info("{}: quorum {} (live weight {}, quorum {})", s.pool().key(), s.quorumHeld() ? "regained" : "lost",
            s.liveWeight(), s.pool().quorum());
        publish(new DirectorEvent.QuorumChanged(clock.instant(), s.pool().key(), s.quorumHeld(), s.liveWeight()));
      }
    }
    sync();
  }

  /**
   * Replaces the pools: services and members that stay keep their health; only the difference reaches the table.
   *
   * @throws IllegalArgumentException if a service is given twice
   */
  public synchronized void reconfigure(List<ServicePool> newPools) {
    Set<ServiceKey> keys = new HashSet<>();
    for (ServicePool p : newPools) {
      if (!keys.add(p.key())) {
        throw new IllegalArgumentException("service " + p.key() + " is given twice");
      }
    }
    Map<ServiceKey, PoolState> next = new LinkedHashMap<>();
    for (ServicePool p : newPools) {
      PoolState s = pools.get(p.key());
      if (s == null) {
        s = new PoolState(p);
      } else {
        s.redefine(p);
      }
      next.put(p.key(), s);
    }
    pools.clear();
    pools.putAll(next);
    sync();
  }

  /**
   * Reads the table again and re-applies what the pools call for: repairs changes that failed or were made behind
   * the director's back.
   *
   * @throws IOException if the table cannot be read
   */
  public synchronized void resync() throws IOException {
    readInstalled();
    sync();
  }

  private void readInstalled() throws IOException {
    Set<ServiceKey> mine = new HashSet<>(pools.keySet());
    mine.addAll(installed.keySet());
    Map<ServiceKey, LoadBalancedService> now = new LinkedHashMap<>();
    for (LoadBalancedService s : writer.read()) {
      if (mine.contains(s.service().key())) {
        now.put(s.service().key(), s);
      }
    }
    installed = now;
  }

  private boolean installing() {
    return !closed && (active || backupPolicy == BackupPolicy.KEEP_TABLE);
  }

  private void sync() {
    if (!started) {
      return;
    }
    List<LoadBalancedService> desired = new ArrayList<>();
    if (installing()) {
      for (PoolState s : pools.values()) {
        desired.add(s.desired());
      }
    }
    Set<ServiceKey> managed = new LinkedHashSet<>(pools.keySet());
    managed.addAll(installed.keySet());
    List<IpvsChange> changes = TableDiff.between(installed.values(), desired, managed);
    List<IpvsChange> applied = new ArrayList<>();
    for (IpvsChange c : changes) {
      try {
        writer.apply(c);
        installed = TableDiff.apply(installed, c);
        applied.add(c);
      } catch (IOException e) {
        log.warn("could not apply {}: {}; the table is resynced later", c, e.getMessage());
        publish(new DirectorEvent.ApplyFailed(clock.instant(), c, String.valueOf(e.getMessage())));
      }
    }
    // keep the installed map in pool order, as operators read the table
    Map<ServiceKey, LoadBalancedService> ordered = new LinkedHashMap<>();
    for (ServiceKey k : pools.keySet()) {
      if (installed.containsKey(k)) {
        ordered.put(k, installed.get(k));
      }
    }
    installed.forEach(ordered::putIfAbsent);
    installed = ordered;
    if (!applied.isEmpty()) {
      publish(new DirectorEvent.IpvsChanged(clock.instant(), applied, List.copyOf(installed.values())));
    }
  }

  private void publish(DirectorEvent event) {
    for (DirectorListener l : listeners) {
      try {
        l.onDirectorEvent(event);
      } catch (RuntimeException e) {
        log.warn("listener {} threw on {}; continuing", l, event, e);
      }
    }
  }

  /**
   * Stops following events; with {@code removeOnClose} (the default, as keepalived does on shutdown) removes the
   * managed services from the table. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (removeOnClose) {
      sync();
    }
  }

  /** Builds a {@link Director}. Not thread-safe. */
  public static final class Builder {
    private final TableWriter writer;
    private final List<ServicePool> pools = new ArrayList<>();
    private final List<String> instances = new ArrayList<>();
    private final List<DirectorListener> listeners = new ArrayList<>();
    private BackupPolicy backupPolicy = BackupPolicy.KEEP_TABLE;
    private boolean removeOnClose = true;
    private Clock clock = Clock.systemUTC();

    private Builder(TableWriter writer) {
      this.writer = requireNonNull(writer, "writer");
    }

    public Builder pool(ServicePool pool) {
      pools.add(requireNonNull(pool, "pool"));
      return this;
    }

    public Builder pools(List<ServicePool> values) {
      values.forEach(this::pool);
      return this;
    }

    /** The VRRP instances whose Master state makes the director active (a sync group's members, typically). */
    public Builder vrrpInstances(String... names) {
      for (String n : names) {
        instances.add(requireNonNull(n, "name"));
      }
      return this;
    }

    public Builder backupPolicy(BackupPolicy value) {
      this.backupPolicy = requireNonNull(value, "backupPolicy");
      return this;
    }

    /** Whether {@link Director#close()} removes the managed services (default true). */
    public Builder removeOnClose(boolean value) {
      this.removeOnClose = value;
      return this;
    }

    /** The clock stamped on events; default UTC system clock. */
    public Builder clock(Clock value) {
      this.clock = requireNonNull(value, "clock");
      return this;
    }

    public Builder listener(DirectorListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException if a service or instance is given twice
     */
    public Director build() {
      if (new HashSet<>(instances).size() != instances.size()) {
        throw new IllegalArgumentException("a VRRP instance is given twice: " + instances);
      }
      return new Director(this);
    }
  }
}
