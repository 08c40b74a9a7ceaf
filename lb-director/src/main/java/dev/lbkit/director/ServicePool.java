package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.internal.quorum.QuorumRule;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.VirtualServerConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A virtual service with its real servers and keepalived's pool rules: quorum, hysteresis and a sorry server.
 * Immutable.
 *
 * <p>While the quorum is held, the table holds the live members, plus failed {@code inhibitOnFailure} members at
 * weight 0. The quorum follows keepalived's rule, the one {@code ServiceQuorum} follows too: the pool starts with it
 * only if the live weight (the sum of the weights of live members) reaches {@code quorum + hysteresis}, loses it when
 * the live weight falls below {@code quorum - hysteresis} and regains it at {@code quorum + hysteresis}. Without
 * quorum, the sorry server (if any) replaces the real servers; with no sorry server the live members stay. As
 * keepalived's configuration check does, a {@code quorum} above the members' total weight is lowered to that total
 * and then a {@code hysteresis} not below the quorum to {@code quorum - 1}: the record holds the values in force.
 *
 * @param service the virtual service
 * @param members its real servers, unique by endpoint
 * @param quorum live weight needed, at least 1
 * @param hysteresis at least 0
 * @param sorryServer used while the quorum is lost
 * @param sorryServerInhibit the sorry server stays at weight 0 while the quorum is held
 */
public record ServicePool(VirtualService service, List<PoolMember> members, int quorum, int hysteresis,
    Optional<RealServer> sorryServer, boolean sorryServerInhibit) {

  public ServicePool {
    requireNonNull(service, "service");
    members = List.copyOf(members);
    requireNonNull(sorryServer, "sorryServer");
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be at least 1 but was " + quorum + " (service "
          + service.key() + ")");
    }
    if (hysteresis < 0) {
      throw new IllegalArgumentException("hysteresis must not be negative but was " + hysteresis + " (service "
          + service.key() + ")");
    }
    // validates endpoints, families and ports as a table entry would
    new LoadBalancedService(service, members.stream().map(PoolMember::server).toList());
    sorryServer.ifPresent(s -> LoadBalancedService.of(service, s));
    Set<Endpoint> seen = new HashSet<>();
    members.forEach(m -> seen.add(m.server().endpoint()));
    if (sorryServer.isPresent() && seen.contains(sorryServer.get().endpoint())) {
      throw new IllegalArgumentException("sorry server " + sorryServer.get().endpoint() + " is also a real server of "
          + service.key());
    }
    QuorumRule rule = QuorumRule.lowered(quorum, hysteresis,
        members.stream().mapToLong(m -> m.server().weight()).sum());
    quorum = (int) rule.quorum();
    hysteresis = (int) rule.hysteresis();
  }

  /** A pool with quorum 1, no hysteresis and no sorry server: every member removed on failure. */
  public static ServicePool of(LoadBalancedService table) {
    return new ServicePool(table.service(), table.realServers().stream().map(PoolMember::of).toList(), 1, 0,
        Optional.empty(), false);
  }

  /** The pool a keepalived {@code virtual_server} describes. */
  public static ServicePool from(VirtualServerConfig vs) {
    List<PoolMember> members = new ArrayList<>();
    for (RealServerConfig rs : vs.realServers()) {
      members.add(new PoolMember(rs.realServer(), rs.inhibitOnFailure(), rs.alpha() && !rs.checks().isEmpty()));
    }
    return new ServicePool(vs.service(), members, vs.quorum(), vs.hysteresis(), vs.sorryServer(),
        vs.sorryServerInhibit());
  }

  public ServiceKey key() {
    return service.key();
  }

  /** The member at this endpoint. */
  public Optional<PoolMember> member(Endpoint endpoint) {
    return members.stream().filter(m -> m.server().endpoint().equals(endpoint)).findFirst();
  }
}
