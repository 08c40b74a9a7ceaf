package dev.lbkit.ipvs.internal.netlink;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A netlink request failed: the kernel answered {@code NLMSG_ERROR} with a negative errno, or a socket call
 * failed. Carries the errno and, when the kernel sent an extended ACK, its message and the offset of the
 * offending attribute in the request.
 */
public class NetlinkException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;
  private final String extAckMessage;
  private final int extAckOffset;

  /**
   * @param operation what was attempted, for the message
   * @param errno the positive errno value
   * @param extAckMessage the kernel's {@code NLMSGERR_ATTR_MSG}, or null
   * @param extAckOffset the {@code NLMSGERR_ATTR_OFFS} byte offset into the request, or -1
   */
  public NetlinkException(String operation, int errno, String extAckMessage, int extAckOffset) {
    super(operation + ": " + Errno.describe(errno) + " (" + Errno.name(errno) + ")"
        + (extAckMessage != null && !extAckMessage.isEmpty() ? ": " + extAckMessage : ""));
    this.operation = operation;
    this.errno = errno;
    this.extAckMessage = extAckMessage;
    this.extAckOffset = extAckOffset;
  }

  /** A failure with errno only. */
  public NetlinkException(String operation, int errno, Throwable cause) {
    this(operation, errno, null, -1);
    initCause(cause);
  }

  /** What was attempted. */
  public String operation() {
    return operation;
  }

  /** The positive Linux errno. */
  public int errno() {
    return errno;
  }

  /** The extended ACK message, when the kernel gave one. */
  public Optional<String> extAckMessage() {
    return Optional.ofNullable(extAckMessage).filter(m -> !m.isEmpty());
  }

  /** The offset of the offending attribute in the request, when the kernel gave one. */
  public OptionalInt extAckOffset() {
    return extAckOffset < 0 ? OptionalInt.empty() : OptionalInt.of(extAckOffset);
  }
}
