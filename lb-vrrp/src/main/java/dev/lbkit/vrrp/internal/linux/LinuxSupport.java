package dev.lbkit.vrrp.internal.linux;

import java.util.Optional;

/** Whether the Linux edge can work here. */
public final class LinuxSupport {
  private LinuxSupport() {}

  /** Why the native binding did not load, or empty when it did. */
  public static Optional<Throwable> unavailabilityCause() {
    return Optional.ofNullable(LibC.unavailabilityCause());
  }
}
