package dev.lbkit.ipvs.internal.jna;

import java.io.IOException;

/** A system call returned -1; carries the call's name and errno. */
public final class SyscallException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  public SyscallException(String call, int errno) {
    super(call + " failed: errno " + errno);
    this.call = call;
    this.errno = errno;
  }

  /** The call that failed, such as {@code bind}. */
  public String call() {
    return call;
  }

  /** The Linux errno value. */
  public int errno() {
    return errno;
  }
}
