package dev.lbkit.ipvs;

import java.io.IOException;

/**
 * The kernel (or {@link InMemoryIpvs}, acting as it) refused an IPVS operation, or the netlink exchange failed.
 * Subclasses are what callers branch on; the message is worded for an operator:
 * {@code add destination 10.0.0.2:80 to TCP 192.0.2.10:80: already exists (EEXIST)}.
 */
public class IpvsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;

  /**
   * @param operation what was attempted, such as {@code add service TCP 192.0.2.10:80}
   * @param errno the Linux errno, or 0 when there is none
   * @param message the whole message
   * @param cause the underlying failure, or null
   */
  public IpvsException(String operation, int errno, String message, Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.errno = errno;
  }

  /** What was attempted. */
  public String operation() {
    return operation;
  }

  /** The Linux errno the kernel answered, or 0 when the failure has none. */
  public int errno() {
    return errno;
  }
}
