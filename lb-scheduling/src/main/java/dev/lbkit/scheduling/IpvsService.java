package dev.lbkit.scheduling;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.ipvs.DhScheduler;
import dev.lbkit.scheduling.ipvs.FoScheduler;
import dev.lbkit.scheduling.ipvs.LblcScheduler;
import dev.lbkit.scheduling.ipvs.LblcrScheduler;
import dev.lbkit.scheduling.ipvs.LcScheduler;
import dev.lbkit.scheduling.ipvs.MhScheduler;
import dev.lbkit.scheduling.ipvs.NqScheduler;
import dev.lbkit.scheduling.ipvs.OvfScheduler;
import dev.lbkit.scheduling.ipvs.RrScheduler;
import dev.lbkit.scheduling.ipvs.SedScheduler;
import dev.lbkit.scheduling.ipvs.ShScheduler;
import dev.lbkit.scheduling.ipvs.TwosScheduler;
import dev.lbkit.scheduling.ipvs.WlcScheduler;
import dev.lbkit.scheduling.ipvs.WrrScheduler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A model of one IPVS virtual service: its destinations in the kernel's list order, the connection bookkeeping the
 * kernel does around each pick, persistence templates, and its scheduler.
 *
 * <p>What it models, after {@code ip_vs_ctl.c}, {@code ip_vs_conn.c} and {@code ip_vs_core.c}:
 * <ul>
 *   <li>List order: a destination added (or re-added) goes to the HEAD of the list, so schedulers that scan see the
 *       newest first. {@link #destinations()} returns that order.
 *   <li>Add/edit ({@code __ip_vs_update_dest}): {@code last_weight} takes the weight when adding or when it is not 0;
 *       the destination becomes AVAILABLE; OVERLOAD clears when the new upper threshold is 0 or higher than before.
 *   <li>Remove: the destination leaves the list and is no longer AVAILABLE, but the object lives on with its
 *       counters and flag (the kernel's "dest trash"); adding the same address and port again revives it.
 *   <li>Bind ({@link #connect}): {@code activeconns += 1}; then OVERLOAD is set when an upper threshold is set and
 *       active plus inactive reached it. Unbind ({@link IpvsConnection#close}): the counter drops, then OVERLOAD
 *       clears when the total is below the lower threshold, or, without one, below 3/4 of the upper threshold, or,
 *       without either, always.
 *   <li>Persistence ({@code ip_vs_sched_persist}): with {@link Builder#persistence}, a client network (the source
 *       address masked to the prefix length) is bound by a template to the destination first scheduled for it; the
 *       template counts in {@code persistconns}, controls the client's connections, and expires its timeout after
 *       it was last used, but not while it controls connections (then the kernel retries 60 s later and the
 *       template's timeout becomes 60 s). A firewall-mark service groups all ports of the mark under one template.
 *       A template whose destination was removed is put out of reach (it still counts in {@code persistconns} until
 *       its own timer ends it) and the client is rescheduled under a new template; a quiesced (weight 0)
 *       destination keeps its persistent clients unless {@link Builder#expireQuiescentTemplate} is set, as with the
 *       sysctl of that name.
 *   <li>Time: a clock in milliseconds moved only by {@link #advanceTime}; lblc/lblcr timers and template expiry run
 *       inside it at their exact due times.
 * </ul>
 *
 * <p>Threading: every change (destinations, connections, time) takes the service lock, publishes a new immutable
 * destination list and informs the scheduler. Picks may run from any number of threads concurrently with changes.
 * Most picks take no lock: sh, dh and mh read an immutable table, lc/wlc/sed/nq/fo/ovf read the answer their index
 * published after the last change, rr and wrr walk an immutable snapshot with a racy cursor (as the kernel's
 * lockless readers, a pick racing with a change may see the state just before it). twos, lblc and lblcr, whose picks
 * read several structures or insert into a cache, take the service lock. {@link #connect} (pick plus bind) always
 * runs under the lock. Destination getters return the latest published values from any thread.
 */
public final class IpvsService {
  private static final IpvsDestination[] EMPTY = new IpvsDestination[0];
  /** The kernel's retry delay for a template that still controls connections ({@code expire_later}). */
  private static final long TEMPLATE_RETRY_MILLIS = 60_000;

  private final Object lock = new Object();
  private final SchedulerSpec spec;
  private final IpvsScheduler scheduler;
  private final Optional<Persistence> persistence;
  private final Optional<ServiceKey> key;
  private final boolean expireQuiescentTemplate;

  private volatile IpvsDestination[] list = EMPTY;
  private final List<IpvsDestination> created = new ArrayList<>();
  private final Map<Endpoint, IpvsDestination> byEndpoint = new HashMap<>();
  private final Map<PersistenceTemplate.Key, PersistenceTemplate> templates = new HashMap<>();
  /** Templates invalidated by ip_vs_check_template: no longer found, but alive (and counted) until their timer. */
  private final List<PersistenceTemplate> invalidated = new ArrayList<>();
  private long headSequence;
  private volatile long now;

  private IpvsService(Builder b) {
    this.spec = b.spec;
    this.persistence = Optional.ofNullable(b.persistence);
    this.key = Optional.ofNullable(b.key);
    this.expireQuiescentTemplate = b.expireQuiescentTemplate;
    this.scheduler = newScheduler(b.spec, b.random);
    scheduler.attach(this);
    synchronized (lock) {
      scheduler.init();
    }
  }

  /**
   * Starts a service with an IPVS scheduler.
   *
   * @throws SchedulerConfigException if the spec is not an IPVS scheduler
   */
  public static Builder builder(SchedulerSpec spec) {
    requireNonNull(spec, "spec");
    if (spec.family() != SchedulerFamily.IPVS) {
      throw new SchedulerConfigException(spec.name(), "scheduler " + spec.name() + " is not an IPVS scheduler");
    }
    return new Builder(spec);
  }

  /**
   * A service with an IPVS scheduler and no persistence.
   *
   * @throws SchedulerConfigException if the spec is not an IPVS scheduler
   */
  public static IpvsService create(SchedulerSpec spec) {
    return builder(spec).build();
  }

  /**
   * A service shaped like a configured virtual service: its scheduler, flags, persistence and key.
   *
   * @throws SchedulerConfigException for a scheduler or flag lbkit does not know
   */
  public static IpvsService of(VirtualService vs) {
    SchedulerSpec spec = Schedulers.create(vs.scheduler(), vs.schedulerFlags(), Map.of());
    Builder b = builder(spec).key(vs.key());
    vs.persistence().ifPresent(b::persistence);
    return b.build();
  }

  /** Options of a service. Not thread-safe; build once. */
  public static final class Builder {
    private final SchedulerSpec spec;
    private Persistence persistence;
    private ServiceKey key;
    private boolean expireQuiescentTemplate;
    private RandomGenerator random;

    private Builder(SchedulerSpec spec) {
      this.spec = spec;
    }

    /** Client persistence ({@code ipvsadm -p/-M}). */
    public Builder persistence(Persistence value) {
      persistence = requireNonNull(value, "persistence");
      return this;
    }

    /** The service's key; a firewall-mark key makes persistence group all ports of the mark. */
    public Builder key(ServiceKey value) {
      key = requireNonNull(value, "key");
      return this;
    }

    /** The {@code expire_quiescent_template} sysctl: templates of a weight-0 destination stop being honoured. */
    public Builder expireQuiescentTemplate(boolean value) {
      expireQuiescentTemplate = value;
      return this;
    }

    /** Randomness for {@code twos}: each {@code nextInt()} is one {@code get_random_u32()} word. */
    public Builder random(RandomGenerator value) {
      random = requireNonNull(value, "random");
      return this;
    }

    /** The service, with no destinations yet. */
    public IpvsService build() {
      if (random == null) {
        random = new SplittableRandom();
      }
      return new IpvsService(this);
    }
  }

  private static IpvsScheduler newScheduler(SchedulerSpec spec, RandomGenerator random) {
    switch (spec.name()) {
      case RrScheduler.NAME:
        return new RrScheduler();
      case WrrScheduler.NAME:
        return new WrrScheduler();
      case LcScheduler.NAME:
        return new LcScheduler();
      case WlcScheduler.NAME:
        return new WlcScheduler();
      case SedScheduler.NAME:
        return new SedScheduler();
      case NqScheduler.NAME:
        return new NqScheduler();
      case FoScheduler.NAME:
        return new FoScheduler();
      case OvfScheduler.NAME:
        return new OvfScheduler();
      case TwosScheduler.NAME:
        return new TwosScheduler(random);
      case ShScheduler.NAME:
        return new ShScheduler(spec.flagBits());
      case DhScheduler.NAME:
        return new DhScheduler();
      case MhScheduler.NAME:
        return new MhScheduler(spec.flagBits());
      case LblcScheduler.NAME:
        return new LblcScheduler(spec.option(Schedulers.LBLC_EXPIRATION)
            .map(v -> Schedulers.parseSeconds(spec.name(), Schedulers.LBLC_EXPIRATION, v) * 1000)
            .orElse(LblcScheduler.DEFAULT_EXPIRATION_MILLIS));
      case LblcrScheduler.NAME:
        return new LblcrScheduler(spec.option(Schedulers.LBLCR_EXPIRATION)
            .map(v -> Schedulers.parseSeconds(spec.name(), Schedulers.LBLCR_EXPIRATION, v) * 1000)
            .orElse(LblcrScheduler.DEFAULT_EXPIRATION_MILLIS));
      default:
        throw new SchedulerConfigException(spec.name(), "scheduler " + spec.name() + " is not an IPVS scheduler");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading

  /** The scheduler choice this service was built with. */
  public SchedulerSpec spec() {
    return spec;
  }

  /** The scheduler; it picks among this service's destinations. */
  public IpvsScheduler scheduler() {
    return scheduler;
  }

  /** The linked destinations in the kernel's list order, head first. An immutable snapshot. */
  public List<IpvsDestination> destinations() {
    return Collections.unmodifiableList(Arrays.asList(list));
  }

  /** Every destination ever created, removed ones included, in creation order. An immutable snapshot. */
  public List<IpvsDestination> allDestinations() {
    synchronized (lock) {
      return List.copyOf(created);
    }
  }

  /** The destination with this endpoint, linked or in the trash. */
  public Optional<IpvsDestination> destination(Endpoint endpoint) {
    synchronized (lock) {
      return Optional.ofNullable(byEndpoint.get(endpoint));
    }
  }

  /** The service clock in milliseconds since creation. */
  public long nowMillis() {
    return now;
  }

  /** Live persistence templates, including invalidated ones that have not expired yet. */
  public int persistenceTemplates() {
    synchronized (lock) {
      return templates.size() + invalidated.size();
    }
  }

  IpvsDestination[] listArray() {
    return list;
  }

  Object lock() {
    return lock;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Destination control (ipvsadm -a / -e / -d)

  /**
   * Adds a destination at the head of the list ({@code ipvsadm -a}); a removed one with the same endpoint is revived
   * with its counters.
   *
   * @param upperThreshold {@code -x}, 0 for none
   * @param lowerThreshold {@code -y}, 0 for 3/4 of the upper threshold
   * @throws IllegalArgumentException for a negative weight or threshold, a lower threshold above the upper one, or
   *     an endpoint already in the service
   */
  public IpvsDestination addDestination(Endpoint endpoint, int weight, int upperThreshold, int lowerThreshold) {
    requireNonNull(endpoint, "endpoint");
    checkValues(endpoint, weight, upperThreshold, lowerThreshold);
    synchronized (lock) {
      IpvsDestination d = byEndpoint.get(endpoint);
      if (d != null && d.available()) {
        throw new IllegalArgumentException("destination " + endpoint + " already exists in the service (EEXIST)");
      }
      if (d == null) {
        d = new IpvsDestination(endpoint, created.size());
        created.add(d);
        byEndpoint.put(endpoint, d);
      }
      update(d, weight, upperThreshold, lowerThreshold, true);
      return d;
    }
  }

  /** Adds a destination with a weight and no thresholds. */
  public IpvsDestination addDestination(Endpoint endpoint, int weight) {
    return addDestination(endpoint, weight, 0, 0);
  }

  /**
   * Edits weight and thresholds ({@code ipvsadm -e}).
   *
   * @throws IllegalArgumentException for bad values or an endpoint not in the service
   */
  public void editDestination(Endpoint endpoint, int weight, int upperThreshold, int lowerThreshold) {
    requireNonNull(endpoint, "endpoint");
    checkValues(endpoint, weight, upperThreshold, lowerThreshold);
    synchronized (lock) {
      update(linked(endpoint), weight, upperThreshold, lowerThreshold, false);
    }
  }

  /**
   * Changes the weight, keeping the thresholds.
   *
   * @throws IllegalArgumentException for a negative weight or an endpoint not in the service
   */
  public void setWeight(Endpoint endpoint, int weight) {
    synchronized (lock) {
      IpvsDestination d = linked(endpoint);
      editDestination(endpoint, weight, d.upperThreshold(), d.lowerThreshold());
    }
  }

  /**
   * Changes the thresholds, keeping the weight.
   *
   * @throws IllegalArgumentException for bad thresholds or an endpoint not in the service
   */
  public void setThresholds(Endpoint endpoint, int upperThreshold, int lowerThreshold) {
    synchronized (lock) {
      IpvsDestination d = linked(endpoint);
      editDestination(endpoint, d.weight(), upperThreshold, lowerThreshold);
    }
  }

  /**
   * Removes a destination ({@code ipvsadm -d}); it keeps its counters and connections in the trash.
   *
   * @throws IllegalArgumentException for an endpoint not in the service
   */
  public void removeDestination(Endpoint endpoint) {
    synchronized (lock) {
      IpvsDestination d = linked(endpoint);
      IpvsDestination[] old = list;
      int index = indexOf(old, d);
      IpvsDestination[] next = new IpvsDestination[old.length - 1];
      System.arraycopy(old, 0, next, 0, index);
      System.arraycopy(old, index + 1, next, index, old.length - index - 1);
      d.setAvailable(false);
      d.setListIndex(-1);
      publish(next);
      scheduler.removed(d, index);
    }
  }

  /**
   * Sets or clears OVERLOAD directly. Not a kernel operation (the kernel sets it only when binding): a test and
   * simulation hook. The usual rules apply afterwards.
   *
   * @throws IllegalArgumentException for an endpoint not in the service
   */
  public void setOverloaded(Endpoint endpoint, boolean overloaded) {
    synchronized (lock) {
      IpvsDestination d = linked(endpoint);
      d.setOverloaded(overloaded);
      scheduler.countersChanged(d);
    }
  }

  private static void checkValues(Endpoint endpoint, int weight, int upper, int lower) {
    if (weight < 0) {
      throw new IllegalArgumentException("weight must be at least 0 but was " + weight + " (destination " + endpoint
          + ")");
    }
    if (upper < 0 || lower < 0) {
      throw new IllegalArgumentException("connection thresholds must be at least 0 but were upper=" + upper
          + " lower=" + lower + " (destination " + endpoint + ")");
    }
    if (lower > upper) {
      throw new IllegalArgumentException("lower threshold must not exceed the upper threshold but was " + lower
          + " > " + upper + " (destination " + endpoint + ", ERANGE)");
    }
  }

  private IpvsDestination linked(Endpoint endpoint) {
    IpvsDestination d = byEndpoint.get(requireNonNull(endpoint, "endpoint"));
    if (d == null || !d.available()) {
      throw new IllegalArgumentException("destination " + endpoint + " is not in the service (ENOENT)");
    }
    return d;
  }

  private static int indexOf(IpvsDestination[] a, IpvsDestination d) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == d) {
        return i;
      }
    }
    throw new IllegalStateException("destination " + d + " is not linked");
  }

  private void publish(IpvsDestination[] next) {
    for (int i = 0; i < next.length; i++) {
      next[i].setListIndex(i);
    }
    list = next;
  }

  /** {@code __ip_vs_update_dest}. */
  private void update(IpvsDestination d, int weight, int upper, int lower, boolean add) {
    if (add || weight != 0) {
      d.setLastWeight(weight);
    }
    d.setWeight(weight);
    d.setAvailable(true);
    if (upper == 0 || upper > d.upperThreshold()) {
      d.setOverloaded(false);
    }
    d.setThresholds(upper, lower);
    if (add) {
      IpvsDestination[] old = list;
      IpvsDestination[] next = new IpvsDestination[old.length + 1];
      next[0] = d;
      System.arraycopy(old, 0, next, 1, old.length);
      d.sequence = --headSequence;
      publish(next);
      scheduler.added(d);
    } else {
      scheduler.edited(d);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scheduling and connections

  /** Asks the scheduler for a destination without creating a connection. */
  public Optional<Destination> pick(Flow flow) {
    return scheduler.pick(flow);
  }

  /**
   * Handles the first packet of a new connection as the kernel does: honours a live persistence template, else asks
   * the scheduler (and, with persistence, creates a template), then binds the connection to the destination. A TCP
   * or SCTP connection starts ACTIVE (the established state, as if its handshake completed at once); a UDP one is
   * INACTIVE, as the kernel counts UDP connections.
   *
   * @return the connection, or empty when the scheduler picked nothing
   */
  public Optional<IpvsConnection> connect(Flow flow) {
    requireNonNull(flow, "flow");
    synchronized (lock) {
      PersistenceTemplate template = null;
      IpvsDestination d;
      if (persistence.isPresent()) {
        PersistenceTemplate.Key k = templateKey(flow);
        template = templates.get(k);
        if (template != null && !templateValid(template)) {
          // the kernel rehashes it out of reach and lets its own timer end it; it stays in persistconns till then
          templates.remove(k);
          invalidated.add(template);
          template = null;
        }
        if (template == null) {
          d = scheduler.select(flow);
          if (d == null) {
            return Optional.empty();
          }
          template = new PersistenceTemplate(k, d, persistence.get().timeout().toMillis(), now);
          templates.put(k, template);
          d.setPersistent(d.persistentConnections() + 1);
          checkOverloadOnBind(d);
          scheduler.countersChanged(d);
        } else {
          d = template.destination();
          template.dueMillis = now + template.timeoutMillis;
        }
        template.controlled++;
      } else {
        d = scheduler.select(flow);
        if (d == null) {
          return Optional.empty();
        }
      }
      // UDP has no established state: the kernel counts its connections inactive for their whole life
      boolean udp = flow.protocol() == Protocol.UDP;
      if (udp) {
        d.setInactive(d.inactiveConnections() + 1);
      } else {
        d.setActive(d.activeConnections() + 1);
      }
      checkOverloadOnBind(d);
      scheduler.countersChanged(d);
      return Optional.of(new IpvsConnection(this, d, template,
          udp ? IpvsConnection.State.INACTIVE : IpvsConnection.State.ACTIVE));
    }
  }

  boolean transition(IpvsConnection c, IpvsConnection.State from, IpvsConnection.State to) {
    synchronized (lock) {
      IpvsConnection.State s = c.state();
      if (s == IpvsConnection.State.EXPIRED || (from != null && s != from)) {
        return false;
      }
      IpvsDestination d = c.destination();
      if (s == IpvsConnection.State.ACTIVE) {
        d.setActive(d.activeConnections() - 1);
      } else {
        d.setInactive(d.inactiveConnections() - 1);
      }
      if (to == IpvsConnection.State.ACTIVE) {
        d.setActive(d.activeConnections() + 1);
      } else if (to == IpvsConnection.State.INACTIVE) {
        d.setInactive(d.inactiveConnections() + 1);
      } else {
        clearOverloadOnUnbind(d);
        PersistenceTemplate t = c.template();
        if (t != null) {
          t.controlled--;
        }
      }
      c.setState(to);
      scheduler.countersChanged(d);
      return true;
    }
  }

  private static void checkOverloadOnBind(IpvsDestination d) {
    int u = d.upperThreshold();
    if (u != 0 && d.activeConnections() + d.inactiveConnections() >= u) {
      d.setOverloaded(true);
    }
  }

  private static void clearOverloadOnUnbind(IpvsDestination d) {
    int total = d.activeConnections() + d.inactiveConnections();
    int l = d.lowerThreshold();
    int u = d.upperThreshold();
    if (l != 0) {
      if (total < l) {
        d.setOverloaded(false);
      }
    } else if (u != 0) {
      if ((long) total * 4 < (long) u * 3) {
        d.setOverloaded(false);
      }
    } else {
      d.setOverloaded(false);
    }
  }

  private boolean templateValid(PersistenceTemplate t) {
    IpvsDestination d = t.destination();
    return d.available() && !(expireQuiescentTemplate && d.weight() == 0);
  }

  private void expireTemplate(PersistenceTemplate t) {
    if (t.expired) {
      return;
    }
    t.expired = true;
    templates.remove(t.key(), t);
    invalidated.remove(t);
    IpvsDestination d = t.destination();
    d.setPersistent(d.persistentConnections() - 1);
    clearOverloadOnUnbind(d);
    scheduler.countersChanged(d);
  }

  private PersistenceTemplate.Key templateKey(Flow flow) {
    Persistence p = persistence.orElseThrow();
    InetAddress src = flow.source();
    AddressFamily family = AddressFamily.of(src);
    String network = maskedAddress(src, p.effectivePrefixLength(family));
    String svc;
    if (key.isPresent() && key.get() instanceof ServiceKey.FirewallMark fm) {
      svc = "fwmark " + fm.mark();
    } else if (key.isPresent() && key.get() instanceof ServiceKey.Address a && a.endpoint().port() == 0) {
      svc = a.protocol() + " " + Endpoint.toAddrString(flow.destination()) + ":0";
    } else {
      svc = flow.protocol() + " " + flow.destinationEndpoint();
    }
    return new PersistenceTemplate.Key(svc, network);
  }

  private static String maskedAddress(InetAddress a, int prefix) {
    byte[] b = a.getAddress();
    int bits = Math.min(prefix, b.length * 8);
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      b[i] &= (byte) (keep == 0 ? 0 : 0xff << (8 - keep));
    }
    try {
      return Endpoint.toAddrString(InetAddress.getByAddress(b)) + "/" + bits;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("cannot happen for a 4 or 16 byte address", e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Time

  /**
   * Moves the clock forward; scheduler timers and persistence templates that fall due run at their due times.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public void advanceTime(Duration d) {
    requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("time cannot go back but the duration was " + d);
    }
    synchronized (lock) {
      long target = now + d.toMillis();
      expireTemplatesUntil(target);
      scheduler.advanceTo(target);
      now = target;
    }
  }

  private void expireTemplatesUntil(long target) {
    List<PersistenceTemplate> all = new ArrayList<>(templates.values());
    all.addAll(invalidated);
    for (PersistenceTemplate t : all) {
      if (t.dueMillis > target) {
        continue;
      }
      if (t.controlled > 0) {
        // expire_later: retried every 60 s while it still controls connections, and its timeout becomes 60 s
        long late = target - t.dueMillis;
        t.dueMillis += (late / TEMPLATE_RETRY_MILLIS + 1) * TEMPLATE_RETRY_MILLIS;
        t.timeoutMillis = TEMPLATE_RETRY_MILLIS;
      } else {
        expireTemplate(t);
      }
    }
  }

  @Override
  public String toString() {
    return "IPVS service (" + spec + ") with " + list.length + " destinations";
  }
}
