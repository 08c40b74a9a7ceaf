package dev.lbkit.ipvs;

/**
 * The service, destination, scheduler, persistence engine or sync daemon named does not exist ({@code ESRCH} for a
 * missing service, {@code ENOENT} for a missing destination, scheduler or engine).
 */
public final class IpvsNotFoundException extends IpvsException {
  private static final long serialVersionUID = 1L;

  public IpvsNotFoundException(String operation, int errno, String message, Throwable cause) {
    super(operation, errno, message, cause);
  }
}
