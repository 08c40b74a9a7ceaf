package dev.lbkit.ipvs;

import dev.lbkit.ipvs.internal.netlink.Errno;
import dev.lbkit.ipvs.internal.netlink.NetlinkException;

/** Turns errno into the typed exceptions with an operator's wording; shared by both implementations. */
final class IpvsErrors {
  static final int EPERM = Errno.EPERM;
  static final int ENOENT = Errno.ENOENT;
  static final int ESRCH = Errno.ESRCH;
  static final int EEXIST = Errno.EEXIST;
  static final int EINVAL = Errno.EINVAL;
  static final int ERANGE = Errno.ERANGE;
  static final int ENODEV = Errno.ENODEV;

  private IpvsErrors() {}

  /**
   * The exception for a refusal.
   *
   * @param operation what was attempted
   * @param errno the errno
   * @param enoent what ENOENT means for this operation ("no such destination", "scheduler wlc not found")
   * @param esrch what ESRCH means, or null for "no such service"
   * @param attribute the attribute an EINVAL most likely concerns, or null
   * @param detail the kernel's extended ACK message, or null
   * @param cause the underlying exception, or null
   */
  static IpvsException of(String operation, int errno, String enoent, String esrch, String attribute,
      String detail, Throwable cause) {
    String tail = " (" + Errno.name(errno) + ")" + (detail != null ? ": " + detail : "");
    switch (errno) {
      case Errno.EEXIST:
        return new IpvsExistsException(operation, operation + ": already exists" + tail, cause);
      case Errno.ESRCH:
        return new IpvsNotFoundException(operation, errno,
            operation + ": " + (esrch != null ? esrch : "no such service") + tail, cause);
      case Errno.ENOENT:
        return new IpvsNotFoundException(operation, errno,
            operation + ": " + (enoent != null ? enoent : "not found") + tail, cause);
      case Errno.EPERM:
      case Errno.EACCES:
        return new IpvsPermissionException(operation, errno,
            operation + ": " + Errno.describe(errno) + tail + "; needs CAP_NET_ADMIN", cause);
      case Errno.EINVAL:
      case Errno.ERANGE:
      case Errno.EAFNOSUPPORT:
      case Errno.EOPNOTSUPP:
      case Errno.EFAULT:
        return new IpvsInvalidArgumentException(operation, errno, attribute,
            operation + ": " + Errno.describe(errno) + (attribute != null ? " (" + attribute + ")" : "") + tail,
            cause);
      default:
        return new IpvsException(operation, errno, operation + ": " + Errno.describe(errno) + tail, cause);
    }
  }

  /** The exception for a kernel refusal carried by a netlink exception. */
  static IpvsException of(NetlinkException e, String enoent, String esrch, String attribute) {
    return of(e.operation(), e.errno(), enoent, esrch, attribute, e.extAckMessage().orElse(null), e);
  }
}
