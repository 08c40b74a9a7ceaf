package dev.lbkit.ipvs.internal.netlink;

import dev.lbkit.ipvs.internal.jna.NativeSocket;
import dev.lbkit.ipvs.internal.jna.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code AF_NETLINK} socket of one protocol, bound to a kernel-assigned port id, with extended ACKs on, error
 * echoes capped, a large receive buffer, and a receive timeout. The one place netlink meets the native calls.
 *
 * <p>Thread safety: {@link #send} and {@link #receive} may be called from different threads, but request/response
 * matching is {@link NetlinkConnection}'s job; use one connection per socket.
 */
public final class NetlinkSocket implements NetlinkChannel {
  /** Set up on first use: SLF4J's start (a service lookup over the whole class path) is not paid by a short
   * command that logs nothing. */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(NetlinkSocket.class);
  }

  /** Default receive timeout: the kernel answers netlink requests at once, so silence this long is a fault. */
  public static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofSeconds(30);
  private static final int RECEIVE_BUFFER_BYTES = 4 << 20;
  private static final int SEND_BUFFER_BYTES = 1 << 20;
  private static final int ENOPROTOOPT = 92;

  // struct sockaddr_nl of the kernel: nl_family AF_NETLINK, pad, nl_pid 0, nl_groups 0
  private static final byte[] KERNEL = sockaddrNl(0, 0);

  private final NativeSocket socket;
  private final NetlinkProtocol protocol;
  private final int portId;
  private ByteBuffer sendBuffer = ByteBuffer.allocateDirect(64 << 10);
  private ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(64 << 10);

  private NetlinkSocket(NativeSocket socket, NetlinkProtocol protocol, int portId) {
    this.socket = socket;
    this.protocol = protocol;
    this.portId = portId;
  }

  /** Whether netlink sockets can be made here (Linux, and the JNA binding loaded). */
  public static boolean isAvailable() {
    return NativeSocket.isAvailable();
  }

  /** Why netlink sockets cannot be made here, or empty when they can. */
  public static Optional<Throwable> unavailabilityCause() {
    return NativeSocket.unavailabilityCause();
  }

  /** Opens a socket with {@link #DEFAULT_RECEIVE_TIMEOUT} and no multicast groups. */
  public static NetlinkSocket open(NetlinkProtocol protocol) throws NetlinkException {
    return open(protocol, 0, DEFAULT_RECEIVE_TIMEOUT);
  }

  /**
   * Opens and binds a socket.
   *
   * @param protocol route or generic
   * @param groups the legacy multicast group bit mask to join at bind time (rtnetlink {@code RTMGRP_*}), or 0
   * @param receiveTimeout how long {@link #receive} waits before failing with {@code EAGAIN}
   * @throws NetlinkException with errno if a call fails
   * @throws UnsupportedOperationException if the native binding is unavailable (see {@link #unavailabilityCause()})
   */
  public static NetlinkSocket open(NetlinkProtocol protocol, int groups, Duration receiveTimeout)
      throws NetlinkException {
    NativeSocket s;
    try {
      s = NativeSocket.open(NativeSocket.AF_NETLINK, NativeSocket.SOCK_RAW, protocol.number());
    } catch (SyscallException e) {
      throw new NetlinkException("open netlink socket (" + protocol + ")", e.errno(), e);
    }
    try {
      optional(s, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1);
      optional(s, Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1);
      bufferSize(s, NativeSocket.SO_RCVBUFFORCE, NativeSocket.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
      bufferSize(s, NativeSocket.SO_SNDBUFFORCE, NativeSocket.SO_SNDBUF, SEND_BUFFER_BYTES);
      s.setTimeoutOption(NativeSocket.SOL_SOCKET, NativeSocket.SO_RCVTIMEO, receiveTimeout);
      s.bind(sockaddrNl(0, groups));
      byte[] local = s.localAddress(12);
      int pid = ByteBuffer.wrap(local).order(ByteOrder.nativeOrder()).getInt(4);
      return new NetlinkSocket(s, protocol, pid);
    } catch (SyscallException e) {
      NetlinkException failure = new NetlinkException("set up netlink socket (" + protocol + "): " + e.call(),
          e.errno(), e);
      try {
        s.close();
      } catch (SyscallException closeFailure) {
        failure.addSuppressed(closeFailure);
      }
      throw failure;
    }
  }

  /** The protocol this socket speaks. */
  public NetlinkProtocol protocol() {
    return protocol;
  }

  @Override
  public int portId() {
    return portId;
  }

  @Override
  public void send(ByteBuffer datagram) throws NetlinkException {
    ByteBuffer direct;
    if (datagram.isDirect()) {
      direct = datagram;
    } else {
      if (sendBuffer.capacity() < datagram.remaining()) {
        sendBuffer = ByteBuffer.allocateDirect(Math.max(datagram.remaining(), sendBuffer.capacity() * 2));
      }
      sendBuffer.clear();
      sendBuffer.put(datagram.duplicate()).flip();
      direct = sendBuffer;
    }
    try {
      int n = socket.sendTo(direct, KERNEL);
      if (n != direct.remaining()) {
        throw new NetlinkException("send netlink datagram: sent " + n + " of " + direct.remaining() + " bytes",
            Errno.EMSGSIZE, null, -1);
      }
    } catch (SyscallException e) {
      throw new NetlinkException("send netlink datagram", e.errno(), e);
    }
  }

  @Override
  public int receive(ByteBuffer buffer) throws NetlinkException {
    ByteBuffer direct = buffer.isDirect() ? buffer : receiveBuffer(buffer.remaining());
    int n;
    try {
      n = socket.receive(direct, NativeSocket.MSG_TRUNC);
    } catch (SyscallException e) {
      throw receiveFailure(e);
    }
    if (n > direct.remaining()) {
      throw new NetlinkException("receive netlink datagram: a datagram of " + n + " bytes did not fit the "
          + direct.remaining() + "-byte receive buffer and was truncated", Errno.EMSGSIZE, null, -1);
    }
    if (direct != buffer) {
      buffer.duplicate().put(direct.duplicate().limit(n));
    }
    return n;
  }

  /** One {@code recvmmsg} call; the buffer must be direct. */
  @Override
  public int receiveMany(ByteBuffer buffer, int slot, int[] lengths) throws NetlinkException {
    if (!buffer.isDirect()) {
      return NetlinkChannel.super.receiveMany(buffer, slot, lengths);
    }
    try {
      return socket.receiveMany(buffer, slot, lengths);
    } catch (SyscallException e) {
      throw receiveFailure(e);
    }
  }

  @Override
  public void close() throws NetlinkException {
    try {
      socket.close();
    } catch (SyscallException e) {
      throw new NetlinkException("close netlink socket", e.errno(), e);
    }
  }

  private static NetlinkException receiveFailure(SyscallException e) {
    String what = e.errno() == Errno.ENOBUFS ? "receive netlink datagram: the receive buffer overran and"
        + " the kernel dropped messages" : e.errno() == Errno.EAGAIN ? "receive netlink datagram: no answer within"
        + " the receive timeout" : "receive netlink datagram";
    return new NetlinkException(what, e.errno(), e);
  }

  private ByteBuffer receiveBuffer(int size) {
    if (receiveBuffer.capacity() < size) {
      receiveBuffer = ByteBuffer.allocateDirect(size);
    }
    return receiveBuffer.clear().limit(size);
  }

  private static void optional(NativeSocket s, int level, int name, int value) throws SyscallException {
    try {
      s.setIntOption(level, name, value);
    } catch (SyscallException e) {
      if (e.errno() != ENOPROTOOPT) {
        throw e;
      }
      Log.LOG.debug("netlink socket option {} not supported by this kernel; continuing without it", name);
    }
  }

  private static void bufferSize(NativeSocket s, int force, int plain, int bytes) throws SyscallException {
    try {
      s.setIntOption(NativeSocket.SOL_SOCKET, force, bytes); // beyond rmem_max/wmem_max with CAP_NET_ADMIN
    } catch (SyscallException e) {
      if (e.errno() != Errno.EPERM) {
        throw e;
      }
      s.setIntOption(NativeSocket.SOL_SOCKET, plain, bytes); // capped by the sysctl limit
    }
  }

  private static byte[] sockaddrNl(int pid, int groups) {
    return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
        .putShort((short) NativeSocket.AF_NETLINK).putShort((short) 0).putInt(pid).putInt(groups).array();
  }
}
