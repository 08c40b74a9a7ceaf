package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.spi.TrafficFilter;
import dev.lbkit.vrrp.spi.TrafficFilterException;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 5798 accept mode: which Master drops traffic to its virtual addresses, and when the drop rules come and go. */
final class AcceptModeTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");
  private static final InetAddress ADDR = VIP.address();
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();

  @BeforeEach
  void hosts() {
    for (int i = 1; i <= 3; i++) {
      net.addHost("r" + i, "10.0.0." + i, "fe80::" + i);
    }
  }

  private static UnaryOperator<VrrpRouter.Builder> router(int priority, boolean accept) {
    VrrpConfig c = VrrpConfig.builder("VI").interfaceName("eth0").vrid(51).priority(priority).virtualAddress(VIP)
        .acceptMode(accept).build();
    return b -> b.instance(c);
  }

  private VrrpInstance instance(String host) {
    return net.router(host).orElseThrow().instances().get(0);
  }

  @Test
  void defaultIsAcceptMode_likeKeepalivedWithoutVrrpStrict() {
    VrrpConfig c = VrrpConfig.builder("VI").interfaceName("eth0").vrid(51).virtualAddress(VIP).build();
    assertTrue(c.acceptMode());
    net.start("r1", b -> b.instance(c));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertTrue(net.accepts("r1", ADDR));
    assertEquals(Set.of(), net.blocked("r1"));
  }

  @Test
  void nonOwnerMasterWithAcceptModeOff_dropsTrafficToItsAddressesButHoldsThem() {
    net.start("r1", router(150, false));
    net.start("r2", router(100, false));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(Set.of("r1"), net.holders(ADDR), "holds the address, so it answers ARP for it");
    assertEquals(Set.of(ADDR), net.blocked("r1"));
    assertFalse(net.accepts("r1", ADDR));
    assertTrue(instance("r1").blocksTraffic());
    assertEquals(Set.of(), net.blocked("r2"), "a Backup has nothing to block");
    assertEquals(0, instance("r1").stats().filterErrors());
  }

  @Test
  void addressOwner_alwaysAccepts_evenWithAcceptModeOff() {
    net.start("r1", router(255, false));
    net.start("r2", router(100, false));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertTrue(net.accepts("r1", ADDR));
    assertEquals(Set.of(), net.blocked("r1"));
  }

  @Test
  void acceptModeOn_masterAccepts() {
    net.start("r1", router(150, true));
    net.advance(Duration.ofSeconds(5));
    assertTrue(net.accepts("r1", ADDR));
    assertFalse(instance("r1").blocksTraffic());
  }

  @Test
  void leavingMasterForAHigherPriority_removesTheRuleAndTheNewMasterBlocks() {
    net.start("r1", router(150, false));
    net.advance(Duration.ofSeconds(5));
    net.start("r2", router(200, false));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.BACKUP, instance("r1").state());
    assertEquals(Set.of(), net.blocked("r1"));
    assertEquals(Set.of(ADDR), net.blocked("r2"));
    assertEquals(Set.of("r2"), net.holders(ADDR));
  }

  @Test
  void gracefulStopAndFault_removeTheRule() {
    net.start("r1", b -> router(150, false).apply(b).instance(VrrpConfig.builder("VJ").interfaceName("eth0")
        .vrid(52).priority(150).virtualAddress("10.0.0.101/24").acceptMode(false).track("link", 0).build()));
    net.advance(Duration.ofSeconds(5));
    VrrpRouter r1 = net.router("r1").orElseThrow();
    assertEquals(Set.of(ADDR, VirtualAddress.parse("10.0.0.101/24").address()), net.blocked("r1"));
    r1.setTracked("link", false);
    assertEquals(VrrpState.FAULT, r1.instance("VJ").state());
    assertEquals(Set.of(ADDR), net.blocked("r1"), "the faulty instance's rule is gone, the other's stays");
    net.stop("r1");
    assertEquals(Set.of(), net.blocked("r1"));
    assertEquals(Set.of(), net.addresses("r1"));
  }

  @Test
  void close_removesTheRule() throws IOException {
    VrrpRouter r1 = net.start("r1", router(150, false));
    net.advance(Duration.ofSeconds(5));
    assertEquals(Set.of(ADDR), net.blocked("r1"));
    r1.close();
    assertEquals(Set.of(), net.blocked("r1"));
  }

  @Test
  void rulesGoInBeforeTheAddressAndComeOutAfterIt() throws IOException {
    List<String> seen = new ArrayList<>();
    TrafficFilter recording = new TrafficFilter() {
      @Override
      public void block(String interfaceName, List<VirtualAddress> addresses) {
        seen.add("block, address held: " + net.addresses("r1").contains(VIP));
      }

      @Override
      public void unblock(String interfaceName, List<VirtualAddress> addresses) {
        seen.add("unblock, address held: " + net.addresses("r1").contains(VIP));
      }
    };
    VrrpRouter r1 = net.start("r1", b -> router(150, false).apply(b).trafficFilter(recording));
    net.advance(Duration.ofSeconds(5));
    r1.close();
    // start-up clears rules a crashed run may have left, like the leftover addresses
    assertEquals(List.of("unblock, address held: false", "block, address held: false",
        "unblock, address held: false"), seen);
  }

  @Test
  void failingFilter_isCountedAndTheEngineGoesOn() {
    TrafficFilter failing = new TrafficFilter() {
      @Override
      public void block(String interfaceName, List<VirtualAddress> addresses) throws TrafficFilterException {
        throw new TrafficFilterException(TrafficFilterException.Kind.PERMISSION, "block 10.0.0.100", "no way");
      }

      @Override
      public void unblock(String interfaceName, List<VirtualAddress> addresses) {}
    };
    net.start("r1", b -> router(150, false).apply(b).trafficFilter(failing));
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(Set.of("r1"), net.holders(ADDR), "a Master that cannot filter still serves its addresses");
    assertEquals(1, instance("r1").stats().filterErrors());
    assertFalse(instance("r1").blocksTraffic());
  }

  @Test
  void acceptModeOffWithoutAFilter_isRefusedAtBuild() {
    VrrpConfig c = VrrpConfig.builder("VI").interfaceName("eth0").vrid(51).priority(100).virtualAddress(VIP)
        .acceptMode(false).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VrrpRouter.builder(
        NoopSpi.transport(), NoopSpi.addresses()).instance(c).build());
    assertTrue(e.getMessage().startsWith("instance 'VI' has accept mode off, which needs a traffic filter"),
        e.getMessage());
    // the owner needs none: it always accepts
    VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).instance(VrrpConfig.builder("VI")
        .interfaceName("eth0").vrid(51).priority(255).virtualAddress(VIP).acceptMode(false).build()).build();
  }
}
