package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.sched.DestinationCounters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Prints an IPVS table the way {@code ipvsadm -L -n} does: services sorted as ipvsadm sorts them (address
 * services before firewall marks, then by protocol, family, address and port), destinations by address and port.
 * Stateless and thread-safe.
 */
public final class IpvsadmFormat {
  /** The version line ipvsadm prints for the kernel's IPVS 1.2.1 with a 4096-entry connection table. */
  public static final String DEFAULT_VERSION_LINE = "IP Virtual Server version 1.2.1 (size=4096)";

  private IpvsadmFormat() {}

  /** {@code ipvsadm -Ln} of a table whose destinations have no connections. */
  public static String listNumeric(List<LoadBalancedService> table) {
    return listNumeric(DEFAULT_VERSION_LINE, table, (service, dest) -> DestinationCounters.ZERO);
  }

  /**
   * {@code ipvsadm -Ln} of a table with per-destination counters.
   *
   * @param versionLine the first line, e.g. {@link #DEFAULT_VERSION_LINE}
   * @param table the services and their real servers
   * @param counters the counters of a destination of a service
   */
  public static String listNumeric(String versionLine, List<LoadBalancedService> table,
      BiFunction<ServiceKey, Endpoint, DestinationCounters> counters) {
    requireNonNull(counters, "counters");
    StringBuilder out = new StringBuilder();
    out.append(versionLine).append('\n');
    out.append("Prot LocalAddress:Port Scheduler Flags\n");
    out.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    List<LoadBalancedService> sorted = new ArrayList<>(table);
    sorted.sort(Comparator.comparing(LoadBalancedService::service, IpvsadmFormat::compareServices));
    for (LoadBalancedService lbs : sorted) {
      VirtualService svc = lbs.service();
      out.append(serviceLine(svc)).append('\n');
      List<RealServer> dests = new ArrayList<>(lbs.realServers());
      dests.sort(Comparator.comparing(RealServer::endpoint, IpvsadmFormat::compareEndpoints));
      for (RealServer rs : dests) {
        DestinationCounters c = counters.apply(svc.key(), rs.endpoint());
        out.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d%n", rs.endpoint(),
            rs.forwarding().ipvsadmName(), rs.weight(), c.active(), c.inactive()).replace(System.lineSeparator(), "\n"));
      }
    }
    return out.toString();
  }

  /** The service line without the trailing newline, e.g. {@code TCP  192.0.2.1:80 wlc persistent 300}. */
  public static String serviceLine(VirtualService svc) {
    StringBuilder line = new StringBuilder();
    if (svc.key() instanceof ServiceKey.Address address) {
      line.append(address.protocol()).append("  ").append(address.endpoint());
    } else {
      ServiceKey.FirewallMark fwm = (ServiceKey.FirewallMark) svc.key();
      line.append("FWM  ").append(fwm.mark());
      if (fwm.family() == AddressFamily.IPV6) {
        line.append(" IPv6");
      }
    }
    line.append(' ').append(svc.scheduler());
    if (!svc.schedulerFlags().isEmpty()) {
      line.append(" (").append(svc.schedulerFlags().stream().sorted()
          .map(SchedulerFlag::ipvsadmName).collect(Collectors.joining(","))).append(')');
    }
    if (svc.persistence().isPresent()) {
      Persistence p = svc.persistence().get();
      line.append(" persistent ").append(p.timeout().toSeconds());
      int prefix = p.effectivePrefixLength(svc.key().family());
      if (prefix != svc.key().family().bits()) {
        line.append(" mask ").append(svc.key().family() == AddressFamily.IPV4
            ? Persistence.netmaskOfPrefixLength(prefix) : Integer.toString(prefix));
      }
      svc.persistenceEngine().ifPresent(pe -> line.append(" pe ").append(pe));
    }
    if (svc.onePacket()) {
      line.append(" ops");
    }
    return line.toString();
  }

  private static int compareServices(VirtualService a, VirtualService b) {
    long markA = a.key() instanceof ServiceKey.FirewallMark f ? f.mark() : 0;
    long markB = b.key() instanceof ServiceKey.FirewallMark f ? f.mark() : 0;
    int c = Long.compare(markA, markB);
    if (c != 0) {
      return c;
    }
    if (a.key() instanceof ServiceKey.Address x && b.key() instanceof ServiceKey.Address y) {
      c = Integer.compare(x.protocol().ipProtocolNumber(), y.protocol().ipProtocolNumber());
      return c != 0 ? c : compareEndpoints(x.endpoint(), y.endpoint());
    }
    return a.key().family().compareTo(b.key().family());
  }

  private static int compareEndpoints(Endpoint a, Endpoint b) {
    int c = a.family().compareTo(b.family());
    if (c == 0) {
      c = Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress());
    }
    return c != 0 ? c : Integer.compare(a.port(), b.port());
  }
}
