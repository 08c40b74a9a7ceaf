package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hooks of a keepalived.conf run as real processes, in order, with keepalived's arguments. */
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
        }
        virtual_server 192.0.2.1 80 {
          quorum_down "%1$s quorum-down"
          real_server 10.0.0.1 80 {
            notify_down "%1$s rs-down"
          }
        }
        """.formatted(hook), dir).orThrow();
    ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:80"));
    try (NotifyRunner runner = new NotifyRunner(config)) {
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.INITIALIZE, VrrpState.BACKUP, "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.BACKUP, VrrpState.MASTER, "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_9", 52, VrrpState.BACKUP, VrrpState.MASTER, "t"));
      runner.onDirectorEvent(new DirectorEvent.MemberChanged(Instant.EPOCH, key, Endpoint.parse("10.0.0.1:80"), false,
          1, "t"));
      runner.onDirectorEvent(new DirectorEvent.QuorumChanged(Instant.EPOCH, key, false, 0));
    }
    assertEquals(List.of("backup", "INSTANCE VI_1 BACKUP 120", "master", "INSTANCE VI_1 MASTER 120", "rs-down",
        "quorum-down"), Files.readAllLines(log));
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
        }
        vrrp_instance B {
          interface eth1
          virtual_router_id 2
        }
        """.formatted(hook), dir).orThrow();
    try (NotifyRunner runner = new NotifyRunner(config)) {
      runner.onStateChange(change("A", VrrpState.INITIALIZE, VrrpState.BACKUP)); // group BACKUP, as at startup
      runner.onStateChange(change("B", VrrpState.INITIALIZE, VrrpState.BACKUP));
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.MASTER)); // B still Backup: no change yet
      runner.onStateChange(change("B", VrrpState.BACKUP, VrrpState.MASTER)); // all Master
      runner.onStateChange(change("B", VrrpState.MASTER, VrrpState.FAULT)); // one in Fault is enough
      runner.onStateChange(change("A", VrrpState.MASTER, VrrpState.FAULT));
      runner.onStateChange(change("A", VrrpState.FAULT, VrrpState.BACKUP));
      runner.onStateChange(change("B", VrrpState.FAULT, VrrpState.BACKUP)); // out of Fault: BACKUP
      runner.onStateChange(change("A", VrrpState.BACKUP, VrrpState.INITIALIZE));
      runner.onStateChange(change("B", VrrpState.BACKUP, VrrpState.INITIALIZE)); // all stopped
    }
    assertEquals(List.of("group-backup", "GROUP VG1 BACKUP 0", "group-master", "GROUP VG1 MASTER 0", "group-fault",
        "GROUP VG1 FAULT 0", "group-backup", "GROUP VG1 BACKUP 0", "group-stop", "GROUP VG1 STOP 0"),
        Files.readAllLines(dir.resolve("log")));
  }

  @Test
  void instanceRemovedByAReload_reportsFault_asKeepalivedDoesForADeletedInstance() throws Exception {
    Path hook = hook("deleted.sh");
    String instance = """
        vrrp_instance %1$s {
          interface eth0
          virtual_router_id %2$d
          priority 90
          notify_fault "%3$s fault"
          notify_stop "%3$s stop"
          notify %3$s
        }
        """;
    KeepalivedConfig before = KeepalivedConfigParser.parse("a.conf",
        instance.formatted("VI_1", 1, hook) + instance.formatted("VI_2", 2, hook), dir).orThrow();
    KeepalivedConfig after = KeepalivedConfigParser.parse("b.conf", instance.formatted("VI_2", 2, hook), dir).orThrow();
    try (NotifyRunner runner = new NotifyRunner(before)) {
      runner.config(after);
      runner.onStateChange(change("VI_1", VrrpState.MASTER, VrrpState.INITIALIZE)); // removed: FAULT
      runner.onStateChange(change("VI_2", VrrpState.MASTER, VrrpState.INITIALIZE)); // stopped: STOP
    }
    assertEquals(List.of("fault", "INSTANCE VI_1 FAULT 90", "stop", "INSTANCE VI_2 STOP 90"),
        Files.readAllLines(dir.resolve("log")));
  }
}
