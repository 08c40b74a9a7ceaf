package dev.lbkit.director;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.config.VrrpSyncGroupConfig;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.VrrpConfig;
import dev.lbkit.vrrp.VrrpRouter;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * keepalived's {@code vrrp_instance}s and {@code vrrp_sync_group}s as lbkit VRRP configuration.
 *
 * <p>{@code state} is not carried over: lbkit's instances start in Backup and an election decides, which is what
 * keepalived's {@code state MASTER} comes to after the first advertisement interval. Tracked scripts and
 * interfaces become tracked objects named after the script or interface, with keepalived's weights (the
 * {@code track_script} override, else the script's own weight); something must report them, such as
 * {@link ScriptTracker} for scripts, or they count as up.
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
        .preempt(i.preempt()).preemptDelay(i.preemptDelay());
    for (VrrpInstanceConfig.VirtualIpAddress a : i.virtualIpAddresses()) {
      b.virtualAddress(new VirtualAddress(a.address(), a.prefixLength()));
    }
    for (VrrpInstanceConfig.VirtualIpAddress a : i.excludedIpAddresses()) {
      b.virtualAddress(new VirtualAddress(a.address(), a.prefixLength()));
    }
    i.authentication().filter(a -> a.type() == VrrpInstanceConfig.AuthType.PASS)
        .ifPresent(a -> b.authPassword(a.password()));
    i.unicastPeers().forEach(b::unicastPeer);
    for (VrrpInstanceConfig.TrackedInterface t : i.trackInterfaces()) {
      b.track(interfaceMap.apply(t.name()), t.weight());
    }
    for (VrrpInstanceConfig.TrackedScript t : i.trackScripts()) {
      int weight = t.weight().isPresent() ? t.weight().getAsInt()
          : config.vrrpScript(t.name()).map(VrrpScriptConfig::weight).orElse(0);
      b.track(t.name(), weight);
    }
    return b.build();
  }

  /**
   * Every instance of the configuration, in file order.
   *
   * @throws IllegalArgumentException if lbkit's VRRP refuses an instance
   */
  public static List<VrrpConfig> vrrpConfigs(KeepalivedConfig config, UnaryOperator<String> interfaceMap) {
    return config.vrrpInstances().stream().map(i -> vrrpConfig(config, i, interfaceMap)).toList();
  }

  /** The sync groups as lists of instance names. */
  public static List<List<String>> syncGroups(KeepalivedConfig config) {
    return config.syncGroups().stream().map(VrrpSyncGroupConfig::instances).toList();
  }

  /**
   * Adds every instance and sync group of the configuration to a router builder.
   *
   * @throws IllegalArgumentException if lbkit's VRRP refuses an instance
   */
  public static UnaryOperator<VrrpRouter.Builder> instances(KeepalivedConfig config,
      UnaryOperator<String> interfaceMap) {
    List<VrrpConfig> instances = vrrpConfigs(config, interfaceMap);
    return b -> {
      instances.forEach(b::instance);
      for (List<String> g : syncGroups(config)) {
        b.syncGroup(g.toArray(String[]::new));
      }
      return b;
    };
  }
}
