package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.testkit.ScriptedTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TakeoverWarmUp}: it really drives takeovers (v2, v3, IPv4, IPv6), stops when told, and a router's warm-up
 * at {@link VrrpRouter#run()} leaves no trace outside: nothing sent on the router's transport, no address added, no
 * listener called, no counter moved.
 */
final class TakeoverWarmUpTest {
  @Test
  void warmUp_takesOverOncePerCycle_inEveryVersionAndFamily() {
    assertEquals(300, TakeoverWarmUp.run(3, AddressFamily.IPV4, 300, true, () -> false));
    assertEquals(300, TakeoverWarmUp.run(3, AddressFamily.IPV6, 300, true, () -> false));
    assertEquals(300, TakeoverWarmUp.run(2, AddressFamily.IPV4, 300, false, () -> false));
  }

  @Test
  void warmUp_stopsWhenTold() {
    int[] asked = new int[1];
    int takeovers = TakeoverWarmUp.run(3, AddressFamily.IPV4, 1_000, true, () -> ++asked[0] >= 10);
    assertEquals(10, takeovers, "stops at the first step-down after the stop flag");
  }

  @Test
  void routerWarmUp_touchesNothingOfTheRouter() throws Exception {
    long start = -2_000_000_000L;
    ScriptedTransport transport = new ScriptedTransport(start).wakeLatencyNanos(100_000);
    List<VirtualAddress> added = new ArrayList<>();
    AddressManager addresses = new AddressManager() {
      @Override
      public void add(String interfaceName, VirtualAddress address) {
        added.add(address);
      }

      @Override
      public void remove(String interfaceName, VirtualAddress address) {}

      @Override
      public void announce(String interfaceName, VirtualAddress address) {}
    };
    List<VrrpStateChanged> events = new ArrayList<>();
    long arrival = start + 50_000_000L;
    transport.arriveAt(arrival, TakeoverSpinTest.advert(150));
    VrrpRouter router = VrrpRouter.builder(transport, addresses).ticker(transport::read).warmUpTakeovers(500)
        .instance(TakeoverSpinTest.config()).listener(events::add).build();
    long end = arrival + TakeoverSpinTest.MDI + 50_000_000L;
    transport.closeAfter(end, router);
    router.run();
    // only the real run: startup, one takeover, the resignation at close
    assertEquals(List.of(VrrpState.BACKUP, VrrpState.MASTER, VrrpState.INITIALIZE),
        events.stream().map(VrrpStateChanged::to).toList());
    assertEquals(List.of(VirtualAddress.parse("10.0.0.100/24")), added);
    VrrpStats stats = router.instance("VI").stats();
    assertEquals(1, stats.becameMaster());
    assertEquals(1, stats.advertisementsReceived());
    for (VrrpDatagram d : transport.sent()) {
      assertEquals("eth0", d.interfaceName(), "only the real instance sends");
    }
    assertTrue(transport.sentAt().get(0) >= arrival + TakeoverSpinTest.MDI, "first advert at the takeover");
  }

  @Test
  void warmUpTakeovers_isValidated() {
    VrrpRouter.Builder b = VrrpRouter.builder(new ScriptedTransport(0), dev.lbkit.vrrp.testkit.NoopSpi.addresses());
    assertThrows(IllegalArgumentException.class, () -> b.warmUpTakeovers(-1));
    assertThrows(IllegalArgumentException.class, () -> b.warmUpTakeovers(100_001));
    b.warmUpTakeovers(0);
  }
}
