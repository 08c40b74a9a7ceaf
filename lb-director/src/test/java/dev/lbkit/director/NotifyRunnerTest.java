package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hooks of a keepalived.conf run as real processes, started in keepalived's order, with its arguments. */
final class NotifyRunnerTest {
  @TempDir
  Path dir;

  @Test
  void hooksRun_forStateChanges_members_andQuorum() throws Exception {
    Path log = dir.resolve("log");
    Path hook = dir.resolve("hook.sh");
    Files.writeString(hook, "#!/bin/sh\necho \"$@\" >> '" + log + "'\n");
    hook.toFile().setExecutable(true);
    KeepalivedConfig config = KeepalivedConfigParser.parse("n.conf", """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 120
          notify_master "%1$s master"
          notify_backup "%1$s backup"
          notify %1$s
          virtual_ipaddress {
            10.0.0.100
          }
        }
        virtual_server 192.0.2.1 80 {
          protocol TCP
          quorum_down "%1$s quorum-down"
          real_server 10.0.0.1 80 {
            notify_down "%1$s rs-down"
          }
        }
        """.formatted(hook), dir).orThrow();
    ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:80"));
    HookStarts starts;
    try (NotifyRunner runner = new NotifyRunner(config)) {
      starts = HookStarts.watch(runner);
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.INITIALIZE, VrrpState.BACKUP, "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.BACKUP, VrrpState.MASTER, "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_9", 52, VrrpState.BACKUP, VrrpState.MASTER, "t"));
      runner.onDirectorEvent(new DirectorEvent.MemberChanged(Instant.EPOCH, key, Endpoint.parse("10.0.0.1:80"), false,
          1, "t"));
      runner.onDirectorEvent(new DirectorEvent.QuorumChanged(Instant.EPOCH, key, false, 0));
    }
    assertEquals(List.of("backup", "INSTANCE VI_1 BACKUP 120", "master", "INSTANCE VI_1 MASTER 120", "rs-down",
        "quorum-down"), starts.inStartOrder(log));
  }

  /**
   * keepalived forks each notify script at its event and does not wait for it (notify.c notify_exec): two slow hooks
   * triggered back to back run side by side. Each writes when it starts and when it ends (its /proc/uptime, a
   * second apart): the second starts before the first ends. Run one after the other, it would start after.
   */
  @Test
  void slowHooksTriggeredBackToBack_runSideBySide() throws Exception {
    Path log = dir.resolve("log");
    Path hook = dir.resolve("slow.sh");
    Files.writeString(hook, "#!/bin/sh\nread up _ < /proc/uptime; echo \"$1 start $up\" >> '" + log + "'\nsleep 1\n"
        + "read up _ < /proc/uptime; echo \"$1 end $up\" >> '" + log + "'\n");
    hook.toFile().setExecutable(true);
    KeepalivedConfig config = KeepalivedConfigParser.parse("slow.conf", """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          notify_backup "%1$s backup"
          notify_master "%1$s master"
          virtual_ipaddress {
            10.0.0.100
          }
        }
        """.formatted(hook), dir).orThrow();
    HookStarts starts;
    try (NotifyRunner runner = new NotifyRunner(config)) {
      starts = HookStarts.watch(runner);
      runner.onStateChange(change("VI_1", VrrpState.INITIALIZE, VrrpState.BACKUP));
      runner.onStateChange(change("VI_1", VrrpState.BACKUP, VrrpState.MASTER));
      long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((!Files.exists(log) || Files.readAllLines(log).size() < 4) && System.nanoTime() < guard) {
        Thread.sleep(20); // both hooks end on their own before the runner closes
      }
    }
    assertEquals(List.of(List.of(hook.toString(), "backup"), List.of(hook.toString(), "master")), starts.all(),
        "started in the order they were triggered");
    Map<String, Double> at = new HashMap<>();
    for (String line : Files.readAllLines(log)) {
      String[] w = line.split(" ");
      at.put(w[0] + " " + w[1], Double.parseDouble(w[2]));
    }
    assertEquals(4, at.size(), at.toString());
    assertTrue(at.get("master start") < at.get("backup end"), "notify_master waited for notify_backup to end: " + at);
  }

  private Path hook(String name) throws Exception {
    Path log = dir.resolve("log");
    Path hook = dir.resolve(name);
    Files.writeString(hook, "#!/bin/sh\necho \"$@\" >> '" + log + "'\n");
    hook.toFile().setExecutable(true);
    return hook;
  }

  private static VrrpStateChanged change(String instance, VrrpState from, VrrpState to) {
    return new VrrpStateChanged(Instant.EPOCH, instance, 1, from, to, "t");
  }

  @Test
  void syncGroupHooks_runWhenTheGroupStateChanges_withGroupArguments() throws Exception {
    Path hook = hook("group.sh");
    KeepalivedConfig config = KeepalivedConfigParser.parse("g.conf", """
        vrrp_sync_group VG1 {
          group {
            A
            B
          }
          notify_master "%1$s group-master"
          notify_backup "%1$s group-backup"
          notify_fault "%1$s group-fault"
          notify_stop "%1$s group-stop"
          notify %1$s
        }
        vrrp_instance A {
          interface eth0
          virtual_router_id 1
          virtual_ipaddress {
            10.0.0.101
          }
        }
        vrrp_instance B {
          interface eth1
          virtual_router_id 2
          virtual_ipaddress {
            10.0.0.102
          }
        }
        """.formatted(hook), dir).orThrow();
    HookStarts starts;
    try (NotifyRunner runner = new NotifyRunner(config)) {
      starts = HookStarts.watch(runner);
      runner.onStateChange(change("A", VrrpState.INITIALIZE, VrrpState.BACKUP));
      runner.onStateChange(change("B", VrrpState.INITIALIZE, VrrpState.BACKUP)); // all Backup: group BACKUP
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.MASTER)); // B still Backup: no change yet
      runner.onStateChange(change("B", VrrpState.BACKUP, VrrpState.MASTER)); // all Master
      runner.onStateChange(change("B", VrrpState.MASTER, VrrpState.FAULT));
      runner.onStateChange(change("A", VrrpState.MASTER, VrrpState.FAULT)); // moved by the group: FAULT after it
      runner.onStateChange(change("A", VrrpState.FAULT, VrrpState.BACKUP));
      runner.onStateChange(change("B", VrrpState.FAULT, VrrpState.BACKUP)); // out of Fault: BACKUP
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.INITIALIZE));
      runner.onStateChange(change("B", VrrpState.BACKUP, VrrpState.INITIALIZE)); // all stopped
    }
    assertEquals(List.of("group-backup", "GROUP VG1 BACKUP 0", "group-master", "GROUP VG1 MASTER 0", "group-fault",
        "GROUP VG1 FAULT 0", "group-backup", "GROUP VG1 BACKUP 0", "group-stop", "GROUP VG1 STOP 0"),
        starts.inStartOrder(dir.resolve("log")));
  }

  @Test
  void instanceRemovedByAReload_reportsFault_asKeepalivedDoesForADeletedInstance() throws Exception {
    assertEquals(List.of("fault", "INSTANCE VI_1 FAULT 90", "stop", "INSTANCE VI_2 STOP 90"),
        deleteVi1("", VrrpState.MASTER));
  }

  private static VrrpStateChanged change(String instance, VrrpState from, VrrpState to, String reason) {
    return new VrrpStateChanged(Instant.EPOCH, instance, 1, from, to, reason);
  }

  private KeepalivedConfig syncGroupOfTwo(Path hook) throws Exception {
    return KeepalivedConfigParser.parse("s.conf", """
        vrrp_sync_group VG1 {
          group {
            A
            B
          }
        }
        vrrp_instance A {
          interface eth0
          virtual_router_id 1
          priority 100
          notify_backup "%1$s A-backup"
          notify_fault "%1$s A-fault"
          notify %1$s
          virtual_ipaddress {
            10.0.0.101
          }
        }
        vrrp_instance B {
          interface eth1
          virtual_router_id 2
          priority 100
          notify_backup "%1$s B-backup"
          notify_fault "%1$s B-fault"
          virtual_ipaddress {
            10.0.0.102
          }
        }
        """.formatted(hook), dir).orThrow();
  }

  @Test
  void syncGroupMember_enteringTheStateItsGroupHolds_runsNoHooksOfItsOwn_afterItsFirstChange() throws Exception {
    KeepalivedConfig config = syncGroupOfTwo(hook("member.sh"));
    HookStarts starts;
    try (NotifyRunner runner = new NotifyRunner(config)) {
      starts = HookStarts.watch(runner);
      runner.onStateChange(change("A", VrrpState.INITIALIZE, VrrpState.BACKUP, "startup")); // group BACKUP
      // the group is BACKUP already, but B has never notified: keepalived's notifies_sent lets the first one through
      runner.onStateChange(change("B", VrrpState.INITIALIZE, VrrpState.BACKUP, "startup"));
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.FAULT, "tracked eth2 down")); // group FAULT
      // moved by the group: keepalived notifies before it records the group's new state
      runner.onStateChange(change("B", VrrpState.BACKUP, VrrpState.FAULT, "sync group member in fault"));
      runner.onStateChange(change("A", VrrpState.FAULT, VrrpState.BACKUP, "tracked objects recovered")); // still FAULT
      // back into the state the group holds, on its own: covered by the group, no hooks
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.FAULT, "tracked eth2 down"));
      runner.onStateChange(change("A", VrrpState.FAULT, VrrpState.BACKUP, "tracked objects recovered"));
      runner.config(config); // a reload: new instances, whose first change notifies again
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.FAULT, "tracked eth2 down"));
    }
    assertEquals(List.of("A-backup", "INSTANCE A BACKUP 100", "B-backup", "A-fault", "INSTANCE A FAULT 100", "B-fault",
        "A-backup", "INSTANCE A BACKUP 100", "A-backup", "INSTANCE A BACKUP 100", "A-fault", "INSTANCE A FAULT 100"),
        starts.inStartOrder(dir.resolve("log")));
  }

  /**
   * Two instances, VI_1 with {@code extra} lines, VI_2 plain; the file after the reload keeps VI_2 only. VI_1 goes
   * from {@code from} to Initialize (removed), then VI_2 stops (still configured).
   */
  private List<String> deleteVi1(String extra, VrrpState from) throws Exception {
    Path hook = hook("deleted.sh");
    String instance = """
        vrrp_instance %1$s {
          interface eth0
          virtual_router_id %2$d
          priority 90
          notify_fault "%3$s fault"
          notify_stop "%3$s stop"
          notify %3$s
          %4$s
          virtual_ipaddress {
            10.0.0.%2$d
          }
        }
        """;
    KeepalivedConfig before = KeepalivedConfigParser.parse("a.conf", instance.formatted("VI_1", 1, hook,
        extra.formatted(hook)) + instance.formatted("VI_2", 2, hook, ""), dir).orThrow();
    KeepalivedConfig after = KeepalivedConfigParser.parse("b.conf", instance.formatted("VI_2", 2, hook, ""), dir)
        .orThrow();
    HookStarts starts;
    try (NotifyRunner runner = new NotifyRunner(before)) {
      starts = HookStarts.watch(runner);
      runner.config(after);
      runner.onStateChange(change("VI_1", from, VrrpState.INITIALIZE));
      runner.onStateChange(change("VI_2", VrrpState.MASTER, VrrpState.INITIALIZE));
    }
    return starts.inStartOrder(dir.resolve("log"));
  }

  @Test
  void notifyDeleted_withACommand_runsItAndReportsDeleted_insteadOfFault() throws Exception {
    assertEquals(List.of("deleted", "INSTANCE VI_1 DELETED 90", "stop", "INSTANCE VI_2 STOP 90"),
        deleteVi1("notify_deleted \"%s deleted\"", VrrpState.BACKUP));
  }

  @Test
  void notifyDeleted_withoutACommand_reportsDeleted_andRunsNoFaultHook_evenFromFault() throws Exception {
    assertEquals(List.of("INSTANCE VI_1 DELETED 90", "stop", "INSTANCE VI_2 STOP 90"),
        deleteVi1("notify_deleted", VrrpState.FAULT));
  }

  @Test
  void withoutNotifyDeleted_aDeletedInstanceInFault_reportsNothing() throws Exception {
    assertEquals(List.of("stop", "INSTANCE VI_2 STOP 90"), deleteVi1("", VrrpState.FAULT));
  }

  @Test
  void syncGroupOnTheInMemoryNetwork_membersNotifyBeforeTheirGroup_asKeepalivedOrdersThem() throws Exception {
    Path hook = hook("order.sh");
    KeepalivedConfig config = KeepalivedConfigParser.parse("o.conf", """
        vrrp_sync_group VG1 {
          group {
            RH_EXT
            RH_INT
          }
          notify %1$s
        }
        vrrp_instance RH_EXT {
          interface eth0
          virtual_router_id 50
          priority 100
          virtual_ipaddress {
            10.0.0.1
          }
          notify %1$s
        }
        vrrp_instance RH_INT {
          interface eth1
          virtual_router_id 2
          priority 100
          virtual_ipaddress {
            192.168.1.1
          }
          track_interface {
            bond0
          }
          notify %1$s
        }
        """.formatted(hook), dir).orThrow();
    InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
    net.addHost("lb1", "10.0.0.11", "fe80::11");
    boolean[] bond0 = {true};
    HookStarts starts;
    try (KeepalivedDirector lb1 = KeepalivedDirector.builder(config, new RecordingTableWriter())
        .interfaceCheck(name -> () -> bond0[0], Duration.ofSeconds(1)).build()) {
      starts = HookStarts.watch(lb1.notifyRunner());
      lb1.start();
      lb1.attach(net.start("lb1", lb1.vrrp(n -> n.startsWith("bond") ? n : InMemoryVrrpNetwork.INTERFACE)));
      net.advance(Duration.ofSeconds(10));
      bond0[0] = false; // RH_INT goes to Fault on its own, the group takes RH_EXT with it
      net.advance(Duration.ofSeconds(2));
    }
    // RH_EXT's master-down timer fires first but waits for RH_INT to want Master too (keepalived's
    // vrrp_sync_can_goto_master); RH_INT's, firing next, takes the group over and so notifies first
    assertEquals(List.of("INSTANCE RH_EXT BACKUP 100", "INSTANCE RH_INT BACKUP 100", "GROUP VG1 BACKUP 0",
        "INSTANCE RH_INT MASTER 100", "INSTANCE RH_EXT MASTER 100", "GROUP VG1 MASTER 0",
        "INSTANCE RH_INT FAULT 100", "INSTANCE RH_EXT FAULT 100", "GROUP VG1 FAULT 0"),
        starts.inStartOrder(dir.resolve("log")));
  }

  /** VI_9 (priority {@code priority}, tracking {@code track}) and, if {@code withVi8}, VI_8 with notify_deleted. */
  private KeepalivedConfig reloaded(Path hook, int priority, String track, boolean withVi8) throws Exception {
    String vi8 = """
        vrrp_instance VI_8 {
          interface eth0
          virtual_router_id 8
          priority 100
          virtual_ipaddress {
            10.0.0.8
          }
          notify_deleted
          notify %1$s
        }
        """;
    return KeepalivedConfigParser.parse("r.conf", """
        vrrp_instance VI_9 {
          interface eth0
          virtual_router_id 9
          priority %2$d
          virtual_ipaddress {
            10.0.0.9
          }
          %3$s
          notify %1$s
        }
        """.formatted(hook, priority, track) + (withVi8 ? vi8.formatted(hook) : ""), dir).orThrow();
  }

  @Test
  void reload_notifiesOnlyEachInstancesNetChange_asKeepalivedRestoresStatesSilently() throws Exception {
    Path hook = hook("reload.sh");
    String tracked = "track_interface {\n bond0\n}";
    InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
    net.addHost("lb1", "10.0.0.11", "fe80::11");
    HookStarts starts;
    try (KeepalivedDirector lb1 = KeepalivedDirector.builder(reloaded(hook, 100, tracked, true),
        new RecordingTableWriter()).interfaceCheck(name -> () -> false, Duration.ofSeconds(1)).build()) {
      starts = HookStarts.watch(lb1.notifyRunner());
      lb1.start();
      lb1.attach(net.start("lb1", lb1.vrrp(n -> n.startsWith("bond") ? n : InMemoryVrrpNetwork.INTERFACE)));
      net.advance(Duration.ofSeconds(10)); // VI_9 in Fault (bond0 down), VI_8 Master
      // changed while in Fault: lb-vrrp restarts it and it falls back to Fault; keepalived notifies nothing
      lb1.reload(reloaded(hook, 110, tracked, true));
      net.advance(Duration.ofSeconds(2));
      // no longer tracking bond0: out of Fault, then Master; VI_8 removed, with notify_deleted (reported first, as
      // keepalived's clear_diff_vrrp runs before the new instances' states are set)
      lb1.reload(reloaded(hook, 110, "", false));
      net.advance(Duration.ofSeconds(10));
    }
    // at startup VI_9 (bond0 down) goes straight to Fault, as keepalived's does
    assertEquals(List.of("INSTANCE VI_9 FAULT 100", "INSTANCE VI_8 BACKUP 100", "INSTANCE VI_8 MASTER 100", "INSTANCE VI_8 DELETED 100", "INSTANCE VI_9 BACKUP 110", "INSTANCE VI_9 MASTER 110"),
        starts.inStartOrder(dir.resolve("log")));
  }
}
