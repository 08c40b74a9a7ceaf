package dev.lbkit.vrrp.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * A {@link TrafficFilter} could not change its rules. {@link #kind()} says what an operator has to fix.
 */
public final class TrafficFilterException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the change failed. */
  public enum Kind {
    /** The filtering tool or kernel support is missing (for example no {@code nft} program). */
    UNAVAILABLE,
    /** The process may not change the firewall (it needs CAP_NET_ADMIN). */
    PERMISSION,
    /** The tool ran and refused the change, or did not finish in time. */
    FAILED
  }

  private final Kind kind;
  private final String operation;

  /**
   * @param kind what went wrong
   * @param operation what was being done, for example {@code block 10.0.0.100 on eth0}
   * @param detail the tool's own words
   */
  public TrafficFilterException(Kind kind, String operation, String detail) {
    this(kind, operation, detail, null);
  }

  public TrafficFilterException(Kind kind, String operation, String detail, Throwable cause) {
    super(operation + ": " + detail, cause);
    this.kind = requireNonNull(kind, "kind");
    this.operation = requireNonNull(operation, "operation");
  }

  public Kind kind() {
    return kind;
  }

  /** What was being done when it failed. */
  public String operation() {
    return operation;
  }
}
