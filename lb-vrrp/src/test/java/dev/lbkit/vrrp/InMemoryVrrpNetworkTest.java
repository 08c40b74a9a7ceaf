package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.vrrp.testkit.VrrpArbitraries;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routers on the simulated segment: elections, failover timing to the nanosecond, mismatches, groups, tracking. */
final class InMemoryVrrpNetworkTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final List<VrrpStateChanged> events = new ArrayList<>();

  @BeforeEach
  void hosts() {
    for (int i = 1; i <= 3; i++) {
      net.addHost("r" + i, "10.0.0." + i, "fe80::" + i);
    }
  }

  private static VrrpConfig.Builder v2(String name, int priority) {
    return VrrpConfig.builder(name).interfaceName("eth0").vrid(51).priority(priority).virtualAddress(VIP);
  }

  private UnaryOperator<VrrpRouter.Builder> with(VrrpConfig.Builder config) {
    VrrpConfig c = config.build();
    return b -> b.instance(c).listener(events::add);
  }

  private VrrpState state(String host) {
    return net.router(host).orElseThrow().instances().get(0).state();
  }

  @Test
  void election_highestPriorityWinsAndAloneHoldsTheVip() {
    net.start("r1", with(v2("A", 150)));
    net.start("r2", with(v2("B", 100)));
    net.start("r3", with(v2("C", 50)));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, state("r1"));
    assertEquals(VrrpState.BACKUP, state("r2"));
    assertEquals(VrrpState.BACKUP, state("r3"));
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
    assertEquals(5, net.announcements("r1"), "one burst of 5 on takeover at 3.41 s");
    net.advance(Duration.ofSeconds(5));
    assertEquals(10, net.announcements("r1"), "the second burst 5 s after takeover");
  }

  @Test
  void crash_backupTakesOverAfterExactlyMasterDownInterval() {
    net.start("r1", with(v2("A", 150)));
    net.start("r2", with(v2("B", 100)));
    net.advance(Duration.ofSeconds(10));
    // r1 advertised at 3.4140625 s + k s; the last before the crash at 9.4140625 s, received 100 us later
    long lastAdvertReceived = 9_414_062_500L + 100_000L;
    net.crash("r1");
    events.clear();
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, state("r2"));
    assertEquals(1, events.size());
    long tookOver = events.get(0).at().toEpochMilli() * 1_000_000L + events.get(0).at().getNano() % 1_000_000;
    // Master_Down_Interval(100) = 3.609375 s after the last advert arrived
    assertEquals(lastAdvertReceived + 3_609_375_000L, tookOver);
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
  }

  @Test
  void gracefulStop_backupTakesOverAfterSkewTime() {
    net.start("r1", with(v2("A", 150).version(3).advertInterval(Duration.ofMillis(100))));
    net.start("r2", with(v2("B", 100).version(3).advertInterval(Duration.ofMillis(100))));
    net.advance(Duration.ofSeconds(2));
    long stoppedAt = net.elapsed().toNanos();
    net.stop("r1");
    events.clear();
    net.advance(Duration.ofSeconds(1));
    assertEquals(VrrpState.MASTER, state("r2"));
    long took = events.get(0).at().getEpochSecond() * 1_000_000_000L + events.get(0).at().getNano() - stoppedAt;
    // Skew_Time(100) at 100 ms = 60.9375 ms, plus the 100 us the priority-0 advert travels
    assertEquals(60_937_500L + 100_000L, took);
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
  }

  @Test
  void preemption_restartedHigherPriorityTakesBack() {
    net.start("r1", with(v2("A", 150)));
    net.start("r2", with(v2("B", 100)));
    net.advance(Duration.ofSeconds(10));
    net.crash("r1");
    net.advance(Duration.ofSeconds(10));
    net.restart("r1");
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r1"));
    assertEquals(VrrpState.BACKUP, state("r2"));
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
  }

  @Test
  void noPreempt_restartedHigherPriorityStaysBackup() {
    net.start("r1", with(v2("A", 150).preempt(false)));
    net.start("r2", with(v2("B", 100).preempt(false)));
    net.advance(Duration.ofSeconds(10));
    net.crash("r1");
    net.advance(Duration.ofSeconds(10));
    net.restart("r1");
    net.advance(Duration.ofSeconds(30));
    assertEquals(VrrpState.BACKUP, state("r1"));
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
  }

  @Test
  void preemptDelay_higherPriorityWaitsOutTheDelay() {
    net.start("r2", with(v2("B", 100)));
    net.advance(Duration.ofSeconds(10));
    net.start("r1", with(v2("A", 150).preemptDelay(Duration.ofSeconds(20))));
    net.advance(Duration.ofSeconds(15));
    assertEquals(VrrpState.BACKUP, state("r1"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r1"));
  }

  @Test
  void owner_takesOverAtOnce() {
    net.start("r2", with(v2("B", 100)));
    net.advance(Duration.ofSeconds(10));
    net.start("r1", with(v2("A", 255)));
    net.advance(Duration.ofMillis(1));
    assertEquals(VrrpState.MASTER, state("r1"));
    assertEquals(VrrpState.BACKUP, state("r2"));
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
  }

  @Test
  void wrongPassword_bothBecomeMasterAndCountIt() {
    net.start("r1", with(v2("A", 150).authPassword("secret")));
    net.start("r2", with(v2("B", 100).authPassword("other")));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r1"));
    assertEquals(VrrpState.MASTER, state("r2"));
    assertTrue(net.router("r2").orElseThrow().instance("B").stats().rejected("auth_password") > 0);
  }

  @Test
  void otherVrid_isCountedAsUnclaimed() {
    net.start("r1", with(v2("A", 150)));
    net.start("r2", with(v2("B", 100).vrid(52)));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r2"));
    assertTrue(net.router("r2").orElseThrow().unclaimedStats().rejected("vrid") > 0);
  }

  @Test
  void tracking_negativeWeightLetsBackupPreempt() {
    net.start("r1", with(v2("A", 150).track("uplink", -60)));
    net.start("r2", with(v2("B", 100)));
    net.advance(Duration.ofSeconds(10));
    net.router("r1").orElseThrow().setTracked("uplink", false);
    net.advance(Duration.ofSeconds(10));
    assertEquals(90, net.router("r1").orElseThrow().instance("A").priority());
    assertEquals(VrrpState.MASTER, state("r2"));
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
  }

  @Test
  void tracking_zeroWeightForcesFaultAndBack() {
    net.start("r1", with(v2("A", 150).track("eth1", 0)));
    net.start("r2", with(v2("B", 100)));
    net.advance(Duration.ofSeconds(10));
    VrrpRouter r1 = net.router("r1").orElseThrow();
    r1.setTracked("eth1", false);
    net.advance(Duration.ofSeconds(2));
    assertEquals(VrrpState.FAULT, state("r1"));
    assertEquals(VrrpState.MASTER, state("r2"));
    r1.setTracked("eth1", true);
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r1"));
  }

  @Test
  void trackedCheck_isPolledOnTheTicker() {
    boolean[] up = {true};
    VrrpConfig c = v2("A", 150).track("script", 0).build();
    net.start("r1", b -> b.instance(c).trackedCheck("script", () -> up[0], Duration.ofSeconds(2)));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r1"));
    up[0] = false;
    net.advance(Duration.ofSeconds(2));
    assertEquals(VrrpState.FAULT, state("r1"));
  }

  @Test
  void syncGroup_membersFollowEachOther() {
    VrrpConfig a1 = v2("A1", 150).build();
    VrrpConfig a2 = VrrpConfig.builder("A2").interfaceName("eth0").vrid(52).priority(150)
        .virtualAddress("10.0.0.101/24").track("eth1", 0).build();
    VrrpConfig b1 = v2("B1", 100).build();
    VrrpConfig b2 = VrrpConfig.builder("B2").interfaceName("eth0").vrid(52).priority(100)
        .virtualAddress("10.0.0.101/24").build();
    net.start("r1", b -> b.instance(a1).instance(a2).syncGroup("A1", "A2"));
    net.start("r2", b -> b.instance(b1).instance(b2).syncGroup("B1", "B2"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
    // A2's tracked object fails: A2 goes FAULT and A1 with it, so both VIPs move together
    net.router("r1").orElseThrow().setTracked("eth1", false);
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.FAULT, net.router("r1").orElseThrow().instance("A1").state());
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
    assertEquals(Set.of("r2"), net.holders(VirtualAddress.parse("10.0.0.101/24").address()));
  }

  @Test
  void partition_eachSideElectsAndHealingLeavesOne() {
    net.start("r1", with(v2("A", 150)));
    net.start("r2", with(v2("B", 100)));
    net.start("r3", with(v2("C", 50)));
    net.advance(Duration.ofSeconds(10));
    net.partition(Set.of("r1"), Set.of("r2", "r3"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(Set.of("r1", "r2"), net.holders(VIP.address()));
    net.heal();
    net.advance(Duration.ofSeconds(10));
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
  }

  @Test
  void ipv6_v3ElectsOnLinkLocalSources() {
    VirtualAddress vip6 = VirtualAddress.parse("2001:db8::100/64");
    net.start("r1", b -> b.instance(VrrpConfig.builder("A").interfaceName("eth0").vrid(9).priority(120).version(3)
        .virtualAddress(vip6).build()));
    net.start("r2", b -> b.instance(VrrpConfig.builder("B").interfaceName("eth0").vrid(9).priority(110).version(3)
        .virtualAddress(vip6).build()));
    net.advance(Duration.ofSeconds(10));
    assertEquals(Set.of("r1"), net.holders(vip6.address()));
    InetAddress master = net.router("r2").orElseThrow().instance("B").masterAddress().orElseThrow();
    assertEquals("fe80:0:0:0:0:0:0:1", master.getHostAddress());
  }

  @Test
  void unknownInterface_failsStartWithItsName() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> net.start("r1", with(v2("A", 150).interfaceName("eth9"))));
    assertTrue(e.getMessage().contains("no interface 'eth9'"), e.getMessage());
  }

  @Test
  void unicast_reachesOnlyThePeerAndStrangersAreCounted() {
    net.start("r1", with(v2("A", 150).unicastPeer(VrrpArbitraries.parse("10.0.0.2"))));
    net.start("r2", with(v2("B", 100).unicastPeer(VrrpArbitraries.parse("10.0.0.1"))));
    // r3 multicasts with the same VRID; r1 and r2 drop it as a stranger, r3 never hears their unicast adverts
    net.start("r3", with(v2("C", 50)));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state("r1"));
    assertEquals(VrrpState.BACKUP, state("r2"));
    assertEquals(VrrpState.MASTER, state("r3"));
    assertTrue(net.router("r2").orElseThrow().instance("B").stats().rejected("unknown_peer") > 0);
    assertEquals(0, net.router("r3").orElseThrow().instance("C").stats().advertisementsReceived());
  }

  @Test
  void addHost_rejectsDuplicatesAndNonLinkLocal() {
    assertThrows(IllegalArgumentException.class, () -> net.addHost("r1", "10.0.0.9", "fe80::9"));
    assertThrows(IllegalArgumentException.class, () -> net.addHost("r9", "10.0.0.1", "fe80::9"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.addHost("r9", "10.0.0.9", "2001:db8::9"));
    assertTrue(e.getMessage().contains("link-local"), e.getMessage());
  }

  @Test
  void listenerThatThrows_doesNotStopTheEngine() {
    VrrpConfig c = v2("A", 150).build();
    net.start("r1", b -> b.instance(c).listener(e -> {
      throw new IllegalStateException("boom");
    }).listener(events::add));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, state("r1"));
    assertEquals(2, events.size(), "the second listener still got INITIALIZE->BACKUP and BACKUP->MASTER");
  }
}
