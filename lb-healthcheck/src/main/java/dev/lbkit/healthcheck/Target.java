package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.healthcheck.agent.AgentCheck;
import java.time.Duration;
import java.util.Optional;

/**
 * One destination to watch: which real server it is, its configured weight, the check and the policy.
 * A {@link HealthChecker} knows a target by its {@link #service()} and {@link #destination()}.
 *
 * @param service the virtual service the destination belongs to, if any; carried into events
 * @param destination the real server as the director knows it
 * @param weight the configured weight, the 100% of agent percentages and the end of a slow-start ramp
 * @param check what to check (it may connect elsewhere: keepalived {@code connect_ip}/{@code connect_port})
 * @param policy when to check and how results change state
 * @param agent an HAProxy {@code agent-check} beside the check, if any ({@code server ... check agent-check}): it
 *     sets the administrative state and the weight, and may force the operational state, while the check judges
 *     health as usual
 */
public record Target(Optional<ServiceKey> service, Endpoint destination, int weight, Check check, CheckPolicy policy,
    Optional<Agent> agent) {
  public Target {
    requireNonNull(service, "service");
    requireNonNull(destination, "destination");
    requireNonNull(check, "check");
    requireNonNull(policy, "policy");
    requireNonNull(agent, "agent");
    if (weight < 0) {
      throw new IllegalArgumentException("weight must not be negative but was " + weight + " (destination "
          + destination + ")");
    }
  }

  /** A target without an agent beside its check. */
  public Target(Optional<ServiceKey> service, Endpoint destination, int weight, Check check, CheckPolicy policy) {
    this(service, destination, weight, check, policy, Optional.empty());
  }

  /** A target outside any service. */
  public static Target of(Endpoint destination, int weight, Check check, CheckPolicy policy) {
    return new Target(Optional.empty(), destination, weight, check, policy);
  }

  /** The same target with an HAProxy agent read every {@code interval} ({@code agent-check agent-inter}). */
  public Target withAgent(AgentCheck agentCheck, Duration interval) {
    return new Target(service, destination, weight, check, policy, Optional.of(new Agent(agentCheck, interval)));
  }

  /**
   * HAProxy's {@code agent-check} as a second, independent check of a target.
   *
   * @param check how to reach and read the agent
   * @param interval {@code agent-inter}: between two readings
   */
  public record Agent(AgentCheck check, Duration interval) {
    public Agent {
      requireNonNull(check, "check");
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("agent interval must be positive but was " + interval);
      }
    }
  }

  /** The identity inside a {@link HealthChecker}. */
  public Key key() {
    return new Key(service, destination);
  }

  /**
   * Identity of a target.
   *
   * @param service its service, if any
   * @param destination its destination
   */
  public record Key(Optional<ServiceKey> service, Endpoint destination) {
    public Key {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }

    @Override
    public String toString() {
      return service.map(s -> s + " -> ").orElse("") + destination;
    }
  }
}
