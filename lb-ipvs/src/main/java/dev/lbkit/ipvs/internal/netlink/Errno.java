package dev.lbkit.ipvs.internal.netlink;

import java.util.Map;

/** Linux errno values that netlink requests return, with their names. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ERANGE = 34;
  public static final int EPROTO = 71;
  public static final int EMSGSIZE = 90;
  public static final int EPROTONOSUPPORT = 93;
  public static final int EOPNOTSUPP = 95;
  public static final int EAFNOSUPPORT = 97;
  public static final int EADDRINUSE = 98;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENETDOWN = 100;
  public static final int ENOBUFS = 105;
  public static final int ETIMEDOUT = 110;

  private static final Map<Integer, String[]> NAMES = Map.ofEntries(
      Map.entry(EPERM, new String[] {"EPERM", "operation not permitted"}),
      Map.entry(ENOENT, new String[] {"ENOENT", "no such file or directory"}),
      Map.entry(ESRCH, new String[] {"ESRCH", "no such process"}),
      Map.entry(EINTR, new String[] {"EINTR", "interrupted"}),
      Map.entry(EIO, new String[] {"EIO", "input/output error"}),
      Map.entry(ENXIO, new String[] {"ENXIO", "no such device or address"}),
      Map.entry(EBADF, new String[] {"EBADF", "bad file descriptor"}),
      Map.entry(EAGAIN, new String[] {"EAGAIN", "resource temporarily unavailable"}),
      Map.entry(ENOMEM, new String[] {"ENOMEM", "out of memory"}),
      Map.entry(EACCES, new String[] {"EACCES", "permission denied"}),
      Map.entry(EFAULT, new String[] {"EFAULT", "bad address"}),
      Map.entry(EBUSY, new String[] {"EBUSY", "device or resource busy"}),
      Map.entry(EEXIST, new String[] {"EEXIST", "already exists"}),
      Map.entry(ENODEV, new String[] {"ENODEV", "no such device"}),
      Map.entry(EINVAL, new String[] {"EINVAL", "invalid argument"}),
      Map.entry(ENOSPC, new String[] {"ENOSPC", "no space left"}),
      Map.entry(ERANGE, new String[] {"ERANGE", "out of range"}),
      Map.entry(EPROTO, new String[] {"EPROTO", "protocol error"}),
      Map.entry(EMSGSIZE, new String[] {"EMSGSIZE", "message too long"}),
      Map.entry(EPROTONOSUPPORT, new String[] {"EPROTONOSUPPORT", "protocol not supported"}),
      Map.entry(EOPNOTSUPP, new String[] {"EOPNOTSUPP", "operation not supported"}),
      Map.entry(EAFNOSUPPORT, new String[] {"EAFNOSUPPORT", "address family not supported"}),
      Map.entry(EADDRINUSE, new String[] {"EADDRINUSE", "address already in use"}),
      Map.entry(EADDRNOTAVAIL, new String[] {"EADDRNOTAVAIL", "address not available"}),
      Map.entry(ENETDOWN, new String[] {"ENETDOWN", "network is down"}),
      Map.entry(ENOBUFS, new String[] {"ENOBUFS", "no buffer space available"}),
      Map.entry(ETIMEDOUT, new String[] {"ETIMEDOUT", "timed out"}));

  private Errno() {}

  /** The symbolic name, such as {@code EEXIST}, or {@code errno N} for values not listed here. */
  public static String name(int errno) {
    String[] n = NAMES.get(errno);
    return n != null ? n[0] : "errno " + errno;
  }

  /** A short lower-case description, such as {@code already exists}. */
  public static String describe(int errno) {
    String[] n = NAMES.get(errno);
    return n != null ? n[1] : "error " + errno;
  }
}
