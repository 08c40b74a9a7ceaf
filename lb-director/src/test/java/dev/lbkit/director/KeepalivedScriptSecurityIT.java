package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.vrrp.VrrpScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real keepalived 2.2.7 (VRRP only, no IPVS needed) in a network namespace of its own, and lbkit, on the same file
 * with a script only root can change and one anyone can ({@code chmod 777}), each as a tracked {@code vrrp_script}
 * and as a notify hook, run as root: with {@code enable_script_security} keepalived runs only the safe ones, without
 * it all of them; lbkit runs exactly the same commands (its tracked scripts and its notify hooks, run for real).
 * Needs root, unshare and keepalived (.ci/install); skipped, saying so, without root.
 */
final class KeepalivedScriptSecurityIT {
  @TempDir
  Path dir;

  private static final String CONF = """
      global_defs {
        script_user root
        %2$s
      }
      vrrp_script s_safe {
        script "%1$s/safe.sh vscript"
        interval 1
      }
      vrrp_script s_open {
        script "%1$s/open.sh vscript"
        interval 1
      }
      vrrp_instance VI_1 {
        state BACKUP
        interface v0
        virtual_router_id 51
        priority 100
        advert_int 1
        virtual_ipaddress {
          192.0.2.1/24
        }
        track_script {
          s_safe
          s_open
        }
        notify_backup "%1$s/safe.sh notify"
        notify "%1$s/open.sh notify"
        notify_fault "%1$s/missing.sh notify"
      }
      """;

  private Path log;

  private Path conf(boolean security) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    log = dir.resolve("rec.log");
    for (String name : List.of("safe", "open")) {
      Path p = dir.resolve(name + ".sh");
      Files.writeString(p, "#!/bin/sh\necho \"" + name + " $*\" >> '" + log + "'\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(name.equals("safe") ? "rwxr-xr-x"
          : "rwxrwxrwx"));
    }
    Files.writeString(log, "");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
    return Files.writeString(dir.resolve("keepalived.conf"), CONF.formatted(dir, security ? "enable_script_security"
        : ""));
  }

  /** What keepalived's scripts recorded in about 6 s: one line per distinct run. */
  private TreeSet<String> runKeepalived(Path conf) throws Exception {
    String script = String.join(" && ",
        "ip link add v0 type veth peer name v1", "ip link set v0 up", "ip link set v1 up", "ip link set lo up",
        "ip addr add 198.51.100.1/24 dev v0",
        "timeout 6 keepalived -n -l -P -f " + conf + " -p " + dir.resolve("k.pid") + " -r " + dir.resolve("v.pid")
            + " > " + dir.resolve("keepalived.log") + " 2>&1; true");
    Process p = new ProcessBuilder("unshare", "-n", "-m", "--propagation", "private", "sh", "-c", script)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keepalived did not stop");
    assertEquals(0, p.exitValue(), out);
    return new TreeSet<>(Files.readAllLines(log));
  }

  /**
   * What lbkit runs for the same file: each tracked script once, and the hooks of the instance entering BACKUP,
   * MASTER (keepalived alone takes over after about 3.6 s) and STOP (keepalived ends).
   */
  private TreeSet<String> runLbkit(Path conf) throws Exception {
    Files.writeString(log, "");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf).orThrow();
    for (VrrpScript s : KeepalivedVrrp.vrrpScripts(c)) {
      assertEquals(0, new ProcessBuilder(s.command()).start().waitFor(), s.command().toString());
    }
    try (NotifyRunner runner = new NotifyRunner(c)) {
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.INITIALIZE, VrrpState.BACKUP,
          "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.BACKUP, VrrpState.MASTER, "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.MASTER, VrrpState.INITIALIZE,
          "t"));
    }
    return new TreeSet<>(Files.readAllLines(log));
  }

  /** Without the generic hook's MASTER and STOP runs, which depend on how far keepalived got in its 6 s. */
  private static TreeSet<String> settled(TreeSet<String> runs) {
    TreeSet<String> out = new TreeSet<>(runs);
    out.removeIf(r -> r.endsWith(" MASTER 100") || r.endsWith(" STOP 100"));
    return out;
  }

  @Test
  void underScriptSecurity_bothRunOnlyTheScriptsOnlyRootCanChange() throws Exception {
    assumeTrue(ScriptUser.canSwitch(), "KeepalivedScriptSecurityIT needs root (namespaces); skipped");
    Path conf = conf(true);
    TreeSet<String> keepalived = runKeepalived(conf);
    assertEquals(new TreeSet<>(List.of("safe notify", "safe vscript")), keepalived,
        Files.readString(dir.resolve("keepalived.log")));
    assertEquals(keepalived, runLbkit(conf)); // the generic hook is open.sh: no MASTER or STOP runs on either side
  }

  @Test
  void withoutIt_bothRunThemAll() throws Exception {
    assumeTrue(ScriptUser.canSwitch(), "KeepalivedScriptSecurityIT needs root (namespaces); skipped");
    Path conf = conf(false);
    TreeSet<String> keepalived = runKeepalived(conf);
    assertEquals(new TreeSet<>(List.of("open notify INSTANCE VI_1 BACKUP 100", "open vscript", "safe notify",
        "safe vscript")), settled(keepalived), Files.readString(dir.resolve("keepalived.log")));
    TreeSet<String> lbkit = runLbkit(conf);
    assertEquals(settled(keepalived), settled(lbkit));
    assertTrue(lbkit.containsAll(keepalived), "keepalived " + keepalived + ", lbkit " + lbkit);
  }
}
