package dev.lbkit.vrrp.internal.fsm;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The parts of an instance's configuration the state machine needs, with times in nanoseconds.
 *
 * @param version 2 or 3 (v2 fixes the skew's interval factor at one second)
 * @param priority configured priority 1..255; 255 marks the address owner
 * @param advertIntervalNanos Advertisement_Interval
 * @param preempt Preempt_Mode
 * @param preemptDelayNanos keepalived's preempt_delay: no preemption this long after start or leaving Fault
 * @param primaryAddress our primary address, for the tie-break
 * @param announcing when to send gratuitous ARPs / unsolicited neighbour advertisements
 * @param addressesFirst on becoming Master, add the virtual addresses before the first advertisement (keepalived's
 *     order: the addresses serve sooner, the advertisement leaves a netlink round trip later) instead of after it
 *     (RFC 5798 6.4's list of actions names only what is sent: advertisement, then gratuitous ARP)
 * @param lowerPrioNoAdvert keepalived's {@code lower_prio_no_advert}: a Master that hears a lower priority only
 *     discards it (RFC 5798 6.4.3) instead of answering at once with an advertisement (keepalived's default)
 */
public record FsmConfig(int version, int priority, long advertIntervalNanos, boolean preempt, long preemptDelayNanos,
    InetAddress primaryAddress, Announcing announcing, boolean addressesFirst, boolean lowerPrioNoAdvert) {
  public FsmConfig {
    Objects.requireNonNull(primaryAddress, "primaryAddress");
    Objects.requireNonNull(announcing, "announcing");
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority must be in [1, 255] but was " + priority);
    }
    if (advertIntervalNanos <= 0) {
      throw new IllegalArgumentException("advertisement interval must be positive");
    }
  }

  /**
   * One virtual address announced {@code garpRepeat} times on becoming Master and again {@code garpDelayNanos}
   * later, nothing else ({@link Announcing#takeoverOnly}); a lower priority is discarded as RFC 5798 says.
   */
  public FsmConfig(int version, int priority, long advertIntervalNanos, boolean preempt, long preemptDelayNanos,
      InetAddress primaryAddress, int garpRepeat, long garpDelayNanos, boolean addressesFirst) {
    this(version, priority, advertIntervalNanos, preempt, preemptDelayNanos, primaryAddress,
        Announcing.takeoverOnly(1, garpRepeat, garpDelayNanos), addressesFirst, true);
  }

  /** As the constructor above, advertisement first, then the addresses. */
  public FsmConfig(int version, int priority, long advertIntervalNanos, boolean preempt, long preemptDelayNanos,
      InetAddress primaryAddress, int garpRepeat, long garpDelayNanos) {
    this(version, priority, advertIntervalNanos, preempt, preemptDelayNanos, primaryAddress, garpRepeat,
        garpDelayNanos, false);
  }
}
