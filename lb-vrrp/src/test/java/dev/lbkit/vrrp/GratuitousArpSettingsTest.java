package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.event.VrrpState;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * keepalived's gratuitous ARP settings on {@link VrrpConfig} (defaults, validation) and through a whole router on the
 * simulated segment: a refresh while Master, and a Master that hears a lower priority after a partition heals.
 */
final class GratuitousArpSettingsTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");

  private static VrrpConfig.Builder base(String name, int priority) {
    return VrrpConfig.builder(name).interfaceName("eth0").vrid(51).priority(priority).virtualAddress(VIP);
  }

  @Test
  void defaults_areKeepalivedsWithTheLowerPriorityBurstFollowingTheTakeoverOne() {
    VrrpConfig c = base("A", 100).build();
    assertEquals(5, c.garpRepeat());
    assertEquals(Duration.ofSeconds(5), c.garpDelay());
    assertEquals(Duration.ZERO, c.garpRefresh());
    assertEquals(1, c.garpRefreshRepeat());
    assertEquals(5, c.garpLowerPrioRepeat());
    assertEquals(Duration.ofSeconds(5), c.garpLowerPrioDelay());
    assertEquals(Duration.ZERO, c.garpInterval());
    assertEquals(Duration.ZERO, c.gnaInterval());
    assertFalse(c.lowerPrioNoAdvert());
    VrrpConfig d = base("A", 100).garpRepeat(2).garpDelay(Duration.ofSeconds(1)).build();
    assertEquals(2, d.garpLowerPrioRepeat(), "follows garpRepeat unless set");
    assertEquals(Duration.ofSeconds(1), d.garpLowerPrioDelay(), "follows garpDelay unless set");
    VrrpConfig e = base("A", 100).garpRepeat(2).garpLowerPrioRepeat(0).garpLowerPrioDelay(Duration.ZERO).build();
    assertEquals(0, e.garpLowerPrioRepeat());
    assertEquals(Duration.ZERO, e.garpLowerPrioDelay());
  }

  @Test
  void everySetting_takesPartInEquality() {
    VrrpConfig c = base("A", 100).build();
    assertEquals(c, base("A", 100).build());
    assertNotEquals(c, base("A", 100).garpRefresh(Duration.ofSeconds(60)).build());
    assertNotEquals(c, base("A", 100).garpRefreshRepeat(2).build());
    assertNotEquals(c, base("A", 100).garpLowerPrioRepeat(1).build());
    assertNotEquals(c, base("A", 100).garpLowerPrioDelay(Duration.ofSeconds(1)).build());
    assertNotEquals(c, base("A", 100).garpInterval(Duration.ofMillis(1)).build());
    assertNotEquals(c, base("A", 100).gnaInterval(Duration.ofMillis(1)).build());
    assertNotEquals(c, base("A", 100).lowerPrioNoAdvert(true).build());
  }

  @Test
  void badValues_failNamingTheSettingTheValueAndTheRule() {
    assertRefused("garp refresh repeat must be in [1, 100] but was 0 (instance A)",
        base("A", 100).garpRefreshRepeat(0));
    assertRefused("garp lower prio repeat must be in [0, 100] but was 101 (instance A)",
        base("A", 100).garpLowerPrioRepeat(101));
    assertRefused("garp refresh must be in [0 s, 1 day] but was PT-1S (instance A)",
        base("A", 100).garpRefresh(Duration.ofSeconds(-1)));
    assertRefused("garp lower prio delay must be in [0 s, 1 day] but was PT24H0.001S (instance A)",
        base("A", 100).garpLowerPrioDelay(Duration.ofDays(1).plusMillis(1)));
    assertRefused("garp interval must be in [0 s, 1 day] but was PT-0.001S (instance A)",
        base("A", 100).garpInterval(Duration.ofMillis(-1)));
    assertRefused("gna interval must be in [0 s, 1 day] but was PT-0.001S (instance A)",
        base("A", 100).gnaInterval(Duration.ofMillis(-1)));
    assertRefused("garp delay must be in [0 s, 1 day] but was PT-1S (instance A)",
        base("A", 100).garpDelay(Duration.ofSeconds(-1)));
  }

  private static void assertRefused(String message, VrrpConfig.Builder b) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertEquals(message, e.getMessage());
  }

  @Test
  void refresh_whileMaster_oneBurstPerRefreshPeriod() {
    InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
    net.addHost("r1", "10.0.0.1", "fe80::1");
    net.start("r1", b -> b.instance(base("A", 150).garpRepeat(1).garpDelay(Duration.ZERO)
        .garpRefresh(Duration.ofSeconds(10)).garpRefreshRepeat(3).build()));
    net.advance(Duration.ofSeconds(4)); // Master at 3.41 s
    assertEquals(1, net.announcements("r1"));
    net.advance(Duration.ofSeconds(10)); // 13.41 s: the first refresh, with the advertisement of 13.41 s
    assertEquals(4, net.announcements("r1"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(7, net.announcements("r1"));
  }

  @Test
  void lowerPriority_afterAPartitionHeals_theRealMasterAnswersAndAnnounces() {
    InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
    net.addHost("r1", "10.0.0.1", "fe80::1");
    net.addHost("r2", "10.0.0.2", "fe80::2");
    net.start("r1", b -> b.instance(base("A", 150).garpRepeat(1).garpDelay(Duration.ZERO)
        .garpLowerPrioRepeat(2).garpLowerPrioDelay(Duration.ofSeconds(2)).build()));
    net.start("r2", b -> b.instance(base("B", 100).garpRepeat(1).garpDelay(Duration.ZERO)
        .garpLowerPrioRepeat(2).build()));
    net.advance(Duration.ofSeconds(5));
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
    net.partition(Set.of("r1"), Set.of("r2"));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, net.router("r2").orElseThrow().instances().get(0).state());
    long r1Before = net.announcements("r1");
    net.heal();
    // r2's next advertisement (lower) reaches r1 within a second: r1 answers, r2 steps down, r1 announces twice now
    // and twice again 2 s later (the answer itself is pinned by AnnouncementTimingTest)
    net.advance(Duration.ofMillis(1_500));
    assertEquals(VrrpState.BACKUP, net.router("r2").orElseThrow().instances().get(0).state());
    assertEquals(r1Before + 2, net.announcements("r1"));
    net.advance(Duration.ofSeconds(3));
    assertEquals(r1Before + 4, net.announcements("r1"), "the second lower-priority burst");
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
  }
}
