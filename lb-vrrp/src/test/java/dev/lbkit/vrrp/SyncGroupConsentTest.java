package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sync group goes Master only when every member wants Master, as keepalived's {@code vrrp_sync_can_goto_master}
 * has it: a member that still hears a better Master keeps the whole group Backup, instead of the group flapping
 * between its own timer and the better Master's adverts.
 */
final class SyncGroupConsentTest {
  private static final VirtualAddress VIP1 = VirtualAddress.parse("10.0.0.101/24");
  private static final VirtualAddress VIP2 = VirtualAddress.parse("10.0.0.102/24");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final List<VrrpStateChanged> events = new ArrayList<>();

  @BeforeEach
  void hosts() {
    net.addHost("r1", "10.0.0.1", "fe80::1");
    net.addHost("r2", "10.0.0.2", "fe80::2");
  }

  private static VrrpConfig instance(String name, int vrid, int priority, VirtualAddress vip) {
    return VrrpConfig.builder(name).interfaceName("eth0").vrid(vrid).priority(priority).version(3)
        .advertInterval(Duration.ofMillis(100)).virtualAddress(vip).build();
  }

  @Test
  void aMemberHearingABetterMaster_keepsTheGroupBackup_untilThatMasterDies() {
    // r1 runs only VRID 1, above r2; r2 runs VRIDs 1 and 2 in one group: VRID 2 alone would take over
    net.start("r1", b -> b.instance(instance("K1", 1, 200, VIP1)));
    net.start("r2", b -> b.instance(instance("A", 1, 150, VIP1)).instance(instance("B", 2, 150, VIP2))
        .syncGroup("A", "B").listener(events::add));
    net.advance(Duration.ofSeconds(10));
    VrrpRouter r2 = net.router("r2").orElseThrow();
    assertEquals(VrrpState.BACKUP, r2.instance("A").state());
    assertEquals(VrrpState.BACKUP, r2.instance("B").state(), "B waits for A, which hears a better Master");
    assertEquals(Set.of("r1"), net.holders(VIP1.address()));
    assertEquals(Set.of(), net.holders(VIP2.address()), "no one holds VRID 2, as with keepalived");
    assertEquals(2, events.size(), "no flapping, only the two start-ups: " + events);

    // r1 dies: A's timer fires too, and the group takes over both together
    net.crash("r1");
    net.advance(Duration.ofSeconds(1));
    assertEquals(VrrpState.MASTER, r2.instance("A").state());
    assertEquals(VrrpState.MASTER, r2.instance("B").state());
    assertEquals(Set.of("r2"), net.holders(VIP1.address()));
    assertEquals(Set.of("r2"), net.holders(VIP2.address()));
    List<VrrpStateChanged> takeovers = events.subList(2, events.size());
    assertEquals(2, takeovers.size(), takeovers.toString());
    assertEquals(takeovers.get(0).at(), takeovers.get(1).at(), "in one step: " + takeovers);
  }

  @Test
  void membersWhoseTimersFireTogether_takeOverTogether() {
    net.start("r2", b -> b.instance(instance("A", 1, 150, VIP1)).instance(instance("B", 2, 150, VIP2))
        .syncGroup("A", "B").listener(events::add));
    net.advance(Duration.ofSeconds(1));
    VrrpRouter r2 = net.router("r2").orElseThrow();
    assertEquals(VrrpState.MASTER, r2.instance("A").state());
    assertEquals(VrrpState.MASTER, r2.instance("B").state());
    // 3 * 100 ms + skew (106 / 256 * 100 ms): the later of the two timers, not one interval more
    VrrpStateChanged last = events.get(events.size() - 1);
    assertEquals(Duration.ofNanos(341_406_250), Duration.between(events.get(0).at(), last.at()), events.toString());
  }
}
