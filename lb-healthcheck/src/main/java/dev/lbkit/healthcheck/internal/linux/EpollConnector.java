package dev.lbkit.healthcheck.internal.linux;

import com.sun.jna.Native;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Plain TCP connect attempts on Linux, straight on epoll: the fewest system calls a connect check needs.
 *
 * <p>What one attempt costs, against the JDK's {@code SocketChannel} path (socket, two fcntl, setsockopt, connect,
 * epoll_ctl add/modify/delete, poll, getsockopt, getsockname, close): {@code connect} on a socket opened with
 * {@code SOCK_NONBLOCK|SOCK_CLOEXEC} (or taken from the idle pool), a second {@code connect} that finds out whether
 * the handshake already completed, and {@code connect(AF_UNSPEC)}. Only when the second call finds the handshake
 * still in progress (a peer on another host) come one {@code epoll_ctl} arming {@code EPOLLOUT|EPOLLONESHOT}, its
 * share of one {@code epoll_wait} and {@code getsockopt(SO_ERROR)}. {@code connect(AF_UNSPEC)} is the kernel's
 * {@code tcp_disconnect}: an established connection is reset (RST, as HAProxy's and lbkit's SO_LINGER-0 close) and
 * the socket returns to the closed state with its ephemeral port released, so it can connect again; the next
 * attempt skips {@code socket}, {@code close} and the epoll add/remove. Only sockets whose attempt connected are
 * reused; a socket that failed or timed out is closed. At most {@value #MAX_IDLE} idle sockets per address family
 * are kept; {@link #close()} closes them.
 *
 * <p>Stale readiness: a disarmed one-shot registration reports nothing, and epoll re-checks readiness before it
 * reports, so an armed socket is only ever reported for its current attempt; an event for a socket with no
 * attempt is ignored.
 *
 * <p>Threading: one owner thread (the event loop) calls everything except {@link #wakeup()}, which any thread may
 * call to end a {@link #poll} early.
 */
public final class EpollConnector implements AutoCloseable {
  /** At most this many idle sockets per family. */
  static final int MAX_IDLE = 64;

  static final int AF_UNSPEC = 0; // AF_UNSPEC
  static final int AF_INET = 2; // AF_INET
  static final int AF_INET6 = 10; // AF_INET6
  static final int SOCK_STREAM = 1; // SOCK_STREAM
  static final int SOCK_NONBLOCK = 0x800; // SOCK_NONBLOCK, O_NONBLOCK on x86-64 and arm64
  static final int SOCK_CLOEXEC = 0x80000; // SOCK_CLOEXEC
  static final int SOL_SOCKET = 1; // SOL_SOCKET
  static final int SO_ERROR = 4; // SO_ERROR
  static final int EPOLL_CLOEXEC = 0x80000; // EPOLL_CLOEXEC
  static final int EPOLL_CTL_ADD = 1; // EPOLL_CTL_ADD
  static final int EPOLL_CTL_MOD = 3; // EPOLL_CTL_MOD
  static final int EPOLLIN = 0x1; // EPOLLIN
  static final int EPOLLOUT = 0x4; // EPOLLOUT
  static final int EPOLLONESHOT = 1 << 30; // EPOLLONESHOT
  static final int EFD_NONBLOCK = 0x800; // EFD_NONBLOCK
  static final int EFD_CLOEXEC = 0x80000; // EFD_CLOEXEC
  static final int EINTR = 4; // EINTR
  static final int EALREADY = 114; // EALREADY
  static final int EINPROGRESS = 115; // EINPROGRESS
  static final int EISCONN = 106; // EISCONN
  private static final long WAKEUP_DATA = -1L; // epoll_event.data of the eventfd; socket fds are >= 0
  private static final int MAX_EVENTS = 256;

  /** {@link #connect} result: the handshake completed within the call. */
  public static final int CONNECTED = Integer.MAX_VALUE;

  /** Receives the end of an attempt, on the owner thread, after the socket has been released. */
  public interface Outcome {
    /** The three-way handshake completed. */
    void onConnected();

    /**
     * The attempt failed.
     *
     * @param errno the error the kernel reported (SO_ERROR), e.g. 111 for ECONNREFUSED
     * @param message the C library's text for it
     */
    void onFailed(int errno, String message);
  }

  private final int epfd;
  private final int eventFd;
  private final int eventSize = LinuxSyscalls.epollEventSize();
  private final int dataOffset = LinuxSyscalls.epollDataOffset();
  private final ByteBuffer ctlEvent = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
  private final ByteBuffer events =
      ByteBuffer.allocateDirect(MAX_EVENTS * LinuxSyscalls.epollEventSize()).order(ByteOrder.nativeOrder());
  private final ByteBuffer errBuf = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
  private final ByteBuffer lenBuf = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
  private final ByteBuffer addrBuf = ByteBuffer.allocateDirect(28).order(ByteOrder.nativeOrder());
  private final byte[] wakeBytes = longBytes(1);
  private final byte[] drainBytes = new byte[8];
  // struct sockaddr with sa_family AF_UNSPEC (0)
  private final ByteBuffer unspec = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
  // native addresses of the buffers above (the fields keep the memory alive)
  private final long ctlEventAddress = LinuxSyscalls.address(ctlEvent);
  private final long eventsAddress = LinuxSyscalls.address(events);
  private final long errAddress = LinuxSyscalls.address(errBuf);
  private final long lenAddress = LinuxSyscalls.address(lenBuf);
  private final long addrAddress = LinuxSyscalls.address(addrBuf);
  private final long unspecAddress = LinuxSyscalls.address(unspec);
  private final int[] idle4 = new int[MAX_IDLE];
  private final int[] idle6 = new int[MAX_IDLE];
  private int idle4Count;
  private int idle6Count;
  private Outcome[] byFd = new Outcome[1024];
  private boolean[] inEpoll = new boolean[1024];
  private boolean[] isV6 = new boolean[1024];
  private int pending;
  private long connectedAtOnce;
  private long reportedByPoll;
  private boolean closed;
  private final Object wakeLock = new Object(); // wakeup() from any thread must not write to a closed eventfd
  private boolean eventFdOpen = true; // guarded by wakeLock

  private EpollConnector(int epfd, int eventFd) {
    this.epfd = epfd;
    this.eventFd = eventFd;
  }

  /** Whether the native binding loaded on this platform. */
  public static boolean isAvailable() {
    return LinuxSyscalls.unavailabilityCause() == null;
  }

  /** Why the native binding did not load, or empty when it did. */
  public static Optional<Throwable> unavailabilityCause() {
    return Optional.ofNullable(LinuxSyscalls.unavailabilityCause());
  }

  /**
   * Creates the epoll set and its wakeup eventfd.
   *
   * @throws IOException if epoll or eventfd cannot be created (out of descriptors)
   * @throws UnsupportedOperationException if the native binding is not available
   */
  public static EpollConnector open() throws IOException {
    Throwable cause = LinuxSyscalls.unavailabilityCause();
    if (cause != null) {
      throw new UnsupportedOperationException("the epoll connect path is unavailable: " + cause, cause);
    }
    int ep = LinuxSyscalls.epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
      throw failure("epoll_create1", Native.getLastError());
    }
    int efd = LinuxSyscalls.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0) {
      int errno = Native.getLastError();
      LinuxSyscalls.close(ep);
      throw failure("eventfd", errno);
    }
    EpollConnector c = new EpollConnector(ep, efd);
    if (!c.ctl(EPOLL_CTL_ADD, efd, EPOLLIN, WAKEUP_DATA)) {
      int errno = Native.getLastError();
      LinuxSyscalls.close(efd);
      LinuxSyscalls.close(ep);
      throw failure("epoll_ctl(eventfd)", errno);
    }
    return c;
  }

  /**
   * Writes the {@code sockaddr_in}/{@code sockaddr_in6} for an address and port at the start of {@code b}; returns
   * its length.
   */
  /**
   * Whether this JDK's {@code Inet4Address.hashCode()} is the address as a big-endian int, as OpenJDK's has always
   * been (not specified): then a check writes the address without allocating a copy of it. Tested once here, on
   * two addresses; otherwise the copy is used.
   */
  static final boolean IPV4_HASH_IS_ADDRESS = ipv4HashIsAddress();

  private static boolean ipv4HashIsAddress() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).hashCode() == 0x7f000001
          && InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) 254}).hashCode() == 0xcb0071fe;
    } catch (java.net.UnknownHostException e) {
      return false; // not for a four-byte address
    }
  }

  static int sockaddr(InetAddress address, int port, ByteBuffer b) {
    b.clear();
    if (address instanceof Inet4Address) {
      b.order(ByteOrder.nativeOrder()).putShort((short) AF_INET);
      b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
      if (IPV4_HASH_IS_ADDRESS) {
        b.putInt(address.hashCode()); // the address itself, without getAddress()'s copy (checked below)
      } else {
        b.put(address.getAddress());
      }
      b.putLong(0); // sin_zero
      b.rewind();
      return 16;
    }
    Inet6Address a6 = (Inet6Address) address;
    b.order(ByteOrder.nativeOrder()).putShort((short) AF_INET6);
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0).put(a6.getAddress()); // flowinfo 0
    b.order(ByteOrder.nativeOrder()).putInt(a6.getScopeId());
    b.rewind();
    return 28;
  }

  /** Attempts in flight. */
  public int pending() {
    return pending;
  }

  /**
   * Starts connecting to {@code address:port}. Right after the first {@code connect} answers EINPROGRESS it is
   * called once more: where the peer's kernel is this one (loopback, an address of this host, a veth into a local
   * network namespace) the whole handshake has already run inside the first call, and the second reports it done
   * (0) or refused, so the attempt ends without epoll; otherwise it answers EALREADY (measured at ~0.4 µs) and
   * the caller hands the attempt to {@link #watch}.
   *
   * @return {@link #CONNECTED} when the handshake completed within the call (the socket is already reset and kept
   *     for the next attempt); a handle {@code >= 0} while it is in progress, which the caller must pass to
   *     {@link #watch} (or {@link #abandon}) before anything else on this connector; or {@code -errno} when the
   *     attempt failed at once (e.g. {@code -111} ECONNREFUSED, {@code -101} ENETUNREACH, {@code -24} EMFILE)
   */
  public int connect(InetAddress address, int port) {
    int addrLen = sockaddr(address, port, addrBuf);
    boolean v6 = addrLen > 16;
    int fd = takeIdle(v6);
    boolean fresh = fd < 0;
    if (fresh) {
      fd = LinuxSyscalls.socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        return -Native.getLastError();
      }
    }
    ensureCapacity(fd);
    isV6[fd] = v6;
    int rc = LinuxSyscalls.connect(fd, addrAddress, addrLen);
    if (rc < 0) {
      // The second call, without reading the first one's errno (one native call less): 0 once established,
      // EALREADY while the SYN or SYN-ACK is on its way, the error if the handshake failed. A first call that
      // failed before starting (rare: no route, no free port) is simply tried once more, and this one's
      // errno is reported (EINPROGRESS if it started).
      rc = LinuxSyscalls.connect(fd, addrAddress, addrLen);
    }
    int errno = rc < 0 ? Native.getLastError() : 0;
    if (errno == EALREADY || errno == EINPROGRESS) {
      return fd;
    }
    if (errno == 0 || errno == EISCONN) {
      connectedAtOnce++;
      recycle(fd);
      return CONNECTED;
    }
    closeSocket(fd);
    return -errno;
  }

  /**
   * Waits for an attempt that {@link #connect} left in progress and reports its end to {@code outcome} on a later
   * {@link #poll}.
   *
   * @return 0, or {@code -errno} when the socket could not be armed (it is closed; nothing will be reported)
   */
  public int watch(int handle, Outcome outcome) {
    // arm after connect: a closed socket polls as EPOLLHUP and would be reported at once
    boolean armed = inEpoll[handle]
        ? ctl(EPOLL_CTL_MOD, handle, EPOLLOUT | EPOLLONESHOT, handle)
        : ctl(EPOLL_CTL_ADD, handle, EPOLLOUT | EPOLLONESHOT, handle);
    if (!armed) {
      int errno = Native.getLastError();
      closeSocket(handle);
      return -errno;
    }
    inEpoll[handle] = true;
    byFd[handle] = outcome;
    pending++;
    return 0;
  }

  /** Attempts that {@link #connect} completed within the call, since this connector opened. */
  public long connectedAtOnce() {
    return connectedAtOnce;
  }

  /** Attempts whose end {@link #poll} reported (connected or failed), since this connector opened. */
  public long reportedByPoll() {
    return reportedByPoll;
  }

  /** Gives up an attempt (its deadline passed): closes its socket; nothing will be reported. Idempotent. */
  public void abandon(int handle) {
    if (handle < 0 || handle >= byFd.length || byFd[handle] == null) {
      return;
    }
    byFd[handle] = null;
    pending--;
    closeSocket(handle);
  }

  /**
   * Waits up to {@code timeoutMillis} (0: do not wait, -1: until something happens) and reports every attempt that
   * ended. Returns the number of attempts reported.
   *
   * @throws IOException if epoll_wait fails other than by EINTR
   */
  public int poll(int timeoutMillis) throws IOException {
    int n = LinuxSyscalls.epoll_wait(epfd, eventsAddress, MAX_EVENTS, timeoutMillis);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == EINTR) {
        return 0;
      }
      throw failure("epoll_wait", errno);
    }
    int reported = 0;
    for (int i = 0; i < n; i++) {
      long data = events.getLong(i * eventSize + dataOffset);
      if (data == WAKEUP_DATA) {
        LinuxSyscalls.read(eventFd, drainBytes, 8);
        continue;
      }
      int fd = (int) data;
      Outcome o = fd < byFd.length ? byFd[fd] : null;
      if (o == null) {
        continue; // no attempt on this socket (abandoned): nothing to report
      }
      byFd[fd] = null;
      pending--;
      errBuf.putInt(0, 0);
      lenBuf.putInt(0, 4);
      int errno = LinuxSyscalls.getsockopt(fd, SOL_SOCKET, SO_ERROR, errAddress, lenAddress) < 0
          ? Native.getLastError() : errBuf.getInt(0);
      if (errno == 0) {
        recycle(fd);
        o.onConnected();
      } else {
        closeSocket(fd);
        o.onFailed(errno, LinuxSyscalls.strerror(errno));
      }
      reported++;
    }
    reportedByPoll += reported;
    return reported;
  }

  /** Ends a {@link #poll} in progress (or the next one) early. Any thread. */
  public void wakeup() {
    synchronized (wakeLock) {
      if (eventFdOpen) { // once closed, the number may already name another descriptor
        LinuxSyscalls.write(eventFd, wakeBytes, 8);
      }
    }
  }

  /** The C library's text for an errno. */
  public static String describe(int errno) {
    return LinuxSyscalls.strerror(errno);
  }

  /**
   * Closes every socket, the epoll set and the eventfd; hands each attempt still in flight to {@code unfinished}
   * (after its socket is closed). Idempotent.
   */
  public void close(Consumer<Outcome> unfinished) {
    if (closed) {
      return;
    }
    closed = true;
    for (int fd = 0; fd < byFd.length; fd++) {
      Outcome o = byFd[fd];
      if (o != null) {
        byFd[fd] = null;
        pending--;
        LinuxSyscalls.close(fd);
        unfinished.accept(o);
      }
    }
    for (int i = 0; i < idle4Count; i++) {
      LinuxSyscalls.close(idle4[i]);
    }
    for (int i = 0; i < idle6Count; i++) {
      LinuxSyscalls.close(idle6[i]);
    }
    idle4Count = 0;
    idle6Count = 0;
    Arrays.fill(inEpoll, false);
    synchronized (wakeLock) {
      eventFdOpen = false;
      LinuxSyscalls.close(eventFd);
    }
    LinuxSyscalls.close(epfd);
  }

  @Override
  public void close() {
    close(o -> { });
  }

  /** Resets the connection (RST) and keeps the socket for the next attempt, or closes it if the pool is full. */
  private void recycle(int fd) {
    boolean v6 = isV6[fd];
    if ((v6 ? idle6Count : idle4Count) < MAX_IDLE && LinuxSyscalls.connect(fd, unspecAddress, 16) == 0) {
      if (v6) {
        idle6[idle6Count++] = fd;
      } else {
        idle4[idle4Count++] = fd;
      }
      return;
    }
    // reset first, so the close below leaves no TIME_WAIT (the pooled and the closed socket end the same way)
    LinuxSyscalls.connect(fd, unspecAddress, 16);
    closeSocket(fd);
  }

  private int takeIdle(boolean v6) {
    if (v6) {
      return idle6Count > 0 ? idle6[--idle6Count] : -1;
    }
    return idle4Count > 0 ? idle4[--idle4Count] : -1;
  }

  private void closeSocket(int fd) {
    inEpoll[fd] = false; // closing the last descriptor removes it from the epoll set
    LinuxSyscalls.close(fd);
  }

  private boolean ctl(int op, int fd, int eventMask, long data) {
    ctlEvent.putInt(0, eventMask);
    ctlEvent.putLong(dataOffset, data);
    return LinuxSyscalls.epoll_ctl(epfd, op, fd, ctlEventAddress) == 0;
  }

  private void ensureCapacity(int fd) {
    if (fd >= byFd.length) {
      int n = Math.max(fd + 1, byFd.length * 2);
      byFd = Arrays.copyOf(byFd, n);
      inEpoll = Arrays.copyOf(inEpoll, n);
      isV6 = Arrays.copyOf(isV6, n);
    }
  }

  private static IOException failure(String call, int errno) {
    return new IOException(call + " failed: " + LinuxSyscalls.strerror(errno) + " (errno " + errno + ")");
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
  }
}
