package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The connection timeouts of {@code ipvsadm --set tcp tcpfin udp}. Immutable. When setting, a zero duration leaves
 * that timeout unchanged, as ipvsadm does.
 *
 * @param tcp established TCP connections
 * @param tcpFin TCP connections after a FIN
 * @param udp UDP flows
 */
public record IpvsTimeouts(Duration tcp, Duration tcpFin, Duration udp) {
  /** Leaves every timeout as it is. */
  public static final IpvsTimeouts UNCHANGED = new IpvsTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO);

  public IpvsTimeouts {
    check("tcp", tcp);
    check("tcpfin", tcpFin);
    check("udp", udp);
  }

  private static void check(String name, Duration d) {
    requireNonNull(d, name);
    if (d.isNegative() || d.getNano() != 0 || d.getSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " timeout must be whole seconds in [0, " + Integer.MAX_VALUE
          + "] but was " + d);
    }
  }

  /** Timeouts from whole seconds. */
  public static IpvsTimeouts ofSeconds(long tcp, long tcpFin, long udp) {
    return new IpvsTimeouts(Duration.ofSeconds(tcp), Duration.ofSeconds(tcpFin), Duration.ofSeconds(udp));
  }
}
