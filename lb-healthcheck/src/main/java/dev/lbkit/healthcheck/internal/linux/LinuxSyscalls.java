package dev.lbkit.healthcheck.internal.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The C library calls of the epoll TCP connect path, bound with JNA direct mapping. Only this class touches libc.
 *
 * <p>{@code size_t}/{@code ssize_t} are declared {@code long}: the binding refuses to load unless a native long is
 * 64 bits, and where {@code struct epoll_event}'s layout is not known (x86-64 packs it to 12 bytes, the other
 * 64-bit ports pad it to 16). Structures live in direct {@link ByteBuffer}s owned by the caller, passed as their
 * native address ({@link #address}): calls with primitive arguments only take JNA's fastest path, with no array
 * copies and no argument type checks. The caller keeps the buffers reachable while it uses the addresses. errno is read with {@link Native#getLastError()} right after a call returns -1.
 */
final class LinuxSyscalls {
  private static final Throwable UNAVAILABILITY_CAUSE;

  static {
    Throwable cause = null;
    try {
      if (!Platform.isLinux()) {
        cause = new UnsupportedOperationException("the epoll connect path needs Linux, but this is "
            + System.getProperty("os.name"));
      } else if (Native.LONG_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
        cause = new UnsupportedOperationException("the epoll connect path needs a 64-bit Linux (native long is "
            + Native.LONG_SIZE + " bytes)");
      } else if (!Platform.isIntel() && !Platform.isARM()) {
        cause = new UnsupportedOperationException("struct epoll_event layout unknown on " + Platform.ARCH);
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

  /** Size of {@code struct epoll_event}: packed on x86-64, naturally aligned elsewhere. */
  static int epollEventSize() {
    return Platform.isIntel() ? 12 : 16;
  }

  /** Offset of {@code epoll_event.data}. */
  static int epollDataOffset() {
    return Platform.isIntel() ? 4 : 8;
  }

  /** The native address of a direct buffer. */
  static long address(ByteBuffer direct) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
  }

  static native int socket(int domain, int type, int protocol);

  static native int connect(int fd, long addr, int addrlen); // addresses of direct buffers

  static native int setsockopt(int fd, int level, int optname, byte[] optval, int optlen);

  static native int getsockopt(int fd, int level, int optname, long optval, long optlen);

  static native int close(int fd);

  static native int epoll_create1(int flags);

  static native int epoll_ctl(int epfd, int op, int fd, long event);

  static native int epoll_wait(int epfd, long events, int maxevents, int timeout);

  static native int eventfd(int initval, int flags);

  static native long read(int fd, byte[] buf, long count);

  static native long write(int fd, byte[] buf, long count);

  static native String strerror(int errnum);
}
