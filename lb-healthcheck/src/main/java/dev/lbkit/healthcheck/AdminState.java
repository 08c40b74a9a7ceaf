package dev.lbkit.healthcheck;

/**
 * HAProxy's administrative state of a server, apart from its operational (health) state: what an operator or an
 * {@code agent-check} says about it, whatever its checks find. An agent sets it with {@code ready}, {@code drain}
 * or {@code maint}, and it stays until the agent says otherwise.
 */
public enum AdminState {
  /** In service: traffic as its operational state and weight allow. */
  READY,
  /** Up but taking no new traffic: effective weight 0 while it stays a member (HAProxy shows DRAIN). */
  DRAIN,
  /** Out of service whatever its health: not a member (HAProxy shows MAINT). */
  MAINT
}
