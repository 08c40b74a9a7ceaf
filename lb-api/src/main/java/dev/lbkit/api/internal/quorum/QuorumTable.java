package dev.lbkit.api.internal.quorum;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.RealServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real servers keepalived keeps in a virtual service's IPVS table for a given state of its members and quorum: the
 * one implementation behind lb-config's table at start ({@code VirtualServerConfig.initialTable}) and lb-director's
 * table while running ({@code PoolState}).
 *
 * <p>Source of truth, read for its facts (keepalived 2.2.7, keepalived/check): with the quorum held (or without a
 * sorry server) the live real servers are in the table at their weight, and a failed one is removed, or kept at weight
 * 0 when it has {@code inhibit_on_failure} (ipvswrapper.c ipvs_cmd turns the removal of such a server into a weight-0
 * edit, and init_service_rs adds one that starts down, {@code alpha}, at weight 0). Without the quorum and with a
 * sorry server, the live real servers are taken out in the same way, so only the inhibited ones stay, at weight 0, and
 * the sorry server serves (ipwrapper.c update_quorum_state and perform_quorum_state). A sorry server with
 * {@code sorry_server_inhibit} stays in the table at weight 0 while it is not needed (ipwrapper.c init_service_vs).
 */
public final class QuorumTable {

  /**
   * A real server of the service in a given state.
   *
   * @param server the real server at the weight it has while alive
   * @param alive whether it counts as alive
   * @param inhibitOnFailure keepalived's {@code inhibit_on_failure}: out of service it stays at weight 0
   */
  public record Member(RealServer server, boolean alive, boolean inhibitOnFailure) {
    public Member {
      requireNonNull(server, "server");
    }
  }

  private QuorumTable() {}

  /** The sum of the weights of the members that are alive: what the quorum is judged on. */
  public static long liveWeight(List<Member> members) {
    return members.stream().filter(Member::alive).mapToLong(m -> m.server().weight()).sum();
  }

  /**
   * The table's real servers: members in their order, then the sorry server if it is in.
   *
   * @param quorumHeld whether the service has its quorum
   * @param sorryServer keepalived's {@code sorry_server}, if any
   * @param sorryServerInhibit keepalived's {@code sorry_server_inhibit}
   */
  public static List<RealServer> servers(List<Member> members, boolean quorumHeld, Optional<RealServer> sorryServer,
      boolean sorryServerInhibit) {
    List<RealServer> out = new ArrayList<>();
    boolean sorryIn = !quorumHeld && sorryServer.isPresent();
    for (Member m : members) {
      if (m.alive() && !sorryIn) {
        out.add(m.server());
      } else if (m.inhibitOnFailure()) {
        out.add(m.server().withWeight(0));
      }
    }
    if (sorryIn) {
      out.add(sorryServer.get());
    } else if (sorryServer.isPresent() && sorryServerInhibit) {
      out.add(sorryServer.get().withWeight(0));
    }
    return out;
  }
}
