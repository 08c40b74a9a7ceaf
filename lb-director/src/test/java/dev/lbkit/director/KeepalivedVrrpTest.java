package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import dev.lbkit.vrrp.VrrpConfig;
import dev.lbkit.vrrp.VrrpRouter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * keepalived's {@code state} as keepalived 2.2.7 applies it at startup (vrrp_scheduler.c vrrp_init_state: only an
 * address owner that wants MASTER takes over at once), on the in-memory segment with simulated time.
 */
final class KeepalivedVrrpTest {
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();

  @BeforeEach
  void hosts() {
    net.addHost("lb1", "10.0.0.11", "fe80::11");
    net.addHost("lb2", "10.0.0.12", "fe80::12");
  }

  static KeepalivedConfig config(String instanceBody) throws Exception {
    return KeepalivedConfigParser.parse("k.conf", """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          advert_int 1
          virtual_ipaddress {
            10.0.0.100
          }
        %s}
        """.formatted(instanceBody), Path.of(".")).orThrow();
  }

  private VrrpRouter start(String host, KeepalivedConfig config) {
    return net.start(host, KeepalivedVrrp.instances(config, ifname -> InMemoryVrrpNetwork.INTERFACE));
  }

  private static VrrpState state(VrrpRouter router) {
    return router.instance("VI_1").state();
  }

  @Test
  void authTypeAh_becomesIpsecAh_andTwoRoutersElectOneMaster() throws Exception {
    KeepalivedConfig ah = config("  authentication {\n    auth_type AH\n    auth_pass secret12\n  }\n");
    VrrpConfig c = KeepalivedVrrp.vrrpConfigs(ah, ifname -> InMemoryVrrpNetwork.INTERFACE).get(0);
    assertEquals(VrrpConfig.AuthType.AH, c.authType());
    assertEquals("secret12", c.authPassword().orElseThrow());
    VrrpRouter lb1 = start("lb1", config("  priority 150\n  authentication {\n    auth_type AH\n"
        + "    auth_pass secret12\n  }\n"));
    VrrpRouter lb2 = start("lb2", ah);
    net.advance(Duration.ofSeconds(6));
    assertEquals(VrrpState.MASTER, state(lb1));
    assertEquals(VrrpState.BACKUP, state(lb2));
    assertEquals(0, lb2.instance("VI_1").stats().rejectedTotal());
  }

  @Test
  void authTypePass_staysPass() throws Exception {
    KeepalivedConfig pass = config("  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n");
    VrrpConfig c = KeepalivedVrrp.vrrpConfigs(pass, ifname -> InMemoryVrrpNetwork.INTERFACE).get(0);
    assertEquals(VrrpConfig.AuthType.PASS, c.authType());
  }

  @Test
  void authTypeAh_withVrrpv3_isIgnoredAsKeepalivedDoes() throws Exception {
    // keepalived 2.2.7 logs "VRRP version 3 does not support authentication. Ignoring." (checked with keepalived -t)
    // and runs unauthenticated; the import warns and does the same, so lbkit stays a peer of such routers
    KeepalivedConfig ah = config("  version 3\n  authentication {\n    auth_type AH\n    auth_pass secret12\n"
        + "  }\n");
    VrrpConfig c = KeepalivedVrrp.vrrpConfigs(ah, ifname -> InMemoryVrrpNetwork.INTERFACE).get(0);
    assertEquals(3, c.version());
    assertEquals(VrrpConfig.AuthType.NONE, c.authType());
  }

  @Test
  void stateMaster_withoutPriority_isTheOwner_andTakesOverAtOnce() throws Exception {
    VrrpRouter lb1 = start("lb1", config("  state MASTER\n"));
    net.advance(Duration.ofMillis(1));
    assertEquals(255, lb1.instance("VI_1").config().priority());
    assertEquals(VrrpState.MASTER, state(lb1));
  }

  @Test
  void ownerWithStateBackup_waitsMasterDownIntervalFirst() throws Exception {
    VrrpRouter lb1 = start("lb1", config("  state BACKUP\n  priority 255\n"));
    net.advance(Duration.ofMillis(2900));
    assertEquals(VrrpState.BACKUP, state(lb1));
    // Master_Down_Interval = 3 * 1 s + (256 - 255) / 256 s
    net.advance(Duration.ofMillis(200));
    assertEquals(VrrpState.MASTER, state(lb1));
  }

  @Test
  void stateMaster_belowTheOwner_startsAsBackup_andTheElectionDecides() throws Exception {
    VrrpRouter lb2 = start("lb2", config("  state BACKUP\n  priority 200\n"));
    VrrpRouter lb1 = start("lb1", config("  state MASTER\n  priority 150\n"));
    net.advance(Duration.ofMillis(1));
    assertEquals(VrrpState.BACKUP, state(lb1), "not Master at once: it is not the address owner");
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.BACKUP, state(lb1));
    assertEquals(VrrpState.MASTER, state(lb2));
  }

  @Test
  void stateMaster_clearsNopreempt_soTheHigherPriorityPreempts() throws Exception {
    VrrpRouter lb2 = start("lb2", config("  state BACKUP\n  priority 50\n"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb2));
    VrrpRouter lb1 = start("lb1", config("  state MASTER\n  priority 100\n  nopreempt\n"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb1), "nopreempt does not work with state MASTER (keepalived clears it)");
    assertEquals(VrrpState.BACKUP, state(lb2));
  }

  @Test
  void syncGroup_withAMemberWantingBackup_startsNoMemberAsMaster() throws Exception {
    String group = """
        vrrp_sync_group VG {
          group {
            A
            B
          }
        }
        vrrp_instance A {
          state MASTER
          interface eth0
          virtual_router_id 1
          virtual_ipaddress {
            10.0.0.1
          }
        }
        vrrp_instance B {
          state %s
          priority 255
          interface eth1
          virtual_router_id 2
          virtual_ipaddress {
            10.0.0.2
          }
        }
        """;
    KeepalivedConfig mixed = KeepalivedConfigParser.parse("g.conf", group.formatted("BACKUP"), Path.of(".")).orThrow();
    KeepalivedConfig allMaster = KeepalivedConfigParser.parse("g.conf", group.formatted("MASTER"), Path.of("."))
        .orThrow();
    List<VrrpConfig> vetoed = KeepalivedVrrp.vrrpConfigs(mixed, ifname -> "eth0");
    assertFalse(vetoed.get(0).ownerStartsAsMaster(), "A wants MASTER but its group member B wants BACKUP");
    assertTrue(KeepalivedVrrp.vrrpConfigs(allMaster, ifname -> "eth0").get(0).ownerStartsAsMaster());
    VrrpRouter lb1 = net.start("lb1", KeepalivedVrrp.instances(mixed, ifname -> InMemoryVrrpNetwork.INTERFACE));
    net.advance(Duration.ofMillis(1));
    assertEquals(VrrpState.BACKUP, lb1.instance("A").state());
  }

  @Test
  void vrrpScript_isRunByTheRouter_withItsFall_andUnusedScriptsAreNotRun() throws Exception {
    KeepalivedConfig config = KeepalivedConfigParser.parse("s.conf", """
        vrrp_script chk {
          script "/usr/bin/test -f /nonexistent"
          interval 1
          fall 2
          rise 2
        }
        vrrp_script unused {
          script /bin/true
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 150
          virtual_ipaddress {
            10.0.0.100
          }
          track_script {
            chk
          }
        }
        """, Path.of(".")).orThrow();
    assertEquals(List.of("chk"), KeepalivedVrrp.vrrpScripts(config).stream().map(s -> s.name()).toList());
    assertEquals(List.of("/usr/bin/test", "-f", "/nonexistent"), KeepalivedVrrp.vrrpScripts(config).get(0).command());
    VrrpRouter lb1 = start("lb1", config);
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb1));
    net.setScriptResult("lb1", "chk", false);
    net.advance(Duration.ofSeconds(1));
    assertEquals(VrrpState.MASTER, state(lb1), "one failure is not enough with fall 2");
    net.advance(Duration.ofSeconds(1));
    assertEquals(VrrpState.FAULT, state(lb1), "the script has weight 0: down means Fault");
    assertEquals(0, net.scriptRuns("lb1", "unused"));
  }

  @Test
  void noAccept_masterHoldsItsVipButDropsTrafficToIt_andAcceptByDefaultTakesIt() throws Exception {
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VrrpRouter lb1 = start("lb1", config("  priority 150\n  no_accept\n"));
    VrrpRouter lb2 = start("lb2", config("  priority 100\n"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb1));
    assertFalse(lb1.instance("VI_1").config().acceptMode());
    assertEquals(Set.of(vip), net.blocked("lb1"));
    assertFalse(net.accepts("lb1", vip), "no_accept: the Master holds the VIP but drops what is sent to it");
    lb1.close();
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb2));
    assertTrue(lb2.instance("VI_1").config().acceptMode(), "keepalived without vrrp_strict accepts by default");
    assertEquals(Set.of(), net.blocked("lb2"));
    assertTrue(net.accepts("lb2", vip));
  }

  private static KeepalivedConfig strictV3(String instanceBody) throws Exception {
    return KeepalivedConfigParser.parse("k.conf", "global_defs {\n  vrrp_strict\n}\n" + """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          version 3
          priority 150
          virtual_ipaddress {
            10.0.0.100
          }
        %s}
        """.formatted(instanceBody), Path.of(".")).orThrow();
  }

  @Test
  void vrrpStrict_withoutAccept_blocksTheVip_andAcceptInTheInstanceLiftsIt() throws Exception {
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VrrpRouter lb1 = start("lb1", strictV3(""));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb1));
    assertEquals(Set.of(vip), net.blocked("lb1"));
    assertFalse(net.accepts("lb1", vip), "vrrp_strict: no accept mode unless the instance asks for it");
    lb1.close();
    VrrpRouter lb2 = start("lb2", strictV3("  accept\n"));
    net.advance(Duration.ofSeconds(10));
    assertEquals(VrrpState.MASTER, state(lb2));
    assertTrue(net.accepts("lb2", vip));
  }
}
