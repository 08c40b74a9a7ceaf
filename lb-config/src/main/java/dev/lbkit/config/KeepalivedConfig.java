package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.LoadBalancedService;
import java.util.List;
import java.util.Optional;

/**
 * A keepalived.conf as lbkit reads it. Immutable. Parse one with {@link KeepalivedConfigParser}.
 *
 * @param globalDefs {@code global_defs}
 * @param syncGroups {@code vrrp_sync_group}s
 * @param vrrpInstances {@code vrrp_instance}s
 * @param vrrpScripts {@code vrrp_script}s
 * @param virtualServers {@code virtual_server}s
 * @param ssl the top-level {@code SSL} block, if written (the client context of every {@code SSL_GET})
 */
public record KeepalivedConfig(
    GlobalDefs globalDefs,
    List<VrrpSyncGroupConfig> syncGroups,
    List<VrrpInstanceConfig> vrrpInstances,
    List<VrrpScriptConfig> vrrpScripts,
    List<VirtualServerConfig> virtualServers,
    Optional<SslConfig> ssl) {

  /** A configuration with nothing in it. */
  public static final KeepalivedConfig EMPTY = new KeepalivedConfig(GlobalDefs.EMPTY, List.of(), List.of(), List.of(),
      List.of());

  /** A configuration without an {@code SSL} block. */
  public KeepalivedConfig(GlobalDefs globalDefs, List<VrrpSyncGroupConfig> syncGroups,
      List<VrrpInstanceConfig> vrrpInstances, List<VrrpScriptConfig> vrrpScripts,
      List<VirtualServerConfig> virtualServers) {
    this(globalDefs, syncGroups, vrrpInstances, vrrpScripts, virtualServers, Optional.empty());
  }

  public KeepalivedConfig {
    requireNonNull(globalDefs, "globalDefs");
    syncGroups = List.copyOf(syncGroups);
    vrrpInstances = List.copyOf(vrrpInstances);
    vrrpScripts = List.copyOf(vrrpScripts);
    virtualServers = List.copyOf(virtualServers);
    requireNonNull(ssl, "ssl");
  }

  /** The IPVS table a master installs at start: {@link VirtualServerConfig#initialTable()} of each service. */
  public List<LoadBalancedService> initialTable() {
    return virtualServers.stream().map(VirtualServerConfig::initialTable).toList();
  }

  /** The VRRP instance of this name. */
  public Optional<VrrpInstanceConfig> vrrpInstance(String name) {
    return vrrpInstances.stream().filter(i -> i.name().equals(name)).findFirst();
  }

  /** The VRRP script of this name. */
  public Optional<VrrpScriptConfig> vrrpScript(String name) {
    return vrrpScripts.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
