package dev.lbkit.scheduling.haproxy;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.sched.Destination;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A HAProxy {@code backend}: its servers, its {@code balance} algorithm and the runtime state both share. The
 * scheduler ({@link #scheduler()}) picks as HAProxy 2.6 does with one thread; the runtime API
 * ({@link #setState}, {@link #setWeight}, {@link #execute}) and the connection bookkeeping
 * ({@link #connectionStarted}, {@link #connectionEnded}) move the same state HAProxy's would.
 *
 * <pre>{@code
 * HaproxyBackend backend = HaproxyBackend.builder()
 *     .balance("uri depth 2")
 *     .hashType("consistent")
 *     .server(ServerConfig.of("s1", Endpoint.parse("10.0.0.1:80"), 1))
 *     .server(ServerConfig.of("s2", Endpoint.parse("10.0.0.2:80"), 3))
 *     .build();
 * Optional<HaproxyServer> s = backend.scheduler().pickServer(request);
 * }</pre>
 *
 * <p>Thread safety: every method may be called from any thread; picks and changes are serialised on the backend,
 * as HAProxy serialises them on its load-balancing lock.
 */
public final class HaproxyBackend {
  /** Dynamic algorithms scale a user weight by this ({@code BE_WEIGHT_SCALE}). */
  static final int WEIGHT_SCALE = 16;

  final Object lock = new Object();
  private final List<HaproxyServer> servers;
  private final Map<String, HaproxyServer> byName;
  private final boolean allBackups;
  private final int hashBalanceFactor;
  private final boolean staticWeights;
  private final int gcd;
  private final HaproxyScheduler scheduler;

  // HAProxy's srv_act, srv_bck, tot_wact, tot_wbck, fbck, tot_weight, tot_used and the backend's served count.
  int srvAct;
  int srvBck;
  long totWact;
  long totWbck;
  HaproxyServer fbck;
  long totWeight;
  int totUsed;
  int servedTotal;

  private HaproxyBackend(Builder b) {
    this.allBackups = b.allBackups;
    this.hashBalanceFactor = b.hashBalanceFactor;
    Balance balance = Balance.parse(b.balance);
    HashType hashType = HashType.parse(b.hashType);
    if (b.servers.isEmpty()) {
      throw new IllegalArgumentException("a backend needs at least one server");
    }
    this.staticWeights = balance.isStatic(hashType);
    List<HaproxyServer> list = new ArrayList<>();
    Map<String, HaproxyServer> names = new LinkedHashMap<>();
    Set<Integer> used = new HashSet<>();
    for (ServerConfig c : b.servers) {
      if (c.id().isPresent() && !used.add(c.id().getAsInt())) {
        throw new IllegalArgumentException("server " + c.name() + ": id " + c.id().getAsInt() + " is already used");
      }
    }
    int counter = 1;
    int g = 0;
    for (ServerConfig c : b.servers) {
      int id;
      if (c.id().isPresent()) {
        id = c.id().getAsInt();
      } else {
        id = counter;
        while (used.contains(id)) {
          id++;
        }
        used.add(id);
      }
      counter++;
      HaproxyServer s = new HaproxyServer(c, id, list.size());
      if (names.putIfAbsent(c.name(), s) != null) {
        throw new IllegalArgumentException("server name '" + c.name() + "' is declared twice");
      }
      list.add(s);
      if (c.weight() > 0) {
        g = g == 0 ? c.weight() : gcd(g, c.weight());
      }
    }
    this.gcd = g == 0 ? 1 : g;
    this.servers = Collections.unmodifiableList(list);
    this.byName = Collections.unmodifiableMap(names);
    if (hashBalanceFactor != 0 && (hashType.method() != HashType.Method.CONSISTENT || !balance.isHash())) {
      throw new IllegalArgumentException("hash-balance-factor needs a hash algorithm with hash-type consistent");
    }
    for (HaproxyServer s : servers) {
      s.eweight = eweightOf(s.weight());
      s.usable = s.eweight > 0;
    }
    recount(true);
    RandomGenerator random = b.random != null ? b.random : RandomGeneratorFactory.getDefault().create();
    this.scheduler = balance.create(this, hashType, random);
    synchronized (lock) {
      scheduler.init();
    }
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The scheduler for this backend's {@code balance} algorithm. */
  public HaproxyScheduler scheduler() {
    return scheduler;
  }

  /** The servers in declaration order. */
  public List<HaproxyServer> servers() {
    return servers;
  }

  /**
   * The server of that name.
   *
   * @throws IllegalArgumentException if there is none
   */
  public HaproxyServer server(String name) {
    HaproxyServer s = byName.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no server '" + name + "' in this backend; servers are " + byName.keySet());
    }
    return s;
  }

  /** Whether {@code option allbackups} is on. */
  public boolean allBackups() {
    return allBackups;
  }

  /** The {@code hash-balance-factor}, 0 when off. */
  public int hashBalanceFactor() {
    return hashBalanceFactor;
  }

  /** Whether the algorithm uses static (map-based) weights, which accept only 0 or the configured weight. */
  public boolean staticWeights() {
    return staticWeights;
  }

  /** Requests in flight on the whole backend. */
  public int served() {
    synchronized (lock) {
      return servedTotal;
    }
  }

  /**
   * Sets a server's administrative state ({@code set server bk/NAME state ready|drain|maint}).
   *
   * @throws IllegalArgumentException if there is no such server
   */
  public void setState(String name, ServerState state) {
    requireNonNull(state, "state");
    HaproxyServer s = server(name);
    synchronized (lock) {
      apply(s, s.weight(), state);
    }
  }

  /**
   * Sets a server's weight as {@code set weight bk/NAME W} or {@code W%} does: a percentage is of the configured
   * weight, capped at 256. Static algorithms accept only 0 or the configured weight.
   *
   * @param spec {@code 0}..{@code 256} or a percentage such as {@code 50%}
   * @throws IllegalArgumentException for a malformed or out-of-range value, or a weight a static algorithm refuses
   */
  public void setWeight(String name, String spec) {
    HaproxyServer s = server(name);
    int w = parseWeight(s, spec);
    if (staticWeights && w != 0 && w != s.config().weight()) {
      throw new IllegalArgumentException(
          "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.");
    }
    synchronized (lock) {
      apply(s, w, s.state());
    }
  }

  /**
   * Runs one runtime API command the way HAProxy's stats socket does, for the commands that move balancing:
   * {@code set server <backend>/<server> state ready|drain|maint} and {@code set weight <backend>/<server> W[%]}.
   * The backend part of the name is not checked.
   *
   * @return the empty string on success, else the error text (nothing changed)
   */
  public String execute(String command) {
    String[] w = command.trim().split("\\s+");
    try {
      if (w.length == 5 && w[0].equals("set") && w[1].equals("server") && w[3].equals("state")) {
        ServerState state;
        switch (w[4].toLowerCase(Locale.ROOT)) {
          case "ready":
            state = ServerState.READY;
            break;
          case "drain":
            state = ServerState.DRAIN;
            break;
          case "maint":
            state = ServerState.MAINT;
            break;
          default:
            return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.";
        }
        setState(serverPart(w[2]), state);
        return "";
      }
      if (w.length == 4 && w[0].equals("set") && w[1].equals("weight")) {
        setWeight(serverPart(w[2]), w[3]);
        return "";
      }
      return "Unknown command: '" + command.trim() + "'";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * Counts a request that starts on a server (HAProxy's {@code served}): call it when a picked request is sent.
   *
   * @throws IllegalArgumentException if the destination is not a server of this backend
   */
  public void connectionStarted(Destination server) {
    HaproxyServer s = own(server);
    synchronized (lock) {
      s.served(s.served() + 1);
      servedTotal++;
      scheduler.connectionChanged(s);
    }
  }

  /**
   * Counts the end of a request started with {@link #connectionStarted}.
   *
   * @throws IllegalArgumentException if the destination is not a server of this backend
   * @throws IllegalStateException if it has nothing in flight
   */
  public void connectionEnded(Destination server) {
    HaproxyServer s = own(server);
    synchronized (lock) {
      if (s.served() == 0) {
        throw new IllegalStateException("server " + s.name() + " has no request in flight");
      }
      s.served(s.served() - 1);
      servedTotal--;
      scheduler.connectionChanged(s);
    }
  }

  private HaproxyServer own(Destination d) {
    if (d instanceof HaproxyServer) {
      HaproxyServer s = (HaproxyServer) d;
      if (s.index < servers.size() && servers.get(s.index) == s) {
        return s;
      }
    }
    throw new IllegalArgumentException("destination " + d.name() + " is not a server of this backend");
  }

  private static String serverPart(String qualified) {
    int slash = qualified.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("Require 'backend/server'.");
    }
    return qualified.substring(slash + 1);
  }

  private static int parseWeight(HaproxyServer s, String spec) {
    String t = spec.trim();
    boolean percent = t.endsWith("%");
    if (percent) {
      t = t.substring(0, t.length() - 1);
    }
    int value;
    try {
      value = Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("weight '" + spec + "' of server " + s.name() + " is not a number", e);
    }
    if (value < 0) {
      throw new IllegalArgumentException("Relative weight must be positive.");
    }
    if (percent) {
      value = (int) Math.min(ServerConfig.MAX_WEIGHT, (long) s.config().weight() * value / 100);
    } else if (value > ServerConfig.MAX_WEIGHT) {
      throw new IllegalArgumentException("Absolute weight can only be between 0 and 256 inclusive.");
    }
    return value;
  }

  int eweightOf(int weight) {
    return staticWeights ? weight / gcd : weight * WEIGHT_SCALE;
  }

  /** Applies a new weight and state, then tells the balancer if its view of the server changed. */
  private void apply(HaproxyServer s, int weight, ServerState state) {
    boolean wasUsable = s.usable;
    int oldEweight = s.eweight;
    s.weight(weight);
    s.state(state);
    s.eweight = eweightOf(weight);
    s.usable = state == ServerState.READY && s.eweight > 0;
    if (wasUsable == s.usable && (oldEweight == s.eweight || !s.usable)) {
      return;
    }
    recount(false);
    scheduler.serverChanged(s, wasUsable, oldEweight);
  }

  /** HAProxy's recount_servers and update_backend_weight. */
  private void recount(boolean initial) {
    srvAct = 0;
    srvBck = 0;
    totWact = 0;
    totWbck = 0;
    fbck = null;
    for (HaproxyServer s : servers) {
      if (!s.usable) {
        continue;
      }
      if (s.backup()) {
        if (srvBck == 0 && !allBackups) {
          fbck = s;
        }
        srvBck++;
        if (initial) {
          s.cumulativeWeight = totWbck;
        }
        totWbck += s.eweight;
      } else {
        srvAct++;
        if (initial) {
          s.cumulativeWeight = totWact;
        }
        totWact += s.eweight;
      }
    }
    if (srvAct > 0) {
      totWeight = totWact;
      totUsed = srvAct;
    } else if (fbck != null) {
      totWeight = fbck.eweight;
      totUsed = 1;
    } else {
      totWeight = totWbck;
      totUsed = srvBck;
    }
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** Builds a {@link HaproxyBackend}; {@code balance} and at least one server are required. */
  public static final class Builder {
    private String balance = "roundrobin";
    private String hashType;
    private boolean allBackups;
    private int hashBalanceFactor;
    private RandomGenerator random;
    private final List<ServerConfig> servers = new ArrayList<>();

    private Builder() {}

    /** The text after {@code balance}, e.g. {@code uri len 8 depth 2} or {@code hdr(Host) use_domain_only}. */
    public Builder balance(String text) {
      this.balance = requireNonNull(text, "balance");
      return this;
    }

    /** The text after {@code hash-type}, e.g. {@code consistent djb2 avalanche}; null for none. */
    public Builder hashType(String text) {
      this.hashType = text;
      return this;
    }

    /** {@code option allbackups}: balance over all backup servers instead of the first one. */
    public Builder allBackups(boolean on) {
      this.allBackups = on;
      return this;
    }

    /**
     * {@code hash-balance-factor}: 0 (off) or more than 100.
     *
     * @throws IllegalArgumentException for 1 to 100 or a negative value
     */
    public Builder hashBalanceFactor(int factor) {
      if (factor != 0 && (factor <= 100 || factor > 65535)) {
        throw new IllegalArgumentException("hash-balance-factor must be 0 or in [101, 65535] but was " + factor);
      }
      this.hashBalanceFactor = factor;
      return this;
    }

    /** The generator behind {@code balance random}; a fresh default generator when not set. */
    public Builder random(RandomGenerator generator) {
      this.random = requireNonNull(generator, "generator");
      return this;
    }

    /** Adds a server; declaration order matters. */
    public Builder server(ServerConfig server) {
      servers.add(requireNonNull(server, "server"));
      return this;
    }

    /**
     * Builds the backend.
     *
     * @throws IllegalArgumentException for a bad {@code balance} or {@code hash-type} text, duplicate names or ids,
     *     no servers, or a balance factor without consistent hashing
     */
    public HaproxyBackend build() {
      return new HaproxyBackend(this);
    }
  }

  /** The servers as destinations, for APIs that want the lb-api type. */
  public List<Destination> destinations() {
    return List.copyOf(servers);
  }

  /** Looks a server up by name without throwing. */
  public Optional<HaproxyServer> findServer(String name) {
    return Optional.ofNullable(byName.get(name));
  }
}
