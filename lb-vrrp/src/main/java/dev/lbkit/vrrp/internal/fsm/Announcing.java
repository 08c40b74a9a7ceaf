package dev.lbkit.vrrp.internal.fsm;

/**
 * When a Master announces its addresses (gratuitous ARP / unsolicited neighbour advertisement), in keepalived 2.2.7's
 * terms; times in nanoseconds, 0 for "none".
 *
 * @param addresses how many virtual addresses the instance has (each is announced on its own when rate-limited)
 * @param repeat messages per address per burst on becoming Master ({@code garp_master_repeat})
 * @param delayNanos the second burst this long after becoming Master ({@code garp_master_delay})
 * @param refreshNanos while Master, a burst with the first advertisement at least this long after the last
 *     ({@code garp_master_refresh})
 * @param refreshRepeat messages per address of a refresh burst ({@code garp_master_refresh_repeat})
 * @param lowerPrioRepeat messages per address when a Master hears a lower priority ({@code garp_lower_prio_repeat}),
 *     0 for none
 * @param lowerPrioDelayNanos a second such burst this long later ({@code garp_lower_prio_delay})
 * @param intervalNanos the least gap between two announcements ({@code vrrp_garp_interval} / {@code
 *     vrrp_gna_interval}); 0 sends a burst at once
 */
public record Announcing(int addresses, int repeat, long delayNanos, long refreshNanos, int refreshRepeat,
    int lowerPrioRepeat, long lowerPrioDelayNanos, long intervalNanos) {
  public Announcing {
    if (addresses < 1 || repeat < 0 || refreshRepeat < 0 || lowerPrioRepeat < 0) {
      throw new IllegalArgumentException("announcement counts must not be negative (and addresses at least 1): "
          + addresses + " " + repeat + " " + refreshRepeat + " " + lowerPrioRepeat);
    }
    if (delayNanos < 0 || refreshNanos < 0 || lowerPrioDelayNanos < 0 || intervalNanos < 0) {
      throw new IllegalArgumentException("announcement times must not be negative");
    }
  }

  /**
   * Bursts of {@code repeat} on becoming Master and {@code delayNanos} later, nothing else: no refresh, no interval,
   * nothing on hearing a lower priority (RFC 5798's Master discards such an advertisement).
   */
  public static Announcing takeoverOnly(int addresses, int repeat, long delayNanos) {
    return new Announcing(addresses, repeat, delayNanos, 0, 1, 0, 0, 0);
  }
}
