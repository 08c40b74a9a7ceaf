package dev.lbkit.vrrp.internal.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls of the VRRP transport (raw IP and packet sockets), bound with JNA direct mapping. Netlink
 * lives in lb-ipvs's {@code internal.netlink}; this is only the IP side. {@code size_t}/{@code ssize_t} are
 * {@code long}: the binding refuses to load where a native long is not 64 bits. errno is read with
 * {@link Native#getLastError()} right after a call returns -1.
 */
final class LibC {
  private static final Throwable UNAVAILABILITY_CAUSE;

  static {
    Throwable cause = null;
    try {
      if (!Platform.isLinux()) {
        cause = new UnsupportedOperationException("VRRP raw sockets need Linux, but this is "
            + System.getProperty("os.name"));
      } else if (Native.LONG_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
        cause = new UnsupportedOperationException("the VRRP socket binding needs 64-bit Linux (native long is "
            + Native.LONG_SIZE + " bytes)");
      } else {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      }
    } catch (Throwable t) { // UnsatisfiedLinkError, or JNA's native stub missing for this platform
      cause = t;
    }
    UNAVAILABILITY_CAUSE = cause;
  }

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int AF_PACKET = 17;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8; // SO_RCVBUF
  static final int SO_BINDTODEVICE = 25; // SO_BINDTODEVICE: char[IFNAMSIZ]
  static final int SO_TIMESTAMPNS = 35; // SO_TIMESTAMPNS_OLD (x86_64, arm64); also the cmsg type SCM_TIMESTAMPNS
  static final int IPPROTO_IP = 0;
  static final int IPPROTO_IPV6 = 41;
  static final int IPPROTO_ICMPV6 = 58;
  static final int IP_TOS = 1; // IP_TOS
  static final int IP_TTL = 2; // IP_TTL: unicast TTL
  static final int IP_HDRINCL = 3; // IP_HDRINCL: the sender writes the IPv4 header
  static final int IP_MTU_DISCOVER = 10; // IP_MTU_DISCOVER: int, one of IP_PMTUDISC_*
  static final int IP_PMTUDISC_DONT = 0; // IP_PMTUDISC_DONT: never set Don't Fragment
  static final int IP_MULTICAST_IF = 32; // IP_MULTICAST_IF: struct ip_mreqn
  static final int IP_MULTICAST_TTL = 33; // IP_MULTICAST_TTL
  static final int IP_MULTICAST_LOOP = 34; // IP_MULTICAST_LOOP
  static final int IP_ADD_MEMBERSHIP = 35; // IP_ADD_MEMBERSHIP: struct ip_mreqn
  static final int IPV6_UNICAST_HOPS = 16; // IPV6_UNICAST_HOPS
  static final int IPV6_MULTICAST_IF = 17; // IPV6_MULTICAST_IF: int ifindex
  static final int IPV6_MULTICAST_HOPS = 18; // IPV6_MULTICAST_HOPS
  static final int IPV6_MULTICAST_LOOP = 19; // IPV6_MULTICAST_LOOP
  static final int IPV6_ADD_MEMBERSHIP = 20; // IPV6_ADD_MEMBERSHIP (IPV6_JOIN_GROUP): struct ipv6_mreq
  static final int IPV6_RECVPKTINFO = 49; // IPV6_RECVPKTINFO
  static final int IPV6_PKTINFO = 50; // IPV6_PKTINFO: cmsg type, struct in6_pktinfo
  static final int IPV6_RECVHOPLIMIT = 51; // IPV6_RECVHOPLIMIT
  static final int IPV6_HOPLIMIT = 52; // IPV6_HOPLIMIT: cmsg type, int
  static final int IPV6_TCLASS = 67; // IPV6_TCLASS
  static final int ETH_P_ARP = 0x0806; // ETH_P_ARP
  static final int EFD_NONBLOCK = 0x800; // EFD_NONBLOCK (= O_NONBLOCK)
  static final int EFD_CLOEXEC = 0x80000; // EFD_CLOEXEC (= O_CLOEXEC)
  static final short POLLIN = 1;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_PEEK = 0x2; // MSG_PEEK: look at a queued datagram without taking it
  static final int MSG_PROBE = 0x10; // MSG_PROBE: with MSG_CONFIRM and no data, a send that only looks the route up
  static final int MSG_CONFIRM = 0x800; // MSG_CONFIRM
  static final int CLOCK_REALTIME = 0; // CLOCK_REALTIME: the clock SO_TIMESTAMPNS stamps with
  static final int CLOCK_MONOTONIC = 1; // CLOCK_MONOTONIC: System.nanoTime's clock on Linux
  static final int TFD_NONBLOCK = 0x800; // TFD_NONBLOCK (= O_NONBLOCK)
  static final int TFD_CLOEXEC = 0x80000; // TFD_CLOEXEC (= O_CLOEXEC)
  static final int TFD_TIMER_ABSTIME = 1; // TFD_TIMER_ABSTIME
  static final int PR_SET_TIMERSLACK = 29; // PR_SET_TIMERSLACK
  static final int SCHED_OTHER = 0; // SCHED_OTHER: the normal (fair) policy
  static final int SCHED_FIFO = 1; // SCHED_FIFO: real-time, ahead of every SCHED_OTHER thread
  static final int SCHED_RESET_ON_FORK = 0x40000000; // SCHED_RESET_ON_FORK: children start as SCHED_OTHER
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  private LibC() {}

  /** Why the binding could not be made, or null when it works. */
  static Throwable unavailabilityCause() {
    return UNAVAILABILITY_CAUSE;
  }

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, byte[] addr, int addrlen);

  static native int setsockopt(int fd, int level, int optname, byte[] optval, int optlen);

  static native long sendto(int fd, byte[] buf, long len, int flags, byte[] destAddr, int addrlen);

  static native long recvmsg(int fd, Pointer msghdr, int flags);

  static native int ppoll(Pointer fds, long nfds, Pointer timeout, Pointer sigmask);

  static native int eventfd(int initval, int flags);

  static native long read(int fd, byte[] buf, long count);

  static native long write(int fd, byte[] buf, long count);

  static native int close(int fd);

  static native int clock_gettime(int clockId, Pointer timespec);

  static native int timerfd_create(int clockId, int flags);

  static native int timerfd_settime(int fd, int flags, Pointer newValue, Pointer oldValue);

  static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  /** pid 0 is the calling thread; {@code param} is a struct sched_param (one int, the priority). */
  static native int sched_setscheduler(int pid, int policy, Pointer param);

  /** The calling thread's policy (pid 0), SCHED_RESET_ON_FORK or'ed in when set; -1 on error. */
  static native int sched_getscheduler(int pid);
}
