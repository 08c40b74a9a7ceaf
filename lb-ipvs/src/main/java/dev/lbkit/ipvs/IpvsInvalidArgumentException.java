package dev.lbkit.ipvs;

import java.util.Optional;

/**
 * The kernel refused a value ({@code EINVAL}, {@code ERANGE}, {@code EAFNOSUPPORT}, ...); the message and
 * {@link #attribute()} name the offending field where it is known.
 */
public final class IpvsInvalidArgumentException extends IpvsException {
  private static final long serialVersionUID = 1L;

  private final String attribute;

  public IpvsInvalidArgumentException(String operation, int errno, String attribute, String message, Throwable cause) {
    super(operation, errno, message, cause);
    this.attribute = attribute;
  }

  /** The field the kernel refused, such as {@code weight} or {@code scheduler}, when known. */
  public Optional<String> attribute() {
    return Optional.ofNullable(attribute);
  }
}
