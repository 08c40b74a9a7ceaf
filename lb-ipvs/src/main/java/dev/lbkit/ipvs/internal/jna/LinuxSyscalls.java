package dev.lbkit.ipvs.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls lbkit needs, bound with JNA direct mapping. Only this class touches libc.
 *
 * <p>{@code size_t} and {@code ssize_t} are declared as {@code long}: {@link NativeSocket} refuses to load where
 * a native long is not 64 bits, so the mapping is exact wherever it runs. errno is read with
 * {@link Native#getLastError()} right after a call returns -1.
 */
final class LinuxSyscalls {
  private static final Throwable UNAVAILABILITY_CAUSE;

  static {
    Throwable cause = null;
    try {
      if (!Platform.isLinux()) {
        cause = new UnsupportedOperationException("netlink needs Linux, but this is " + System.getProperty("os.name"));
      } else if (Native.LONG_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
        cause = new UnsupportedOperationException("lbkit's netlink binding needs a 64-bit Linux (native long is "
            + Native.LONG_SIZE + " bytes)");
      } else {
        Native.register(LinuxSyscalls.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      }
    } catch (Throwable t) { // UnsatisfiedLinkError, or JNA's native stub missing for this platform
      cause = t;
    }
    UNAVAILABILITY_CAUSE = cause;
  }

  private LinuxSyscalls() {}

  /** Why the binding could not be made, or null when it works. */
  static Throwable unavailabilityCause() {
    return UNAVAILABILITY_CAUSE;
  }

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, byte[] addr, int addrlen);

  static native int getsockname(int fd, byte[] addr, int[] addrlen);

  static native int setsockopt(int fd, int level, int optname, byte[] optval, int optlen);

  static native int getsockopt(int fd, int level, int optname, byte[] optval, int[] optlen);

  static native long sendto(int fd, Pointer buf, long len, int flags, byte[] destAddr, int addrlen);

  static native long recvfrom(int fd, Pointer buf, long len, int flags, byte[] srcAddr, int[] addrlen);

  /** {@code recvmmsg(2)}: several datagrams in one call; {@code msgvec} is an array of {@code struct mmsghdr}. */
  static native int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

  static native int close(int fd);
}
