package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.config.ConfigProblem;
import dev.lbkit.config.GlobalDefs;
import dev.lbkit.config.HealthCheckConfig;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.Location;
import dev.lbkit.config.ScriptUserConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whom the scripts of a keepalived.conf (MISC_CHECK programs, {@code vrrp_script}s, notify hooks) run as on this
 * host, decided as keepalived 2.2.7 decides it when it loads the file (notify.c {@code get_default_script_user},
 * check_misc.c {@code misc_end_handler}, vrrp_parser.c {@code vrrp_vscript_end_handler}):
 * <ol>
 *   <li>a MISC_CHECK's or vrrp_script's own {@code user USER [GROUP]};
 *   <li>else {@code global_defs}' {@code script_user USER [GROUP]};
 *   <li>else the user {@value ScriptUserConfig#KEEPALIVED_DEFAULT_USER}, if the host has it and lbkit runs as root
 *       (keepalived always does; as another user lbkit cannot switch, so it keeps its own and warns);
 *   <li>else the checker's own user, unless {@code enable_script_security} is set: then keepalived refuses to pick
 *       a default and drops the check.
 * </ol>
 *
 * <p>Where keepalived drops a check (a named user or group that does not exist, no default under script
 * security), lbkit reports an error instead: a dropped check would leave its real server always up, which is not
 * what the file says. Whether a program that runs as root is safe to run is judged when it starts (see
 * {@link dev.lbkit.healthcheck.HealthChecker.Builder#scriptSecurity}).
 */
public final class ScriptUsers {
  private final Optional<ScriptUser> defaultUser;
  private final Map<String, Optional<ScriptUser>> vrrpScriptUsers;
  private final List<ConfigProblem> errors;
  private final List<ConfigProblem> warnings;

  private ScriptUsers(Optional<ScriptUser> defaultUser, Map<String, Optional<ScriptUser>> vrrpScriptUsers,
      List<ConfigProblem> errors, List<ConfigProblem> warnings) {
    this.defaultUser = defaultUser;
    this.vrrpScriptUsers = Map.copyOf(vrrpScriptUsers);
    this.errors = List.copyOf(errors);
    this.warnings = List.copyOf(warnings);
  }

  /** Looks the users of {@code config} up in this host's user database. */
  public static ScriptUsers resolve(KeepalivedConfig config) {
    return resolve(config, ScriptUser::problem, ScriptUserConfig.KEEPALIVED_DEFAULT_USER, ScriptUser.canSwitch());
  }

  /**
   * Resolves with another lookup or default user name (for tests).
   *
   * @param lookup why a user cannot be used; empty when it can
   * @param defaultName the user to fall back to, keepalived's {@value ScriptUserConfig#KEEPALIVED_DEFAULT_USER}
   * @param root whether this process runs as root and so may switch users
   */
  static ScriptUsers resolve(KeepalivedConfig config, Function<ScriptUser, Optional<String>> lookup,
      String defaultName, boolean root) {
    requireNonNull(config, "config");
    GlobalDefs g = config.globalDefs();
    List<ConfigProblem> errors = new ArrayList<>();
    List<ConfigProblem> warnings = new ArrayList<>();
    Optional<ScriptUser> fallback = Optional.empty();
    boolean fallbackFailed = false;
    if (g.scriptUser().isPresent()) {
      ScriptUserConfig u = g.scriptUser().get();
      Optional<String> problem = lookup.apply(toUser(u));
      if (problem.isPresent()) {
        errors.add(error(u.location(), "Error setting global script uid/gid: " + problem.get()));
        fallbackFailed = true;
      } else {
        fallback = Optional.of(toUser(u));
      }
    } else if (firstScript(config).isPresent()) {
      ScriptUser keepalivedScript = ScriptUser.of(defaultName);
      if (lookup.apply(keepalivedScript).isEmpty() && root) {
        fallback = Optional.of(keepalivedScript);
      } else if (lookup.apply(keepalivedScript).isEmpty()) {
        warnings.add(new ConfigProblem(firstScript(config).orElseThrow(), ConfigProblem.Severity.WARNING, "the host has"
            + " user " + defaultName + ", whom keepalived runs scripts as by default, but lbkit does not run as root"
            + " and so runs them as its own user"));
      } else if (g.scriptSecurity()) {
        fallbackFailed = true;
      }
    }
    for (VirtualServerConfig vs : config.virtualServers()) {
      for (var rs : vs.realServers()) {
        for (HealthCheckConfig c : rs.checks()) {
          if (!(c instanceof HealthCheckConfig.Misc misc)) {
            continue;
          }
          if (misc.user().isPresent()) {
            Optional<String> problem = lookup.apply(toUser(misc.user().get()));
            problem.ifPresent(p -> errors.add(error(misc.user().get().location(), "Failed to set uid/gid for misc"
                + " checker script " + misc.script() + ": " + p)));
          } else if (fallbackFailed && g.scriptUser().isEmpty()) {
            errors.add(error(misc.location(), "Unable to set default user " + defaultName + " for misc script "
                + misc.script() + ": it does not exist, and enable_script_security forbids running scripts as"
                + " the checker's own user by default; set script_user in global_defs or user in MISC_CHECK"));
          }
        }
      }
    }
    // notify hooks with a user of their own (keepalived: "Invalid user/group for ... script - ignoring")
    List<ScriptUserConfig> hookUsers = new ArrayList<>();
    config.vrrpInstances().forEach(i -> hookUsers.addAll(i.notifyScripts().users().values()));
    config.syncGroups().forEach(sg -> hookUsers.addAll(sg.notifyScripts().users().values()));
    config.virtualServers().forEach(vs -> {
      hookUsers.addAll(vs.hookUsers().values());
      vs.realServers().forEach(rs -> hookUsers.addAll(rs.hookUsers().values()));
    });
    for (ScriptUserConfig u : hookUsers) {
      lookup.apply(toUser(u)).ifPresent(p -> errors.add(error(u.location(), "Invalid user/group for notify script: "
          + p)));
    }
    Map<String, Optional<ScriptUser>> vrrpUsers = new HashMap<>();
    for (VrrpScriptConfig vs : config.vrrpScripts()) {
      if (vs.user().isPresent()) {
        Optional<ScriptUser> u = Optional.empty();
        try {
          u = Optional.of(ScriptUser.parse(vs.user().get()));
        } catch (IllegalArgumentException e) {
          errors.add(error(vs.location(), "Unable to set uid/gid for script " + vs.script() + ": " + e.getMessage()));
        }
        u.flatMap(lookup).ifPresent(p -> errors.add(error(vs.location(), "Unable to set uid/gid for script "
            + vs.script() + ": " + p)));
        vrrpUsers.put(vs.name(), u);
      } else {
        if (fallbackFailed && g.scriptUser().isEmpty()) {
          errors.add(error(vs.location(), "Unable to set default user " + defaultName + " for vrrp script "
              + vs.name() + ": it does not exist, and enable_script_security forbids running scripts as the"
              + " checker's own user by default; set script_user in global_defs or user in vrrp_script"));
        }
        vrrpUsers.put(vs.name(), fallback);
      }
    }
    return new ScriptUsers(fallback, vrrpUsers, errors, warnings);
  }

  /** Where the first script of any kind is: a MISC_CHECK, a vrrp_script or a notify hook. */
  private static Optional<Location> firstScript(KeepalivedConfig config) {
    List<Location> at = new ArrayList<>();
    config.virtualServers().stream().flatMap(vs -> vs.realServers().stream())
        .flatMap(rs -> rs.checks().stream()).filter(c -> c instanceof HealthCheckConfig.Misc).findFirst()
        .ifPresent(c -> at.add(c.location()));
    config.vrrpScripts().stream().findFirst().ifPresent(s -> at.add(s.location()));
    config.vrrpInstances().stream().filter(i -> !i.notifyScripts().isEmpty()).findFirst()
        .ifPresent(i -> at.add(i.location()));
    config.syncGroups().stream().filter(g -> !g.notifyScripts().isEmpty()).findFirst()
        .ifPresent(g -> at.add(g.location()));
    config.virtualServers().stream().filter(vs -> vs.quorumUp().isPresent() || vs.quorumDown().isPresent()
        || vs.realServers().stream().anyMatch(rs -> rs.notifyUp().isPresent() || rs.notifyDown().isPresent()))
        .findFirst().ifPresent(vs -> at.add(vs.location()));
    return at.stream().min(Comparator.comparing(Location::file).thenComparingInt(Location::line));
  }

  private static ScriptUser toUser(ScriptUserConfig u) {
    return new ScriptUser(u.user(), u.group());
  }

  private static ConfigProblem error(Location at, String message) {
    return new ConfigProblem(at, ConfigProblem.Severity.ERROR, message);
  }

  /**
   * The user for MISC_CHECKs that name none: {@code script_user}, or
   * {@value ScriptUserConfig#KEEPALIVED_DEFAULT_USER} if it exists; empty: the checker's own user.
   */
  public Optional<ScriptUser> defaultUser() {
    return defaultUser;
  }

  /** The user a {@code vrrp_script} runs as: its own {@code user}, else {@link #defaultUser()}. */
  public Optional<ScriptUser> vrrpScriptUser(String name) {
    return vrrpScriptUsers.getOrDefault(name, defaultUser);
  }

  /**
   * {@code command} as it must be started to run as {@code user} (see {@link ScriptUser#commandLine}), unchanged
   * for no user.
   *
   * @throws IllegalArgumentException if it cannot run as that user here (no such user, or lbkit is not root)
   */
  public static List<String> commandLine(Optional<ScriptUser> user, List<String> command) {
    if (user.isEmpty()) {
      return command;
    }
    try {
      return user.get().commandLine(command);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Users that cannot be used here, each where the file names it (or at the check that needs a default). */
  public List<ConfigProblem> errors() {
    return errors;
  }

  /** Things that work, but not as keepalived would do them here (see the class comment). */
  public List<ConfigProblem> warnings() {
    return warnings;
  }

  /** Whether every script user could be resolved. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
