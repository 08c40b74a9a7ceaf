package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An instance whose tracked object is already down at startup goes from Initialize straight to Fault, never Backup
 * first: keepalived 2.2.7 does so (checked in the lab: track_interface on a down interface and an init_fail script,
 * for a Backup and for an owner wanting MASTER, each notify FAULT only). On the in-memory network, events recorded.
 */
final class StartupFaultTest {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final List<String> transitions = new ArrayList<>();

  @BeforeEach
  void hosts() {
    net.addHost("r1", "10.0.0.1", "fe80::1");
  }

  private VrrpConfig.Builder instance(String name, int vrid, int priority) {
    return VrrpConfig.builder(name).interfaceName("eth0").vrid(vrid).priority(priority).virtualAddress(
        VirtualAddress.parse("10.0.0." + (100 + vrid) + "/24"));
  }

  private void record(VrrpStateChanged e) {
    transitions.add(e.instance() + " " + e.from() + "->" + e.to());
  }

  @Test
  void polledCheckDownAtStartup_straightToFault_backupAndOwner() {
    AtomicBoolean link = new AtomicBoolean(false);
    net.start("r1", b -> b.instance(instance("VI_1", 1, 100).track("link", 0).build())
        .instance(instance("VI_3", 3, 255).track("link", 0).build())
        .trackedCheck("link", link::get, Duration.ofMillis(100)).listener(this::record));
    assertEquals(List.of("VI_1 INITIALIZE->FAULT", "VI_3 INITIALIZE->FAULT"), transitions);
    net.advance(Duration.ofSeconds(5));
    assertEquals(2, transitions.size(), "stays in Fault while the object is down: " + transitions);
    link.set(true);
    net.advance(Duration.ofMillis(150));
    assertEquals(List.of("VI_1 FAULT->BACKUP", "VI_3 FAULT->MASTER"), transitions.subList(2, 4));
  }

  @Test
  void initFailScript_straightToFault() {
    VrrpScript chk = VrrpScript.of("chk", List.of("/bin/false"), Duration.ofSeconds(1), Duration.ofSeconds(1))
        .withInitFail(true);
    net.setScriptResult("r1", "chk", false);
    net.start("r1", b -> b.instance(instance("VI_2", 2, 100).track("chk", 0).build()).trackedScript(chk)
        .listener(this::record));
    net.advance(Duration.ofSeconds(3));
    assertEquals(List.of("VI_2 INITIALIZE->FAULT"), transitions);
  }

  @Test
  void callbackObjectDownBeforeStart_straightToFault_andTheSyncGroupWithIt() throws Exception {
    VrrpRouter router = VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).ticker(() -> 0L)
        .instance(instance("A", 1, 100).track("obj", 0).build())
        .instance(instance("B", 2, 100).build())
        .syncGroup("A", "B")
        .listener(this::record).build();
    router.setTracked("obj", false);
    router.start();
    assertEquals(List.of("A INITIALIZE->FAULT", "B INITIALIZE->FAULT"), transitions);
  }

  @Test
  void objectUpAtStartup_backupAsBefore() {
    net.start("r1", b -> b.instance(instance("VI_1", 1, 100).track("link", 0).build())
        .trackedCheck("link", () -> true, Duration.ofMillis(100)).listener(this::record));
    assertEquals(List.of("VI_1 INITIALIZE->BACKUP"), transitions);
  }
}
