package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.VrrpState;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a director for a control plane: whether it is active, the state of the VRRP instances it follows,
 * each pool's quorum and members, and the table it has installed.
 *
 * @param active whether the director is active
 * @param vrrpStates the last known state of each VRRP instance it follows
 * @param pools each pool's state
 * @param table the managed table as installed
 */
public record DirectorStatus(boolean active, Map<String, VrrpState> vrrpStates, List<Pool> pools,
    List<LoadBalancedService> table) {
  public DirectorStatus {
    vrrpStates = Map.copyOf(vrrpStates);
    pools = List.copyOf(pools);
    table = List.copyOf(table);
  }

  /**
   * One pool.
   *
   * @param service the service
   * @param quorumHeld whether its quorum is held
   * @param liveWeight the sum of the weights of live members
   * @param members each member's state
   */
  public record Pool(ServiceKey service, boolean quorumHeld, long liveWeight, List<Member> members) {
    public Pool {
      requireNonNull(service, "service");
      members = List.copyOf(members);
    }
  }

  /**
   * One member of a pool.
   *
   * @param endpoint the real server
   * @param alive whether it counts as alive
   * @param weight its weight while alive
   */
  public record Member(Endpoint endpoint, boolean alive, int weight) {
    public Member {
      requireNonNull(endpoint, "endpoint");
    }
  }
}
