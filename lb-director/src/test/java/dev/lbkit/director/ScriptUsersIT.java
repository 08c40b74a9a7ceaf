package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.vrrp.VrrpScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * keepalived.conf script users on this host, for real: MISC_CHECK programs started by the checker switch to the
 * {@code user} of the check, {@code script_user}, or keepalived's default user, and a program that checks who it
 * runs as ({@code id -un}) passes only as the expected one. Switching users needs root: as anyone else this IT is
 * skipped, saying so. It uses the stock {@code nobody} and {@code daemon} accounts; the host's
 * {@code keepalived_script} account is looked up for real but not created (the machine is shared), so the
 * default-user path is also run with {@code nobody} standing in for it.
 */
final class ScriptUsersIT {
  private static Path dir;
  private static Path script;

  @BeforeAll
  static void script() throws Exception {
    String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim();
    assumeTrue(uid.equals("0"), "ScriptUsersIT switches users and needs root; running as uid " + uid
        + ", so it is skipped");
    dir = Files.createTempDirectory("lbkit-script-users");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    script = dir.resolve("runs-as");
    Files.writeString(script, "#!/bin/sh\n[ \"$(id -un)\" = \"$1\" ]\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void clean() throws Exception {
    if (dir != null) {
      Files.deleteIfExists(script);
      Files.deleteIfExists(dir);
    }
  }

  private static KeepalivedConfig parse(String globals, String... checks) throws Exception {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < checks.length; i++) {
      servers.append("""
            real_server 10.0.0.%d 80 {
              %s
              MISC_CHECK {
                misc_path "%s"
                misc_timeout 5
                %s
              }
            }
          """.formatted(i + 1, checks[i].startsWith("alpha") ? "alpha" : "", script + " "
          + checks[i].replaceFirst("^alpha ", "").split(" as ")[0], checks[i].contains(" as ") ? "user "
          + checks[i].split(" as ")[1] : ""));
    }
    return KeepalivedConfigParser.parse("k.conf", """
        global_defs {
        %s
        }
        virtual_server 192.0.2.10 80 {
          protocol TCP
          delay_loop 1
        %s
        }
        """.formatted(globals, servers), Path.of(".")).orThrow();
  }

  private static CheckResult once(KeepalivedConfig c, ScriptUsers users, int realServer) throws Exception {
    MiscCheck check = (MiscCheck) HealthTargets.of(c.virtualServers().get(0), users.defaultUser())
        .get(realServer).check();
    try (HealthChecker checker = HealthChecker.builder().build()) {
      return checker.checkOnce(check, Duration.ofSeconds(5)).get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void theDefaultUser_runsChecksWithoutAUserOfTheirOwn() throws Exception {
    KeepalivedConfig c = parse("", "nobody", "root");
    // nobody standing in for keepalived_script: the host has it, so it becomes the default
    ScriptUsers users = ScriptUsers.resolve(c, ScriptUser::problem, "nobody", true);
    assertEquals(Optional.of(ScriptUser.of("nobody")), users.defaultUser());
    assertTrue(once(c, users, 0).isUp());
    assertTrue(once(c, users, 1) instanceof CheckResult.Down, "the program ran as nobody, not root");
  }

  @Test
  void keepalivedScript_isLookedUpOnThisHost() throws Exception {
    KeepalivedConfig c = parse("", "keepalived_script", "root");
    ScriptUsers users = ScriptUsers.resolve(c);
    boolean hostHasIt = ScriptUser.of("keepalived_script").problem().isEmpty();
    assertEquals(hostHasIt ? Optional.of(ScriptUser.of("keepalived_script")) : Optional.empty(),
        users.defaultUser());
    // with it, programs run as keepalived_script; without it, as the checker's own user (root), as in keepalived
    assertEquals(hostHasIt, once(c, users, 0).isUp());
    assertEquals(!hostHasIt, once(c, users, 1).isUp());
  }

  @Test
  void scriptUser_andTheChecksOwnUser_areUsed() throws Exception {
    KeepalivedConfig c = parse("  script_user daemon", "daemon", "nobody as nobody", "daemon as nobody");
    ScriptUsers users = ScriptUsers.resolve(c);
    assertTrue(users.ok());
    assertTrue(once(c, users, 0).isUp(), "script_user daemon");
    assertTrue(once(c, users, 1).isUp(), "user nobody in the check");
    assertTrue(once(c, users, 2) instanceof CheckResult.Down, "the check's own user wins over script_user");
  }

  @Test
  void theDirector_runsChecksAsScriptUser() throws Exception {
    // 10.0.0.1 starts down (alpha) and comes up once its program passes as daemon; 10.0.0.2 starts up and goes
    // down because its program, run as daemon, is not root
    KeepalivedConfig c = parse("  script_user daemon", "alpha daemon", "root");
    BlockingQueue<DestinationEvent> events = new LinkedBlockingQueue<>();
    try (KeepalivedDirector node = KeepalivedDirector.builder(c, new RecordingTableWriter())
        .healthListener(events::add).build()) {
      node.start();
      boolean up = false;
      boolean down = false;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!(up && down) && System.nanoTime() < end) {
        DestinationEvent e = events.poll(1, TimeUnit.SECONDS);
        // (alpha reports 10.0.0.1 down first; it must not go down again once up)
        assertTrue(!(up && e instanceof DestinationDown d1 && d1.destination().equals(Endpoint.parse("10.0.0.1:80"))),
            "10.0.0.1 went down after coming up: " + e);
        up |= e instanceof DestinationUp u && u.destination().equals(Endpoint.parse("10.0.0.1:80"));
        down |= e instanceof DestinationDown d && d.destination().equals(Endpoint.parse("10.0.0.2:80"));
      }
      assertTrue(up, "10.0.0.1 came up: its program ran as daemon");
      assertTrue(down, "10.0.0.2 went down: its program did not run as root");
    }
  }

  @Test
  void vrrpScripts_andNotifyHooks_runAsTheirScriptUser() throws Exception {
    Path log = dir.resolve("hook.log");
    Path hook = dir.resolve("hook");
    Files.writeString(hook, "#!/bin/sh\necho \"$1 $(id -un)\" >> '" + log + "'\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(log, "");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
    KeepalivedConfig c = KeepalivedConfigParser.parse("v.conf", """
        global_defs {
          script_user daemon
        }
        vrrp_script as_nobody {
          script "%1$s nobody"
          user nobody
        }
        vrrp_script as_default {
          script "%1$s daemon"
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          track_script {
            as_nobody
            as_default
          }
          notify_backup "%2$s backup"
          notify_master "%2$s master" nobody
          virtual_ipaddress {
            10.0.0.100
          }
        }
        """.formatted(script, hook), Path.of(".")).orThrow();
    for (VrrpScript s : KeepalivedVrrp.vrrpScripts(c)) {
      assertEquals("setpriv", s.command().get(0), s.toString());
      Process p = new ProcessBuilder(s.command()).start();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), s.name() + " ran as the wrong user: " + s.command());
    }
    try (NotifyRunner runner = new NotifyRunner(c)) {
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.INITIALIZE, VrrpState.BACKUP,
          "t"));
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.BACKUP, VrrpState.MASTER,
          "t"));
    }
    // notify_backup as script_user, notify_master as the user written after its command (they run side by side, as
    // keepalived's do, so their lines come in either order)
    assertEquals(List.of("backup daemon", "master nobody"), Files.readAllLines(log).stream().sorted().toList());
    Files.delete(hook);
    Files.delete(log);
  }

  @Test
  void unknownUsers_failTheConfiguration_notTheCheck() throws Exception {
    KeepalivedConfig c = parse("  script_user lbkit-ghost-user", "nobody");
    assertEquals(List.of("k.conf:2:3: Error setting global script uid/gid: script user 'lbkit-ghost-user' does not"
        + " exist"), ScriptUsers.resolve(c).errors().stream().map(Object::toString).toList());
  }
}
