package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.vrrp.VrrpScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * keepalived's script security on every script of a keepalived.conf, for real on this host: notify hooks of real
 * servers, virtual servers and VRRP instances run as root (the default script user here, as keepalived's when the
 * host has no {@code keepalived_script} account) only if nobody but root could change them, under
 * {@code enable_script_security}; without it they run anyway (with a warning); a hook whose program is missing never
 * runs; a tracked {@code vrrp_script} that keepalived would disable is tracked by no instance. Needs root (files
 * owned by root, hooks run as root): as anyone else it is skipped, saying so.
 */
final class ScriptSecurityIT {
  private Path dir;
  private Path log;
  private Path safe;
  private Path open;

  @BeforeEach
  void scripts() throws Exception {
    String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim();
    assumeTrue(uid.equals("0"), "ScriptSecurityIT judges scripts run as root; running as uid " + uid
        + ", so it is skipped");
    assumeTrue(new ProcessBuilder("getent", "passwd", "keepalived_script").start().waitFor() != 0,
        "this host has a keepalived_script account, so hooks would not run as root");
    dir = Files.createTempDirectory("lbkit-script-security");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    log = dir.resolve("log");
    Files.writeString(log, "");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
    safe = script("safe.sh", "rwxr-xr-x");
    open = script("open.sh", "rwxrwxrwx"); // anyone could change what root runs
  }

  private Path script(String name, String mode) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho \"" + name + " $*\" >> '" + dir.resolve("log") + "'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  @AfterEach
  void clean() throws Exception {
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private KeepalivedConfig config(boolean security) throws Exception {
    return KeepalivedConfigParser.parse("s.conf", """
        global_defs {
          %1$s
        }
        vrrp_script chk_open {
          script %3$s
        }
        vrrp_script chk_safe {
          script %2$s
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 120
          virtual_ipaddress {
            192.0.2.1
          }
          track_script {
            chk_open
            chk_safe
          }
          notify_master "%2$s master"
          notify_backup "%3$s backup"
          notify_fault /nonexistent/hook
        }
        virtual_server 192.0.2.1 80 {
          protocol TCP
          lb_kind NAT
          quorum_down "%3$s quorum-down"
          real_server 10.0.0.1 80 {
            notify_down "%2$s rs-down"
          }
        }
        """.formatted(security ? "enable_script_security" : "", safe, open), dir).orThrow();
  }

  /** Runs every hook kind once and returns what ran, in start order. */
  private List<String> runHooks(KeepalivedConfig c) throws Exception {
    ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:80"));
    HookStarts starts;
    try (NotifyRunner runner = new NotifyRunner(c)) {
      starts = HookStarts.watch(runner);
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.INITIALIZE, VrrpState.BACKUP,
          "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.BACKUP, VrrpState.MASTER, "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.MASTER, VrrpState.FAULT, "t"));
      runner.onDirectorEvent(new DirectorEvent.MemberChanged(Instant.EPOCH, key, Endpoint.parse("10.0.0.1:80"), false,
          1, "t"));
      runner.onDirectorEvent(new DirectorEvent.QuorumChanged(Instant.EPOCH, key, false, 0));
    }
    // each script writes its file name and arguments
    return starts.inStartOrder(log, argv -> (Path.of(argv.get(0)).getFileName() + " " + String.join(" ",
        argv.subList(1, argv.size()))).strip());
  }

  @Test
  void underScriptSecurity_onlyScriptsOnlyRootCanChange_run() throws Exception {
    KeepalivedConfig c = config(true);
    assertEquals(List.of("safe.sh master", "safe.sh rs-down"), runHooks(c));
    // the insecure vrrp_script is run by nobody and tracked by no instance; the safe one still is
    assertEquals(List.of("chk_safe"), KeepalivedVrrp.vrrpScripts(c).stream().map(VrrpScript::name).toList());
    assertEquals(Map.of("chk_safe", 0), KeepalivedVrrp.vrrpConfig(c, c.vrrpInstances().get(0),
        UnaryOperator.identity()).trackWeights());
    List<String> warnings = ScriptScreen.of(c, ScriptUsers.resolve(c)).warnings().stream().map(Object::toString)
        .toList();
    assertEquals(4, warnings.size(), warnings.toString()); // chk_open, notify_backup, notify_fault, quorum_down
    assertTrue(warnings.get(0).contains("vrrp_script chk_open (" + open + ") is disabled, as keepalived disables it"
        + " under enable_script_security: " + open + " is writable by everyone"), warnings.get(0));
  }

  @Test
  void withoutScriptSecurity_insecureScriptsRunWithAWarning_butMissingOnesDoNot() throws Exception {
    KeepalivedConfig c = config(false);
    assertEquals(List.of("open.sh backup", "safe.sh master", "safe.sh rs-down", "open.sh quorum-down"),
        runHooks(c));
    assertEquals(List.of("chk_open", "chk_safe"), KeepalivedVrrp.vrrpScripts(c).stream().map(VrrpScript::name)
        .toList());
    List<String> warnings = ScriptScreen.of(c, ScriptUsers.resolve(c)).warnings().stream().map(Object::toString)
        .toList();
    assertTrue(warnings.stream().anyMatch(w -> w.contains("notify_fault script /nonexistent/hook is disabled")),
        warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("quorum_down script " + open + " runs although others"
        + " than root could change it")), warnings.toString());
  }
}
