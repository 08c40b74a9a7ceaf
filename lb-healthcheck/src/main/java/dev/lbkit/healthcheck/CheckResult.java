package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of one check attempt: {@link Up} or {@link Down} with a typed reason.
 *
 * <p>Java 17 has no pattern switch, so consumers write {@code if (result instanceof CheckResult.Down down)}.
 */
public sealed interface CheckResult permits CheckResult.Up, CheckResult.Down {

  /** Whether the destination passed this attempt. */
  boolean isUp();

  /** For people: {@code "status 200"}, {@code "timeout: no SYN-ACK within 2s"}. */
  String detail();

  /**
   * The HAProxy agent's reply this result came from, when an {@code agent-check} read a complete line. A target
   * whose check is an agent check follows these words (admin state, weight, up/down) rather than the up/down
   * verdict; other consumers can ignore it.
   */
  Optional<AgentReply> agent();

  /**
   * Passed.
   *
   * @param detail what was seen, for people
   * @param weight an absolute weight the check asks for (keepalived {@code misc_dynamic}: exit code minus 2)
   * @param weightPercent a weight in percent of the configured one (HAProxy agent: {@code 75%}, {@code drain} is 0)
   * @param agent the agent reply behind it, if any
   */
  record Up(String detail, OptionalInt weight, OptionalInt weightPercent, Optional<AgentReply> agent)
      implements CheckResult {
    public Up {
      requireNonNull(detail, "detail");
      requireNonNull(weight, "weight");
      requireNonNull(weightPercent, "weightPercent");
      requireNonNull(agent, "agent");
      if (weight.isPresent() && weight.getAsInt() < 0) {
        throw new IllegalArgumentException("weight must not be negative but was " + weight.getAsInt());
      }
      if (weightPercent.isPresent() && (weightPercent.getAsInt() < 0
          || weightPercent.getAsInt() > AgentReply.MAX_PERCENT)) {
        throw new IllegalArgumentException("weight percent must be in [0, " + AgentReply.MAX_PERCENT + "] but was "
            + weightPercent.getAsInt());
      }
    }

    /** Passed, with no agent reply behind it. */
    public Up(String detail, OptionalInt weight, OptionalInt weightPercent) {
      this(detail, weight, weightPercent, Optional.empty());
    }

    /** Passed, with no opinion on the weight. */
    public static Up of(String detail) {
      return new Up(detail, OptionalInt.empty(), OptionalInt.empty());
    }

    @Override
    public boolean isUp() {
      return true;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("up: ").append(detail);
      weight.ifPresent(w -> b.append(" (weight ").append(w).append(')'));
      weightPercent.ifPresent(w -> b.append(" (weight ").append(w).append("%)"));
      return b.toString();
    }
  }

  /**
   * Failed.
   *
   * @param reason why, as a closed set
   * @param detail what was seen, for people: {@code "status 503 not in 200-299"}
   * @param agent the agent reply behind it, if any
   */
  record Down(DownReason reason, String detail, Optional<AgentReply> agent) implements CheckResult {
    public Down {
      requireNonNull(reason, "reason");
      requireNonNull(detail, "detail");
      requireNonNull(agent, "agent");
    }

    /** Failed, with no agent reply behind it. */
    public Down(DownReason reason, String detail) {
      this(reason, detail, Optional.empty());
    }

    @Override
    public boolean isUp() {
      return false;
    }

    /** {@code "timeout: no SYN-ACK within 2s"}. */
    @Override
    public String toString() {
      return reason.label() + ": " + detail;
    }
  }
}
