package dev.lbkit.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.sched.Flow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class IpvsServiceTest {
  static final Endpoint A = Endpoint.parse("10.0.0.1:80");
  static final Endpoint B = Endpoint.parse("10.0.0.2:80");
  static final Endpoint C = Endpoint.parse("10.0.0.3:80");

  static Flow flow(String src, int sport) {
    return new Flow(Protocol.TCP, Endpoint.parseAddress(src), sport, Endpoint.parseAddress("192.0.2.1"), 80, 0);
  }

  static List<String> names(List<IpvsDestination> ds) {
    List<String> out = new ArrayList<>();
    ds.forEach(d -> out.add(d.name()));
    return out;
  }

  @Test
  void add_putsNewDestinationsAtTheHead() {
    IpvsService svc = IpvsService.create(Schedulers.create("rr"));
    svc.addDestination(A, 1);
    svc.addDestination(B, 1);
    svc.addDestination(C, 1);
    assertEquals(List.of("10.0.0.3:80", "10.0.0.2:80", "10.0.0.1:80"), names(svc.destinations()));
    svc.removeDestination(B);
    svc.addDestination(B, 1);
    assertEquals(List.of("10.0.0.2:80", "10.0.0.3:80", "10.0.0.1:80"), names(svc.destinations()));
  }

  @Test
  void connect_setsOverloadAtUpperThresholdAndCloseClearsBelowLower() {
    IpvsService svc = IpvsService.create(Schedulers.create("rr"));
    IpvsDestination a = svc.addDestination(A, 1, 3, 2);
    List<IpvsConnection> cs = new ArrayList<>();
    cs.add(svc.connect(flow("198.51.100.1", 1000)).orElseThrow());
    cs.add(svc.connect(flow("198.51.100.1", 1001)).orElseThrow());
    assertFalse(a.overloaded());
    cs.add(svc.connect(flow("198.51.100.1", 1002)).orElseThrow());
    assertTrue(a.overloaded(), "3 connections reach u_threshold 3");
    assertTrue(svc.connect(flow("198.51.100.1", 1003)).isEmpty(), "rr skips the overloaded destination");
    assertTrue(cs.get(0).deactivate());
    assertFalse(cs.get(0).deactivate(), "already inactive");
    assertEquals(2, a.activeConnections());
    assertEquals(1, a.inactiveConnections());
    cs.get(0).close();
    assertTrue(a.overloaded(), "2 is not below l_threshold 2");
    cs.get(1).close();
    assertFalse(a.overloaded(), "1 is below l_threshold 2");
    assertEquals(IpvsConnection.State.EXPIRED, cs.get(1).state());
    assertFalse(cs.get(1).close(), "closing twice does nothing");
  }

  @Test
  void close_withoutLowerThresholdClearsBelowThreeQuartersOfUpper() {
    IpvsService svc = IpvsService.create(Schedulers.create("rr"));
    IpvsDestination a = svc.addDestination(A, 1, 4, 0);
    List<IpvsConnection> cs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      cs.add(svc.connect(flow("198.51.100.1", 1000 + i)).orElseThrow());
    }
    assertTrue(a.overloaded());
    cs.get(0).close();
    assertTrue(a.overloaded(), "3*4 = 12 is not below 4*3 = 12");
    cs.get(1).close();
    assertFalse(a.overloaded(), "2*4 = 8 < 12");
  }

  @Test
  void edit_raisingUpperThresholdClearsOverloadAndKeepsLastWeight() {
    IpvsService svc = IpvsService.create(Schedulers.create("wlc"));
    IpvsDestination a = svc.addDestination(A, 5, 1, 0);
    svc.connect(flow("198.51.100.1", 1)).orElseThrow();
    assertTrue(a.overloaded());
    svc.setThresholds(A, 1, 0);
    assertTrue(a.overloaded(), "same upper threshold keeps the flag");
    svc.setThresholds(A, 2, 0);
    assertFalse(a.overloaded());
    svc.setWeight(A, 0);
    assertEquals(0, a.weight());
    assertEquals(5, a.lastWeight(), "last_weight keeps the latest non-zero weight");
  }

  @Test
  void remove_keepsCountersAndReAddRevivesTheSameObject() {
    IpvsService svc = IpvsService.create(Schedulers.create("lc"));
    IpvsDestination a = svc.addDestination(A, 1);
    IpvsConnection c = svc.connect(flow("198.51.100.1", 1)).orElseThrow();
    svc.removeDestination(A);
    assertFalse(a.available());
    assertEquals(1, a.activeConnections());
    assertTrue(svc.connect(flow("198.51.100.1", 2)).isEmpty());
    IpvsDestination again = svc.addDestination(A, 2);
    assertSame(a, again);
    assertEquals(1, again.activeConnections());
    c.close();
    assertEquals(0, again.activeConnections());
    assertEquals(1, svc.allDestinations().size());
  }

  @Test
  void badValues_areRejectedWithTheRule() {
    IpvsService svc = IpvsService.create(Schedulers.create("wlc"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> svc.addDestination(A, -1));
    assertTrue(e.getMessage().contains("weight must be at least 0 but was -1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> svc.addDestination(A, 1, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> svc.addDestination(A, 1, 2, 3));
    svc.addDestination(A, 1);
    assertThrows(IllegalArgumentException.class, () -> svc.addDestination(A, 1));
    assertThrows(IllegalArgumentException.class, () -> svc.setWeight(B, 1));
    assertThrows(IllegalArgumentException.class, () -> svc.removeDestination(B));
    assertThrows(IllegalArgumentException.class, () -> svc.advanceTime(Duration.ofSeconds(-1)));
    assertThrows(SchedulerConfigException.class, () -> IpvsService.builder(
        new SchedulerSpec("roundrobin", SchedulerFamily.HAPROXY, java.util.Set.of(), java.util.Map.of())));
  }

  @Test
  void persistence_keepsClientNetworkOnOneDestinationUntilTimeoutAfterLastConnection() {
    IpvsService svc = IpvsService.builder(Schedulers.create("rr"))
        .persistence(Persistence.of(Duration.ofSeconds(300), 24)).build();
    svc.addDestination(A, 1);
    svc.addDestination(B, 1);
    svc.addDestination(C, 1);
    IpvsConnection first = svc.connect(flow("198.51.100.7", 1000)).orElseThrow();
    IpvsDestination home = first.destination();
    assertEquals(1, home.persistentConnections());
    for (int i = 0; i < 10; i++) {
      IpvsConnection c = svc.connect(flow("198.51.100." + (i + 20), 2000 + i)).orElseThrow();
      assertSame(home, c.destination(), "same /24 keeps its destination");
      c.close();
    }
    IpvsConnection other = svc.connect(flow("203.0.113.9", 1000)).orElseThrow();
    assertNotEquals(home, other.destination(), "another network is scheduled by rr");
    first.close();
    svc.advanceTime(Duration.ofSeconds(299));
    assertEquals(2, svc.persistenceTemplates());
    svc.advanceTime(Duration.ofSeconds(1));
    assertEquals(1, svc.persistenceTemplates(), "unused template expired; the other still controls a connection");
    assertEquals(0, home.persistentConnections());
    svc.advanceTime(Duration.ofHours(1));
    assertEquals(1, svc.persistenceTemplates(), "a template never expires while it controls a connection");
    other.close();
    svc.advanceTime(Duration.ofSeconds(60));
    assertEquals(0, svc.persistenceTemplates());
  }

  @Test
  void persistence_quiescedDestinationKeepsItsClientsRemovedOneDoesNot() {
    IpvsService svc = IpvsService.builder(Schedulers.create("wlc"))
        .persistence(Persistence.of(Duration.ofSeconds(300))).build();
    svc.addDestination(A, 1);
    svc.addDestination(B, 1);
    IpvsConnection c = svc.connect(flow("198.51.100.7", 1000)).orElseThrow();
    IpvsDestination home = c.destination();
    svc.setWeight(home.endpoint(), 0);
    IpvsConnection again = svc.connect(flow("198.51.100.7", 1001)).orElseThrow();
    assertSame(home, again.destination(), "weight 0 keeps existing persistent clients");
    assertNotEquals(home, svc.connect(flow("198.51.100.8", 1001)).orElseThrow().destination(),
        "new clients avoid the quiesced destination");
    svc.removeDestination(home.endpoint());
    IpvsConnection moved = svc.connect(flow("198.51.100.7", 1002)).orElseThrow();
    assertNotEquals(home, moved.destination(), "a removed destination's template is dropped, the client rescheduled");
    assertEquals(1, home.persistentConnections(), "the invalidated template lives on until its timer");
    c.close();
    svc.advanceTime(Duration.ofSeconds(300));
    assertEquals(1, home.persistentConnections(), "still controls a connection: retried every 60 s");
    again.close();
    svc.advanceTime(Duration.ofSeconds(60));
    assertEquals(0, home.persistentConnections());
    assertEquals(2, moved.destination().persistentConnections(), "templates of .8 and of the rescheduled .7");
  }

  @Test
  void persistence_expireQuiescentTemplateReschedules() {
    IpvsService svc = IpvsService.builder(Schedulers.create("wlc"))
        .persistence(Persistence.of(Duration.ofSeconds(300))).expireQuiescentTemplate(true).build();
    svc.addDestination(A, 1);
    svc.addDestination(B, 1);
    IpvsDestination home = svc.connect(flow("198.51.100.7", 1000)).orElseThrow().destination();
    svc.setWeight(home.endpoint(), 0);
    assertNotEquals(home, svc.connect(flow("198.51.100.7", 1001)).orElseThrow().destination());
  }

  @Test
  void persistence_firewallMarkGroupsPortsAddressServiceDoesNot() {
    IpvsService marked = IpvsService.builder(Schedulers.create("rr"))
        .key(new ServiceKey.FirewallMark(7, AddressFamily.IPV4))
        .persistence(Persistence.of(Duration.ofSeconds(300))).build();
    IpvsService plain = IpvsService.builder(Schedulers.create("rr"))
        .persistence(Persistence.of(Duration.ofSeconds(300))).build();
    for (IpvsService s : List.of(marked, plain)) {
      s.addDestination(A, 1);
      s.addDestination(B, 1);
    }
    Flow http = new Flow(Protocol.TCP, Endpoint.parseAddress("198.51.100.7"), 1000,
        Endpoint.parseAddress("192.0.2.1"), 80, 7);
    Flow https = new Flow(Protocol.TCP, Endpoint.parseAddress("198.51.100.7"), 1001,
        Endpoint.parseAddress("192.0.2.1"), 443, 7);
    assertSame(marked.connect(http).orElseThrow().destination(), marked.connect(https).orElseThrow().destination());
    assertNotEquals(plain.connect(http).orElseThrow().destination(), plain.connect(https).orElseThrow().destination(),
        "without a mark each port has its own template, so rr moves on");
  }

  @Test
  void connect_countsUdpAsInactive() {
    IpvsService svc = IpvsService.create(Schedulers.create("lc"));
    IpvsDestination a = svc.addDestination(A, 1);
    IpvsConnection c = svc.connect(new Flow(Protocol.UDP, Endpoint.parseAddress("198.51.100.1"), 53,
        Endpoint.parseAddress("192.0.2.1"), 53, 0)).orElseThrow();
    assertEquals(IpvsConnection.State.INACTIVE, c.state());
    assertEquals(0, a.activeConnections());
    assertEquals(1, a.inactiveConnections());
    c.close();
    assertEquals(0, a.inactiveConnections());
  }

  @Test
  void of_buildsFromVirtualService() {
    dev.lbkit.api.VirtualService vs = dev.lbkit.api.VirtualService.builder(
        new ServiceKey.Address(Protocol.TCP, Endpoint.parse("192.0.2.1:80"))).scheduler("sh").build();
    IpvsService svc = IpvsService.of(vs);
    assertEquals("sh", svc.scheduler().name());
  }
}
