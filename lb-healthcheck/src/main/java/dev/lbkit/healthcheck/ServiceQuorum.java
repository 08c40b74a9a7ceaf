package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.api.internal.quorum.QuorumRule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's virtual-service {@code quorum}, {@code hysteresis} and {@code sorry_server}: feed it the destination
 * events of one service (register it as a {@link HealthChecker} listener) and it tells you when the service has
 * lost or regained its quorum, and brings the sorry server in and out.
 *
 * <p>The rule is keepalived 2.2.7's, the same code lb-director runs for a keepalived.conf's virtual servers:
 * <ul>
 *   <li>{@link Builder#build()} lowers a quorum above the destinations' total weight to that total (it could never be
 *       reached) and then a hysteresis not below the quorum to {@code quorum - 1}, with a warning, as keepalived's
 *       configuration check does; {@link #quorum()} and {@link #hysteresis()} give the values in force.
 *   <li>Registered destinations start alive, as keepalived's real servers do, except those registered as starting
 *       down (keepalived's {@code alpha}). The service starts <em>without</em> its quorum and has it at once only if
 *       the alive weight reaches {@code quorum + hysteresis}.
 *   <li>{@link Builder#build()} announces that start once, before it returns: the quorum listeners hear
 *       {@code held = true} (keepalived's {@code quorum_up} at start) if the service starts with its quorum; if it
 *       starts without it and has a sorry server, they hear {@code held = false} ({@code quorum_down}) and the sorry
 *       server comes up; without a sorry server nothing is announced.
 *   <li>Then the quorum is lost when the alive weight (the sum of the weights of the destinations that are up) is zero
 *       or falls below {@code quorum - hysteresis}, and regained when it reaches {@code quorum + hysteresis}; in
 *       between nothing changes, which damps flapping. While the quorum is lost the sorry server is up (a
 *       {@link DestinationUp} for it); when it is regained the sorry server goes down.
 * </ul>
 *
 * <p>{@link Builder#startHeld()} keeps lbkit's earlier rule for callers that want it: start with the quorum held
 * whatever the weight, and announce nothing at start.
 *
 * <p>Thread-safe: events may come from several loop threads; listeners are called while holding this object's
 * lock, in order, and must not block.
 */
public final class ServiceQuorum implements DestinationListener {
  private static final Logger log = LoggerFactory.getLogger(ServiceQuorum.class);

  /** Receives quorum changes and the start (keepalived {@code quorum_up} / {@code quorum_down} of a virtual server). */
  @FunctionalInterface
  public interface QuorumListener {
    /**
     * The quorum changed, or the service started (see {@link ServiceQuorum}).
     *
     * @param held true when regained or held at start, false when lost or missing at start
     * @param aliveWeight the alive weight that caused it
     * @param reason for an operator
     */
    void onQuorumChange(boolean held, long aliveWeight, String reason);
  }

  private final Optional<ServiceKey> service;
  private final QuorumRule rule;
  private final Optional<Endpoint> sorryServer;
  private final List<DestinationListener> sorryListeners;
  private final List<QuorumListener> quorumListeners;
  private final Clock clock;
  private final Map<Endpoint, Integer> weights;
  private final Set<Endpoint> alive = new HashSet<>();
  private boolean held;

  private ServiceQuorum(Builder b, QuorumRule rule) {
    this.service = b.service;
    this.rule = rule;
    this.sorryServer = b.sorryServer;
    this.sorryListeners = List.copyOf(b.sorryListeners);
    this.quorumListeners = List.copyOf(b.quorumListeners);
    this.clock = b.clock;
    this.weights = new HashMap<>(b.weights);
    this.alive.addAll(weights.keySet());
    this.alive.removeAll(b.startingDown);
    this.held = b.startHeld || rule.heldAtStart(aliveWeight());
  }

  /** keepalived's start: quorum_up if held, quorum_down and the sorry server in if not and there is one. */
  private synchronized void announceStart() {
    long w = aliveWeight();
    QuorumRule.announcedAtStart(held, sorryServer.isPresent()).ifPresent(up -> {
      String reason = "at start: alive weight " + w + (up ? " >= " : " < ") + "quorum " + rule.quorum()
          + " + hysteresis " + rule.hysteresis();
      log.info("{} starts {} its quorum: {}", name(), up ? "with" : "without", reason);
      notifyQuorum(up, w, reason);
      if (!up) {
        publish(new DestinationUp(clock.instant(), service, sorryServer.get(), "sorry server: starting without the"
            + " quorum"));
      }
    });
  }

  private String name() {
    return service.map(Object::toString).orElse("service");
  }

  /** A builder: quorum 1, hysteresis 0, no sorry server. */
  public static Builder builder() {
    return new Builder();
  }

  /** The quorum in force: as given, or lowered to the destinations' total weight by {@link Builder#build()}. */
  public long quorum() {
    return rule.quorum();
  }

  /** The hysteresis in force: as given, or lowered below the quorum by {@link Builder#build()}. */
  public long hysteresis() {
    return rule.hysteresis();
  }

  /** Whether the quorum is held now. */
  public synchronized boolean held() {
    return held;
  }

  /** The sum of the weights of the destinations that are up. */
  public synchronized long aliveWeight() {
    long sum = 0;
    for (Endpoint e : alive) {
      sum += weights.getOrDefault(e, 0);
    }
    return sum;
  }

  @Override
  public synchronized void onDestinationEvent(DestinationEvent event) {
    if (service.isPresent() && !service.equals(event.service())) {
      return;
    }
    Endpoint d = event.destination();
    if (sorryServer.isPresent() && sorryServer.get().equals(d)) {
      return; // our own output
    }
    if (!weights.containsKey(d)) {
      log.debug("quorum of {}: ignoring unregistered destination {}", service, d);
      return;
    }
    if (event instanceof DestinationUp) {
      alive.add(d);
    } else if (event instanceof DestinationDown) {
      alive.remove(d);
    } else if (event instanceof WeightChanged) {
      weights.put(d, ((WeightChanged) event).newWeight());
    }
    evaluate(event);
  }

  private void evaluate(DestinationEvent cause) {
    long w = aliveWeight();
    boolean now = rule.next(held, w);
    if (now == held) {
      return;
    }
    held = now;
    long quorum = rule.quorum();
    long hysteresis = rule.hysteresis();
    if (!held) {
      String reason = "alive weight " + w + " < quorum " + quorum + " - hysteresis " + hysteresis + " after "
          + cause.destination() + ": " + cause.reason();
      log.info("{} lost its quorum: {}", name(), reason);
      notifyQuorum(false, w, reason);
      sorryServer.ifPresent(s -> publish(new DestinationUp(clock.instant(), service, s, "sorry server: quorum lost")));
    } else {
      String reason = "alive weight " + w + " >= quorum " + quorum + " + hysteresis " + hysteresis;
      log.info("{} regained its quorum: {}", name(), reason);
      notifyQuorum(true, w, reason);
      sorryServer.ifPresent(s -> publish(new DestinationDown(clock.instant(), service, s,
          "sorry server: quorum regained")));
    }
  }

  private void notifyQuorum(boolean up, long w, String reason) {
    for (QuorumListener l : quorumListeners) {
      try {
        l.onQuorumChange(up, w, reason);
      } catch (RuntimeException e) {
        log.warn("quorum listener {} threw; continuing", l, e);
      }
    }
  }

  private void publish(DestinationEvent e) {
    for (DestinationListener l : sorryListeners) {
      try {
        l.onDestinationEvent(e);
      } catch (RuntimeException ex) {
        log.warn("listener {} threw on {}; continuing", l, e, ex);
      }
    }
  }

  /** Builds a {@link ServiceQuorum}. */
  public static final class Builder {
    private Optional<ServiceKey> service = Optional.empty();
    private long quorum = 1;
    private long hysteresis;
    private Optional<Endpoint> sorryServer = Optional.empty();
    private final List<DestinationListener> sorryListeners = new ArrayList<>();
    private final List<QuorumListener> quorumListeners = new ArrayList<>();
    private final Map<Endpoint, Integer> weights = new HashMap<>();
    private final Set<Endpoint> startingDown = new HashSet<>();
    private boolean startHeld;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Only events of this service count. */
    public Builder service(ServiceKey service) {
      this.service = Optional.of(requireNonNull(service, "service"));
      return this;
    }

    /** A destination of the service and its configured weight; it starts alive. */
    public Builder destination(Endpoint destination, int weight) {
      return destination(destination, weight, false);
    }

    /**
     * A destination of the service and its configured weight, starting down if {@code startsDown} (keepalived's
     * {@code alpha}, {@link CheckPolicy#startDown()}): it then counts only once a check has brought it up.
     */
    public Builder destination(Endpoint destination, int weight, boolean startsDown) {
      if (weight < 0) {
        throw new IllegalArgumentException("weight must not be negative but was " + weight + " (destination "
            + destination + ")");
      }
      weights.put(requireNonNull(destination, "destination"), weight);
      if (startsDown) {
        startingDown.add(destination);
      } else {
        startingDown.remove(destination);
      }
      return this;
    }

    /**
     * keepalived {@code quorum}: the alive weight needed, at least 1 (default 1; lowered to the destinations' total
     * weight by {@link #build()} if above it).
     */
    public Builder quorum(long quorum) {
      if (quorum < 1) {
        throw new IllegalArgumentException("quorum must be at least 1 but was " + quorum);
      }
      this.quorum = quorum;
      return this;
    }

    /**
     * lbkit's earlier start, not keepalived's: the service starts with its quorum held whatever its alive weight, and
     * {@link #build()} announces nothing; only later changes reach the listeners.
     */
    public Builder startHeld() {
      this.startHeld = true;
      return this;
    }

    /** keepalived {@code hysteresis}, at least 0 (lowered below the quorum by {@link #build()}). */
    public Builder hysteresis(long hysteresis) {
      if (hysteresis < 0) {
        throw new IllegalArgumentException("hysteresis must not be negative but was " + hysteresis);
      }
      this.hysteresis = hysteresis;
      return this;
    }

    /** keepalived {@code sorry_server}. */
    public Builder sorryServer(Endpoint sorry) {
      this.sorryServer = Optional.of(requireNonNull(sorry, "sorry"));
      return this;
    }

    /** Receives the sorry server's up and down events. */
    public Builder listener(DestinationListener listener) {
      sorryListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** Receives quorum changes. */
    public Builder quorumListener(QuorumListener listener) {
      quorumListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** The clock for event timestamps. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds it and announces its start to the listeners (see {@link ServiceQuorum}). As keepalived's configuration
     * check, a quorum above the destinations' total weight is lowered to it and a hysteresis not below the quorum to
     * {@code quorum - 1}, each with a warning.
     */
    public ServiceQuorum build() {
      long total = weights.values().stream().mapToLong(Integer::longValue).sum();
      QuorumRule rule = QuorumRule.lowered(quorum, hysteresis, total);
      String name = service.map(Object::toString).orElse("service");
      if (rule.quorum() != quorum) {
        log.warn("{}: quorum {} is above the destinations' total weight {}, so it could never be reached; lowered to"
            + " {} as keepalived does", name, quorum, total, rule.quorum());
      }
      if (rule.hysteresis() != hysteresis) {
        log.warn("{}: hysteresis {} is not below the quorum {}; lowered to {} as keepalived does", name, hysteresis,
            rule.quorum(), rule.hysteresis());
      }
      ServiceQuorum q = new ServiceQuorum(this, rule);
      if (!startHeld) {
        q.announceStart();
      }
      return q;
    }
  }
}
