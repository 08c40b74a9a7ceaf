package dev.lbkit.scheduling.sim;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.sched.Request;
import dev.lbkit.scheduling.IpvsConnection;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.SchedulerFamily;
import dev.lbkit.scheduling.SchedulerSpec;
import dev.lbkit.scheduling.Schedulers;
import dev.lbkit.scheduling.haproxy.HaproxyBackend;
import dev.lbkit.scheduling.haproxy.HaproxyServer;
import dev.lbkit.scheduling.haproxy.ServerConfig;
import dev.lbkit.scheduling.haproxy.ServerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A scheduler as the simulator drives it: it starts a fresh run over the destinations, opens and closes
 * connections, and applies failures and weight changes. Use {@link #ipvs} for an IPVS scheduler (run over an
 * {@link IpvsService}), {@link #haproxy} for a HAProxy {@code balance} algorithm (over a {@link HaproxyBackend}),
 * or {@link #parse} for either by name.
 */
public interface SimScheduler {

  /** The label in reports. */
  String name();

  /** A fresh engine over these destinations (all up, at their weights); randomness seeded from {@code seed}. */
  Run start(List<SimDestination> destinations, long seed);

  /** One run's engine. Not thread-safe: the simulator drives it from one thread. */
  interface Run {
    /** Opens a connection: returns a handle, or null when nothing may be picked. */
    Object open(Request request);

    /** The destination index of an open connection's handle. */
    int destination(Object handle);

    /** Closes a connection opened by {@link #open}. */
    void close(Object handle);

    /**
     * Applies a change to destination {@code index}.
     *
     * @throws IllegalArgumentException if the engine refuses it (a static HAProxy algorithm and a new weight)
     */
    void apply(Change change, int index);
  }

  /**
   * An IPVS scheduler, validated by {@link Schedulers#create}. Failures remove the destination (as keepalived
   * does), recovery adds it back.
   *
   * @throws dev.lbkit.scheduling.SchedulerConfigException for an unknown name
   */
  static SimScheduler ipvs(String name) {
    SchedulerSpec spec = Schedulers.create(name);
    if (spec.family() != SchedulerFamily.IPVS) {
      throw new IllegalArgumentException("'" + name + "' is not an IPVS scheduler");
    }
    return new SimScheduler() {
      @Override
      public String name() {
        return spec.name();
      }

      @Override
      public Run start(List<SimDestination> destinations, long seed) {
        IpvsService svc = IpvsService.builder(spec).random(new SplittableRandom(seed)).build();
        Map<Endpoint, Integer> index = new HashMap<>();
        int[] weights = destinations.stream().mapToInt(SimDestination::weight).toArray();
        int[] byId = new int[destinations.size()];
        java.util.Arrays.fill(byId, -1);
        for (int i = 0; i < destinations.size(); i++) {
          IpvsDestination d = svc.addDestination(SimDestination.endpoint(i), destinations.get(i).weight());
          index.put(SimDestination.endpoint(i), i);
          if (d.id() < byId.length) {
            byId[d.id()] = i;
          }
        }
        return new Run() {
          @Override
          public Object open(Request request) {
            Optional<IpvsConnection> c = svc.connect(request.flow());
            return c.isPresent() ? c.get() : null;
          }

          @Override
          public int destination(Object handle) {
            IpvsDestination d = ((IpvsConnection) handle).destination();
            int id = d.id();
            // ids are dense in creation order, so the first ones are the positions; later ones are looked up
            return id < byId.length && byId[id] >= 0 ? byId[id] : index.get(d.endpoint());
          }

          @Override
          public void close(Object handle) {
            ((IpvsConnection) handle).close();
          }

          @Override
          public void apply(Change change, int i) {
            Endpoint e = SimDestination.endpoint(i);
            boolean linked = svc.destinations().stream().anyMatch(d -> d.endpoint().equals(e));
            switch (change.kind()) {
              case FAIL:
                if (linked) {
                  svc.removeDestination(e);
                }
                break;
              case RECOVER:
                if (!linked) {
                  svc.addDestination(e, weights[i]);
                }
                break;
              case WEIGHT:
                weights[i] = change.weight();
                if (linked) {
                  svc.setWeight(e, change.weight());
                }
                break;
              default:
                throw new AssertionError(change.kind());
            }
          }
        };
      }
    };
  }

  /**
   * A HAProxy algorithm: the text after {@code balance} and the one after {@code hash-type} (or null).
   * Failures put the server in {@code maint}, recovery makes it {@code ready}.
   *
   * @throws IllegalArgumentException for a bad {@code balance} or {@code hash-type}
   */
  static SimScheduler haproxy(String balance, String hashType) {
    requireNonNull(balance, "balance");
    HaproxyBackend.builder().balance(balance).hashType(hashType)
        .server(ServerConfig.of("probe", SimDestination.endpoint(0), 1)).build(); // validates now
    String label = balance + (hashType == null ? "" : " @" + hashType);
    return new SimScheduler() {
      @Override
      public String name() {
        return label;
      }

      @Override
      public Run start(List<SimDestination> destinations, long seed) {
        HaproxyBackend.Builder b = HaproxyBackend.builder().balance(balance).hashType(hashType)
            .random(new SplittableRandom(seed));
        for (int i = 0; i < destinations.size(); i++) {
          SimDestination d = destinations.get(i);
          b.server(ServerConfig.of(d.name(), SimDestination.endpoint(i), d.weight()));
        }
        HaproxyBackend backend = b.build();
        return new Run() {
          @Override
          public Object open(Request request) {
            Optional<HaproxyServer> s = backend.scheduler().pickServer(request);
            if (s.isEmpty()) {
              return null;
            }
            backend.connectionStarted(s.get());
            return s.get();
          }

          @Override
          public int destination(Object handle) {
            return ((HaproxyServer) handle).index();
          }

          @Override
          public void close(Object handle) {
            backend.connectionEnded((HaproxyServer) handle);
          }

          @Override
          public void apply(Change change, int i) {
            String name = destinations.get(i).name();
            switch (change.kind()) {
              case FAIL:
                backend.setState(name, ServerState.MAINT);
                break;
              case RECOVER:
                backend.setState(name, ServerState.READY);
                break;
              case WEIGHT:
                backend.setWeight(name, Integer.toString(change.weight()));
                break;
              default:
                throw new AssertionError(change.kind());
            }
          }
        };
      }
    };
  }

  /**
   * Either engine by name: an IPVS scheduler name ({@code wlc}), or a HAProxy {@code balance} text with an optional
   * {@code @hash-type} ({@code uri depth 2@consistent djb2}).
   *
   * @throws IllegalArgumentException for a name neither engine knows
   */
  static SimScheduler parse(String text) {
    String t = text.trim();
    int at = t.indexOf('@');
    String balance = at < 0 ? t : t.substring(0, at).trim();
    String hashType = at < 0 ? null : t.substring(at + 1).trim();
    Set<String> ipvsNames = Schedulers.names(SchedulerFamily.IPVS);
    if (ipvsNames.contains(balance)) {
      if (hashType == null) {
        return ipvs(balance);
      }
      throw new IllegalArgumentException("'" + t + "': " + balance + " is an IPVS scheduler, and @hash-type applies"
          + " only to HAProxy balance algorithms");
    }
    try {
      return haproxy(balance, hashType);
    } catch (IllegalArgumentException e) {
      // the HAProxy message alone listed only HAProxy's names, though an IPVS name is as welcome here
      if (e.getMessage() != null && e.getMessage().startsWith("unknown balance algorithm")) {
        throw new IllegalArgumentException("'" + balance + "' is not an IPVS scheduler (one of "
            + String.join(", ", new TreeSet<>(ipvsNames)) + ") and " + e.getMessage(), e);
      }
      throw e;
    }
  }
}
