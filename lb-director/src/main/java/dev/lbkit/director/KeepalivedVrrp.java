package dev.lbkit.director;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.config.VrrpSyncGroupConfig;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.VrrpConfig;
import dev.lbkit.vrrp.VrrpRouter;
import dev.lbkit.vrrp.VrrpScript;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * keepalived's {@code vrrp_instance}s and {@code vrrp_sync_group}s as lbkit VRRP configuration.
 *
 * <p>{@code state} acts as in keepalived 2.2.7 (vrrp.c vrrp_complete_instance and vrrp_complete_init,
 * vrrp_scheduler.c vrrp_init_state): only an address owner (priority 255) that wants MASTER becomes Master at once
 * on startup; an owner with {@code state BACKUP} waits Master_Down_Interval like any Backup
 * ({@link VrrpConfig#ownerStartsAsMaster()}), and an instance below 255 always starts as Backup, whatever its state,
 * the election deciding. In a sync group where some member wants BACKUP or is not an owner, no member starts as
 * MASTER. (lb-config derives the default priority from the state and clears {@code nopreempt} and
 * {@code preempt_delay} under {@code state MASTER}, as keepalived does.) {@code accept} / {@code no_accept} become
 * lb-vrrp's accept mode ({@link VrrpConfig#acceptMode()}) as keepalived 2.2.7 decides it: on unless written
 * {@code no_accept}, but off by default under {@code vrrp_strict} / {@code strict_mode}
 * ({@link VrrpInstanceConfig#acceptMode()}); a Master without it drops traffic to its addresses through the router's
 * traffic filter. The gratuitous ARP settings ({@code garp_master_*}, {@code garp_lower_prio_*},
 * {@code lower_prio_no_advert}, {@code vrrp_garp_interval}, {@code vrrp_gna_interval}) carry over as lb-config completes
 * them ({@link VrrpInstanceConfig.Garp}). Tracked scripts and interfaces become
 * tracked objects named after the script or interface, with keepalived's weights (the {@code track_script} override,
 * else the script's own weight). Every {@code vrrp_script} that an instance tracks is run by the router itself
 * ({@link VrrpScript}, with its interval, timeout, rise and fall; keepalived drops scripts nothing tracks), unless
 * keepalived's script security disables it ({@link ScriptScreen}): then no instance tracks it; interfaces
 * are polled with the check given to {@link KeepalivedDirector.Builder#interfaceCheck} (such as
 * {@code LinuxVrrp::interfaceUp}), or else count as up.
 */
public final class KeepalivedVrrp {
  private KeepalivedVrrp() {}

  /**
   * The lbkit configuration of one instance.
   *
   * @param interfaceMap renames interfaces, e.g. every one to {@code eth0} on an in-memory network
   * @throws IllegalArgumentException if lbkit's VRRP refuses it (VRRPv2 with IPv6, no virtual address, ...)
   */
  public static VrrpConfig vrrpConfig(KeepalivedConfig config, VrrpInstanceConfig i, UnaryOperator<String> interfaceMap) {
    VrrpConfig.Builder b = VrrpConfig.builder(i.name()).interfaceName(interfaceMap.apply(i.interfaceName()))
        .vrid(i.virtualRouterId()).priority(i.priority()).version(i.version()).advertInterval(i.advertInterval())
        .preempt(i.preempt()).preemptDelay(i.preemptDelay()).ownerStartsAsMaster(startsAsMaster(config, i))
        .acceptMode(i.acceptMode());
    VrrpInstanceConfig.Garp g = i.garp();
    b.garpRepeat(g.masterRepeat()).garpDelay(g.masterDelay()).garpRefresh(g.masterRefresh())
        .garpRefreshRepeat(g.masterRefreshRepeat()).garpLowerPrioRepeat(g.lowerPrioRepeat())
        .garpLowerPrioDelay(g.lowerPrioDelay()).garpInterval(g.garpInterval()).gnaInterval(g.gnaInterval())
        .lowerPrioNoAdvert(g.lowerPrioNoAdvert());
    for (VrrpInstanceConfig.VirtualIpAddress a : i.virtualIpAddresses()) {
      b.virtualAddress(new VirtualAddress(a.address(), a.prefixLength()));
    }
    for (VrrpInstanceConfig.VirtualIpAddress a : i.excludedIpAddresses()) {
      b.virtualAddress(new VirtualAddress(a.address(), a.prefixLength()));
    }
    i.authentication().ifPresent(a -> b.authPassword(a.password()).authType(
        a.type() == VrrpInstanceConfig.AuthType.AH ? VrrpConfig.AuthType.AH : VrrpConfig.AuthType.PASS));
    i.unicastPeers().forEach(b::unicastPeer);
    for (VrrpInstanceConfig.TrackedInterface t : i.trackInterfaces()) {
      b.track(interfaceMap.apply(t.name()), t.weight());
    }
    ScriptScreen screen = i.trackScripts().isEmpty() ? null : ScriptScreen.of(config, ScriptUsers.resolve(config));
    for (VrrpInstanceConfig.TrackedScript t : i.trackScripts()) {
      if (!screen.vrrpScriptRuns(t.name())) {
        continue; // keepalived disables the script and frees the track: the instance no longer depends on it
      }
      int weight = t.weight().isPresent() ? t.weight().getAsInt()
          : config.vrrpScript(t.name()).map(VrrpScriptConfig::weight).orElse(0);
      b.track(t.name(), weight);
    }
    return b.build();
  }

  /**
   * Whether the instance wants to start as Master: {@code state MASTER}, unless it is in a sync group with a member
   * that wants BACKUP or is not an address owner (keepalived then starts every member as Backup).
   */
  static boolean startsAsMaster(KeepalivedConfig config, VrrpInstanceConfig i) {
    if (i.initialState() != VrrpInstanceConfig.InitialState.MASTER) {
      return false;
    }
    for (VrrpSyncGroupConfig g : config.syncGroups()) {
      if (!g.instances().contains(i.name())) {
        continue;
      }
      for (String member : g.instances()) {
        boolean backup = config.vrrpInstance(member)
            .map(m -> m.initialState() != VrrpInstanceConfig.InitialState.MASTER || m.priority() != 255)
            .orElse(true);
        if (backup) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Every instance of the configuration, in file order.
   *
   * @throws IllegalArgumentException if lbkit's VRRP refuses an instance
   */
  public static List<VrrpConfig> vrrpConfigs(KeepalivedConfig config, UnaryOperator<String> interfaceMap) {
    return config.vrrpInstances().stream().map(i -> vrrpConfig(config, i, interfaceMap)).toList();
  }

  /**
   * The {@code vrrp_script}s that some instance tracks, as lb-vrrp tracked scripts (argv split on blanks, double
   * quotes grouping words, no shell), each started as its script user (its {@code user}, {@code script_user} or
   * keepalived's default; see {@link ScriptUsers}) through {@code setpriv} when that is not lbkit's own.
   *
   * @throws IllegalArgumentException if a script must run as a user this host lacks, or lbkit is not root to switch
   */
  public static List<VrrpScript> vrrpScripts(KeepalivedConfig config) {
    java.util.Set<String> tracked = new java.util.HashSet<>();
    config.vrrpInstances().forEach(i -> i.trackScripts().forEach(t -> tracked.add(t.name())));
    if (config.vrrpScripts().stream().noneMatch(s -> tracked.contains(s.name()))) {
      return List.of();
    }
    ScriptUsers users = ScriptUsers.resolve(config);
    ScriptScreen screen = ScriptScreen.of(config, users);
    return config.vrrpScripts().stream().filter(s -> tracked.contains(s.name()) && screen.vrrpScriptRuns(s.name()))
        .map(s -> new VrrpScript(s.name(), ScriptUsers.commandLine(users.vrrpScriptUser(s.name()),
            HealthTargets.words(s.script())), s.interval(), s.timeout(), s.rise(), s.fall(), false))
        .toList();
  }

  /** The names (after {@code interfaceMap}) of the interfaces some instance tracks, in file order. */
  public static java.util.Set<String> trackedInterfaces(KeepalivedConfig config,
      UnaryOperator<String> interfaceMap) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    config.vrrpInstances().forEach(i -> i.trackInterfaces().forEach(t -> names.add(interfaceMap.apply(t.name()))));
    return java.util.Collections.unmodifiableSet(names);
  }

  /** The sync groups as lists of instance names. */
  public static List<List<String>> syncGroups(KeepalivedConfig config) {
    return config.syncGroups().stream().map(VrrpSyncGroupConfig::instances).toList();
  }

  /**
   * Adds every instance, sync group and tracked {@code vrrp_script} of the configuration to a router builder.
   *
   * @throws IllegalArgumentException if lbkit's VRRP refuses an instance
   */
  public static UnaryOperator<VrrpRouter.Builder> instances(KeepalivedConfig config,
      UnaryOperator<String> interfaceMap) {
    List<VrrpConfig> instances = vrrpConfigs(config, interfaceMap);
    List<VrrpScript> scripts = vrrpScripts(config);
    return b -> {
      instances.forEach(b::instance);
      scripts.forEach(b::trackedScript);
      for (List<String> g : syncGroups(config)) {
        b.syncGroup(g.toArray(String[]::new));
      }
      return b;
    };
  }
}
