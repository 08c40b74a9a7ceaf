package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every {@link IpvsClient} does: the kernel's behaviour, pinned. Run by {@code InMemoryIpvsTest} and, against
 * the real kernel in the lab, by {@code NetlinkIpvsClientIT}. Each test starts from an empty table.
 */
abstract class IpvsClientContract {
  protected IpvsClient ipvs;

  IpvsClientContract() {}

  /** A client of an empty table (the test flushes it anyway). */
  protected abstract IpvsClient newClient() throws Exception;

  static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
  static final ServiceKey DNS6 = ServiceKey.of(Protocol.UDP, Endpoint.parse("[2001:db8::10]:53"));
  static final ServiceKey MARK6 = new ServiceKey.FirewallMark(43, AddressFamily.IPV6);

  @BeforeEach
  void emptyTable() throws Exception {
    ipvs = newClient();
    ipvs.flush();
    for (SyncDaemon d : ipvs.syncDaemons()) {
      ipvs.stopSyncDaemon(d.role());
    }
  }

  @AfterEach
  void closeClient() throws Exception {
    ipvs.flush();
    ipvs.close();
  }

  static VirtualService web() {
    return VirtualService.builder(WEB).scheduler("wrr").build();
  }

  static RealServer server(String endpoint, int weight) {
    return RealServer.builder(Endpoint.parse(endpoint)).weight(weight).forwarding(ForwardingMethod.MASQUERADE).build();
  }

  static <T extends IpvsException> T assertRefused(Class<T> type, int errno, Executable call) {
    T e = assertThrows(type, call);
    assertEquals(errno, e.errno(), e.getMessage());
    return e;
  }

  private Set<VirtualService> services() throws IpvsException {
    return ipvs.listServices().stream().map(IpvsService::service).collect(Collectors.toSet());
  }

  private List<RealServer> destinations(ServiceKey key) throws IpvsException {
    return ipvs.listDestinations(key).stream().map(IpvsDestination::server).collect(Collectors.toList());
  }

  @Test
  void addService_isListedAndGettable() throws Exception {
    ipvs.addService(web());
    assertEquals(Set.of(web()), services());
    assertEquals(Optional.of(web()), ipvs.getService(WEB).map(IpvsService::service));
    assertEquals(Optional.empty(), ipvs.getService(DNS6));
  }

  @Test
  void addService_everyAttributeRoundTrips() throws Exception {
    List<VirtualService> all = List.of(
        VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:443"))).scheduler("rr")
            .persistence(Persistence.of(Duration.ofSeconds(600), 24)).build(),
        VirtualService.builder(DNS6).scheduler("sh").schedulerFlag(SchedulerFlag.SH_PORT)
            .schedulerFlag(SchedulerFlag.SH_FALLBACK).onePacket(true).build(),
        VirtualService.builder(ServiceKey.firewallMark(42)).scheduler("mh").schedulerFlag(SchedulerFlag.MH_PORT)
            .persistence(Persistence.of(Duration.ofSeconds(300))).build(),
        VirtualService.builder(MARK6).scheduler("lc").persistence(Persistence.of(Duration.ofSeconds(120), 64)).build(),
        VirtualService.builder(ServiceKey.of(Protocol.SCTP, Endpoint.parse("198.51.100.1:3868"))).scheduler("wlc")
            .schedulerFlag(SchedulerFlag.FLAG_3).build(),
        VirtualService.builder(ServiceKey.of(Protocol.UDP, Endpoint.parse("192.0.2.20:5060"))).scheduler("rr")
            .persistence(Persistence.of(Duration.ofSeconds(60))).persistenceEngine("sip").build(),
        VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.30:0"))).scheduler("dh")
            .persistence(Persistence.of(Duration.ofDays(31), 0)).build());
    for (VirtualService s : all) {
      ipvs.addService(s);
    }
    assertEquals(new HashSet<>(all), services());
  }

  @Test
  void addService_everySchedulerOfTheKernel() throws Exception {
    int port = 1000;
    for (String s : InMemoryIpvs.LINUX_6_1_SCHEDULERS) {
      ipvs.addService(VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:" + port++)))
          .scheduler(s).build());
    }
    assertEquals(InMemoryIpvs.LINUX_6_1_SCHEDULERS,
        services().stream().map(VirtualService::scheduler).collect(Collectors.toSet()));
  }

  @Test
  void addService_twiceIsEexist() throws Exception {
    ipvs.addService(web());
    IpvsExistsException e = assertRefused(IpvsExistsException.class, 17, () -> ipvs.addService(web()));
    assertEquals("add service TCP 192.0.2.10:80: already exists (EEXIST)", e.getMessage());
  }

  @Test
  void addService_unknownSchedulerIsEnoent() {
    IpvsNotFoundException e = assertRefused(IpvsNotFoundException.class, 2,
        () -> ipvs.addService(VirtualService.builder(WEB).scheduler("nosuch").build()));
    assertTrue(e.getMessage().startsWith("add service TCP 192.0.2.10:80: scheduler nosuch not found"), e.getMessage());
  }

  @Test
  void addAndEditService_unknownPersistenceEngineIsEnoent() throws Exception {
    VirtualService sip = VirtualService.builder(ServiceKey.of(Protocol.UDP, Endpoint.parse("192.0.2.20:5060")))
        .scheduler("rr").persistence(Persistence.of(Duration.ofSeconds(60))).persistenceEngine("nosuchpe").build();
    IpvsNotFoundException e = assertRefused(IpvsNotFoundException.class, 2, () -> ipvs.addService(sip));
    assertEquals("add service UDP 192.0.2.20:5060: scheduler rr or persistence engine nosuchpe not found (no ip_vs_rr"
        + " or ip_vs_pe_nosuchpe module) (ENOENT)", e.getMessage());
    VirtualService known = sip.toBuilder().persistenceEngine("sip").build();
    ipvs.addService(known);
    assertRefused(IpvsNotFoundException.class, 2, () -> ipvs.editService(sip));
    assertEquals(Set.of(known), services(), "the refused edit changed nothing");
  }

  @Test
  void ipv6PersistencePrefixOfZero_isEinval_asTheKernelTakesOneTo128() throws Exception {
    VirtualService zero = VirtualService.builder(DNS6).scheduler("rr")
        .persistence(Persistence.of(Duration.ofSeconds(60), 0)).build();
    IpvsInvalidArgumentException e = assertRefused(IpvsInvalidArgumentException.class, 22,
        () -> ipvs.addService(zero));
    assertEquals(Optional.of("persistence prefix length (IPv6 takes 1 to 128)"), e.attribute(), e.getMessage());
    VirtualService one = zero.toBuilder().persistence(Persistence.of(Duration.ofSeconds(60), 1)).build();
    ipvs.addService(one);
    assertRefused(IpvsInvalidArgumentException.class, 22, () -> ipvs.editService(zero));
    assertEquals(Set.of(one), services());
    // IPv4 takes a zero mask: one persistence template for every client
    VirtualService v4 = VirtualService.builder(WEB).scheduler("rr").persistence(Persistence.of(Duration.ofSeconds(60),
        0)).build();
    ipvs.addService(v4);
    assertEquals(Set.of(one, v4), services());
  }

  @Test
  void editService_changesSchedulerAndPersistence() throws Exception {
    ipvs.addService(web());
    VirtualService edited = VirtualService.builder(WEB).scheduler("sh").schedulerFlag(SchedulerFlag.SH_PORT)
        .persistence(Persistence.of(Duration.ofSeconds(30), 16)).build();
    ipvs.editService(edited);
    assertEquals(Set.of(edited), services());
    ipvs.editService(web());
    assertEquals(Set.of(web()), services());
  }

  @Test
  void editService_missingIsEsrch() {
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.editService(web()));
  }

  @Test
  void deleteService_removesItAndItsDestinations() throws Exception {
    ipvs.addService(web());
    ipvs.addDestination(WEB, server("10.0.0.2:80", 1));
    ipvs.deleteService(WEB);
    assertEquals(Set.of(), services());
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.deleteService(WEB));
  }

  @Test
  void destinations_addListEditDelete() throws Exception {
    ipvs.addService(web());
    RealServer a = server("10.0.0.2:8080", 3);
    RealServer b = RealServer.builder(Endpoint.parse("10.0.0.3:80")).weight(0).upperThreshold(100).lowerThreshold(10)
        .build();
    RealServer c = RealServer.builder(Endpoint.parse("10.0.0.4:80")).tunnel(Tunnel.gue(6080, Tunnel.Checksum.CHECKSUM))
        .build();
    RealServer d = RealServer.builder(Endpoint.parse("10.0.0.5:80")).tunnel(Tunnel.gre(Tunnel.Checksum.NONE)).build();
    for (RealServer rs : List.of(a, b, c, d)) {
      ipvs.addDestination(WEB, rs);
    }
    assertEquals(List.of(d, c, b, a), destinations(WEB), "newest first, as the kernel lists them");
    RealServer a2 = a.toBuilder().weight(7).forwarding(ForwardingMethod.DIRECT_ROUTE).build();
    ipvs.editDestination(WEB, a2);
    assertEquals(List.of(d, c, b, a2), destinations(WEB));
    ipvs.deleteDestination(WEB, b.endpoint());
    assertEquals(List.of(d, c, a2), destinations(WEB));
  }

  @Test
  void destinations_refusals() throws Exception {
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.addDestination(WEB, server("10.0.0.2:80", 1)));
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.listDestinations(WEB));
    ipvs.addService(web());
    ipvs.addDestination(WEB, server("10.0.0.2:80", 1));
    assertRefused(IpvsExistsException.class, 17, () -> ipvs.addDestination(WEB, server("10.0.0.2:80", 2)));
    IpvsNotFoundException e = assertRefused(IpvsNotFoundException.class, 2,
        () -> ipvs.editDestination(WEB, server("10.0.0.9:80", 1)));
    assertEquals("edit destination 10.0.0.9:80 of TCP 192.0.2.10:80: no such destination (ENOENT)", e.getMessage());
    assertRefused(IpvsNotFoundException.class, 2, () -> ipvs.deleteDestination(WEB, Endpoint.parse("10.0.0.9:80")));
  }

  @Test
  void destinations_otherFamilyNeedsATunnel() throws Exception {
    ipvs.addService(web());
    IpvsInvalidArgumentException e = assertRefused(IpvsInvalidArgumentException.class, 22,
        () -> ipvs.addDestination(WEB, server("[2001:db8::2]:80", 1)));
    assertEquals(Optional.of("address family"), e.attribute());
    RealServer tunnelled = RealServer.builder(Endpoint.parse("[2001:db8::2]:80")).tunnel(Tunnel.IPIP).build();
    ipvs.addDestination(WEB, tunnelled);
    assertEquals(List.of(tunnelled), destinations(WEB));
  }

  @Test
  void destinations_thatAreNotUnicast_areEinvalNamingTheAddress() throws Exception {
    ipvs.addService(web());
    ipvs.addService(VirtualService.builder(DNS6).scheduler("rr").build());
    for (String bad : List.of("224.0.0.5:80", "239.255.255.250:80", "0.0.0.0:80", "255.255.255.255:80")) {
      IpvsInvalidArgumentException e = assertRefused(IpvsInvalidArgumentException.class, 22,
          () -> ipvs.addDestination(WEB, server(bad, 1)));
      assertEquals(Optional.of("address (not unicast)"), e.attribute(), e.getMessage());
      assertEquals("add destination " + bad + " to TCP 192.0.2.10:80: invalid argument (address (not unicast))"
          + " (EINVAL)", e.getMessage());
    }
    for (String bad : List.of("[ff02::1]:53", "[fe80::1]:53", "[::]:53")) {
      IpvsInvalidArgumentException e = assertRefused(IpvsInvalidArgumentException.class, 22,
          () -> ipvs.addDestination(DNS6, server(bad, 1)));
      assertEquals(Optional.of("address (not unicast)"), e.attribute(), e.getMessage());
    }
    // the kernel checks the address only when it creates a destination: an edit of one that is not there is ENOENT
    assertRefused(IpvsNotFoundException.class, 2, () -> ipvs.editDestination(WEB, server("224.0.0.5:80", 1)));
    // unicast by the kernel's rule however odd they look: class E, a last octet of 255, loopback, unique local
    List<RealServer> odd = List.of(server("240.0.0.1:80", 1), server("255.1.2.255:80", 1), server("127.0.0.9:80", 1));
    for (RealServer rs : odd) {
      ipvs.addDestination(WEB, rs);
    }
    assertEquals(new HashSet<>(odd), new HashSet<>(destinations(WEB)));
    RealServer uniqueLocal = server("[fd00::53]:53", 1);
    ipvs.addDestination(DNS6, uniqueLocal);
    assertEquals(List.of(uniqueLocal), destinations(DNS6));
  }

  @Test
  void firewallMarkAndIpv6Destinations() throws Exception {
    ipvs.addService(VirtualService.builder(MARK6).scheduler("lc").build());
    RealServer rs = RealServer.builder(Endpoint.parse("[2001:db8::53]:0")).build();
    ipvs.addDestination(MARK6, rs);
    assertEquals(List.of(rs), destinations(MARK6));
  }

  @Test
  void listingsWithoutStats_reportEverythingButTheCounters() throws Exception {
    ipvs.addService(web());
    ipvs.addService(VirtualService.builder(MARK6).scheduler("lc").build());
    ipvs.addDestination(WEB, server("10.0.0.2:80", 2));
    ipvs.addDestination(WEB, RealServer.builder(Endpoint.parse("10.0.0.3:80")).upperThreshold(9).build());
    List<IpvsService> with = ipvs.listServices(IpvsClient.Stats.INCLUDED);
    List<IpvsService> without = ipvs.listServices(IpvsClient.Stats.OMITTED);
    assertEquals(with, ipvs.listServices());
    assertEquals(2, with.size());
    assertEquals(with.stream().map(s -> IpvsService.withoutStats(s.service())).toList(), without);
    for (IpvsService s : with) {
      assertEquals(Optional.of(IpvsStats.ZERO), s.stats(), "nothing flowed");
    }
    List<IpvsDestination> dWith = ipvs.listDestinations(WEB, IpvsClient.Stats.INCLUDED);
    assertEquals(dWith, ipvs.listDestinations(WEB));
    assertEquals(2, dWith.size());
    assertEquals(dWith.stream().map(d -> IpvsDestination.withoutStats(d.server(), d.activeConnections(),
        d.inactiveConnections(), d.persistentConnections())).toList(),
        ipvs.listDestinations(WEB, IpvsClient.Stats.OMITTED));
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.listDestinations(DNS6, IpvsClient.Stats.OMITTED));
    assertThrows(NullPointerException.class, () -> ipvs.listServices(null));
  }

  @Test
  void table_joinsServicesAndDestinations() throws Exception {
    ipvs.addService(web());
    ipvs.addDestination(WEB, server("10.0.0.2:80", 2));
    assertEquals(List.of(LoadBalancedService.of(web(), server("10.0.0.2:80", 2))), ipvs.table());
  }

  @Test
  void flush_emptiesTheTable() throws Exception {
    ipvs.addService(web());
    ipvs.addService(VirtualService.builder(DNS6).build());
    ipvs.flush();
    assertEquals(List.of(), ipvs.listServices());
  }

  @Test
  void zero_allAndOne() throws Exception {
    ipvs.addService(web());
    ipvs.zero();
    ipvs.zero(WEB);
    assertEquals(IpvsStats.ZERO.connections(), ipvs.getService(WEB).orElseThrow().stats().orElseThrow().connections());
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.zero(DNS6));
  }

  @Test
  void timeouts_setAndZeroMeansUnchanged() throws Exception {
    IpvsTimeouts before = ipvs.timeouts();
    try {
      ipvs.setTimeouts(IpvsTimeouts.ofSeconds(901, 121, 301));
      assertEquals(IpvsTimeouts.ofSeconds(901, 121, 301), ipvs.timeouts());
      ipvs.setTimeouts(IpvsTimeouts.ofSeconds(0, 60, 0));
      assertEquals(IpvsTimeouts.ofSeconds(901, 60, 301), ipvs.timeouts());
    } finally {
      ipvs.setTimeouts(before);
    }
  }

  @Test
  void info_isIpvs121() throws Exception {
    IpvsInfo info = ipvs.info();
    assertEquals("1.2.1", info.versionString());
    assertTrue(info.connectionTableSize() > 0);
  }

  @Test
  void syncDaemons_startListStop() throws Exception {
    ipvs.startSyncDaemon(SyncDaemon.of(SyncDaemon.Role.MASTER, "lo", 7));
    ipvs.startSyncDaemon(new SyncDaemon(SyncDaemon.Role.BACKUP, "lo", 9, 1400,
        Optional.of(Endpoint.parseAddress("239.1.2.3")), 8849, 2));
    Set<SyncDaemon> listed = new HashSet<>(ipvs.syncDaemons());
    assertEquals(Set.of(
        new SyncDaemon(SyncDaemon.Role.MASTER, "lo", 7, 1472, Optional.of(Endpoint.parseAddress("224.0.0.81")), 8848,
            1),
        new SyncDaemon(SyncDaemon.Role.BACKUP, "lo", 9, 1400, Optional.of(Endpoint.parseAddress("239.1.2.3")), 8849,
            2)), listed);
    assertRefused(IpvsExistsException.class, 17,
        () -> ipvs.startSyncDaemon(SyncDaemon.of(SyncDaemon.Role.MASTER, "lo", 8)));
    ipvs.stopSyncDaemon(SyncDaemon.Role.MASTER);
    ipvs.stopSyncDaemon(SyncDaemon.Role.BACKUP);
    assertEquals(List.of(), ipvs.syncDaemons());
    assertRefused(IpvsNotFoundException.class, 3, () -> ipvs.stopSyncDaemon(SyncDaemon.Role.MASTER));
  }

  @Test
  void syncDaemons_andMixedFamilyDestinationsExcludeEachOther() throws Exception {
    ipvs.addService(web());
    RealServer tunnelled = RealServer.builder(Endpoint.parse("[2001:db8::2]:80")).tunnel(Tunnel.IPIP).build();
    ipvs.addDestination(WEB, tunnelled);
    IpvsInvalidArgumentException e = assertRefused(IpvsInvalidArgumentException.class, 22,
        () -> ipvs.startSyncDaemon(SyncDaemon.of(SyncDaemon.Role.BACKUP, "lo", 7)));
    assertTrue(e.getMessage().contains("another address family"), e.getMessage());
    assertEquals(List.of(), ipvs.syncDaemons());
    ipvs.deleteDestination(WEB, tunnelled.endpoint());
    ipvs.startSyncDaemon(SyncDaemon.of(SyncDaemon.Role.BACKUP, "lo", 7));
    e = assertRefused(IpvsInvalidArgumentException.class, 22, () -> ipvs.addDestination(WEB, tunnelled));
    assertTrue(e.getMessage().contains("sync daemon"), e.getMessage());
    RealServer same = server("10.0.0.2:80", 1);
    ipvs.addDestination(WEB, same);
    assertEquals(List.of(same), destinations(WEB), "a destination of the service's own family is still taken");
  }

  @Test
  void syncDaemons_unknownInterfaceIsEnodev() {
    assertRefused(IpvsException.class, 19,
        () -> ipvs.startSyncDaemon(SyncDaemon.of(SyncDaemon.Role.MASTER, "nosuch0", 1)));
  }

  @Test
  void execute_appliesInOrderAndReportsEachRefusal() throws Exception {
    List<IpvsChange> changes = new ArrayList<>();
    changes.add(new IpvsChange.AddService(web()));
    changes.add(new IpvsChange.AddDestination(WEB, server("10.0.0.2:80", 1)));
    changes.add(new IpvsChange.AddDestination(WEB, server("10.0.0.2:80", 1))); // EEXIST
    changes.add(new IpvsChange.AddDestination(DNS6, server("[2001:db8::2]:53", 1))); // ESRCH
    changes.add(new IpvsChange.EditDestination(WEB, server("10.0.0.2:80", 5)));
    changes.add(new IpvsChange.AddService(VirtualService.builder(DNS6).scheduler("nosuch").build())); // ENOENT
    changes.add(new IpvsChange.DeleteDestination(WEB, Endpoint.parse("10.0.0.7:80"))); // ENOENT
    List<Optional<IpvsException>> results = ipvs.execute(changes);
    List<Integer> errnos = results.stream().map(r -> r.map(IpvsException::errno).orElse(0)).toList();
    assertEquals(List.of(0, 0, 17, 3, 0, 2, 2), errnos);
    assertEquals("add destination 10.0.0.2:80 to TCP 192.0.2.10:80: already exists (EEXIST)",
        results.get(2).orElseThrow().getMessage());
    assertEquals(List.of(server("10.0.0.2:80", 5)), destinations(WEB));
  }

  @Test
  void execute_manyChangesAtOnce() throws Exception {
    List<IpvsChange> changes = new ArrayList<>();
    for (int s = 0; s < 50; s++) {
      ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:" + (2000 + s)));
      changes.add(new IpvsChange.AddService(VirtualService.builder(key).build()));
      for (int d = 1; d <= 20; d++) {
        changes.add(new IpvsChange.AddDestination(key, server("10.1." + s + "." + d + ":80", d)));
      }
    }
    List<Optional<IpvsException>> results = ipvs.execute(changes);
    assertEquals(0, results.stream().filter(Optional::isPresent).count());
    assertEquals(50, ipvs.listServices().size());
    assertEquals(20, ipvs.listDestinations(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:2049"))).size());
  }

  // ---- IpvsReconciler on this implementation

  static List<LoadBalancedService> desiredTable() {
    List<LoadBalancedService> t = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:" + (3000 + s)));
      List<RealServer> servers = new ArrayList<>();
      for (int d = 1; d <= 4; d++) {
        servers.add(server("10.2." + s + "." + d + ":80", d));
      }
      t.add(new LoadBalancedService(VirtualService.builder(key).scheduler("wrr").build(), servers));
    }
    return t;
  }

  @Test
  void reconcile_fromEmptyAddsEverythingAndTheSecondApplyChangesNothing() throws Exception {
    IpvsReconciler r = new IpvsReconciler(ipvs);
    IpvsReconciler.Result first = r.apply(desiredTable());
    assertTrue(first.complete(), first.failed().toString());
    assertEquals(25, first.applied().size());
    assertEquals(asMap(desiredTable()), asMap(ipvs.table()));
    IpvsReconciler.Result second = r.apply(desiredTable());
    assertTrue(second.plan().isEmpty(), second.plan().toString());
  }

  @Test
  void reconcile_plansOnlyTheDifferenceAndDryRunChangesNothing() throws Exception {
    IpvsReconciler r = new IpvsReconciler(ipvs);
    r.apply(desiredTable());
    List<LoadBalancedService> next = new ArrayList<>(desiredTable());
    ServiceKey k0 = next.get(0).service().key();
    ServiceKey k1 = next.get(1).service().key();
    ServiceKey k4 = next.get(4).service().key();
    // service 0: one weight changed, one server gone, one new; service 1: scheduler changed; service 4: gone
    List<RealServer> s0 = new ArrayList<>(next.get(0).realServers());
    s0.set(0, s0.get(0).withWeight(50));
    s0.remove(3);
    s0.add(server("10.2.0.9:80", 1));
    next.set(0, new LoadBalancedService(next.get(0).service(), s0));
    VirtualService s1 = next.get(1).service().withScheduler("lc");
    next.set(1, new LoadBalancedService(s1, next.get(1).realServers()));
    next.remove(4);
    IpvsReconciler.Plan plan = r.plan(next);
    assertEquals(List.of(
        new IpvsChange.DeleteService(k4),
        new IpvsChange.DeleteDestination(k0, Endpoint.parse("10.2.0.4:80")),
        new IpvsChange.EditDestination(k0, server("10.2.0.1:80", 50)),
        new IpvsChange.EditService(s1),
        new IpvsChange.AddDestination(k0, server("10.2.0.9:80", 1))).stream().collect(Collectors.toSet()),
        new HashSet<>(plan.changes()));
    assertEquals(5, plan.changes().size());
    assertEquals(asMap(desiredTable()), asMap(ipvs.table()), "a plan is a dry run");
    IpvsReconciler.Result result = r.apply(next);
    assertTrue(result.complete(), result.failed().toString());
    assertEquals(asMap(next), asMap(ipvs.table()));
  }

  @Test
  void reconcile_executeOfAPlanBetweenTwoDesiredTablesSendsOnlyTheChange() throws Exception {
    IpvsReconciler r = new IpvsReconciler(ipvs);
    List<LoadBalancedService> before = desiredTable();
    r.apply(before);
    List<LoadBalancedService> after = new ArrayList<>(before);
    List<RealServer> servers = new ArrayList<>(after.get(2).realServers());
    servers.set(1, servers.get(1).withWeight(9));
    after.set(2, new LoadBalancedService(after.get(2).service(), servers));
    IpvsReconciler.Result result = r.execute(IpvsReconciler.diff(before, after));
    assertEquals(List.of(new IpvsChange.EditDestination(after.get(2).service().key(), servers.get(1))),
        result.applied());
    assertEquals(asMap(after), asMap(ipvs.table()));
  }

  @Test
  void reconcile_partialFailureSaysExactlyWhatWasAndWasNotApplied() throws Exception {
    List<LoadBalancedService> desired = new ArrayList<>(desiredTable());
    ServiceKey bad = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:3999"));
    desired.add(new LoadBalancedService(VirtualService.builder(bad).scheduler("nosuch").build(),
        List.of(server("10.3.0.1:80", 1))));
    IpvsReconciler.Result result = new IpvsReconciler(ipvs).apply(desired);
    assertEquals(25, result.applied().size());
    assertEquals(List.of(new IpvsChange.AddService(desired.get(5).service()),
        new IpvsChange.AddDestination(bad, server("10.3.0.1:80", 1))), new ArrayList<>(result.failed().keySet()));
    assertEquals(List.of(2, 3), result.failed().values().stream().map(IpvsException::errno).toList());
    assertEquals(asMap(desiredTable()), asMap(ipvs.table()));
  }

  static Map<VirtualService, Set<RealServer>> asMap(List<LoadBalancedService> table) {
    Map<VirtualService, Set<RealServer>> out = new HashMap<>();
    for (LoadBalancedService s : table) {
      out.put(s.service(), new HashSet<>(s.realServers()));
    }
    return out;
  }
}
