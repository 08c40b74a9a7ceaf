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
 * {@code ppoll} (nanosecond timeout) and an eventfd that {@link #wakeup()} signals. Used from the engine thread only,
 * except {@link #wakeup()} and {@link #close()}.
 */
public final class LinuxVrrpTransport implements VrrpTransport {
  private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0}; // a non-zero uint64 in either byte order
  private final Rtnetlink rtnetlink;
  private final Map<String, RawVrrpSocket> sockets = new LinkedHashMap<>();
  private final Map<String, Integer> ifindexes = new LinkedHashMap<>();
  private final Deque<VrrpDatagram> pending = new ArrayDeque<>();
  private Memory pollfds;
  private final Memory timespec = new Memory(16);
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
    this.wakeFd = fd;
    this.pollfds = new Memory(8);
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
    pollfds = new Memory(8L * (sockets.size() + 1));
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
    AddressFamily family = AddressFamily.of(datagram.destination());
    RawVrrpSocket s = sockets.get(key(datagram.interfaceName(), family));
    if (s == null) {
      throw new IOException("VRRP transport not opened for " + family + " on " + datagram.interfaceName());
    }
    s.send(datagram, ifindexes.get(datagram.interfaceName()));
  }

  @Override
  public Optional<VrrpDatagram> receive(Duration timeout) throws IOException, InterruptedException {
    if (!pending.isEmpty()) {
      return Optional.of(pending.poll());
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("VRRP receive interrupted");
    }
    List<RawVrrpSocket> list = new ArrayList<>(sockets.values());
    // slot 0: the wake-up eventfd; then one per socket
    pollfds.setInt(0, wakeFd);
    pollfds.setShort(4, LibC.POLLIN);
    pollfds.setShort(6, (short) 0);
    for (int i = 0; i < list.size(); i++) {
      long slot = 8L * (i + 1);
      pollfds.setInt(slot, list.get(i).fd());
      pollfds.setShort(slot + 4, LibC.POLLIN);
      pollfds.setShort(slot + 6, (short) 0);
    }
    long nanos = Math.max(0, timeout.toNanos());
    timespec.setLong(0, nanos / 1_000_000_000L);
    timespec.setLong(8, nanos % 1_000_000_000L);
    int n = LibC.ppoll(pollfds, list.size() + 1, timespec, Pointer.NULL);
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
    for (int i = 0; i < list.size() && n > 0; i++) {
      if ((pollfds.getShort(8L * (i + 1) + 6) & LibC.POLLIN) != 0) {
        // drain what is there; a burst must not wait for another poll round
        VrrpDatagram d;
        while ((d = list.get(i).receive()) != null) {
          pending.add(d);
        }
      }
    }
    return Optional.ofNullable(pending.poll());
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
    rtnetlink.close();
  }
}
