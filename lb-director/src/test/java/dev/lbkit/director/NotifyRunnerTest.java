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
}
