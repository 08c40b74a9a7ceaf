package dev.lbkit.ipvs.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * A socket file descriptor and the few calls made on it: socket, bind, getsockname, setsockopt, sendto,
 * recvfrom, close. Knows nothing of netlink framing; addresses are raw {@code sockaddr} bytes.
 *
 * <p>Thread safety: the calls themselves may run concurrently (the kernel serializes them); {@link #close()} must
 * not race with them. Callers above serialize request/response exchanges.
 */
public final class NativeSocket implements AutoCloseable {
  /** {@code AF_NETLINK}. */
  public static final int AF_NETLINK = 16;
  /** {@code SOCK_RAW}. */
  public static final int SOCK_RAW = 3;
  /** {@code SOCK_CLOEXEC}: not inherited by child processes. */
  public static final int SOCK_CLOEXEC = 0x80000;
  /** {@code SOL_SOCKET}. */
  public static final int SOL_SOCKET = 1;
  /** {@code SO_SNDBUF}. */
  public static final int SO_SNDBUF = 7;
  /** {@code SO_RCVBUF}. */
  public static final int SO_RCVBUF = 8;
  /** {@code SO_SNDBUFFORCE}: like SO_SNDBUF but above rmem_max; needs CAP_NET_ADMIN. */
  public static final int SO_SNDBUFFORCE = 32;
  /** {@code SO_RCVBUFFORCE}. */
  public static final int SO_RCVBUFFORCE = 33;
  /** {@code MSG_PEEK}. */
  public static final int MSG_PEEK = 0x2;
  /** {@code MSG_TRUNC}: recvfrom returns the datagram's real length even when the buffer is shorter. */
  public static final int MSG_TRUNC = 0x20;
  /** {@code MSG_DONTWAIT}. */
  public static final int MSG_DONTWAIT = 0x40;
  /** {@code MSG_WAITFORONE}: {@code recvmmsg} waits for the first datagram only. */
  public static final int MSG_WAITFORONE = 0x10000;
  /** {@code SO_RCVTIMEO} (the 64-bit {@code struct timeval} form on x86-64). */
  public static final int SO_RCVTIMEO = 20;

  private final int fd;
  private volatile boolean closed;
  /** The native address of the last buffer sent from, and of the last received into (each a JNI call to learn). */
  private final PointerCache sendPointer = new PointerCache();
  private final PointerCache receivePointer = new PointerCache();
  /** {@link #receiveMany}'s {@code struct mmsghdr} array and its iovecs, made on first use. */
  private ReceiveVector vector;

  private NativeSocket(int fd) {
    this.fd = fd;
  }

  /** Whether the native binding loaded. */
  public static boolean isAvailable() {
    return LinuxSyscalls.unavailabilityCause() == null;
  }

  /** Why the native binding did not load, or empty. */
  public static Optional<Throwable> unavailabilityCause() {
    return Optional.ofNullable(LinuxSyscalls.unavailabilityCause());
  }

  /**
   * {@code socket(domain, type | SOCK_CLOEXEC, protocol)}.
   *
   * @throws SyscallException with errno on failure
   * @throws UnsupportedOperationException if the native binding is not available
   */
  public static NativeSocket open(int domain, int type, int protocol) throws SyscallException {
    Throwable cause = LinuxSyscalls.unavailabilityCause();
    if (cause != null) {
      throw new UnsupportedOperationException("native socket calls are unavailable: " + cause, cause);
    }
    int fd = LinuxSyscalls.socket(domain, type | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw new SyscallException("socket", Native.getLastError());
    }
    return new NativeSocket(fd);
  }

  /** {@code bind} to a raw {@code sockaddr}. */
  public void bind(byte[] sockaddr) throws SyscallException {
    check("bind", LinuxSyscalls.bind(fd, sockaddr, sockaddr.length));
  }

  /** {@code getsockname} into a buffer of {@code maxLength} bytes; returns the address bytes. */
  public byte[] localAddress(int maxLength) throws SyscallException {
    byte[] addr = new byte[maxLength];
    int[] len = {maxLength};
    check("getsockname", LinuxSyscalls.getsockname(fd, addr, len));
    return Arrays.copyOf(addr, Math.min(len[0], maxLength));
  }

  /** {@code setsockopt} with a C {@code int} value. */
  public void setIntOption(int level, int name, int value) throws SyscallException {
    byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    check("setsockopt(" + level + ", " + name + ")", LinuxSyscalls.setsockopt(fd, level, name, v, 4));
  }

  /** {@code getsockopt} of a C {@code int} value. */
  public int intOption(int level, int name) throws SyscallException {
    byte[] v = new byte[4];
    int[] len = {4};
    check("getsockopt(" + level + ", " + name + ")", LinuxSyscalls.getsockopt(fd, level, name, v, len));
    return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
  }

  /**
   * {@code sendto}: sends the bytes between the buffer's position and limit as one datagram. The buffer must be
   * direct; its position is not moved.
   *
   * @return the number of bytes sent
   */
  public int sendTo(ByteBuffer direct, byte[] destination) throws SyscallException {
    Pointer p = sendPointer.at(direct);
    long n = LinuxSyscalls.sendto(fd, p, direct.remaining(), 0, destination, destination.length);
    if (n < 0) {
      throw new SyscallException("sendto", Native.getLastError());
    }
    return (int) n;
  }

  /**
   * {@code recvfrom} into the buffer from its position up to its limit; the buffer must be direct and its position
   * is not moved. With {@link #MSG_TRUNC} the result is the datagram's full length even if it did not fit.
   *
   * @return the number of bytes of the datagram
   */
  public int receive(ByteBuffer direct, int flags) throws SyscallException {
    Pointer p = receivePointer.at(direct);
    long n = LinuxSyscalls.recvfrom(fd, p, direct.remaining(), flags, null, null);
    if (n < 0) {
      throw new SyscallException("recvfrom", Native.getLastError());
    }
    return (int) n;
  }

  /**
   * {@code recvmmsg} with {@link #MSG_WAITFORONE} and {@link #MSG_TRUNC}: waits for one datagram, then takes those
   * already queued, up to {@code lengths.length}, in one call. Datagram {@code i} goes to the {@code slot} bytes
   * from {@code position + i * slot} of the direct buffer (whose position is not moved) and its full length to
   * {@code lengths[i]}: more than {@code slot} when it did not fit and was truncated.
   *
   * @return how many datagrams came (at least one)
   * @throws SyscallException with errno when the first receive fails (an error after the first is reported by the
   *     next call)
   */
  public int receiveMany(ByteBuffer direct, int slot, int[] lengths) throws SyscallException {
    int count = lengths.length;
    if (slot <= 0 || (long) slot * count > direct.remaining()) {
      throw new IllegalArgumentException(count + " slots of " + slot + " bytes do not fit " + direct.remaining());
    }
    long base = Pointer.nativeValue(receivePointer.at(direct));
    ReceiveVector v;
    synchronized (this) {
      if (vector == null || vector.count < count) {
        vector = new ReceiveVector(Math.max(count, 2));
      }
      v = vector;
    }
    synchronized (v) {
      v.prepare(base, slot, count);
      int n = LinuxSyscalls.recvmmsg(fd, v.pointer, count, MSG_WAITFORONE | MSG_TRUNC, null);
      if (n < 0) {
        throw new SyscallException("recvmmsg", Native.getLastError());
      }
      for (int i = 0; i < n; i++) {
        lengths[i] = v.length(i);
      }
      return n;
    }
  }

  /** Closes the descriptor once; later calls do nothing. */
  @Override
  public void close() throws SyscallException {
    if (closed) {
      return;
    }
    closed = true;
    if (LinuxSyscalls.close(fd) < 0) {
      throw new SyscallException("close", Native.getLastError());
    }
  }

  /** {@code setsockopt} with a {@code struct timeval} value, such as {@code SO_RCVTIMEO}. */
  public void setTimeoutOption(int level, int name, java.time.Duration timeout) throws SyscallException {
    byte[] v = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
        .putLong(timeout.getSeconds()).putLong(timeout.getNano() / 1000).array();
    check("setsockopt(" + level + ", " + name + ")", LinuxSyscalls.setsockopt(fd, level, name, v, 16));
  }

  /**
   * A direct buffer's native address at its position, remembering the last buffer's base address: sockets send from
   * and receive into the same few buffers over and over. Synchronized, as send and receive may run on two threads.
   */
  private static final class PointerCache {
    private ByteBuffer buffer;
    private Pointer base;

    synchronized Pointer at(ByteBuffer direct) {
      if (!direct.isDirect()) {
        throw new IllegalArgumentException("native socket I/O needs a direct buffer");
      }
      if (direct != buffer) {
        base = Native.getDirectBufferPointer(direct);
        buffer = direct;
      }
      return direct.position() == 0 ? base : base.share(direct.position());
    }
  }

  /**
   * A native {@code struct mmsghdr[count]} followed by {@code struct iovec[count]}, one iovec per header (LP64
   * layout: {@code msghdr} is 56 bytes, {@code mmsghdr} 64, {@code iovec} 16). Rewritten only when the target
   * buffer, slot or count change; {@code recvmmsg} itself writes only {@code msg_len}, {@code msg_flags} and
   * {@code msg_namelen} (0, as there is no name buffer).
   */
  private static final class ReceiveVector {
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;
    final int count;
    final ByteBuffer memory;
    final Pointer pointer;
    private final long address;
    private long preparedBase = -1;
    private int preparedSlot;
    private int preparedCount;

    ReceiveVector(int count) {
      this.count = count;
      this.memory = ByteBuffer.allocateDirect(count * (MMSGHDR + IOVEC)).order(ByteOrder.nativeOrder());
      this.pointer = Native.getDirectBufferPointer(memory);
      this.address = Pointer.nativeValue(pointer);
    }

    void prepare(long base, int slot, int n) {
      if (base == preparedBase && slot == preparedSlot && n == preparedCount) {
        return;
      }
      for (int i = 0; i < n; i++) {
        int h = i * MMSGHDR;
        int iov = count * MMSGHDR + i * IOVEC;
        memory.putLong(h, 0); // msg_name
        memory.putLong(h + 8, 0); // msg_namelen and padding
        memory.putLong(h + 16, address + iov); // msg_iov
        memory.putLong(h + 24, 1); // msg_iovlen
        memory.putLong(h + 32, 0); // msg_control
        memory.putLong(h + 40, 0); // msg_controllen
        memory.putLong(h + 48, 0); // msg_flags and padding
        memory.putLong(h + 56, 0); // msg_len and padding
        memory.putLong(iov, base + (long) i * slot); // iov_base
        memory.putLong(iov + 8, slot); // iov_len
      }
      preparedBase = base;
      preparedSlot = slot;
      preparedCount = n;
    }

    int length(int i) {
      return memory.getInt(i * MMSGHDR + 56);
    }
  }

  private static void check(String call, int rc) throws SyscallException {
    if (rc < 0) {
      throw new SyscallException(call, Native.getLastError());
    }
  }
}
