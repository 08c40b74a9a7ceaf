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
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real keepalived 2.2.7 (VRRP only, no IPVS needed) in a network namespace of its own, and lbkit, on the same file
 * with a script only root can change and one anyone can ({@code chmod 777}), each as a tracked {@code vrrp_script}
 * and as a notify hook, run as root: with {@code enable_script_security} keepalived runs only the safe ones, without
 * it all of them; lbkit runs exactly the same commands (its tracked scripts and its notify hooks, run for real).
 * Needs root, unshare and keepalived (.ci/install; see {@link NetnsKeepalived}); skipped, saying so, without root.
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
      """ + NetnsKeepalived.VI_1_OPENING + """
        track_script {
          s_safe
          s_open
        }
        notify_backup "%1$s/safe.sh notify"
        notify "%1$s/open.sh notify"
        notify_fault "%1$s/missing.sh notify"
      }
      """;

  private NetnsKeepalived keepalived;

  private Path conf(boolean security) throws Exception {
    keepalived = new NetnsKeepalived(dir);
    for (String name : List.of("safe", "open")) {
      keepalived.recordingScript(name + ".sh", name + " $*", name.equals("safe") ? "rwxr-xr-x" : "rwxrwxrwx");
    }
    return Files.writeString(dir.resolve("keepalived.conf"), CONF.formatted(dir, security ? "enable_script_security"
        : ""));
  }

  /**
   * What lbkit runs for the same file: each tracked script once, and the hooks of the instance entering BACKUP,
   * MASTER (keepalived alone takes over after about 3.6 s) and STOP (keepalived ends).
   */
  private TreeSet<String> runLbkit(Path conf) throws Exception {
    keepalived.clearRecord();
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
    return keepalived.recorded();
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
    TreeSet<String> theirs = keepalived.run(conf);
    assertEquals(new TreeSet<>(List.of("safe notify", "safe vscript")), theirs, keepalived.keepalivedLog());
    assertEquals(theirs, runLbkit(conf)); // the generic hook is open.sh: no MASTER or STOP runs on either side
  }

  @Test
  void withoutIt_bothRunThemAll() throws Exception {
    assumeTrue(ScriptUser.canSwitch(), "KeepalivedScriptSecurityIT needs root (namespaces); skipped");
    Path conf = conf(false);
    TreeSet<String> theirs = keepalived.run(conf);
    assertEquals(new TreeSet<>(List.of("open notify INSTANCE VI_1 BACKUP 100", "open vscript", "safe notify",
        "safe vscript")), settled(theirs), keepalived.keepalivedLog());
    TreeSet<String> lbkit = runLbkit(conf);
    assertEquals(settled(theirs), settled(lbkit));
    assertTrue(lbkit.containsAll(theirs), "keepalived " + theirs + ", lbkit " + lbkit);
  }
}
