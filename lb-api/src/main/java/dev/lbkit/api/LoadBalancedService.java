package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A virtual service together with its real servers: one entry of an IPVS table. Immutable.
 *
 * <p>Beyond each value's own rules: real servers are unique by endpoint; a real server's family may differ from
 * the service's only with tunnel forwarding (as in the kernel since 5.3); a real server may have port 0 only in a
 * firewall-mark or port-0 service, where the port comes from the packet.
 *
 * @param service the virtual service
 * @param realServers its real servers, in the order given
 */
public record LoadBalancedService(VirtualService service, List<RealServer> realServers) {

  public LoadBalancedService {
    requireNonNull(service, "service");
    realServers = List.copyOf(requireNonNull(realServers, "realServers"));
    Set<Endpoint> seen = new HashSet<>();
    boolean portFromPacket = !(service.key() instanceof ServiceKey.Address address) || address.endpoint().port() == 0;
    for (RealServer rs : realServers) {
      if (!seen.add(rs.endpoint())) {
        throw new IllegalArgumentException("real server " + rs.endpoint() + " appears twice in service "
            + service.key());
      }
      if (rs.endpoint().family() != service.key().family() && rs.forwarding() != ForwardingMethod.TUNNEL) {
        throw new IllegalArgumentException("real server " + rs.endpoint() + " is " + rs.endpoint().family()
            + " but service " + service.key() + " is " + service.key().family()
            + "; mixing families needs tunnel forwarding");
      }
      if (rs.endpoint().port() == 0 && !portFromPacket) {
        throw new IllegalArgumentException("real server " + rs.endpoint() + " has port 0, which is only legal in a"
            + " firewall-mark or port-0 service; service " + service.key() + " needs a port");
      }
    }
  }

  /** The service with these real servers. */
  public static LoadBalancedService of(VirtualService service, RealServer... realServers) {
    return new LoadBalancedService(service, List.of(realServers));
  }

  /** The real server at this endpoint, if any. */
  public Optional<RealServer> realServer(Endpoint endpoint) {
    return realServers.stream().filter(rs -> rs.endpoint().equals(endpoint)).findFirst();
  }
}
