package dev.lbkit.api.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A VRRP instance changed state: the Java form of keepalived's notify scripts.
 *
 * @param at when
 * @param instance the instance name
 * @param vrid virtual router id, 1 to 255
 * @param from state before
 * @param to state now
 * @param reason why, for an operator: "higher priority 150 from 10.0.0.1", "master down timer expired"
 */
public record VrrpStateChanged(Instant at, String instance, int vrid, VrrpState from, VrrpState to, String reason)
    implements LbEvent {
  public VrrpStateChanged {
    requireNonNull(at, "at");
    requireNonNull(instance, "instance");
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(reason, "reason");
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException("vrid must be in [1, 255] but was " + vrid + " (instance " + instance + ")");
    }
  }
}
