package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VrrpRouter#reload} on the in-memory segment, with simulated time: what keepalived keeps across a reload
 * (vrrp.c clear_diff_vrrp / restore_vrrp_state) and what it starts or stops.
 */
final class VrrpRouterReloadTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");
  private static final VirtualAddress VIP2 = VirtualAddress.parse("10.0.0.101/24");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final List<VrrpStateChanged> r1Events = new ArrayList<>();
  private final List<VrrpStateChanged> r2Events = new ArrayList<>();
  private VrrpRouter r1;
  private VrrpRouter r2;

  private static VrrpConfig.Builder instance(String name, int vrid, int priority) {
    return VrrpConfig.builder(name).interfaceName("eth0").vrid(vrid).priority(priority).virtualAddress(VIP);
  }

  /** r1 (150) Master and r2 (100) Backup of VRID 51, settled. */
  @BeforeEach
  void settled() {
    net.addHost("r1", "10.0.0.1", "fe80::1");
    net.addHost("r2", "10.0.0.2", "fe80::2");
    VrrpConfig a = instance("A", 51, 150).build();
    VrrpConfig b = instance("B", 51, 100).build();
    r1 = net.start("r1", builder -> builder.instance(a).listener(r1Events::add));
    r2 = net.start("r2", builder -> builder.instance(b).listener(r2Events::add));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, r1.instance("A").state());
    assertEquals(VrrpState.BACKUP, r2.instance("B").state());
    r1Events.clear();
    r2Events.clear();
  }

  @Test
  void unchangedInstance_keepsRunningUntouched() throws Exception {
    VrrpInstance before = r1.instance("A");
    long announced = net.announcements("r1");
    VrrpRouter.Reload result = r1.reload(List.of(instance("A", 51, 150).build()), List.of());
    assertEquals(List.of("A"), result.kept());
    assertTrue(result.changed().isEmpty() && result.added().isEmpty() && result.removed().isEmpty(), result::toString);
    assertSame(before, r1.instance("A"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(List.of(), r1Events);
    assertEquals(List.of(), r2Events);
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
    assertEquals(announced, net.announcements("r1"), "no gratuitous ARP: nothing moved");
  }

  @Test
  void changedMaster_staysMaster_addsAndAnnouncesOnlyTheNewAddress_andKeepsItsCounters() throws Exception {
    long sent = r1.instance("A").stats().advertisementsSent();
    long announced = net.announcements("r1");
    VrrpRouter.Reload result = r1.reload(List.of(instance("A", 51, 160).virtualAddress(VIP2).build()), List.of());
    assertEquals(List.of("A"), result.changed());
    VrrpInstance a = r1.instance("A");
    assertEquals(VrrpState.MASTER, a.state());
    assertEquals(160, a.priority());
    assertEquals(Set.of(VIP, VIP2), net.addresses("r1"));
    assertEquals(announced + 5, net.announcements("r1"), "one burst of 5 for the one added address");
    assertTrue(a.stats().advertisementsSent() > sent, "advertises at once and continues the counters");
    // the backup gets the same change (its receive checks compare the advertised address list with its own)
    r2.reload(List.of(instance("B", 51, 100).virtualAddress(VIP2).build()), List.of());
    net.advance(Duration.ofSeconds(10));
    assertEquals(List.of(), r1Events, "no state change on r1");
    assertEquals(List.of(), r2Events, "the backup never noticed");
    assertEquals(Set.of("r1"), net.holders(VIP2.address()));
  }

  @Test
  void changedMaster_dropsTheAddressTheNewConfigurationLeftOut() throws Exception {
    r1.reload(List.of(VrrpConfig.builder("A").interfaceName("eth0").vrid(51).priority(150).virtualAddress(VIP2)
        .build()), List.of());
    assertEquals(Set.of(VIP2), net.addresses("r1"));
    assertEquals(VrrpState.MASTER, r1.instance("A").state());
    assertEquals(List.of(), r1Events);
  }

  @Test
  void changedMaster_turningAcceptModeOff_blocksItsAddresses_andOnAgain_unblocksThem() throws Exception {
    r1.reload(List.of(instance("A", 51, 150).acceptMode(false).virtualAddress(VIP2).build()), List.of());
    assertEquals(Set.of(VIP.address(), VIP2.address()), net.blocked("r1"));
    assertTrue(r1.instance("A").blocksTraffic());
    r1.reload(List.of(instance("A", 51, 150).acceptMode(false).build()), List.of());
    assertEquals(Set.of(VIP.address()), net.blocked("r1"), "the dropped address is unblocked with its removal");
    r1.reload(List.of(instance("A", 51, 150).build()), List.of());
    assertEquals(Set.of(), net.blocked("r1"));
    assertEquals(VrrpState.MASTER, r1.instance("A").state());
    assertEquals(List.of(), r1Events);
  }

  @Test
  void renamedInstance_ofTheSameVrid_continuesTheState() throws Exception {
    VrrpRouter.Reload result = r1.reload(List.of(instance("EXT", 51, 150).build()), List.of());
    assertEquals(List.of("EXT"), result.changed());
    assertEquals(VrrpState.MASTER, r1.instance("EXT").state());
    assertThrows(IllegalArgumentException.class, () -> r1.instance("A"));
    net.advance(Duration.ofSeconds(5));
    assertEquals(List.of(), r1Events);
  }

  @Test
  void changedBackup_staysBackup() throws Exception {
    r2.reload(List.of(instance("B", 51, 90).build()), List.of());
    assertEquals(VrrpState.BACKUP, r2.instance("B").state());
    net.advance(Duration.ofSeconds(10));
    assertEquals(List.of(), r2Events);
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
  }

  @Test
  void masterReloadedBelowTheBackup_keepsMastershipUntilTheBackupPreempts() throws Exception {
    r1.reload(List.of(instance("A", 51, 50).build()), List.of());
    assertEquals(VrrpState.MASTER, r1.instance("A").state(), "a reload itself changes no state");
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.BACKUP, r1.instance("A").state());
    assertEquals(VrrpState.MASTER, r2.instance("B").state());
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
  }

  @Test
  void removedMaster_resigns_andTheBackupTakesOverAfterItsSkewTime() throws Exception {
    VrrpRouter.Reload result = r1.reload(List.of(instance("C", 52, 150).virtualAddress(VIP2).build()), List.of());
    assertEquals(List.of("A"), result.removed());
    assertEquals(List.of("C"), result.added());
    assertEquals(VrrpState.INITIALIZE, r1Events.get(0).to());
    assertEquals("A", r1Events.get(0).instance());
    assertTrue(net.holders(VIP.address()).isEmpty(), "the VIP left with the instance");
    // Skew_Time(100) = 0.609 s after the priority-0 advertisement, well before Master_Down_Interval (3.6 s)
    net.advance(Duration.ofMillis(700));
    assertEquals(VrrpState.MASTER, r2.instance("B").state());
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
  }

  @Test
  void addedInstance_startsAsAtStartup() throws Exception {
    r1.reload(List.of(instance("A", 51, 150).build(), instance("C", 52, 150).virtualAddress(VIP2).build()),
        List.of());
    assertEquals(VrrpState.BACKUP, r1.instance("C").state());
    net.advance(Duration.ofSeconds(4));
    assertEquals(VrrpState.MASTER, r1.instance("C").state(), "alone on VRID 52, it wins after Master_Down_Interval");
    assertEquals(VrrpState.MASTER, r1.instance("A").state());
    assertEquals(List.of("C", "C"), r1Events.stream().map(VrrpStateChanged::instance).toList());
  }

  @Test
  void newSyncGroup_appliesToKeptInstances() throws Exception {
    r1.reload(List.of(instance("A", 51, 150).build(), instance("C", 52, 150).virtualAddress(VIP2).build()),
        List.of(List.of("A", "C")));
    net.advance(Duration.ofSeconds(4));
    r1Events.clear();
    // C falling to Backup takes its group member A with it
    r1.instance("C").fsm().forceBackup(net.ticker().read(), "test");
    assertEquals(VrrpState.BACKUP, r1.instance("A").state());
  }

  @Test
  void updatedTrackedChecks_pollAnAddedInterface_stopARemovedOne_andKeepAnUnchangedOnesSchedule() throws Exception {
    int[] eth1Polls = {0};
    int[] eth2Polls = {0};
    boolean[] eth1Up = {false};
    // a reload starts tracking eth1 (down): it is polled at once, so A goes FAULT and r2 takes over
    r1.reload(List.of(instance("A", 51, 150).track("eth1", 0).build()), List.of());
    r1.updateTrackedChecks(Map.of("eth1", () -> {
      eth1Polls[0]++;
      return eth1Up[0];
    }), Duration.ofSeconds(2));
    assertEquals(1, eth1Polls[0]);
    assertEquals(VrrpState.FAULT, r1.instance("A").state());
    net.advance(Duration.ofSeconds(1));
    // the same check again (a new supplier, as a reload makes): its schedule goes on, the new supplier answers
    int[] eth1PollsAfter = {0};
    r1.updateTrackedChecks(Map.of("eth1", () -> {
      eth1PollsAfter[0]++;
      return true;
    }), Duration.ofSeconds(2));
    assertEquals(0, eth1PollsAfter[0], "not polled again before its interval");
    net.advance(Duration.ofSeconds(1));
    assertEquals(1, eth1PollsAfter[0]);
    assertEquals(1, eth1Polls[0]);
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, r1.instance("A").state(), "eth1 up again: A preempts r2");
    // the next reload tracks eth2 instead: eth1 is no longer polled
    r1.reload(List.of(instance("A", 51, 150).track("eth2", 0).build()), List.of());
    r1.updateTrackedChecks(Map.of("eth2", () -> {
      eth2Polls[0]++;
      return true;
    }), Duration.ofSeconds(2));
    int eth1Final = eth1PollsAfter[0];
    net.advance(Duration.ofSeconds(10));
    assertEquals(eth1Final, eth1PollsAfter[0]);
    assertEquals(6, eth2Polls[0], "at once and every 2 s");
    assertEquals(VrrpState.MASTER, r1.instance("A").state());
    assertThrows(IllegalArgumentException.class, () -> r1.updateTrackedChecks(Map.of(), Duration.ZERO));
  }

  @Test
  void invalidConfiguration_changesNothing() throws Exception {
    VrrpInstance before = r1.instance("A");
    assertThrows(IllegalArgumentException.class, () -> r1.reload(
        List.of(instance("A", 51, 150).build(), instance("D", 51, 100).build()), List.of()));
    assertThrows(IllegalArgumentException.class, () -> r1.reload(List.of(instance("A", 51, 150).build()),
        List.of(List.of("A", "nope"))));
    assertSame(before, r1.instance("A"));
    net.advance(Duration.ofSeconds(5));
    assertEquals(List.of(), r1Events);
  }
}
