package dev.lbkit.ipvs;

/** The service or destination to add already exists ({@code EEXIST}). */
public final class IpvsExistsException extends IpvsException {
  private static final long serialVersionUID = 1L;

  public IpvsExistsException(String operation, String message, Throwable cause) {
    super(operation, 17, message, cause);
  }
}
