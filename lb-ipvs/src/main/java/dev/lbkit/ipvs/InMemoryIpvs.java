package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link IpvsClient} that keeps the table in memory and refuses what the kernel refuses, with the same errno
 * and exception types: a duplicate service ({@code EEXIST}), a missing service ({@code ESRCH}) or destination
 * ({@code ENOENT}), an unknown scheduler or persistence engine ({@code ENOENT}), a destination of another family
 * without tunnel forwarding ({@code EINVAL}), a new destination that is not unicast ({@code EINVAL}), an IPv6
 * service's persistence prefix of 0 ({@code EINVAL}), an unknown
 * sync daemon interface ({@code ENODEV}), a second daemon of one role ({@code EEXIST}), a sync daemon beside a
 * destination of another family than its service's and such a destination while a daemon runs ({@code EINVAL}). Rules the lb-api types
 * enforce already (weights, thresholds, netmasks) fail earlier, at construction. For unit tests of control planes
 * without root; the contract suite runs on it and on the kernel alike.
 *
 * <p>Order: destinations list newest first, as in the kernel. Services list in insertion order; the kernel lists
 * them in the order of its service hash table, whose hash mixes in the address of the namespace's IPVS state, so
 * that order differs from one namespace and boot to the next and cannot be reproduced (ipvsadm {@code -L} and
 * {@code -S} sort, and {@link IpvsadmFormat} sorts the same way, so their output is the same for both). Counters
 * stay zero as no traffic flows. A destination on one of the host's own addresses keeps the forwarding method it
 * was given, as in the 6.1 kernel (seen in the kernel lab: 127.0.0.1 and an address on {@code lo} list as Masq
 * and Route; kernels before 3.x listed them as Local). Thread-safe: every method is atomic.
 */
public final class InMemoryIpvs implements IpvsClient {
  /** The schedulers of Debian's 6.1 kernel, the one the kernel lab runs. */
  public static final Set<String> LINUX_6_1_SCHEDULERS =
      Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf");
  /** The persistence engines of that kernel. */
  public static final Set<String> LINUX_6_1_PERSISTENCE_ENGINES = Set.of("sip");
  /** The kernel's IPVS version 1.2.1. */
  public static final int IPVS_VERSION = 0x010201;
  /** The kernel's default timeouts (tcp 900 s, tcpfin 120 s, udp 300 s). */
  public static final IpvsTimeouts DEFAULT_TIMEOUTS = IpvsTimeouts.ofSeconds(900, 120, 300);

  private static final InetAddress DEFAULT_GROUP = Endpoint.parseAddress("224.0.0.81"); // IP_VS_SYNC_GROUP
  private static final byte[] LIMITED_BROADCAST = {(byte) 255, (byte) 255, (byte) 255, (byte) 255};

  private final Set<String> schedulers;
  private final Set<String> persistenceEngines;
  private final Set<String> interfaces;
  private final Map<ServiceKey, Entry> services = new LinkedHashMap<>();
  private final Map<SyncDaemon.Role, SyncDaemon> daemons = new EnumMap<>(SyncDaemon.Role.class);
  private IpvsTimeouts timeouts = DEFAULT_TIMEOUTS;

  private static final class Entry {
    VirtualService service;
    final Map<Endpoint, RealServer> destinations = new LinkedHashMap<>();

    Entry(VirtualService service) {
      this.service = service;
    }
  }

  /** An empty table with the 6.1 kernel's schedulers and engines, and one interface, {@code lo}. */
  public InMemoryIpvs() {
    this(LINUX_6_1_SCHEDULERS, LINUX_6_1_PERSISTENCE_ENGINES, Set.of("lo"));
  }

  /**
   * An empty table.
   *
   * @param schedulers the scheduler names to accept
   * @param persistenceEngines the persistence engine names to accept
   * @param interfaces the interface names sync daemons may use
   */
  public InMemoryIpvs(Set<String> schedulers, Set<String> persistenceEngines, Set<String> interfaces) {
    this.schedulers = Set.copyOf(schedulers);
    this.persistenceEngines = Set.copyOf(persistenceEngines);
    this.interfaces = Set.copyOf(interfaces);
  }

  @Override
  public synchronized void addService(VirtualService service) throws IpvsException {
    String op = "add service " + service.key();
    checkService(op, service);
    if (services.containsKey(service.key())) {
      throw IpvsErrors.of(op, IpvsErrors.EEXIST, null, null, null, null, null);
    }
    services.put(service.key(), new Entry(service));
  }

  @Override
  public synchronized void editService(VirtualService service) throws IpvsException {
    String op = "edit service " + service.key();
    Entry e = entry(op, service.key());
    checkService(op, service);
    e.service = service;
  }

  @Override
  public synchronized void deleteService(ServiceKey key) throws IpvsException {
    String op = "delete service " + key;
    entry(op, key);
    services.remove(key);
  }

  @Override
  public synchronized Optional<IpvsService> getService(ServiceKey key) {
    Entry e = services.get(requireNonNull(key, "key"));
    return e == null ? Optional.empty() : Optional.of(new IpvsService(e.service, IpvsStats.ZERO));
  }

  @Override
  public synchronized List<IpvsService> listServices(Stats stats) {
    boolean withStats = Stats.included(stats);
    List<IpvsService> out = new ArrayList<>(services.size());
    for (Entry e : services.values()) {
      out.add(withStats ? new IpvsService(e.service, IpvsStats.ZERO) : IpvsService.withoutStats(e.service));
    }
    return out;
  }

  @Override
  public synchronized void addDestination(ServiceKey service, RealServer destination) throws IpvsException {
    String op = "add destination " + destination.endpoint() + " to " + service;
    Entry e = entry(op, service);
    checkFamily(op, e, destination);
    if (e.destinations.containsKey(destination.endpoint())) {
      throw IpvsErrors.of(op, IpvsErrors.EEXIST, null, null, null, null, null);
    }
    checkUnicast(op, e, destination);
    e.destinations.put(destination.endpoint(), destination);
  }

  @Override
  public synchronized void editDestination(ServiceKey service, RealServer destination) throws IpvsException {
    String op = "edit destination " + destination.endpoint() + " of " + service;
    Entry e = entry(op, service);
    checkFamily(op, e, destination);
    // the kernel checks the address only when it creates a destination: an edit of one that is not there is ENOENT
    if (!e.destinations.containsKey(destination.endpoint())) {
      throw IpvsErrors.of(op, IpvsErrors.ENOENT, "no such destination", null, null, null, null);
    }
    e.destinations.put(destination.endpoint(), destination);
  }

  @Override
  public synchronized void deleteDestination(ServiceKey service, Endpoint destination) throws IpvsException {
    String op = "delete destination " + destination + " from " + service;
    Entry e = entry(op, service);
    if (e.destinations.remove(destination) == null) {
      throw IpvsErrors.of(op, IpvsErrors.ENOENT, "no such destination", null, null, null, null);
    }
  }

  @Override
  public synchronized List<IpvsDestination> listDestinations(ServiceKey service, Stats stats)
      throws IpvsException {
    boolean withStats = Stats.included(stats);
    Entry e = entry("list destinations of " + service, service);
    List<IpvsDestination> out = new ArrayList<>(e.destinations.size());
    for (RealServer rs : e.destinations.values()) {
      out.add(withStats ? IpvsDestination.idle(rs) : IpvsDestination.withoutStats(rs, 0, 0, 0));
    }
    java.util.Collections.reverse(out); // the kernel lists the newest destination first
    return out;
  }

  @Override
  public synchronized void flush() {
    services.clear();
  }

  @Override
  public synchronized void zero() {
    // counters are always zero here
  }

  @Override
  public synchronized void zero(ServiceKey service) throws IpvsException {
    entry("zero counters of " + service, service);
  }

  @Override
  public synchronized IpvsTimeouts timeouts() {
    return timeouts;
  }

  @Override
  public synchronized void setTimeouts(IpvsTimeouts t) {
    timeouts = new IpvsTimeouts(t.tcp().isZero() ? timeouts.tcp() : t.tcp(),
        t.tcpFin().isZero() ? timeouts.tcpFin() : t.tcpFin(), t.udp().isZero() ? timeouts.udp() : t.udp());
  }

  @Override
  public IpvsInfo info() {
    return new IpvsInfo(IPVS_VERSION, 4096);
  }

  @Override
  public synchronized void startSyncDaemon(SyncDaemon d) throws IpvsException {
    String op = "start " + d.role().name().toLowerCase(Locale.ROOT) + " sync daemon on " + d.interfaceName();
    if (daemons.containsKey(d.role())) {
      throw IpvsErrors.of(op, IpvsErrors.EEXIST, null, null, null, null, null);
    }
    if (!interfaces.contains(d.interfaceName())) {
      throw IpvsErrors.of(op, IpvsErrors.ENODEV, null, null, null, null, null);
    }
    // ip_vs_genl_new_daemon: the sync protocol cannot carry mixed-family connections
    for (Entry e : services.values()) {
      for (Endpoint dest : e.destinations.keySet()) {
        if (dest.family() != e.service.key().family()) {
          throw IpvsErrors.of(op, IpvsErrors.EINVAL, null, null, NetlinkIpvsClient.SYNC_DAEMON_ATTRIBUTE, null,
              null);
        }
      }
    }
    // the kernel fills in its defaults, and lists them
    boolean v6 = d.group().isPresent() && !(d.group().get() instanceof Inet4Address);
    InetAddress group = d.group().orElse(DEFAULT_GROUP);
    daemons.put(d.role(), new SyncDaemon(d.role(), d.interfaceName(), d.syncId(),
        d.maxPacketLength() != 0 ? d.maxPacketLength() : v6 ? 1500 - 40 - 8 : 1500 - 20 - 8, Optional.of(group),
        d.port() != 0 ? d.port() : 8848, d.ttl() != 0 ? d.ttl() : 1));
  }

  @Override
  public synchronized void stopSyncDaemon(SyncDaemon.Role role) throws IpvsException {
    if (daemons.remove(role) == null) {
      throw IpvsErrors.of("stop " + role.name().toLowerCase(Locale.ROOT) + " sync daemon", IpvsErrors.ESRCH,
          null, "no such sync daemon", null, null, null);
    }
  }

  @Override
  public synchronized List<SyncDaemon> syncDaemons() {
    return List.copyOf(daemons.values());
  }

  @Override
  public void close() {
    // nothing to release
  }

  private Entry entry(String op, ServiceKey key) throws IpvsException {
    Entry e = services.get(requireNonNull(key, "service"));
    if (e == null) {
      throw IpvsErrors.of(op, IpvsErrors.ESRCH, null, null, null, null, null);
    }
    return e;
  }

  private void checkService(String op, VirtualService s) throws IpvsException {
    // ip_vs_add_service/ip_vs_edit_service: the scheduler, then the engine, then an IPv6 prefix in [1, 128]
    if (!schedulers.contains(s.scheduler())
        || s.persistenceEngine().isPresent() && !persistenceEngines.contains(s.persistenceEngine().get())) {
      throw IpvsErrors.of(op, IpvsErrors.ENOENT, NetlinkIpvsClient.schedulerNotFound(s), null, null, null, null);
    }
    if (NetlinkIpvsClient.hasIpv6PrefixTheKernelRefuses(s)) {
      throw IpvsErrors.of(op, IpvsErrors.EINVAL, null, null, NetlinkIpvsClient.serviceAttribute(s), null, null);
    }
  }

  private void checkFamily(String op, Entry e, RealServer d) throws IpvsException {
    // ip_vs_genl_set_cmd: another family only through a tunnel, and not while a sync daemon runs
    if (d.endpoint().family() != e.service.key().family()
        && (d.forwarding() != ForwardingMethod.TUNNEL || !daemons.isEmpty())) {
      throw IpvsErrors.of(op, IpvsErrors.EINVAL, null, null, NetlinkIpvsClient.destinationAttribute(e.service.key(),
          d, IpvsErrors.EINVAL), null, null);
    }
  }

  /**
   * ip_vs_new_dest: a new destination's address must be unicast or local. IPv4 by inet_addr_type: 0.0.0.0 and
   * 255.255.255.255 are broadcast, 224/4 multicast, anything else unicast (a subnet's broadcast address, which only
   * the routing table knows, is not modelled). IPv6 by ipv6_addr_type: not unspecified, multicast or link-local
   * (a local link-local address, which only the interfaces know, is not modelled).
   */
  private static void checkUnicast(String op, Entry e, RealServer d) throws IpvsException {
    InetAddress a = d.endpoint().address();
    boolean refused = a instanceof Inet4Address
        ? a.isAnyLocalAddress() || a.isMulticastAddress() || java.util.Arrays.equals(a.getAddress(), LIMITED_BROADCAST)
        : a.isAnyLocalAddress() || a.isMulticastAddress() || a.isLinkLocalAddress();
    if (refused) {
      throw IpvsErrors.of(op, IpvsErrors.EINVAL, null, null, NetlinkIpvsClient.destinationAttribute(e.service.key(),
          d, IpvsErrors.EINVAL), null, null);
    }
  }
}
