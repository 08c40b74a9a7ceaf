package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * keepalived's IPsec-AH mode in the engine, on the simulated segment: elections and failover with AH, the rejections
 * of a wrong password and of a mismatched auth type on both sides, and a restarted Master whose sequence numbers
 * start again from 1 being heard again.
 */
final class IpsecAhTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final List<VrrpStateChanged> events = new ArrayList<>();

  @BeforeEach
  void hosts() {
    for (int i = 1; i <= 2; i++) {
      net.addHost("r" + i, "10.0.0." + i, "fe80::" + i);
    }
  }

  private static VrrpConfig.Builder ah(String name, int priority, String password) {
    return VrrpConfig.builder(name).interfaceName("eth0").vrid(51).priority(priority).virtualAddress(VIP)
        .authType(VrrpConfig.AuthType.AH).authPassword(password);
  }

  private UnaryOperator<VrrpRouter.Builder> with(VrrpConfig.Builder config) {
    VrrpConfig c = config.build();
    return b -> b.instance(c).listener(events::add);
  }

  private VrrpInstance instance(String host) {
    return net.router(host).orElseThrow().instances().get(0);
  }

  @Test
  void election_failover_andPreemption_withAh() {
    net.start("r1", with(ah("A", 150, "secret12")));
    net.start("r2", with(ah("B", 100, "secret12")));
    net.advance(Duration.ofSeconds(6));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(VrrpState.BACKUP, instance("r2").state());
    assertEquals(0, instance("r2").stats().rejectedTotal(), () -> instance("r2").stats().toString());
    assertTrue(instance("r2").stats().advertisementsReceived() >= 2);
    net.crash("r1");
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r2").state());
    assertEquals(Set.of("r2"), net.holders(VIP.address()));
    // r1 comes back with its counter at 0: as a Backup it learns r2's numbers before it preempts with the next one
    net.restart("r1");
    net.advance(Duration.ofSeconds(6));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(VrrpState.BACKUP, instance("r2").state());
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
    assertEquals(0, instance("r2").stats().rejectedTotal(), () -> instance("r2").stats().toString());
  }

  @Test
  void restartedOwner_isUnheardUntilItAnswersTheBackupsTakeover() {
    net.start("r1", with(ah("A", 255, "secret12")));
    net.start("r2", with(ah("B", 100, "secret12")));
    net.advance(Duration.ofSeconds(20));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    // the owner restarts at once and advertises from sequence number 1: r2, at 20, drops those as replays
    net.crash("r1");
    net.restart("r1");
    events.clear();
    net.advance(Duration.ofSeconds(10));
    VrrpStats r2 = instance("r2").stats();
    assertTrue(r2.rejected("auth_ah_sequence") >= 3, r2::toString);
    // r2 took over (it heard nothing it could accept); the owner heard r2's lower-priority advert with a higher
    // number and answered at once with a higher one still, so r2 stepped down within one network latency
    List<VrrpStateChanged> r2Events = events.stream().filter(e -> e.instance().equals("B")).toList();
    assertEquals(2, r2Events.size(), r2Events::toString);
    assertEquals(VrrpState.MASTER, r2Events.get(0).to());
    assertEquals(VrrpState.BACKUP, r2Events.get(1).to());
    Duration masterFor = Duration.between(r2Events.get(0).at(), r2Events.get(1).at());
    assertTrue(masterFor.compareTo(Duration.ofMillis(1)) < 0, "r2 was Master for " + masterFor);
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(Set.of("r1"), net.holders(VIP.address()));
    long r2Rejected = instance("r2").stats().rejected("auth_ah_sequence");
    net.advance(Duration.ofSeconds(5));
    assertEquals(r2Rejected, instance("r2").stats().rejected("auth_ah_sequence"), "heard again");
  }

  @Test
  void reload_keepsTheSequenceNumbers_soTheBackupsGoOnHearingTheMaster() throws Exception {
    net.start("r1", with(ah("A", 150, "secret12")));
    net.start("r2", with(ah("B", 100, "secret12")));
    net.advance(Duration.ofSeconds(10));
    VrrpRouter r1 = net.router("r1").orElseThrow();
    VrrpRouter.Reload result = r1.reload(List.of(ah("A", 160, "secret12").build()), List.of());
    assertEquals(List.of("A"), result.changed());
    net.advance(Duration.ofSeconds(5));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(VrrpState.BACKUP, instance("r2").state());
    assertEquals(0, instance("r2").stats().rejectedTotal(), () -> instance("r2").stats().toString());
  }

  @Test
  void wrongPassword_isRejectedOnBothSides_andBothBecomeMaster() {
    net.start("r1", with(ah("A", 150, "secret12")));
    net.start("r2", with(ah("B", 100, "secret13")));
    net.advance(Duration.ofSeconds(6));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(VrrpState.MASTER, instance("r2").state());
    assertTrue(instance("r1").stats().rejected("auth_ah_icv") >= 1, () -> instance("r1").stats().toString());
    assertTrue(instance("r2").stats().rejected("auth_ah_icv") >= 1, () -> instance("r2").stats().toString());
    assertEquals(0, instance("r1").stats().advertisementsReceived());
  }

  @Test
  void ahAgainstPass_isAnAuthTypeMismatchOnBothSides() {
    net.start("r1", with(ah("A", 150, "secret12")));
    net.start("r2", with(VrrpConfig.builder("B").interfaceName("eth0").vrid(51).priority(100).virtualAddress(VIP)
        .authPassword("secret12")));
    net.advance(Duration.ofSeconds(6));
    assertTrue(instance("r1").stats().rejected("auth_type") >= 1, () -> instance("r1").stats().toString());
    assertTrue(instance("r2").stats().rejected("auth_type") >= 1, () -> instance("r2").stats().toString());
    assertEquals(VrrpState.MASTER, instance("r2").state());
  }

  @Test
  void unicastPeers_withAh() {
    net.start("r1", with(ah("A", 150, "pw").unicastPeer(ip("10.0.0.2"))));
    net.start("r2", with(ah("B", 100, "pw").unicastPeer(ip("10.0.0.1"))));
    net.advance(Duration.ofSeconds(6));
    assertEquals(VrrpState.MASTER, instance("r1").state());
    assertEquals(VrrpState.BACKUP, instance("r2").state());
    assertEquals(0, instance("r2").stats().rejectedTotal(), () -> instance("r2").stats().toString());
  }

  @Test
  void config_refusesAhWhereKeepalivedIgnoresIt() {
    IllegalArgumentException v3 = assertThrows(IllegalArgumentException.class,
        () -> ah("A", 100, "x").version(3).build());
    assertTrue(v3.getMessage().contains("VRRPv3 has no authentication"), v3.getMessage());
    IllegalArgumentException v6 = assertThrows(IllegalArgumentException.class, () -> VrrpConfig.builder("A")
        .interfaceName("eth0").vrid(1).virtualAddress("2001:db8::1/64").version(3)
        .authType(VrrpConfig.AuthType.AH).authPassword("x").build());
    assertTrue(v6.getMessage().contains("VRRPv3 has no authentication"), v6.getMessage());
    IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class, () -> VrrpConfig
        .builder("A").interfaceName("eth0").vrid(1).virtualAddress("10.0.0.1/24")
        .authType(VrrpConfig.AuthType.AH).build());
    assertTrue(noPassword.getMessage().contains("auth type AH needs an auth password"), noPassword.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ah("A", 100, "123456789").build());
    assertEquals(VrrpConfig.AuthType.PASS, VrrpConfig.builder("A").interfaceName("eth0").vrid(1)
        .virtualAddress("10.0.0.1/24").authPassword("x").build().authType());
    assertEquals(VrrpConfig.AuthType.NONE, VrrpConfig.builder("A").interfaceName("eth0").vrid(1)
        .virtualAddress("10.0.0.1/24").build().authType());
  }

  private static java.net.InetAddress ip(String literal) {
    try {
      return java.net.InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
