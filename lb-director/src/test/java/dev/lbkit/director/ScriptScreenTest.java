package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.config.ConfigProblem;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.Location;
import dev.lbkit.config.ScriptUserConfig;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.misc.ScriptVerdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which scripts of a keepalived.conf run, given keepalived's verdict on each (here set by name: {@code /ok} runs,
 * {@code /missing} is not there, {@code /open} is insecure): every kind of hook and vrrp_script is judged, as the
 * user it runs as, once per command and user.
 */
final class ScriptScreenTest {
  private final List<String> judged = new ArrayList<>();

  private ScriptVerdict judge(List<String> command, Optional<ScriptUser> user, boolean security) {
    judged.add(command.get(0) + " as " + user.map(ScriptUser::toString).orElse("self"));
    return switch (command.get(0)) {
      case "/ok" -> new ScriptVerdict(true, true, false, Optional.empty());
      case "/missing" -> new ScriptVerdict(false, false, false, Optional.of("cannot access /missing"));
      case "/open" -> new ScriptVerdict(!security, true, true, Optional.of("/open is writable by everyone"));
      default -> throw new AssertionError(command);
    };
  }

  private static final String CONF = """
      global_defs {
        script_user nobody
        %s
      }
      vrrp_script chk_open {
        script /open
      }
      vrrp_script chk_ok {
        script "/ok now"
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
          chk_ok weight 5
        }
        notify_master /missing
        notify_backup "/open backup" daemon
        notify /ok
      }
      virtual_server 192.0.2.1 80 {
        protocol TCP
        lb_kind NAT
        quorum_up /ok
        quorum_down /open
        real_server 10.0.0.1 80 {
          notify_up /ok
          notify_down "/missing down"
        }
      }
      """;

  private ScriptScreen screen(boolean security) throws Exception {
    KeepalivedConfig c = KeepalivedConfigParser.parse("s.conf", CONF.formatted(security ? "enable_script_security"
        : ""), Path.of(".")).orThrow();
    return ScriptScreen.of(c, ScriptUsers.resolve(c, u -> Optional.empty(), "keepalived_script", true),
        (command, user) -> judge(command, user, security));
  }

  @Test
  void underScriptSecurity_insecureAndMissingScriptsAreDisabled() throws Exception {
    ScriptScreen s = screen(true);
    assertFalse(s.vrrpScriptRuns("chk_open"));
    assertTrue(s.vrrpScriptRuns("chk_ok"));
    assertFalse(s.hookRuns("/open", null), "quorum_down");
    assertFalse(s.hookRuns("/open backup", new ScriptUserConfig("daemon", Optional.empty(),
        new Location("s.conf", 1, 1))), "notify_backup as daemon");
    assertFalse(s.hookRuns("/missing", null));
    assertFalse(s.hookRuns("/missing down", null));
    assertTrue(s.hookRuns("/ok", null));
    List<String> w = s.warnings().stream().map(ConfigProblem::toString).toList();
    assertEquals(5, w.size(), w.toString());
    assertTrue(w.get(0).startsWith("s.conf:5:1: warning: vrrp_script chk_open (/open) is disabled, as keepalived"
        + " disables it under enable_script_security: /open is writable by everyone"), w.get(0));
    assertTrue(w.stream().anyMatch(x -> x.contains("quorum_down script /open is disabled")), w.toString());
    assertTrue(w.stream().anyMatch(x -> x.contains("notify_master script /missing is disabled")), w.toString());
  }

  @Test
  void withoutScriptSecurity_insecureScriptsRun_withAWarning_missingOnesStillDoNot() throws Exception {
    ScriptScreen s = screen(false);
    assertTrue(s.vrrpScriptRuns("chk_open"));
    assertTrue(s.hookRuns("/open", null));
    assertFalse(s.hookRuns("/missing", null));
    List<String> w = s.warnings().stream().map(ConfigProblem::toString).toList();
    assertTrue(w.stream().anyMatch(x -> x.contains("vrrp_script chk_open /open runs although others than root could"
        + " change it")), w.toString());
  }

  @Test
  void eachScript_isJudgedAsTheUserItRunsAs_oncePerCommandAndUser() throws Exception {
    screen(true);
    assertEquals(List.of("/open as nobody", "/ok as nobody", "/ok as nobody", "/open as nobody",
        "/missing as nobody", "/missing as nobody", "/open as daemon"), judged);
  }
}
