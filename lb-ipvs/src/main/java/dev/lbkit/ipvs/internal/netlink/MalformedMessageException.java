package dev.lbkit.ipvs.internal.netlink;

/** Bytes from the kernel (or a test vector) that do not frame as netlink messages or attributes. */
public final class MalformedMessageException extends NetlinkException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String problem) {
    super("parse netlink message: " + problem, Errno.EPROTO, null, -1);
  }
}
