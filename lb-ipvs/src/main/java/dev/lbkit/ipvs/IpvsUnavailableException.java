package dev.lbkit.ipvs;

/**
 * IPVS cannot be reached: the kernel has no {@code IPVS} generic netlink family (the {@code ip_vs} module is not
 * loaded), or netlink itself is unavailable (not Linux, JNA missing).
 */
public final class IpvsUnavailableException extends IpvsException {
  private static final long serialVersionUID = 1L;

  public IpvsUnavailableException(String operation, int errno, String message, Throwable cause) {
    super(operation, errno, message, cause);
  }
}
