package dev.lbkit.api;

import java.util.Locale;
import java.util.Optional;

/**
 * A scheduler flag of a virtual service ({@code ipvsadm -b}): the {@code IP_VS_SVC_F_SCHED1..3} bits, which each
 * scheduler reads in its own way. {@code sh-fallback} and {@code mh-fallback} are the same bit (SCHED1) and apply
 * only to their scheduler; the generic {@code flag-N} names apply to any.
 */
public enum SchedulerFlag {
  /** {@code flag-1}: {@code IP_VS_SVC_F_SCHED1}, for any scheduler. */
  FLAG_1("flag-1", 0x08, null),
  /** {@code flag-2}: {@code IP_VS_SVC_F_SCHED2}, for any scheduler. */
  FLAG_2("flag-2", 0x10, null),
  /** {@code flag-3}: {@code IP_VS_SVC_F_SCHED3}, for any scheduler. */
  FLAG_3("flag-3", 0x20, null),
  /** {@code sh-fallback}: sh skips an unavailable server and hashes on. SCHED1. */
  SH_FALLBACK("sh-fallback", 0x08, "sh"),
  /** {@code sh-port}: sh hashes the source port too. SCHED2. */
  SH_PORT("sh-port", 0x10, "sh"),
  /** {@code mh-fallback}: mh skips an unavailable server and hashes on. SCHED1. */
  MH_FALLBACK("mh-fallback", 0x08, "mh"),
  /** {@code mh-port}: mh hashes the source port too. SCHED2. */
  MH_PORT("mh-port", 0x10, "mh");

  private final String ipvsadmName;
  private final int kernelBit;
  private final String scheduler;

  SchedulerFlag(String ipvsadmName, int kernelBit, String scheduler) {
    this.ipvsadmName = ipvsadmName;
    this.kernelBit = kernelBit;
    this.scheduler = scheduler;
  }

  /** The name {@code ipvsadm -b} takes and {@code ipvsadm -L} prints. */
  public String ipvsadmName() {
    return ipvsadmName;
  }

  /** The {@code IP_VS_SVC_F_SCHED*} bit of the service flags. */
  public int kernelBit() {
    return kernelBit;
  }

  /** The scheduler this flag belongs to, or empty for the generic {@code flag-N}. */
  public Optional<String> scheduler() {
    return Optional.ofNullable(scheduler);
  }

  /** Whether the flag may be given to a service using this scheduler. */
  public boolean appliesTo(String schedulerName) {
    return scheduler == null || scheduler.equals(schedulerName);
  }

  /**
   * Parses an ipvsadm flag name such as {@code sh-port}.
   *
   * @throws IllegalArgumentException naming the value and the known flags
   */
  public static SchedulerFlag parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (SchedulerFlag f : values()) {
      if (f.ipvsadmName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("scheduler flag must be one of flag-1, flag-2, flag-3, sh-fallback, sh-port,"
        + " mh-fallback, mh-port but was '" + name + "'");
  }
}
