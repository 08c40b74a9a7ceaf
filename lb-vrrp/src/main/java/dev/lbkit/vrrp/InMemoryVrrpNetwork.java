package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Beta;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.ScriptRunner;
import dev.lbkit.vrrp.spi.TrafficFilter;
import dev.lbkit.vrrp.spi.TrafficFilterException;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A simulated Ethernet segment for VRRP routers, with its own clock: routers run on it deterministically, an hour of
 * VRRP in milliseconds. For tests of code that embeds lbkit's VRRP engine.
 *
 * <p>Each host has one interface, {@code eth0}, an IPv4 address and an IPv6 link-local address. Multicast reaches
 * every other running host in the sender's partition; unicast reaches the host with that address. The network can
 * crash, stop and restart routers, partition the segment, drop packets at random and delay them; tracked scripts run
 * on the simulated clock with results the test sets ({@link #setScriptResult}), and accept mode's filter is observable
 * ({@link #blocked}, {@link #accepts}). Strict: sending
 * from or adding an address on an interface other than {@code eth0} fails like the kernel would.
 *
 * <pre>{@code
 * InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
 * net.addHost("r1", "10.0.0.1", "fe80::1");
 * net.start("r1", b -> b.instance(VrrpConfig.builder("VI").interfaceName("eth0").vrid(1).priority(150)
 *     .virtualAddress("10.0.0.100/24").build()));
 * net.advance(Duration.ofSeconds(5));
 * assertEquals(Set.of("r1"), net.holders(VirtualAddress.parse("10.0.0.100/24").address()));
 * }</pre>
 *
 * <p>Not thread-safe: drive it from the test thread; routers run on that thread inside {@link #advance}.
 */
@Beta
public final class InMemoryVrrpNetwork {
  /** The interface every host has. */
  public static final String INTERFACE = "eth0";

  private final RandomGenerator random;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final PriorityQueue<Delivery> queue = new PriorityQueue<>();
  private long now;
  private long seq;
  private double loss;
  private long latencyNanos = 100_000;

  /** A network whose packet loss draws from a fixed seed. */
  public InMemoryVrrpNetwork() {
    this(new SplittableRandom(0x5eed));
  }

  /** A network whose packet loss draws from {@code random}. */
  public InMemoryVrrpNetwork(RandomGenerator random) {
    this.random = requireNonNull(random, "random");
  }

  /** The simulated time source; give it to anything that must share the routers' time. */
  public Ticker ticker() {
    return () -> now;
  }

  /** A wall clock at 1970-01-01T00:00Z plus the simulated time. */
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulated clock is UTC only");
      }

      @Override
      public Instant instant() {
        return Instant.EPOCH.plusNanos(now);
      }
    };
  }

  /** Simulated time since the network was created. */
  public Duration elapsed() {
    return Duration.ofNanos(now);
  }

  /**
   * Adds a host with interface {@code eth0}.
   *
   * @param ipv4 its IPv4 address, for example {@code 10.0.0.1}
   * @param ipv6LinkLocal its IPv6 link-local address, for example {@code fe80::1}
   * @throws IllegalArgumentException for a duplicate name or address, or an address that is not numeric
   */
  public void addHost(String name, String ipv4, String ipv6LinkLocal) {
    requireNonNull(name, "name");
    if (hosts.containsKey(name)) {
      throw new IllegalArgumentException("host '" + name + "' already exists");
    }
    Host h = new Host(name, parse(ipv4), parse(ipv6LinkLocal));
    if (!h.ipv6.isLinkLocalAddress() || !(h.ipv4 instanceof java.net.Inet4Address)) {
      throw new IllegalArgumentException("host '" + name + "' needs an IPv4 and an IPv6 link-local address but got "
          + ipv4 + " and " + ipv6LinkLocal);
    }
    for (Host o : hosts.values()) {
      if (o.ipv4.equals(h.ipv4) || o.ipv6.equals(h.ipv6)) {
        throw new IllegalArgumentException("host '" + name + "' reuses an address of host '" + o.name + "'");
      }
    }
    hosts.put(name, h);
  }

  /**
   * Builds a router on the host (its transport, addresses, ticker and clock already set) and starts it. The
   * {@code configure} function is kept for {@link #restart(String)}.
   *
   * @return the running router
   * @throws IllegalArgumentException for an unknown host
   * @throws IllegalStateException if a router is already running there
   */
  public VrrpRouter start(String hostName, UnaryOperator<VrrpRouter.Builder> configure) {
    Host h = host(hostName);
    if (h.router != null) {
      throw new IllegalStateException("host '" + hostName + "' already runs a router");
    }
    h.configure = requireNonNull(configure, "configure");
    VrrpRouter r = configure.apply(VrrpRouter.builder(h, h).trafficFilter(h).scriptRunner(h)
        .ticker(ticker()).clock(clock())).build();
    h.router = r;
    try {
      r.start();
    } catch (IOException e) {
      h.router = null;
      throw new IllegalStateException("router on '" + hostName + "' failed to start: " + e.getMessage(), e);
    }
    return r;
  }

  /** Starts the host's router again with the same configuration, as a fresh process would. */
  public VrrpRouter restart(String hostName) {
    Host h = host(hostName);
    if (h.configure == null) {
      throw new IllegalStateException("host '" + hostName + "' never ran a router");
    }
    return start(hostName, h.configure);
  }

  /** Crash: the router stops without a word and, like a dead host, stops answering for its addresses. */
  public void crash(String hostName) {
    Host h = host(hostName);
    h.router = null;
    h.addresses.clear();
    h.blocked.clear();
  }

  /** Graceful stop: the router resigns (priority 0) and removes its addresses. */
  public void stop(String hostName) {
    Host h = host(hostName);
    if (h.router != null) {
      h.router.shutdown("stopped");
      h.router = null;
    }
  }

  /** The running router of a host. */
  public Optional<VrrpRouter> router(String hostName) {
    return Optional.ofNullable(host(hostName).router);
  }

  /**
   * Splits the segment: hosts in different groups no longer hear each other. Hosts in no group form one more group.
   */
  @SafeVarargs
  public final void partition(Set<String>... groups) {
    for (Host h : hosts.values()) {
      h.partition = 0;
    }
    int id = 1;
    for (Set<String> g : groups) {
      for (String name : g) {
        host(name).partition = id;
      }
      id++;
    }
  }

  /** Joins all partitions again. */
  public void heal() {
    partition();
  }

  /** The hosts' partitions: each set holds hosts that hear each other. */
  public List<Set<String>> partitions() {
    Map<Integer, Set<String>> byId = new HashMap<>();
    for (Host h : hosts.values()) {
      byId.computeIfAbsent(h.partition, k -> new TreeSet<>()).add(h.name);
    }
    return List.copyOf(byId.values());
  }

  /** Drops each delivery with this probability, 0 to 1. */
  public void setLoss(double probability) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("loss must be in [0, 1] but was " + probability);
    }
    this.loss = probability;
  }

  /** One-way delay of every delivery; default 100 µs. */
  public void setLatency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative but was " + latency);
    }
    this.latencyNanos = latency.toNanos();
  }

  /** Hosts (running or not, but not crashed) that have this address configured. */
  public Set<String> holders(InetAddress address) {
    Set<String> out = new TreeSet<>();
    for (Host h : hosts.values()) {
      for (VirtualAddress a : h.addresses) {
        if (a.address().equals(address)) {
          out.add(h.name);
        }
      }
    }
    return out;
  }

  /** The addresses configured on a host's interface. */
  public Set<VirtualAddress> addresses(String hostName) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(host(hostName).addresses));
  }

  /** The addresses whose traffic a host's accept-mode filter drops now (RFC 5798 accept mode off). */
  public Set<InetAddress> blocked(String hostName) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(host(hostName).blocked));
  }

  /**
   * Whether the host would accept an IP packet addressed to {@code address}: it holds the address and its filter
   * does not drop it. (It answers ARP / neighbour discovery for every address it holds, blocked or not.)
   */
  public boolean accepts(String hostName, InetAddress address) {
    Host h = host(hostName);
    return !h.blocked.contains(address) && h.addresses.stream().anyMatch(a -> a.address().equals(address));
  }

  /**
   * What the tracked script {@code scriptName} of the host's router reports from now on: pass (exit 0) or fail. A
   * script whose result was never set passes.
   */
  public void setScriptResult(String hostName, String scriptName, boolean passes) {
    host(hostName).scriptResults.put(requireNonNull(scriptName, "scriptName"), passes);
  }

  /** How often the host's router has run the tracked script so far. */
  public long scriptRuns(String hostName, String scriptName) {
    return host(hostName).scriptRuns.getOrDefault(scriptName, 0L);
  }

  /** Gratuitous ARPs / neighbour advertisements a host has sent so far. */
  public long announcements(String hostName) {
    return host(hostName).announcements;
  }

  /**
   * Runs the network for {@code duration} of simulated time: deliveries and router timers in time order.
   */
  public void advance(Duration duration) {
    long target = now + duration.toNanos();
    int guard = 0;
    while (true) {
      long nextTimer = Long.MAX_VALUE;
      for (Host h : hosts.values()) {
        if (h.router != null) {
          nextTimer = Math.min(nextTimer, h.router.nextDeadlineNanos());
        }
      }
      Delivery head = queue.peek();
      long nextDelivery = head == null ? Long.MAX_VALUE : head.at;
      long next = Math.min(nextTimer, nextDelivery);
      if (next > target) {
        break;
      }
      if (++guard > 50_000_000) {
        throw new IllegalStateException("simulation does not advance at " + Duration.ofNanos(now));
      }
      now = Math.max(now, next);
      if (nextDelivery <= nextTimer) {
        queue.poll();
        Host to = head.to;
        // a packet already on the wire still arrives after its sender crashed; a new partition cuts it
        if (to.router != null && to.partition == head.from.partition) {
          to.router.onDatagram(head.datagram);
        }
      } else {
        for (Host h : new ArrayList<>(hosts.values())) {
          if (h.router != null && h.router.nextDeadlineNanos() <= now) {
            h.router.runDueTimers();
          }
        }
      }
    }
    now = target;
  }

  private Host host(String name) {
    Host h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host '" + name + "'; have " + hosts.keySet());
    }
    return h;
  }

  private static InetAddress parse(String literal) {
    requireNonNull(literal, "address");
    if (!(literal.indexOf(':') >= 0 || literal.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')))) {
      throw new IllegalArgumentException("address must be numeric but was '" + literal + "'");
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address must be numeric but was '" + literal + "'", e);
    }
  }

  private record Delivery(long at, long seq, Host from, Host to, VrrpDatagram datagram)
      implements Comparable<Delivery> {
    @Override
    public int compareTo(Delivery o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  /** One simulated host: its transport, address manager and accept-mode filter. */
  private final class Host implements VrrpTransport, AddressManager, TrafficFilter, ScriptRunner {
    final String name;
    final InetAddress ipv4;
    final InetAddress ipv6;
    final Set<VirtualAddress> addresses = new LinkedHashSet<>();
    final Set<InetAddress> blocked = new LinkedHashSet<>();
    final Map<String, Boolean> scriptResults = new HashMap<>();
    final Map<String, Long> scriptRuns = new HashMap<>();
    final Set<AddressFamily> opened = new HashSet<>();
    UnaryOperator<VrrpRouter.Builder> configure;
    VrrpRouter router;
    int partition;
    long announcements;

    Host(String name, InetAddress ipv4, InetAddress ipv6) {
      this.name = name;
      this.ipv4 = ipv4;
      this.ipv6 = ipv6;
    }

    private void checkInterface(String interfaceName) throws IOException {
      if (!INTERFACE.equals(interfaceName)) {
        throw new IOException("host " + name + ": no interface '" + interfaceName + "' (only " + INTERFACE + ")");
      }
    }

    @Override
    public void open(String interfaceName, AddressFamily family) throws IOException {
      checkInterface(interfaceName);
      opened.add(family);
    }

    @Override
    public void openAuthenticationHeader(String interfaceName) throws IOException {
      // datagrams travel whole, IPv4 header included: nothing more to open
      checkInterface(interfaceName);
      if (!opened.contains(AddressFamily.IPV4)) {
        throw new IOException("host " + name + ": transport not opened for IPv4");
      }
    }

    @Override
    public InetAddress primaryAddress(String interfaceName, AddressFamily family) throws IOException {
      checkInterface(interfaceName);
      return family == AddressFamily.IPV4 ? ipv4 : ipv6;
    }

    @Override
    public void send(VrrpDatagram d) throws IOException {
      checkInterface(d.interfaceName());
      AddressFamily family = AddressFamily.of(d.destination());
      if (!opened.contains(family)) {
        throw new IOException("host " + name + ": transport not opened for " + family);
      }
      boolean multicast = d.destination().isMulticastAddress();
      for (Host to : hosts.values()) {
        if (to == this || !to.opened.contains(family)) {
          continue;
        }
        if (!multicast && !d.destination().equals(family == AddressFamily.IPV4 ? to.ipv4 : to.ipv6)) {
          continue;
        }
        if (to.partition != partition || (loss > 0 && random.nextDouble() < loss)) {
          continue;
        }
        queue.add(new Delivery(now + latencyNanos, seq++, this, to, d));
      }
    }

    @Override
    public Optional<VrrpDatagram> receive(Duration timeout) {
      throw new UnsupportedOperationException(
          "InMemoryVrrpNetwork delivers datagrams itself inside advance(); do not call VrrpRouter.run() on it");
    }

    @Override
    public void wakeup() {
      // advance() runs the routers: there is no receive to interrupt
    }

    @Override
    public void close() {
      opened.clear();
    }

    @Override
    public void add(String interfaceName, VirtualAddress address) throws IOException {
      checkInterface(interfaceName);
      addresses.add(address);
    }

    @Override
    public void remove(String interfaceName, VirtualAddress address) throws IOException {
      checkInterface(interfaceName);
      addresses.remove(address);
    }

    @Override
    public void run(VrrpScript script, Done done) {
      // at once, on the network's thread: a script on this segment takes no time
      scriptRuns.merge(script.name(), 1L, Long::sum);
      done.finished(scriptResults.getOrDefault(script.name(), true));
    }

    @Override
    public void block(String interfaceName, List<VirtualAddress> list) throws TrafficFilterException {
      filterInterface(interfaceName, "block");
      list.forEach(a -> blocked.add(a.address()));
    }

    @Override
    public void unblock(String interfaceName, List<VirtualAddress> list) throws TrafficFilterException {
      filterInterface(interfaceName, "unblock");
      list.forEach(a -> blocked.remove(a.address()));
    }

    private void filterInterface(String interfaceName, String op) throws TrafficFilterException {
      if (!INTERFACE.equals(interfaceName)) {
        throw new TrafficFilterException(TrafficFilterException.Kind.FAILED, op + " on " + interfaceName,
            "host " + name + " has no interface '" + interfaceName + "' (only " + INTERFACE + ")");
      }
    }

    @Override
    public void announce(String interfaceName, VirtualAddress address) throws IOException {
      checkInterface(interfaceName);
      if (!addresses.contains(address)) {
        throw new IOException("host " + name + ": announcing " + address + " which is not configured");
      }
      announcements++;
    }
  }
}
