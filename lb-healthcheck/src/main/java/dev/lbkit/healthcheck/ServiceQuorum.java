package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
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
 * <p>The alive weight is the sum of the weights of the destinations that are up. The quorum is lost when it falls
 * below {@code quorum - hysteresis} and regained when it reaches {@code quorum + hysteresis}; in between nothing
 * changes, which damps flapping. While the quorum is lost the sorry server is up (a {@link DestinationUp} for it);
 * when it is regained the sorry server goes down. Registered destinations start alive and the quorum held, as
 * keepalived's real servers do without {@code alpha}; the checker's initial events then correct that.
 *
 * <p>Thread-safe: events may come from several loop threads; listeners are called while holding this object's
 * lock, in order, and must not block.
 */
public final class ServiceQuorum implements DestinationListener {
  private static final Logger log = LoggerFactory.getLogger(ServiceQuorum.class);

  /** Receives quorum changes (keepalived {@code notify_up} / {@code notify_down} of a virtual server). */
  @FunctionalInterface
  public interface QuorumListener {
    /**
     * The quorum changed.
     *
     * @param held true when regained, false when lost
     * @param aliveWeight the alive weight that caused it
     * @param reason for an operator
     */
    void onQuorumChange(boolean held, long aliveWeight, String reason);
  }

  private final Optional<ServiceKey> service;
  private final long quorum;
  private final long hysteresis;
  private final Optional<Endpoint> sorryServer;
  private final List<DestinationListener> sorryListeners;
  private final List<QuorumListener> quorumListeners;
  private final Clock clock;
  private final Map<Endpoint, Integer> weights;
  private final Set<Endpoint> alive = new HashSet<>();
  private boolean held = true;

  private ServiceQuorum(Builder b) {
    this.service = b.service;
    this.quorum = b.quorum;
    this.hysteresis = b.hysteresis;
    this.sorryServer = b.sorryServer;
    this.sorryListeners = List.copyOf(b.sorryListeners);
    this.quorumListeners = List.copyOf(b.quorumListeners);
    this.clock = b.clock;
    this.weights = new HashMap<>(b.weights);
    this.alive.addAll(weights.keySet());
  }

  /** A builder: quorum 1, hysteresis 0, no sorry server. */
  public static Builder builder() {
    return new Builder();
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
    if (held && w < quorum - hysteresis) {
      held = false;
      String reason = "alive weight " + w + " < quorum " + quorum + " - hysteresis " + hysteresis + " after "
          + cause.destination() + ": " + cause.reason();
      log.info("{} lost its quorum: {}", service.map(Object::toString).orElse("service"), reason);
      notifyQuorum(false, w, reason);
      sorryServer.ifPresent(s -> publish(new DestinationUp(clock.instant(), service, s, "sorry server: quorum lost")));
    } else if (!held && w >= quorum + hysteresis) {
      held = true;
      String reason = "alive weight " + w + " >= quorum " + quorum + " + hysteresis " + hysteresis;
      log.info("{} regained its quorum: {}", service.map(Object::toString).orElse("service"), reason);
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
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Only events of this service count. */
    public Builder service(ServiceKey service) {
      this.service = Optional.of(requireNonNull(service, "service"));
      return this;
    }

    /** A destination of the service and its configured weight. */
    public Builder destination(Endpoint destination, int weight) {
      if (weight < 0) {
        throw new IllegalArgumentException("weight must not be negative but was " + weight + " (destination "
            + destination + ")");
      }
      weights.put(requireNonNull(destination, "destination"), weight);
      return this;
    }

    /** keepalived {@code quorum}: the alive weight needed, at least 1 (default 1). */
    public Builder quorum(long quorum) {
      if (quorum < 1) {
        throw new IllegalArgumentException("quorum must be at least 1 but was " + quorum);
      }
      this.quorum = quorum;
      return this;
    }

    /** keepalived {@code hysteresis}, at least 0. */
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
     * Builds it.
     *
     * @throws IllegalArgumentException if hysteresis is not smaller than quorum (the quorum could never be lost)
     */
    public ServiceQuorum build() {
      if (hysteresis >= quorum) {
        throw new IllegalArgumentException("hysteresis " + hysteresis + " must be smaller than quorum " + quorum);
      }
      return new ServiceQuorum(this);
    }
  }
}
