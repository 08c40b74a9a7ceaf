package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.internal.quorum.QuorumRule;
import dev.lbkit.api.internal.quorum.QuorumTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code virtual_server}: an IPVS service, its real servers and how failures change the pool. Immutable.
 *
 * <p>As keepalived's configuration check, the constructor lowers a {@code quorum} above the real servers' total
 * weight to that total and then a {@code hysteresis} not below the quorum to {@code quorum - 1}: {@link #quorum()}
 * and {@link #hysteresis()} are the values in force (the reader warns when it lowers what a file says).
 *
 * @param service key ({@code IP PORT} with {@code protocol}, or {@code fwmark N}), {@code lb_algo},
 *     scheduler flags, {@code ops}, {@code persistence_timeout}/{@code persistence_granularity} and
 *     {@code persistence_engine}
 * @param delayLoop {@code delay_loop}: the interval between checks (default 60 s)
 * @param realServers its real servers, in file order
 * @param quorum {@code quorum}: the sum of the weights of live real servers needed for the service to be up
 *     (default 1), at least 1; lowered to the real servers' total weight if above it (and that total is at least 1)
 * @param hysteresis {@code hysteresis}: the service goes down below {@code quorum - hysteresis} and comes up at
 *     {@code quorum + hysteresis}; at least 0, lowered to {@code quorum - 1} if not below the quorum
 * @param sorryServer {@code sorry_server}: the server used while the quorum is lost
 * @param sorryServerInhibit {@code sorry_server_inhibit}: the sorry server stays in the table with weight 0
 *     instead of being removed while the quorum is met
 * @param omega {@code omega}: run {@code quorum_down} also when the service is removed on shutdown
 * @param quorumUp {@code quorum_up} command, if any
 * @param quorumDown {@code quorum_down} command, if any
 * @param virtualhost {@code virtualhost}, the default Host header of its HTTP checks
 * @param location where the virtual server is defined
 * @param hookUsers the user {@code quorum_up}/{@code quorum_down} run as when written after the command, by keyword
 */
public record VirtualServerConfig(
    VirtualService service,
    Duration delayLoop,
    List<RealServerConfig> realServers,
    int quorum,
    int hysteresis,
    Optional<RealServer> sorryServer,
    boolean sorryServerInhibit,
    boolean omega,
    Optional<String> quorumUp,
    Optional<String> quorumDown,
    Optional<String> virtualhost,
    Location location,
    Map<String, ScriptUserConfig> hookUsers) {

  /** keepalived's default {@code delay_loop}. */
  public static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);

  public VirtualServerConfig {
    hookUsers = Map.copyOf(hookUsers);
    requireNonNull(service, "service");
    requireNonNull(delayLoop, "delayLoop");
    realServers = List.copyOf(realServers);
    requireNonNull(sorryServer, "sorryServer");
    requireNonNull(quorumUp, "quorumUp");
    requireNonNull(quorumDown, "quorumDown");
    requireNonNull(virtualhost, "virtualhost");
    requireNonNull(location, "location");
    QuorumRule rule = QuorumRule.lowered(quorum, hysteresis,
        realServers.stream().mapToLong(rs -> rs.realServer().weight()).sum());
    quorum = (int) rule.quorum();
    hysteresis = (int) rule.hysteresis();
  }

  /** A virtual server whose hooks run as the default script user. */
  public VirtualServerConfig(VirtualService service, Duration delayLoop, List<RealServerConfig> realServers,
      int quorum, int hysteresis, Optional<RealServer> sorryServer, boolean sorryServerInhibit, boolean omega,
      Optional<String> quorumUp, Optional<String> quorumDown, Optional<String> virtualhost, Location location) {
    this(service, delayLoop, realServers, quorum, hysteresis, sorryServer, sorryServerInhibit, omega, quorumUp,
        quorumDown, virtualhost, location, Map.of());
  }

  /**
   * The table entry once installed with every real server alive except those marked {@code alpha} (with a check),
   * which start as down: what {@code ipvsadm -Ln} shows right after start on the master, as keepalived does. A live
   * weight under {@code quorum + hysteresis} starts without the quorum: then a sorry server, if there is one, replaces
   * the real servers. Real servers with {@code inhibit_on_failure} that are down or replaced stay at weight 0, and so
   * does a sorry server with {@code sorry_server_inhibit} that is not needed.
   *
   * @throws IllegalArgumentException if the real servers break a rule of {@link LoadBalancedService}
   */
  public LoadBalancedService initialTable() {
    List<QuorumTable.Member> members = realServers.stream()
        .map(rs -> new QuorumTable.Member(rs.realServer(), !rs.alpha() || rs.checks().isEmpty(), rs.inhibitOnFailure()))
        .toList();
    boolean held = new QuorumRule(quorum, hysteresis).heldAtStart(QuorumTable.liveWeight(members));
    return new LoadBalancedService(service, QuorumTable.servers(members, held, sorryServer, sorryServerInhibit));
  }

  /** The table entry with every real server at its configured weight. */
  public LoadBalancedService allRealServers() {
    return new LoadBalancedService(service, realServers.stream().map(RealServerConfig::realServer).toList());
  }
}
