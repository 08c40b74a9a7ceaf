package dev.lbkit.vrrp.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * VRRP over Linux raw sockets: one {@link RawVrrpSocket} per interface and family, waited on together with
 * {@code ppoll}, an eventfd that {@link #wakeup()} signals, and a timerfd for the timeout. Used from the engine thread
 * only, except {@link #wakeup()} and {@link #close()}.
 *
 * <p>The timeout is a timerfd set to an absolute CLOCK_MONOTONIC deadline rather than ppoll's own timeout: the kernel
 * lets a poll timeout of a normal thread fire late by 0.1 % of its length (360 us of a 360 ms Master_Down_Interval,
 * measured here as 0.44 ms late on average), a timerfd fires on time. Received datagrams carry their age from the
 * kernel's receive time stamp (SO_TIMESTAMPNS), so the router's timers start at their arrival.
 */
public final class LinuxVrrpTransport implements VrrpTransport {
  private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0}; // a non-zero uint64 in either byte order
  private final Rtnetlink rtnetlink;
  private final Map<String, RawVrrpSocket> sockets = new LinkedHashMap<>();
  private final Map<String, Integer> ifindexes = new LinkedHashMap<>();
  /** The sending side by interface name: [IPv4, IPv6] sockets, so a send looks up one string (no key built). */
  private final Map<String, RawVrrpSocket[]> senders = new java.util.HashMap<>();
  /** keepalived's IPsec-AH mode: the IP protocol 51 pair by interface name (also polled, through {@link #sockets}). */
  private final Map<String, RawVrrpSocket> ahSockets = new java.util.HashMap<>();
  private final Deque<RawVrrpSocket.Received> pending = new ArrayDeque<>();
  /** {@link #sockets}' values, for a look without waiting. */
  private RawVrrpSocket[] polled = new RawVrrpSocket[0];
  private Memory pollfds;
  private final Memory timespec = new Memory(16);
  private final Memory itimerspec = new Memory(32);
  private int timerFd; // -1 once closed
  private boolean slackSet;
  /** struct sched_param of the takeover window (priority 1) and of the normal policy (0). */
  private final Memory takeoverParam = new Memory(4);
  private final Memory normalParam = new Memory(4);
  /** Set once sched_setscheduler refused (no CAP_SYS_NICE, no RLIMIT_RTPRIO): takeovers then keep the policy. */
  private boolean takeoverPriorityRefused;
  /** The thread raised by beginTakeover, until endTakeover on it; null outside a takeover window. */
  private Thread inTakeover;
  private final byte[] counter = new byte[8];
  private final Object wakeLock = new Object();
  private int wakeFd; // guarded by wakeLock for wakeup() and close(); -1 once closed

  /**
   * @throws IOException if rtnetlink or the wake-up eventfd cannot be opened
   */
  public LinuxVrrpTransport() throws IOException {
    this.rtnetlink = Rtnetlink.open();
    int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
    if (fd < 0) {
      int errno = Native.getLastError();
      rtnetlink.close();
      throw new SocketException("create the engine's wake-up eventfd", errno);
    }
    int tfd = LibC.timerfd_create(LibC.CLOCK_MONOTONIC, LibC.TFD_CLOEXEC | LibC.TFD_NONBLOCK);
    if (tfd < 0) {
      int errno = Native.getLastError();
      LibC.close(fd);
      rtnetlink.close();
      throw new SocketException("create the engine's timerfd", errno);
    }
    this.wakeFd = fd;
    this.timerFd = tfd;
    this.pollfds = new Memory(16);
  }

  private static String key(String interfaceName, AddressFamily family) {
    return interfaceName + "/" + family;
  }

  @Override
  public void open(String interfaceName, AddressFamily family) throws IOException {
    if (sockets.containsKey(key(interfaceName, family))) {
      return;
    }
    int ifindex = Rtnetlink.ifindex(interfaceName);
    InetAddress source = primaryAddress(interfaceName, family);
    sockets.put(key(interfaceName, family), RawVrrpSocket.open(interfaceName, ifindex, family, source));
    ifindexes.put(interfaceName, ifindex);
    senders.computeIfAbsent(interfaceName, n -> new RawVrrpSocket[2])[family == AddressFamily.IPV4 ? 0 : 1] =
        sockets.get(key(interfaceName, family));
    pollfds = new Memory(8L * (sockets.size() + 2));
    polled = sockets.values().toArray(new RawVrrpSocket[0]);
  }

  @Override
  public void openAuthenticationHeader(String interfaceName) throws IOException {
    if (ahSockets.containsKey(interfaceName)) {
      return;
    }
    int ifindex = Rtnetlink.ifindex(interfaceName);
    InetAddress source = primaryAddress(interfaceName, AddressFamily.IPV4);
    RawVrrpSocket s = RawVrrpSocket.openAuthenticationHeader(interfaceName, ifindex, source);
    ahSockets.put(interfaceName, s);
    sockets.put(key(interfaceName, AddressFamily.IPV4) + "/AH", s);
    pollfds = new Memory(8L * (sockets.size() + 2));
    polled = sockets.values().toArray(new RawVrrpSocket[0]);
  }

  @Override
  public InetAddress primaryAddress(String interfaceName, AddressFamily family) throws IOException {
    int ifindex = Rtnetlink.ifindex(interfaceName);
    for (Rtnetlink.Address a : rtnetlink.addresses(ifindex, family)) {
      boolean usable = family == AddressFamily.IPV4 ? (a.flags() & Rtnetlink.IFA_F_SECONDARY) == 0
          : a.address().isLinkLocalAddress();
      if (usable) {
        return a.address();
      }
    }
    throw new IOException("interface '" + interfaceName + "' has no " + (family == AddressFamily.IPV4
        ? "IPv4 address" : "IPv6 link-local address") + " to send VRRP advertisements from");
  }

  @Override
  public void send(VrrpDatagram datagram) throws IOException {
    // the takeover's first advertisement goes through here, in the interpreter: keep it short
    if (datagram.authenticated()) {
      RawVrrpSocket ah = ahSockets.get(datagram.interfaceName());
      if (ah == null) {
        throw new IOException("VRRP transport not opened for IPsec-AH on " + datagram.interfaceName());
      }
      ah.send(datagram);
      return;
    }
    boolean v4 = datagram.destination() instanceof java.net.Inet4Address;
    RawVrrpSocket[] pair = senders.get(datagram.interfaceName());
    RawVrrpSocket s = pair == null ? null : pair[v4 ? 0 : 1];
    if (s == null) {
      throw new IOException("VRRP transport not opened for " + (v4 ? AddressFamily.IPV4 : AddressFamily.IPV6)
          + " on " + datagram.interfaceName());
    }
    s.send(datagram);
  }

  @Override
  public Optional<VrrpDatagram> receive(Duration timeout) throws IOException, InterruptedException {
    if (!pending.isEmpty()) {
      return Optional.of(handOver(pending.poll()));
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("VRRP receive interrupted");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      return receiveNow();
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    if (!slackSet) {
      // the engine thread's timers fire as exactly as the kernel can (default slack 50 us); once, on that thread
      slackSet = true;
      LibC.prctl(LibC.PR_SET_TIMERSLACK, 1, 0, 0, 0);
    }
    List<RawVrrpSocket> list = new ArrayList<>(sockets.values());
    // slot 0: the wake-up eventfd; slot 1: the timerfd; then one per socket
    pollfds.setInt(0, wakeFd);
    pollfds.setShort(4, LibC.POLLIN);
    pollfds.setShort(6, (short) 0);
    pollfds.setInt(8, timerFd);
    pollfds.setShort(12, LibC.POLLIN);
    pollfds.setShort(14, (short) 0);
    for (int i = 0; i < list.size(); i++) {
      long slot = 8L * (i + 2);
      pollfds.setInt(slot, list.get(i).fd());
      pollfds.setShort(slot + 4, LibC.POLLIN);
      pollfds.setShort(slot + 6, (short) 0);
    }
    Pointer wait;
    // an absolute CLOCK_MONOTONIC deadline (System.nanoTime's clock); setting it also clears an old expiry
    itimerspec.setLong(0, 0);
    itimerspec.setLong(8, 0);
    itimerspec.setLong(16, deadline / 1_000_000_000L);
    itimerspec.setLong(24, deadline % 1_000_000_000L);
    if (deadline <= 0 || LibC.timerfd_settime(timerFd, LibC.TFD_TIMER_ABSTIME, itimerspec, Pointer.NULL) < 0) {
      // not representable as an absolute time (negative monotonic reading): ppoll's own, less exact timeout
      long nanos = Math.max(0, timeout.toNanos());
      timespec.setLong(0, nanos / 1_000_000_000L);
      timespec.setLong(8, nanos % 1_000_000_000L);
      wait = timespec;
    } else {
      wait = Pointer.NULL;
    }
    int n = LibC.ppoll(pollfds, list.size() + 2, wait, Pointer.NULL);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == LibC.EINTR) {
        return Optional.empty();
      }
      throw new SocketException("wait for VRRP datagrams (ppoll)", errno);
    }
    if ((pollfds.getShort(6) & LibC.POLLIN) != 0) {
      // reading an eventfd returns its counter and resets it; the engine runs its commands next
      LibC.read(wakeFd, counter, 8);
      n--;
    }
    if ((pollfds.getShort(14) & LibC.POLLIN) != 0) {
      LibC.read(timerFd, counter, 8); // the expiry count: the time is up
      n--;
    }
    for (int i = 0; i < list.size() && n > 0; i++) {
      if ((pollfds.getShort(8L * (i + 2) + 6) & LibC.POLLIN) != 0) {
        // drain what is there; a burst must not wait for another poll round
        RawVrrpSocket.Received r;
        while ((r = list.get(i).receive()) != null) {
          pending.add(r);
        }
      }
    }
    RawVrrpSocket.Received r = pending.poll();
    return r == null ? Optional.empty() : Optional.of(handOver(r));
  }

  /**
   * A zero timeout: what has arrived, without waiting. One non-blocking read per socket and no ppoll: the takeover
   * spin's look after the master-down deadline runs this between the deadline and the virtual addresses, and the
   * socket reads are the code every received advertisement runs (so compiled early), where the ppoll set-up is not.
   * The wake-up eventfd and the timerfd are left for the next waiting receive, which reads them.
   */
  private Optional<VrrpDatagram> receiveNow() throws IOException {
    RawVrrpSocket[] all = polled;
    for (RawVrrpSocket s : all) {
      RawVrrpSocket.Received r;
      while ((r = s.receive()) != null) {
        pending.add(r);
      }
    }
    RawVrrpSocket.Received r = pending.poll();
    return r == null ? Optional.empty() : Optional.of(handOver(r));
  }

  @Override
  public void prime() {
    for (RawVrrpSocket s : polled) {
      s.prime();
    }
  }

  /*
   * The takeover window runs SCHED_FIFO at the lowest real-time priority (1). Traced in the lab (benchmarks.md, runs
   * 47-52), a normal-policy engine lost its CPU in the takeover to threads it had itself woken (the JVM's compiler
   * threads, woken when the takeover's calls crossed a compile threshold: taken within 1-3 us, for up to 2 ms), and on
   * a host at load 10 its timer wake-up waited up to 37 ms for a CPU. A real-time thread is neither preempted by
   * normal ones nor kept waiting by them when its timer fires. The window is the engine's last sleep before the
   * takeover spin (asleep: no CPU), the spin and the takeover up to the gratuitous ARPs: well under a millisecond of
   * CPU per takeover; listeners and logging run after it, and the kernel's real-time throttling bounds it anyway.
   * Without CAP_SYS_NICE (or an RLIMIT_RTPRIO) the call fails with EPERM once and is not tried again: takeovers then
   * run as before.
   */
  @Override
  public void beginTakeover() {
    if (takeoverPriorityRefused || inTakeover != null) {
      return;
    }
    if (LibC.sched_getscheduler(0) != LibC.SCHED_OTHER) {
      return; // the application chose this thread's policy (real-time, batch, idle): not ours to change or undo
    }
    takeoverParam.setInt(0, 1);
    if (LibC.sched_setscheduler(0, LibC.SCHED_FIFO | LibC.SCHED_RESET_ON_FORK, takeoverParam) == 0) {
      inTakeover = Thread.currentThread();
    } else {
      takeoverPriorityRefused = true;
    }
  }

  @Override
  public void endTakeover() {
    // only on the raised thread: pid 0 is the caller, and another thread's own policy is none of ours
    if (inTakeover != Thread.currentThread()) {
      return;
    }
    inTakeover = null;
    normalParam.setInt(0, 0);
    // back to the normal policy; this cannot be refused (a thread may always lower itself)
    LibC.sched_setscheduler(0, LibC.SCHED_OTHER, normalParam);
  }

  /** The datagram with its age now, as the router reads it. */
  private static VrrpDatagram handOver(RawVrrpSocket.Received r) {
    long age = Math.max(0, System.nanoTime() - r.arrivalNanoTime());
    return r.datagram().withAge(Duration.ofNanos(age));
  }

  @Override
  public void wakeup() {
    synchronized (wakeLock) {
      if (wakeFd >= 0) {
        // adds 1 to the eventfd counter; EAGAIN (counter full) still leaves it readable, which is all we need
        LibC.write(wakeFd, ONE, 8);
      }
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (wakeLock) {
      if (wakeFd >= 0) {
        LibC.close(wakeFd);
        wakeFd = -1;
      }
    }
    for (RawVrrpSocket s : sockets.values()) {
      s.close();
    }
    sockets.clear();
    polled = new RawVrrpSocket[0];
    senders.clear();
    ahSockets.clear();
    if (timerFd >= 0) {
      LibC.close(timerFd); // once: a second close() must not close a descriptor that reused the number
      timerFd = -1;
    }
    rtnetlink.close();
  }
}
