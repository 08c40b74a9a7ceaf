package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.ParseResult;
import dev.lbkit.director.spi.TableWriter;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7's choice of script user (notify.c get_default_script_user, check_misc.c misc_end_handler) over
 * a user database given by the test: the real lookup is ScriptUsersIT's.
 */
final class ScriptUsersTest {
  private static KeepalivedConfig parse(String globals, String miscUser) {
    ParseResult r = KeepalivedConfigParser.parse("k.conf", """
        global_defs {
        %s
        }
        virtual_server 192.0.2.10 80 {
          real_server 10.0.0.2 80 {
            MISC_CHECK {
              misc_path /usr/local/bin/check
        %s
            }
          }
        }
        """.formatted(globals, miscUser), Path.of("."));
    assertEquals(List.of(), r.errors());
    return r.config();
  }

  /** A host whose user database holds exactly these users and groups. */
  private static Function<ScriptUser, Optional<String>> host(Set<String> users, Set<String> groups) {
    return u -> !users.contains(u.user()) ? Optional.of("script user '" + u.user() + "' does not exist")
        : u.group().filter(g -> !groups.contains(g)).map(g -> "script group '" + g + "' does not exist");
  }

  private static final Function<ScriptUser, Optional<String>> WITH_KEEPALIVED_SCRIPT =
      host(Set.of("root", "nobody", "keepalived_script"), Set.of("nogroup"));
  private static final Function<ScriptUser, Optional<String>> WITHOUT =
      host(Set.of("root", "nobody"), Set.of("nogroup"));

  private static MiscCheck misc(KeepalivedConfig c, ScriptUsers users) {
    return (MiscCheck) HealthTargets.of(c.virtualServers().get(0), users.defaultUser()).get(0).check();
  }

  @Test
  void keepalivedScript_isTheDefault_whenTheHostHasIt() {
    KeepalivedConfig c = parse("", "");
    ScriptUsers users = ScriptUsers.resolve(c, WITH_KEEPALIVED_SCRIPT, "keepalived_script", true);
    assertTrue(users.ok());
    assertEquals(Optional.of(ScriptUser.of("keepalived_script")), users.defaultUser());
    assertEquals(Optional.of(ScriptUser.of("keepalived_script")), misc(c, users).user());
  }

  @Test
  void withoutKeepalivedScript_programsRunAsTheCheckersOwnUser() {
    KeepalivedConfig c = parse("", "");
    ScriptUsers users = ScriptUsers.resolve(c, WITHOUT, "keepalived_script", true);
    assertTrue(users.ok());
    assertEquals(Optional.empty(), users.defaultUser());
    assertEquals(Optional.empty(), misc(c, users).user());
  }

  @Test
  void withoutKeepalivedScript_underScriptSecurity_aCheckWithoutUserIsAnError() {
    KeepalivedConfig c = parse("  enable_script_security", "");
    ScriptUsers users = ScriptUsers.resolve(c, WITHOUT, "keepalived_script", true);
    assertEquals(List.of("k.conf:6:5: Unable to set default user keepalived_script for misc script"
        + " /usr/local/bin/check: it does not exist, and enable_script_security forbids running scripts as the"
        + " checker's own user by default; set script_user in global_defs or user in MISC_CHECK"),
        users.errors().stream().map(Object::toString).toList());
    // a user of its own is enough
    assertTrue(ScriptUsers.resolve(parse("  enable_script_security", "      user nobody"), WITHOUT,
        "keepalived_script", true).ok());
    // and so is script_user
    assertTrue(ScriptUsers.resolve(parse("  enable_script_security\n  script_user nobody", ""), WITHOUT,
        "keepalived_script", true).ok());
  }

  @Test
  void scriptUser_winsOverKeepalivedScript_andTheChecksOwnUserOverBoth() {
    KeepalivedConfig c = parse("  script_user nobody nogroup", "");
    ScriptUsers users = ScriptUsers.resolve(c, WITH_KEEPALIVED_SCRIPT, "keepalived_script", true);
    assertEquals(Optional.of(ScriptUser.of("nobody", "nogroup")), misc(c, users).user());
    KeepalivedConfig own = parse("  script_user nobody", "      user root");
    assertEquals(Optional.of(ScriptUser.of("root")),
        misc(own, ScriptUsers.resolve(own, WITH_KEEPALIVED_SCRIPT, "keepalived_script", true)).user());
  }

  @Test
  void usersTheHostLacks_areErrorsWhereTheyAreNamed() {
    assertEquals(List.of("k.conf:2:1: Error setting global script uid/gid: script user 'ghost' does not exist"),
        ScriptUsers.resolve(parse("script_user ghost", ""), WITHOUT, "keepalived_script", true).errors().stream()
            .map(Object::toString).toList());
    assertEquals(List.of("k.conf:8:1: Failed to set uid/gid for misc checker script /usr/local/bin/check: script"
            + " group 'ghosts' does not exist"),
        ScriptUsers.resolve(parse("", "user nobody ghosts"), WITHOUT, "keepalived_script", true).errors().stream()
            .map(Object::toString).toList());
  }

  @Test
  void keepalivedScript_isNotTheDefault_unlessLbkitRunsAsRoot() {
    KeepalivedConfig c = parse("", "");
    ScriptUsers users = ScriptUsers.resolve(c, WITH_KEEPALIVED_SCRIPT, "keepalived_script", false);
    assertTrue(users.ok());
    assertEquals(Optional.empty(), users.defaultUser());
    assertEquals(List.of("k.conf:6:5: warning: the host has user keepalived_script, whom keepalived runs scripts as"
        + " by default, but lbkit does not run as root and so runs them as its own user"),
        users.warnings().stream().map(Object::toString).toList());
  }

  private static KeepalivedConfig vrrp(String globals, String scriptUser) {
    ParseResult r = KeepalivedConfigParser.parse("v.conf", """
        global_defs {
        %s
        }
        vrrp_script chk {
          script "/usr/local/bin/chk"
        %s
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          track_script {
            chk
          }
          notify_master /usr/local/bin/became-master
          virtual_ipaddress {
            10.0.0.100
          }
        }
        """.formatted(globals, scriptUser), Path.of("."));
    assertEquals(List.of(), r.errors());
    return r.config();
  }

  @Test
  void vrrpScripts_andNotifyHooks_followTheSameRules() {
    // no MISC_CHECK: the vrrp_script and the notify hook alone make keepalived pick a default
    ScriptUsers withDefault = ScriptUsers.resolve(vrrp("", ""), WITH_KEEPALIVED_SCRIPT, "keepalived_script", true);
    assertEquals(Optional.of(ScriptUser.of("keepalived_script")), withDefault.defaultUser());
    assertEquals(Optional.of(ScriptUser.of("keepalived_script")), withDefault.vrrpScriptUser("chk"));
    ScriptUsers own = ScriptUsers.resolve(vrrp("", "  user nobody nogroup"), WITH_KEEPALIVED_SCRIPT,
        "keepalived_script", true);
    assertEquals(Optional.of(ScriptUser.of("nobody", "nogroup")), own.vrrpScriptUser("chk"));
    assertEquals(List.of("v.conf:4:1: Unable to set uid/gid for script /usr/local/bin/chk: script user 'ghost' does"
        + " not exist"), ScriptUsers.resolve(vrrp("", "  user ghost"), WITHOUT, "keepalived_script", true).errors()
        .stream().map(Object::toString).toList());
    assertEquals(List.of("v.conf:4:1: Unable to set default user keepalived_script for vrrp script chk: it does not"
        + " exist, and enable_script_security forbids running scripts as the checker's own user by default; set"
        + " script_user in global_defs or user in vrrp_script"), ScriptUsers.resolve(vrrp("  enable_script_security",
        ""), WITHOUT, "keepalived_script", true).errors().stream().map(Object::toString).toList());
  }

  @Test
  void notifyHookUsers_theHostLacks_areErrors() {
    ParseResult r = KeepalivedConfigParser.parse("h.conf", """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          notify_master "/usr/local/bin/hook" ghost
          notify_backup "/usr/local/bin/hook" nobody
          virtual_ipaddress {
            10.0.0.100
          }
        }
        """, Path.of("."));
    assertEquals(List.of(), r.errors());
    assertEquals(List.of("h.conf:4:39: Invalid user/group for notify script: script user 'ghost' does not exist"),
        ScriptUsers.resolve(r.config(), WITHOUT, "keepalived_script", true).errors().stream().map(Object::toString)
            .toList());
  }

  @Test
  void aDirector_refusesUsersThisHostLacks() {
    KeepalivedConfig c = parse("", "      user lbkit-no-such-user-7");
    TableWriter table = new RecordingTableWriter();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeepalivedDirector.builder(c, table).build());
    assertTrue(e.getMessage().contains("script user 'lbkit-no-such-user-7' does not exist"), e.getMessage());
  }
}
