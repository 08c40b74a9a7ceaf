package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.config.ConfigProblem;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.Location;
import dev.lbkit.config.NotifyScripts;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.ScriptUserConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.config.VrrpSyncGroupConfig;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.misc.ScriptVerdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * keepalived's script security over a whole configuration, judged once as it loads (keepalived 2.2.7
 * check_data.c {@code check_check_script_security}, vrrp.c {@code check_vrrp_script_security}): every notify hook
 * ({@code notify_up}/{@code notify_down} of real servers, {@code quorum_up}/{@code quorum_down} of virtual servers,
 * the {@code notify*} hooks of VRRP instances and sync groups) and every {@code vrrp_script} gets a
 * {@link ScriptVerdict} for the user it runs as. MISC_CHECK programs are judged by the health checker as they start
 * ({@link dev.lbkit.healthcheck.HealthChecker.Builder#scriptSecurity}).
 *
 * <p>What keepalived does with the verdicts, lbkit does: a hook it would not run (not found, not executable for its
 * user, or insecure under {@code enable_script_security}) is never run, and a {@code vrrp_script} it would not run
 * is dropped from every instance that tracks it (keepalived frees the track, so the instance no longer depends on
 * it). Each is a warning naming the script and why, as keepalived logs "... - disabling"; an insecure script that
 * still runs (no {@code enable_script_security}) is a warning too, as keepalived's "Unsafe permissions found".
 */
public final class ScriptScreen {
  private final Set<String> disabledVrrpScripts;
  private final Set<Hook> disabledHooks;
  private final List<ConfigProblem> warnings;

  /** A hook as the configuration names it: its command line and the user written after it (empty: none). */
  private record Hook(String command, Optional<ScriptUser> user) {
    static Hook of(String command, ScriptUserConfig own) {
      return new Hook(command, own == null ? Optional.empty() : Optional.of(new ScriptUser(own.user(), own.group())));
    }
  }

  private ScriptScreen(Set<String> disabledVrrpScripts, Set<Hook> disabledHooks, List<ConfigProblem> warnings) {
    this.disabledVrrpScripts = Set.copyOf(disabledVrrpScripts);
    this.disabledHooks = Set.copyOf(disabledHooks);
    this.warnings = List.copyOf(warnings);
  }

  /** Judges the scripts of {@code config} on this host, as the users {@code users} resolved run them. */
  public static ScriptScreen of(KeepalivedConfig config, ScriptUsers users) {
    boolean security = config.globalDefs().scriptSecurity();
    return of(config, users, (command, user) -> ScriptVerdict.of(command, user, security));
  }

  /** As above with another judge (for tests). */
  static ScriptScreen of(KeepalivedConfig config, ScriptUsers users,
      BiFunction<List<String>, Optional<ScriptUser>, ScriptVerdict> judge) {
    requireNonNull(config, "config");
    requireNonNull(users, "users");
    boolean security = config.globalDefs().scriptSecurity();
    Set<String> vrrpOff = new HashSet<>();
    Set<Hook> hooksOff = new HashSet<>();
    List<ConfigProblem> warnings = new ArrayList<>();
    Map<Hook, ScriptVerdict> seen = new HashMap<>();
    for (VrrpScriptConfig s : config.vrrpScripts()) {
      List<String> words = HealthTargets.words(s.script());
      if (words.isEmpty()) {
        continue;
      }
      ScriptVerdict v = judge.apply(words, users.vrrpScriptUser(s.name()));
      if (!v.runs()) {
        vrrpOff.add(s.name());
        warnings.add(warning(s.location(), "vrrp_script " + s.name() + " (" + words.get(0) + ") is disabled, as"
            + " keepalived disables it" + (v.insecure() ? " under enable_script_security" : "") + ": "
            + v.detail().orElse("") + "; instances that track it no longer do"));
      } else if (v.insecure()) {
        warnings.add(insecure(s.location(), "vrrp_script " + s.name(), words.get(0), v));
      }
    }
    for (VirtualServerConfig vs : config.virtualServers()) {
      hook(vs.quorumUp(), "quorum_up", vs.hookUsers(), vs.location(), users, judge, security, seen, hooksOff,
          warnings);
      hook(vs.quorumDown(), "quorum_down", vs.hookUsers(), vs.location(), users, judge, security, seen, hooksOff,
          warnings);
      for (RealServerConfig rs : vs.realServers()) {
        hook(rs.notifyUp(), "notify_up", rs.hookUsers(), rs.location(), users, judge, security, seen, hooksOff,
            warnings);
        hook(rs.notifyDown(), "notify_down", rs.hookUsers(), rs.location(), users, judge, security, seen, hooksOff,
            warnings);
      }
    }
    for (VrrpInstanceConfig i : config.vrrpInstances()) {
      notifyHooks(i.notifyScripts(), i.location(), users, judge, security, seen, hooksOff, warnings);
    }
    for (VrrpSyncGroupConfig g : config.syncGroups()) {
      notifyHooks(g.notifyScripts(), g.location(), users, judge, security, seen, hooksOff, warnings);
    }
    return new ScriptScreen(vrrpOff, hooksOff, warnings);
  }

  private static void notifyHooks(NotifyScripts n, Location at, ScriptUsers users,
      BiFunction<List<String>, Optional<ScriptUser>, ScriptVerdict> judge, boolean security, Map<Hook, ScriptVerdict> seen,
      Set<Hook> off, List<ConfigProblem> warnings) {
    hook(n.master(), "notify_master", n.users(), at, users, judge, security, seen, off, warnings);
    hook(n.backup(), "notify_backup", n.users(), at, users, judge, security, seen, off, warnings);
    hook(n.fault(), "notify_fault", n.users(), at, users, judge, security, seen, off, warnings);
    hook(n.stop(), "notify_stop", n.users(), at, users, judge, security, seen, off, warnings);
    hook(n.any(), "notify", n.users(), at, users, judge, security, seen, off, warnings);
    hook(n.deleted(), "notify_deleted", n.users(), at, users, judge, security, seen, off, warnings);
  }

  private static void hook(Optional<String> command, String keyword, Map<String, ScriptUserConfig> hookUsers,
      Location at, ScriptUsers users, BiFunction<List<String>, Optional<ScriptUser>, ScriptVerdict> judge,
      boolean security, Map<Hook, ScriptVerdict> seen, Set<Hook> off, List<ConfigProblem> warnings) {
    if (command.isEmpty()) {
      return;
    }
    List<String> words = HealthTargets.words(command.get());
    if (words.isEmpty()) {
      return;
    }
    ScriptUserConfig own = hookUsers.get(keyword);
    Hook h = Hook.of(command.get(), own);
    if (seen.containsKey(h)) {
      return; // one judgement and one warning per script and user, as the same command may be several hooks
    }
    Optional<ScriptUser> as = h.user().or(users::defaultUser);
    ScriptVerdict v = judge.apply(words, as);
    seen.put(h, v);
    if (!v.runs()) {
      off.add(h);
      warnings.add(warning(at, keyword + " script " + words.get(0) + " is disabled, as keepalived disables it"
          + (v.insecure() && security ? " under enable_script_security" : "") + ": " + v.detail().orElse("")));
    } else if (v.insecure()) {
      warnings.add(insecure(at, keyword + " script", words.get(0), v));
    }
  }

  private static ConfigProblem insecure(Location at, String what, String program, ScriptVerdict v) {
    return warning(at, what + " " + program + " runs although others than root could change it (set"
        + " enable_script_security in global_defs to refuse it, as keepalived would): " + v.detail().orElse(""));
  }

  private static ConfigProblem warning(Location at, String message) {
    return new ConfigProblem(at, ConfigProblem.Severity.WARNING, message);
  }

  /** Whether the {@code vrrp_script} called {@code name} may run (unknown names may). */
  public boolean vrrpScriptRuns(String name) {
    return !disabledVrrpScripts.contains(name);
  }

  /**
   * Whether a notify hook may run: {@code command} as written, {@code own} the user written after it (null: none).
   * Hooks this screen did not judge may run.
   */
  public boolean hookRuns(String command, ScriptUserConfig own) {
    return !disabledHooks.contains(Hook.of(command, own));
  }

  /** The scripts that do not run, and those that run although insecure, each where the file names it. */
  public List<ConfigProblem> warnings() {
    return warnings;
  }
}
