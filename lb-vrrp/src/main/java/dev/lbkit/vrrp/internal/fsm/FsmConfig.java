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
 * @param garpRepeat gratuitous ARPs sent per burst (keepalived vrrp_garp_master_repeat)
 * @param garpDelayNanos delay before the second burst, 0 for none (keepalived vrrp_garp_master_delay)
 */
public record FsmConfig(int version, int priority, long advertIntervalNanos, boolean preempt, long preemptDelayNanos,
    InetAddress primaryAddress, int garpRepeat, long garpDelayNanos) {
  public FsmConfig {
    Objects.requireNonNull(primaryAddress, "primaryAddress");
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority must be in [1, 255] but was " + priority);
    }
    if (advertIntervalNanos <= 0) {
      throw new IllegalArgumentException("advertisement interval must be positive");
    }
  }
}
