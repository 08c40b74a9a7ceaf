package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.ipvs.IpvsChange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class DirectorTest {
  static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
  static final VirtualService WEB_SVC = VirtualService.builder(WEB).scheduler("rr").build();
  static final Endpoint A = Endpoint.parse("10.0.0.1:80");
  static final Endpoint B = Endpoint.parse("10.0.0.2:80");
  static final Endpoint C = Endpoint.parse("10.0.0.3:80");
  static final Endpoint SORRY = Endpoint.parse("10.0.9.9:80");

  final RecordingTableWriter writer = new RecordingTableWriter();
  final List<DirectorEvent> events = new ArrayList<>();

  static RealServer rs(Endpoint e, int weight) {
    return RealServer.builder(e).weight(weight).forwarding(ForwardingMethod.MASQUERADE).build();
  }

  static ServicePool pool(int quorum, int hysteresis, boolean withSorry, PoolMember... members) {
    return new ServicePool(WEB_SVC, List.of(members), quorum, hysteresis,
        withSorry ? Optional.of(rs(SORRY, 1)) : Optional.empty(), false);
  }

  Director director(ServicePool p, String... instances) throws IOException {
    Director d = Director.builder(writer).pool(p).vrrpInstances(instances).backupPolicy(BackupPolicy.CLEAR_TABLE)
        .listener(events::add).build();
    d.start();
    return d;
  }

  static DestinationDown down(Endpoint e) {
    return new DestinationDown(Instant.EPOCH, Optional.of(WEB), e, "connection refused");
  }

  static DestinationUp up(Endpoint e) {
    return new DestinationUp(Instant.EPOCH, Optional.of(WEB), e, "rise reached");
  }

  static VrrpStateChanged vrrp(String instance, VrrpState from, VrrpState to) {
    return new VrrpStateChanged(Instant.EPOCH, instance, 51, from, to, "test");
  }

  List<RealServer> installed() {
    LoadBalancedService s = writer.table.get(WEB);
    return s == null ? List.of() : s.realServers();
  }

  @Test
  void withoutVrrp_installsThePoolAtStart() throws IOException {
    director(pool(1, 0, false, PoolMember.of(rs(A, 3)), PoolMember.of(rs(B, 1))));
    assertEquals(List.of(new IpvsChange.AddService(WEB_SVC), new IpvsChange.AddDestination(WEB, rs(A, 3)),
        new IpvsChange.AddDestination(WEB, rs(B, 1))), writer.drain());
  }

  @Test
  void failedMember_leaves_orStaysAtWeight0WithInhibit_andComesBack() throws IOException {
    Director d = director(pool(1, 0, false, PoolMember.of(rs(A, 3)), new PoolMember(rs(B, 2), true, false)));
    writer.drain();
    d.onDestinationEvent(down(A));
    assertEquals(List.of(new IpvsChange.DeleteDestination(WEB, A)), writer.drain());
    d.onDestinationEvent(down(B));
    assertEquals(List.of(new IpvsChange.EditDestination(WEB, rs(B, 0))), writer.drain());
    d.onDestinationEvent(down(B)); // no change, nothing applied
    assertEquals(List.of(), writer.drain());
    d.onDestinationEvent(up(A));
    d.onDestinationEvent(up(B));
    assertEquals(List.of(new IpvsChange.AddDestination(WEB, rs(A, 3)), new IpvsChange.EditDestination(WEB, rs(B, 2))),
        writer.drain());
    assertTrue(events.stream().anyMatch(e -> e instanceof DirectorEvent.MemberChanged m && !m.alive()));
  }

  @Test
  void quorumWithHysteresis_bringsTheSorryServerInAndOut() throws IOException {
    // quorum 3, hysteresis 1: lost below 2, regained at 4
    Director d = director(pool(3, 1, true, PoolMember.of(rs(A, 1)), PoolMember.of(rs(B, 1)),
        PoolMember.of(rs(C, 2))));
    assertEquals(List.of(A, B, C), installed().stream().map(RealServer::endpoint).toList());
    d.onDestinationEvent(down(C)); // live 2: not below 2, quorum held
    assertEquals(List.of(A, B), installed().stream().map(RealServer::endpoint).toList());
    d.onDestinationEvent(down(B)); // live 1 < 2: lost
    assertEquals(List.of(SORRY), installed().stream().map(RealServer::endpoint).toList());
    assertTrue(events.stream().anyMatch(e -> e instanceof DirectorEvent.QuorumChanged q && !q.held()));
    d.onDestinationEvent(up(B)); // live 2 < 4: still lost
    assertEquals(List.of(SORRY), installed().stream().map(RealServer::endpoint).toList());
    d.onDestinationEvent(up(C)); // live 4: regained
    assertEquals(List.of(A, B, C), installed().stream().map(RealServer::endpoint).toList());
    assertFalse(d.status().pools().get(0).members().isEmpty());
    assertTrue(d.status().pools().get(0).quorumHeld());
  }

  @Test
  void reportedWeight_isApplied_andCountsForTheQuorum() throws IOException {
    Director d = director(pool(1, 0, false, PoolMember.of(rs(A, 5))));
    writer.drain();
    d.onDestinationEvent(new WeightChanged(Instant.EPOCH, Optional.of(WEB), A, 5, 7, "misc_dynamic"));
    assertEquals(List.of(new IpvsChange.EditDestination(WEB, rs(A, 7))), writer.drain());
    assertEquals(7, d.status().pools().get(0).liveWeight());
  }

  @Test
  void clearTablePolicy_installsOnlyWhileAllInstancesAreMaster() throws IOException {
    Director d = director(pool(1, 0, false, PoolMember.of(rs(A, 1))), "VI_EXT", "VI_INT");
    assertEquals(List.of(), writer.drain());
    d.onStateChange(vrrp("VI_EXT", VrrpState.BACKUP, VrrpState.MASTER));
    assertFalse(d.active());
    assertEquals(List.of(), writer.drain());
    d.onStateChange(vrrp("VI_INT", VrrpState.BACKUP, VrrpState.MASTER));
    assertTrue(d.active());
    assertEquals(2, writer.drain().size());
    d.onDestinationEvent(down(A)); // health is followed while active
    d.onStateChange(vrrp("VI_INT", VrrpState.MASTER, VrrpState.FAULT));
    assertEquals(List.of(new IpvsChange.DeleteDestination(WEB, A), new IpvsChange.DeleteService(WEB)),
        writer.drain());
    d.onDestinationEvent(up(A)); // and while standing by, so a new master starts from the truth
    d.onStateChange(vrrp("VI_INT", VrrpState.FAULT, VrrpState.MASTER));
    assertEquals(List.of(new IpvsChange.AddService(WEB_SVC), new IpvsChange.AddDestination(WEB, rs(A, 1))),
        writer.drain());
    d.onStateChange(vrrp("VI_OTHER", VrrpState.MASTER, VrrpState.BACKUP)); // not followed
    assertTrue(d.active());
  }

  @Test
  void keepTablePolicy_keepsTheTableOnBackup_asKeepalivedDoes() throws IOException {
    Director d = Director.builder(writer).pool(pool(1, 0, false, PoolMember.of(rs(A, 1)))).vrrpInstances("VI")
        .build();
    d.start();
    assertFalse(d.active());
    assertEquals(List.of(A), installed().stream().map(RealServer::endpoint).toList());
  }

  @Test
  void reconfigure_appliesOnlyTheDifference_andKeepsHealth() throws IOException {
    Director d = director(pool(1, 0, false, PoolMember.of(rs(A, 1)), PoolMember.of(rs(B, 1))));
    d.onDestinationEvent(down(B));
    writer.drain();
    VirtualService wlc = WEB_SVC.withScheduler("wlc");
    ServiceKey other = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:443"));
    VirtualService otherSvc = VirtualService.builder(other).build();
    d.reconfigure(List.of(
        new ServicePool(wlc, List.of(PoolMember.of(rs(A, 4)), PoolMember.of(rs(B, 1)), PoolMember.of(rs(C, 1))), 1,
            0, Optional.empty(), false),
        ServicePool.of(LoadBalancedService.of(otherSvc, rs(Endpoint.parse("10.0.0.1:443"), 1)))));
    assertEquals(List.of(new IpvsChange.EditService(wlc), new IpvsChange.EditDestination(WEB, rs(A, 4)),
        new IpvsChange.AddDestination(WEB, rs(C, 1)), new IpvsChange.AddService(otherSvc),
        new IpvsChange.AddDestination(other, rs(Endpoint.parse("10.0.0.1:443"), 1))), writer.drain());
    d.reconfigure(List.of(ServicePool.of(LoadBalancedService.of(otherSvc, rs(Endpoint.parse("10.0.0.1:443"), 1)))));
    assertEquals(List.of(new IpvsChange.DeleteService(WEB)), writer.drain());
  }

  @Test
  void start_adoptsWhatIsInstalled_andLeavesOtherServicesAlone() throws IOException {
    ServiceKey foreign = ServiceKey.of(Protocol.UDP, Endpoint.parse("192.0.2.53:53"));
    writer.table.put(foreign, LoadBalancedService.of(VirtualService.builder(foreign).build()));
    writer.table.put(WEB, LoadBalancedService.of(WEB_SVC, rs(A, 9), rs(C, 1)));
    Director d = director(pool(1, 0, false, PoolMember.of(rs(A, 1)), PoolMember.of(rs(B, 1))));
    assertEquals(List.of(new IpvsChange.DeleteDestination(WEB, C), new IpvsChange.EditDestination(WEB, rs(A, 1)),
        new IpvsChange.AddDestination(WEB, rs(B, 1))), writer.drain());
    d.close();
    assertEquals(List.of(new IpvsChange.DeleteService(WEB)), writer.drain());
    assertTrue(writer.table.containsKey(foreign));
  }

  @Test
  void failedChange_isReported_andRepairedByResync() throws IOException {
    Director d = director(pool(1, 0, false, PoolMember.of(rs(A, 1)), PoolMember.of(rs(B, 1))));
    writer.drain();
    writer.failing = c -> c instanceof IpvsChange.DeleteDestination;
    d.onDestinationEvent(down(B));
    assertTrue(events.stream().anyMatch(e -> e instanceof DirectorEvent.ApplyFailed));
    assertEquals(List.of(A, B), installed().stream().map(RealServer::endpoint).toList());
    writer.failing = c -> false;
    d.resync();
    assertEquals(List.of(new IpvsChange.DeleteDestination(WEB, B)), writer.drain());
  }
}
