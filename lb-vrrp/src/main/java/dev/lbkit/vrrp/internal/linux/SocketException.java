package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.ipvs.internal.netlink.Errno;
import java.io.IOException;

/** A failed socket call, with its errno, worded for an operator. */
final class SocketException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int errno;

  SocketException(String operation, int errno) {
    super(operation + ": " + Errno.describe(errno) + " (" + Errno.name(errno) + ")" + hint(errno));
    this.errno = errno;
  }

  int errno() {
    return errno;
  }

  private static String hint(int errno) {
    return errno == Errno.EPERM || errno == Errno.EACCES
        ? " (raw sockets need CAP_NET_RAW: run as root or grant the capability)" : "";
  }
}
