package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real keepalived 2.2.7 running VRRP scripts (no IPVS needed) in a network and mount namespace of its own, where
 * /etc/passwd is a copy with or without a {@code keepalived_script} account: which user keepalived runs scripts as,
 * which words of a {@code script} line reach the program, and whom a notify hook with a user of its own runs as,
 * against what lbkit decides for the same file and user
 * database ({@link ScriptUsers}, lb-config's script lines). Needs root, unshare and keepalived (.ci/install; see
 * {@link NetnsKeepalived}); skipped, saying so, without root.
 */
final class KeepalivedScriptUsersIT {
  @TempDir
  Path dir;

  private static final String CONF = """
      vrrp_script unquoted {
        script %1$s/rec.sh extra words
        interval 1
      }
      vrrp_script quoted {
        script "%1$s/rec.sh in quotes"
        interval 1
      }
      """ + NetnsKeepalived.VI_1_OPENING + """
        track_script {
          unquoted
          quoted
        }
        notify_backup "%1$s/rec.sh notify" nobody
      }
      """;

  /** What keepalived's scripts recorded: one line per distinct run, "ARGS user=NAME". */
  private TreeSet<String> runKeepalived(boolean withKeepalivedScript) throws Exception {
    NetnsKeepalived keepalived = new NetnsKeepalived(dir);
    keepalived.recordingScript("rec.sh", "[$*] user=$(id -un)", "rwxr-xr-x");
    Path passwd = dir.resolve("passwd");
    String users = Files.readString(Path.of("/etc/passwd"));
    Files.writeString(passwd, users + (withKeepalivedScript
        ? "keepalived_script:x:64999:65534:lbkit test:/nonexistent:/usr/sbin/nologin\n" : ""));
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), CONF.formatted(dir));
    return keepalived.run(conf, "mount --bind " + passwd + " /etc/passwd");
  }

  private KeepalivedConfig parse() throws Exception {
    return KeepalivedConfigParser.parse("k.conf", CONF.formatted(dir), dir).orThrow();
  }

  /** The user database of the namespace, as lbkit's lookup sees it. */
  private static Function<ScriptUser, Optional<String>> database(boolean withKeepalivedScript) {
    return u -> !u.user().equals("keepalived_script") ? u.problem()
        : withKeepalivedScript ? Optional.empty() : Optional.of("script user 'keepalived_script' does not exist");
  }

  @Test
  void withKeepalivedScript_keepalivedRunsScriptsAsIt_andSoDoesLbkit() throws Exception {
    assumeTrue(ScriptUser.canSwitch(), "KeepalivedScriptUsersIT needs root (namespaces, bind mounts); skipped");
    assertEquals(new TreeSet<>(List.of("[] user=keepalived_script", "[in quotes] user=keepalived_script",
        "[notify] user=nobody")), runKeepalived(true));
    ScriptUsers lbkit = ScriptUsers.resolve(parse(), database(true), "keepalived_script", true);
    assertEquals(Optional.of(ScriptUser.of("keepalived_script")), lbkit.vrrpScriptUser("unquoted"));
    assertEquals(Optional.of(ScriptUser.of("keepalived_script")), lbkit.vrrpScriptUser("quoted"));
  }

  @Test
  void withoutIt_keepalivedRunsThemAsItself_andOnlyQuotedWordsReachTheProgram() throws Exception {
    assumeTrue(ScriptUser.canSwitch(), "KeepalivedScriptUsersIT needs root (namespaces, bind mounts); skipped");
    assertEquals(new TreeSet<>(List.of("[] user=root", "[in quotes] user=root", "[notify] user=nobody")),
        runKeepalived(false));
    KeepalivedConfig c = parse();
    // a notify hook's user is the word after its (quoted) command line, in keepalived and in lbkit
    assertEquals(Optional.of(dir + "/rec.sh notify"), c.vrrpInstances().get(0).notifyScripts().backup());
    assertEquals("nobody", c.vrrpInstances().get(0).notifyScripts().users().get("notify_backup").toString());
    assertEquals(Optional.empty(), ScriptUsers.resolve(c, database(false), "keepalived_script", true)
        .vrrpScriptUser("unquoted"));
    // the words lbkit runs: as keepalived, "extra words" outside the quotes never reach the program
    assertEquals(List.of(List.of(dir + "/rec.sh"), List.of(dir + "/rec.sh", "in", "quotes")),
        c.vrrpScripts().stream().map(s -> HealthTargets.words(s.script())).toList());
  }
}
