package dev.lbkit.ipvs;

/** The caller may not change IPVS ({@code EPERM}): it needs {@code CAP_NET_ADMIN} in the network namespace. */
public final class IpvsPermissionException extends IpvsException {
  private static final long serialVersionUID = 1L;

  public IpvsPermissionException(String operation, int errno, String message, Throwable cause) {
    super(operation, errno, message, cause);
  }
}
