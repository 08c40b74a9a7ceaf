package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import dev.lbkit.vrrp.VrrpRouter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KeepalivedDirector#reload} with VRRP, as keepalived reloads on SIGHUP: two directors with the RHEL sync group
 * on the in-memory VRRP segment, simulated time, one of them reloaded with another file.
 */
final class KeepalivedDirectorReloadTest {
  private static final InetAddress EXT_VIP = Endpoint.parseAddress("10.0.0.1");
  private static final InetAddress INT_VIP = Endpoint.parseAddress("192.168.1.1");
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final List<VrrpStateChanged> vrrpEvents = new ArrayList<>();
  private final List<DirectorEvent.ActiveChanged> activeChanges = new ArrayList<>();
  private final RecordingTableWriter table1 = new RecordingTableWriter();
  private KeepalivedDirector lb1;
  private KeepalivedDirector lb2;

  /**
   * The RHEL "basic keepalived configuration" pair: the external instance (named {@code ext}) and, when the group
   * names it, RH_INT; {@code extra} goes at the end of the file, {@code servers} into the virtual server.
   */
  static KeepalivedConfig config(String ext, int priority, String group, String extra, String servers)
      throws Exception {
    String text = """
        vrrp_sync_group VG1 {
          group {
            %3$s
          }
        }
        vrrp_instance %1$s {
          interface eth0
          virtual_router_id 50
          priority %2$d
          advert_int 1
          virtual_ipaddress {
            10.0.0.1
          }
        }
        %6$s
        virtual_server 10.0.0.1 80 {
          protocol TCP
          lb_algo rr
          lb_kind NAT
        %5$s
        }
        %4$s
        """.formatted(ext, priority, group, extra, servers, !group.contains("RH_INT") ? "" : """
        vrrp_instance RH_INT {
          interface eth1
          virtual_router_id 2
          priority %d
          advert_int 1
          virtual_ipaddress {
            192.168.1.1
          }
        }
        """.formatted(priority));
    return KeepalivedConfigParser.parse("lb.conf", text, Path.of(".")).orThrow();
  }

  static KeepalivedConfig rhel(int priority) throws Exception {
    return config("RH_EXT", priority, "RH_EXT\nRH_INT", "", "real_server 192.168.1.20 80 {\n}");
  }

  @BeforeEach
  void twoDirectors_lb1Master() throws Exception {
    net.addHost("lb1", "10.0.0.11", "fe80::11");
    net.addHost("lb2", "10.0.0.12", "fe80::12");
    lb1 = KeepalivedDirector.builder(rhel(100), table1).backupPolicy(BackupPolicy.CLEAR_TABLE)
        .listener(e -> {
          if (e instanceof DirectorEvent.ActiveChanged a) {
            activeChanges.add(a);
          }
        }).build();
    lb2 = KeepalivedDirector.builder(rhel(99), new RecordingTableWriter()).build();
    lb1.start();
    lb2.start();
    lb1.attach(net.start("lb1", b -> lb1.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE).apply(b)
        .listener(vrrpEvents::add)));
    lb2.attach(net.start("lb2", lb2.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE)));
    net.advance(Duration.ofSeconds(10)); // past the second gratuitous ARP burst, 5 s after the takeover
    assertTrue(lb1.director().active());
    assertEquals(Set.of("lb1"), net.holders(EXT_VIP));
    vrrpEvents.clear();
    activeChanges.clear();
  }

  @AfterEach
  void close() {
    lb1.close();
    lb2.close();
  }

  private VrrpRouter.Reload reload(KeepalivedDirector node, KeepalivedConfig next) {
    CompletableFuture<Optional<VrrpRouter.Reload>> done = node.reload(next);
    net.advance(Duration.ofSeconds(1)); // the engine thread runs it at its next step
    return done.getNow(Optional.empty()).orElseThrow();
  }

  @Test
  void unchangedVrrp_keepsTheInstancesRunningUntouched_andAppliesTheServers() throws Exception {
    long announced = net.announcements("lb1");
    VrrpRouter.Reload result = reload(lb1, config("RH_EXT", 100, "RH_EXT\nRH_INT", "",
        "real_server 192.168.1.20 80 {\n}\nreal_server 192.168.1.21 80 {\n}"));
    assertEquals(List.of("RH_EXT", "RH_INT"), result.kept());
    assertEquals(2, table1.table.values().iterator().next().realServers().size());
    net.advance(Duration.ofSeconds(10));
    assertEquals(List.of(), vrrpEvents);
    assertEquals(List.of(), activeChanges);
    assertEquals(Set.of("lb1"), net.holders(EXT_VIP));
    assertEquals(announced, net.announcements("lb1"), "no gratuitous ARP: nothing moved");
  }

  @Test
  void changedPriority_keepsMasterAndTheDirectorActive() throws Exception {
    VrrpRouter.Reload result = reload(lb1, rhel(110));
    assertEquals(List.of("RH_EXT", "RH_INT"), result.changed());
    net.advance(Duration.ofSeconds(10));
    assertEquals(List.of(), vrrpEvents);
    assertEquals(List.of(), activeChanges);
    assertEquals(110, net.router("lb1").orElseThrow().instance("RH_EXT").priority());
    assertTrue(lb1.director().active());
    assertEquals(Set.of("lb1"), net.holders(INT_VIP));
  }

  @Test
  void renamedInstance_continuesAsMaster_andTheDirectorFollowsItsNewName() throws Exception {
    VrrpRouter.Reload result = reload(lb1, config("EXT", 100, "EXT\nRH_INT", "", "real_server 192.168.1.20 80 {\n}"));
    assertEquals(List.of("EXT"), result.changed());
    assertEquals(List.of("RH_INT"), result.kept());
    assertEquals(VrrpState.MASTER, lb1.director().status().vrrpStates().get("EXT"));
    assertTrue(lb1.director().active());
    assertEquals(List.of(), activeChanges);
  }

  @Test
  void removedInstance_resigns_andTheDirectorFollowsTheRest() throws Exception {
    KeepalivedConfig extOnly = config("RH_EXT", 100, "RH_EXT", "", "real_server 192.168.1.20 80 {\n}");
    // the backup first, as an operator would: its RH_INT goes quietly
    reload(lb2, config("RH_EXT", 99, "RH_EXT", "", "real_server 192.168.1.20 80 {\n}"));
    VrrpRouter.Reload result = reload(lb1, extOnly);
    assertEquals(List.of("RH_INT"), result.removed());
    assertEquals(List.of(new VrrpStateChanged(vrrpEvents.get(0).at(), "RH_INT", 2, VrrpState.MASTER,
        VrrpState.INITIALIZE, "removed by a reload")), vrrpEvents);
    assertEquals(Set.of(), net.holders(INT_VIP));
    net.advance(Duration.ofSeconds(10));
    assertTrue(lb1.director().active());
    assertEquals(List.of(), activeChanges);
    assertEquals(Set.of("lb1"), net.holders(EXT_VIP));
  }

  @Test
  void addedInstance_startsAsBackup_andTheDirectorWaitsForItToWin() throws Exception {
    VrrpRouter.Reload result = reload(lb1, config("RH_EXT", 100, "RH_EXT\nRH_INT", """
        vrrp_instance VI_3 {
          interface eth0
          virtual_router_id 3
          priority 100
          advert_int 1
          virtual_ipaddress {
            10.0.0.3
          }
        }
        """, "real_server 192.168.1.20 80 {\n}"));
    assertEquals(List.of("VI_3"), result.added());
    assertFalse(lb1.director().active(), "VI_3 is Backup until its Master_Down_Interval passes");
    net.advance(Duration.ofSeconds(5));
    assertTrue(lb1.director().active());
    assertEquals(2, activeChanges.size());
    assertEquals(Set.of("lb1"), net.holders(Endpoint.parseAddress("10.0.0.3")));
    assertEquals(Set.of("lb1"), net.holders(EXT_VIP), "the kept instances never moved");
  }

  @Test
  void reloadedVrrpScript_isRunByTheRouter_andTracksTheInstanceThatNamesIt() throws Exception {
    net.setScriptResult("lb1", "chk", false);
    VrrpRouter.Reload result = reload(lb1, config("RH_EXT", 100, "RH_EXT\nRH_INT", """
        vrrp_script chk {
          script /bin/false
          interval 1
        }
        vrrp_instance VI_3 {
          interface eth0
          virtual_router_id 3
          priority 100
          advert_int 1
          virtual_ipaddress {
            10.0.0.3
          }
          track_script {
            chk
          }
        }
        """, "real_server 192.168.1.20 80 {\n}"));
    assertEquals(List.of("VI_3"), result.added());
    net.advance(Duration.ofSeconds(5));
    assertTrue(net.scriptRuns("lb1", "chk") >= 5, "run every second by the router");
    assertEquals(VrrpState.FAULT, net.router("lb1").orElseThrow().instance("VI_3").state());
    assertEquals(VrrpState.MASTER, net.router("lb1").orElseThrow().instance("RH_EXT").state());
  }

  /** One director alone on its own segment, VI_9 tracking {@code track} (keepalived.conf lines). */
  static KeepalivedConfig tracking(int priority, String track) throws Exception {
    return KeepalivedConfigParser.parse("t.conf", """
        vrrp_instance VI_9 {
          interface eth0
          virtual_router_id 9
          priority %d
          advert_int 1
          virtual_ipaddress {
            10.0.0.9
          }
          %s
        }
        """.formatted(priority, track), Path.of(".")).orThrow();
  }

  @Test
  void reloadedTrackInterface_isPolled_andARemovedOneIsNot() throws Exception {
    InMemoryVrrpNetwork segment = new InMemoryVrrpNetwork();
    segment.addHost("lb3", "10.0.0.13", "fe80::13");
    Map<String, Boolean> links = new HashMap<>(Map.of("bond0", false, "bond1", true));
    Map<String, Integer> polls = new HashMap<>();
    UnaryOperator<String> ifmap = n -> n.startsWith("bond") ? n : InMemoryVrrpNetwork.INTERFACE;
    try (KeepalivedDirector lb3 = KeepalivedDirector.builder(tracking(100, ""), new RecordingTableWriter())
        .interfaceCheck(name -> () -> {
          polls.merge(name, 1, Integer::sum);
          return links.get(name);
        }, Duration.ofSeconds(1)).build()) {
      lb3.start();
      VrrpRouter router = segment.start("lb3", lb3.vrrp(ifmap));
      lb3.attach(router);
      segment.advance(Duration.ofSeconds(5));
      assertTrue(lb3.director().active());
      assertEquals(Map.of(), polls);

      // the reload starts tracking bond0, which is down: polled, so VI_9 goes FAULT and the director stands by
      CompletableFuture<Optional<VrrpRouter.Reload>> done = lb3.reload(tracking(100, "track_interface {\n bond0\n}"));
      segment.advance(Duration.ofSeconds(3));
      assertEquals(List.of("VI_9"), done.getNow(Optional.empty()).orElseThrow().changed());
      assertEquals(VrrpState.FAULT, router.instance("VI_9").state());
      assertFalse(lb3.director().active());
      assertTrue(polls.get("bond0") >= 3, "bond0 polled every second: " + polls);

      // tracking bond1 (up) instead: once the reload ran, bond0 is no longer polled and VI_9 comes back
      lb3.reload(tracking(100, "track_interface {\n bond1\n}"));
      segment.advance(Duration.ofSeconds(1));
      int bond0Polls = polls.get("bond0");
      segment.advance(Duration.ofSeconds(10));
      assertEquals(bond0Polls, polls.get("bond0"));
      assertTrue(polls.get("bond1") >= 10, "bond1 polled every second: " + polls);
      assertEquals(VrrpState.MASTER, router.instance("VI_9").state());
      assertTrue(lb3.director().active());

      // a reload that changes only the priority keeps bond1's check: bond1 going down is still seen
      lb3.reload(tracking(101, "track_interface {\n bond1\n}"));
      segment.advance(Duration.ofSeconds(1));
      links.put("bond1", false);
      segment.advance(Duration.ofSeconds(2));
      assertEquals(VrrpState.FAULT, router.instance("VI_9").state());
    }
  }

  @Test
  void removingEveryInstance_isRefused() throws Exception {
    KeepalivedConfig none = KeepalivedConfigParser.parse("n.conf", "virtual_server 10.0.0.1 80 {\n}\n", Path.of("."))
        .orThrow();
    assertThrows(IllegalArgumentException.class, () -> lb1.reload(none));
    net.advance(Duration.ofSeconds(5));
    assertEquals(List.of(), vrrpEvents);
    assertEquals(1, table1.table.values().iterator().next().realServers().size(), "nothing changed");
  }
}
