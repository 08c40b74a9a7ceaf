package dev.lbkit.scheduling;

/** Which engine a scheduler name belongs to. */
public enum SchedulerFamily {
  /** The Linux kernel's IPVS schedulers ({@code ipvsadm -s}); run them over an {@link IpvsService}. */
  IPVS,
  /** HAProxy's {@code balance} algorithms. */
  HAPROXY
}
