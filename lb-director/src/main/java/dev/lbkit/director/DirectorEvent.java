package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.ipvs.IpvsChange;
import java.time.Instant;
import java.util.List;

/** Something a {@link Director} did or saw, with when. */
public sealed interface DirectorEvent {
  Instant at();

  /**
   * The director became active (all its VRRP instances Master, or it has none) or stopped being active.
   *
   * @param at when
   * @param active whether it is active now
   * @param reason which instance changed to which state
   */
  record ActiveChanged(Instant at, boolean active, String reason) implements DirectorEvent {
    public ActiveChanged {
      requireNonNull(at, "at");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A member of a pool went up or down, or its reported weight changed.
   *
   * @param at when
   * @param service its service
   * @param member the real server
   * @param alive whether it counts as alive now
   * @param weight its weight while alive
   * @param reason why, as the health check said it
   */
  record MemberChanged(Instant at, ServiceKey service, Endpoint member, boolean alive, int weight, String reason)
      implements DirectorEvent {
    public MemberChanged {
      requireNonNull(at, "at");
      requireNonNull(service, "service");
      requireNonNull(member, "member");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A pool lost or regained its quorum.
   *
   * @param at when
   * @param service the service
   * @param held whether the quorum is held now
   * @param liveWeight the sum of the weights of live members
   */
  record QuorumChanged(Instant at, ServiceKey service, boolean held, long liveWeight) implements DirectorEvent {
    public QuorumChanged {
      requireNonNull(at, "at");
      requireNonNull(service, "service");
    }
  }

  /**
   * Changes were applied to the table.
   *
   * @param at when
   * @param changes what was applied, in order
   * @param table the managed table now
   */
  record IpvsChanged(Instant at, List<IpvsChange> changes, List<LoadBalancedService> table)
      implements DirectorEvent {
    public IpvsChanged {
      requireNonNull(at, "at");
      changes = List.copyOf(changes);
      table = List.copyOf(table);
    }
  }

  /**
   * A change could not be applied; the director goes on and tries again on {@link Director#resync()}.
   *
   * @param at when
   * @param change what failed
   * @param error why, as the table writer said
   */
  record ApplyFailed(Instant at, IpvsChange change, String error) implements DirectorEvent {
    public ApplyFailed {
      requireNonNull(at, "at");
      requireNonNull(change, "change");
      requireNonNull(error, "error");
    }
  }
}
