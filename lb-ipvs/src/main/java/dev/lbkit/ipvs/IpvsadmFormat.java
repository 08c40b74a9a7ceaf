package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.sched.DestinationCounters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Prints an IPVS table exactly as ipvsadm 1.31 does with {@code -L -n} (and {@code --stats}, {@code --rate},
 * {@code --thresholds}, {@code --persistent-conn}, {@code --exact}) and {@code -S -n}: same columns, same padding,
 * same order. Checked byte for byte against the real ipvsadm in the kernel lab. Stateless and thread-safe.
 *
 * <p>Order: ipvsadm sorts what the kernel lists with the C library's {@code qsort} and comparators that subtract
 * 32-bit unsigned values into a signed int; so 192.0.2.1 sorts before 10.0.0.1 (the difference overflows). This
 * class reproduces the comparators and glibc's merge sort, so even those orders come out the same.
 */
public final class IpvsadmFormat {
  /** The version line ipvsadm prints for the kernel's IPVS 1.2.1 with a 4096-entry connection table. */
  public static final String DEFAULT_VERSION_LINE = "IP Virtual Server version 1.2.1 (size=4096)";

  /** What {@code -L} shows per line, as ipvsadm's format options choose it. */
  public enum Columns {
    /** Scheduler, flags; forwarding, weight, active and inactive connections. */
    DEFAULT,
    /** {@code --stats}: connections, packets and bytes. */
    STATS,
    /** {@code --rate}: per-second rates. */
    RATE,
    /** {@code --thresholds}: upper and lower thresholds. */
    THRESHOLDS,
    /** {@code --persistent-conn}: weight and persistent connections. */
    PERSISTENT_CONN
  }

  /**
   * One service of a listing with its destinations, in the kernel's order.
   *
   * @param service the service and its counters
   * @param destinations its destinations with their counters
   */
  public record Entry(IpvsService service, List<IpvsDestination> destinations) {
    public Entry {
      requireNonNull(service, "service");
      destinations = List.copyOf(destinations);
    }
  }

  private IpvsadmFormat() {}

  /**
   * Reads a client's whole table as entries for {@link #list} and {@link #save}.
   *
   * @throws IpvsException if listing fails
   */
  public static List<Entry> snapshot(IpvsClient client) throws IpvsException {
    List<Entry> out = new ArrayList<>();
    for (IpvsService s : client.listServices()) {
      out.add(new Entry(s, client.listDestinations(s.service().key())));
    }
    return out;
  }

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
    List<Entry> entries = new ArrayList<>();
    for (LoadBalancedService lbs : table) {
      List<IpvsDestination> dests = new ArrayList<>();
      for (RealServer rs : lbs.realServers()) {
        DestinationCounters c = counters.apply(lbs.service().key(), rs.endpoint());
        dests.add(new IpvsDestination(rs, c.active(), c.inactive(), 0, IpvsStats.ZERO));
      }
      entries.add(new Entry(new IpvsService(lbs.service(), IpvsStats.ZERO), dests));
    }
    return versionLine + "\n" + list(entries, Columns.DEFAULT, false);
  }

  /** The version line: {@code IP Virtual Server version 1.2.1 (size=4096)}. */
  public static String versionLine(IpvsInfo info) {
    return "IP Virtual Server version " + info.versionString() + " (size=" + info.connectionTableSize() + ")";
  }

  /**
   * {@code ipvsadm -L -n [--stats|--rate|...] [--exact]} without the version line (ipvsadm prints it only when
   * listing the whole table; prepend {@link #versionLine(IpvsInfo)} and a newline for that).
   */
  public static String list(List<Entry> table, Columns columns, boolean exact) {
    StringBuilder out = new StringBuilder();
    switch (columns) {
      case STATS:
        out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s%n  -> RemoteAddress:Port%n",
            "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
        break;
      case RATE:
        out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s%n  -> RemoteAddress:Port%n",
            "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"));
        break;
      case THRESHOLDS:
        out.append(String.format(Locale.ROOT, "%-33s %-10s %-10s %-10s %-10s%n  -> RemoteAddress:Port%n",
            "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn"));
        break;
      case PERSISTENT_CONN:
        out.append(String.format(Locale.ROOT, "%-33s %-9s %-11s %-10s %-10s%n  -> RemoteAddress:Port%n",
            "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn"));
        break;
      default:
        out.append("Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    }
    for (Entry e : sortServices(table)) {
      VirtualService svc = e.service().service();
      IpvsStats st = e.service().stats();
      String name = serviceName(svc.key());
      switch (columns) {
        case STATS:
          out.append(String.format(Locale.ROOT, "%-33s", name));
          numbers(out, exact, st.connections(), st.packetsIn(), st.packetsOut(), st.bytesIn(), st.bytesOut());
          break;
        case RATE:
          out.append(String.format(Locale.ROOT, "%-33s", name));
          numbers(out, exact, st.connectionsPerSecond(), st.packetsInPerSecond(), st.packetsOutPerSecond(),
              st.bytesInPerSecond(), st.bytesOutPerSecond());
          break;
        default: // the threshold and persistent-connection views print the full service line too
          out.append(serviceLine(svc));
      }
      out.append('\n');
      for (IpvsDestination d : sortDestinations(e.destinations())) {
        RealServer rs = d.server();
        String dn = rs.endpoint().toString();
        IpvsStats ds = d.stats();
        switch (columns) {
          case STATS:
            out.append(String.format(Locale.ROOT, "  -> %-28s", dn));
            numbers(out, exact, ds.connections(), ds.packetsIn(), ds.packetsOut(), ds.bytesIn(), ds.bytesOut());
            out.append('\n');
            break;
          case RATE:
            out.append(String.format(Locale.ROOT, "  -> %-28s", dn));
            numbers(out, exact, ds.connectionsPerSecond(), ds.packetsInPerSecond(), ds.packetsOutPerSecond(),
                ds.bytesInPerSecond(), ds.bytesOutPerSecond());
            out.append('\n');
            break;
          case THRESHOLDS:
            out.append(String.format(Locale.ROOT, "  -> %-28s %-10d %-10d %-10d %-10d%n", dn,
                Integer.toUnsignedLong(rs.upperThreshold()), Integer.toUnsignedLong(rs.lowerThreshold()),
                Integer.toUnsignedLong(d.activeConnections()), Integer.toUnsignedLong(d.inactiveConnections())));
            break;
          case PERSISTENT_CONN:
            out.append(String.format(Locale.ROOT, "  -> %-28s %-9d %-11d %-10d %-10d%n", dn, rs.weight(),
                Integer.toUnsignedLong(d.persistentConnections()), Integer.toUnsignedLong(d.activeConnections()),
                Integer.toUnsignedLong(d.inactiveConnections())));
            break;
          default:
            out.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d%n", dn,
                forwardName(rs.forwarding()), rs.weight(), Integer.toUnsignedLong(d.activeConnections()),
                Integer.toUnsignedLong(d.inactiveConnections())));
        }
      }
    }
    return out.toString().replace(System.lineSeparator(), "\n");
  }

  /** {@code ipvsadm -S -n}: the rules that rebuild the table, one per line. */
  public static String save(List<Entry> table) {
    StringBuilder out = new StringBuilder();
    for (Entry e : sortServices(table)) {
      VirtualService svc = e.service().service();
      String spec = serviceSpec(svc.key());
      out.append("-A ").append(spec).append(" -s ").append(svc.scheduler());
      if (svc.onePacket()) {
        out.append(" -o");
      }
      if (svc.persistence().isPresent()) {
        Persistence p = svc.persistence().get();
        out.append(" -p ").append(p.timeout().toSeconds());
        String mask = mask(svc);
        if (mask != null) {
          out.append(" -M ").append(mask);
        }
        svc.persistenceEngine().ifPresent(pe -> out.append(" --pe ").append(pe));
      }
      if (!svc.schedulerFlags().isEmpty()) {
        out.append(" -b ").append(flags(svc));
      }
      out.append('\n');
      for (IpvsDestination d : sortDestinations(e.destinations())) {
        RealServer rs = d.server();
        out.append("-a ").append(spec).append(" -r ").append(rs.endpoint()).append(' ')
            .append(forwardOption(rs.forwarding())).append(" -w ").append(rs.weight());
        if (rs.tunnel().isPresent()) {
          Tunnel t = rs.tunnel().get();
          out.append(" --tun-type ").append(t.type().ipvsadmName());
          if (t.type() != dev.lbkit.api.TunnelType.IPIP) {
            if (t.port() != 0) {
              out.append(" --tun-port ").append(t.port());
            }
            out.append(t.checksum() == Tunnel.Checksum.CHECKSUM ? " --tun-csum"
                : t.checksum() == Tunnel.Checksum.REMOTE_CHECKSUM ? " --tun-remcsum" : " --tun-nocsum");
          }
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** {@code ipvsadm -L --timeout}: {@code Timeout (tcp tcpfin udp): 900 120 300}. */
  public static String timeouts(IpvsTimeouts t) {
    return "Timeout (tcp tcpfin udp): " + t.tcp().toSeconds() + " " + t.tcpFin().toSeconds() + " "
        + t.udp().toSeconds() + "\n";
  }

  /** {@code ipvsadm -L --daemon}: one line per sync daemon, master first. */
  public static String daemons(List<SyncDaemon> daemons) {
    StringBuilder out = new StringBuilder();
    List<SyncDaemon> sorted = new ArrayList<>(daemons);
    sorted.sort(Comparator.comparing(SyncDaemon::role));
    for (SyncDaemon d : sorted) {
      out.append(d.role().name().toLowerCase(Locale.ROOT)).append(" sync daemon (mcast=").append(d.interfaceName())
          .append(", syncid=").append(d.syncId());
      if (d.maxPacketLength() != 0) {
        out.append(", maxlen=").append(d.maxPacketLength());
      }
      d.group().ifPresent(g -> out.append(", group=").append(Endpoint.toAddrString(g)));
      if (d.port() != 0) {
        out.append(", port=").append(d.port());
      }
      if (d.ttl() != 0) {
        out.append(", ttl=").append(d.ttl());
      }
      out.append(")\n");
    }
    return out.toString();
  }

  /** The service line without the trailing newline, e.g. {@code TCP  192.0.2.1:80 wlc persistent 300}. */
  public static String serviceLine(VirtualService svc) {
    StringBuilder line = new StringBuilder(serviceName(svc.key()));
    line.append(' ').append(svc.scheduler());
    if (!svc.schedulerFlags().isEmpty()) {
      line.append(" (").append(flags(svc)).append(')');
    }
    if (svc.persistence().isPresent()) {
      line.append(" persistent ").append(svc.persistence().get().timeout().toSeconds());
      String mask = mask(svc);
      if (mask != null) {
        line.append(" mask ").append(mask);
      }
      svc.persistenceEngine().ifPresent(pe -> line.append(" pe ").append(pe));
    }
    if (svc.onePacket()) {
      line.append(" ops");
    }
    return line.toString();
  }

  /** {@code TCP  192.0.2.1:80}, {@code SCTP 192.0.2.1:80}, {@code FWM  7 IPv6}: the protocol padded to 4. */
  static String serviceName(ServiceKey key) {
    if (key instanceof ServiceKey.Address a) {
      return String.format(Locale.ROOT, "%-4s %s", a.protocol().name(), a.endpoint());
    }
    ServiceKey.FirewallMark f = (ServiceKey.FirewallMark) key;
    return "FWM  " + (int) f.mark() + (f.family() == AddressFamily.IPV6 ? " IPv6" : ""); // signed, as ipvsadm prints it
  }

  private static String serviceSpec(ServiceKey key) {
    if (key instanceof ServiceKey.Address a) {
      String opt = a.protocol() == Protocol.TCP ? "-t" : a.protocol() == Protocol.UDP ? "-u" : "--sctp-service";
      return opt + " " + a.endpoint();
    }
    ServiceKey.FirewallMark f = (ServiceKey.FirewallMark) key;
    // ipvsadm -S prints the mark as a signed int (so marks above 2^31 come out negative, and -R refuses them)
    return "-f " + (int) f.mark() + (f.family() == AddressFamily.IPV6 ? " -6" : "");
  }

  private static String mask(VirtualService svc) {
    AddressFamily family = svc.key().family();
    int prefix = svc.persistence().get().effectivePrefixLength(family);
    if (prefix == family.bits()) {
      return null;
    }
    return family == AddressFamily.IPV4 ? Persistence.netmaskOfPrefixLength(prefix) : Integer.toString(prefix);
  }

  private static String flags(VirtualService svc) {
    return svc.schedulerFlags().stream().sorted(Comparator.comparingInt(SchedulerFlag::kernelBit))
        .map(SchedulerFlag::ipvsadmName).collect(Collectors.joining(","));
  }

  private static String forwardName(ForwardingMethod m) {
    return m.ipvsadmName();
  }

  private static String forwardOption(ForwardingMethod m) {
    switch (m) {
      case MASQUERADE:
        return "-m";
      case TUNNEL:
        return "-i";
      default:
        return "-g";
    }
  }

  // ipvsadm's print_largenum: 8 digits and a unit above 100 million, or all digits with --exact
  private static void numbers(StringBuilder out, boolean exact, long... values) {
    for (long v : values) {
      String digits = Long.toUnsignedString(v);
      if (exact) {
        out.append(String.format(Locale.ROOT, "%" + (digits.length() <= 8 ? 9 : digits.length() + 1) + "s", digits));
      } else if (Long.compareUnsigned(v, 100_000_000L) < 0) {
        out.append(String.format(Locale.ROOT, "%9s", digits));
      } else if (Long.compareUnsigned(v, 1_000_000_000L) < 0) {
        out.append(String.format(Locale.ROOT, "%8dK", v / 1000));
      } else if (Long.compareUnsigned(v, 100_000_000_000L) < 0) {
        out.append(String.format(Locale.ROOT, "%8dM", v / 1_000_000));
      } else if (Long.compareUnsigned(v, 100_000_000_000_000L) < 0) {
        out.append(String.format(Locale.ROOT, "%8dG", v / 1_000_000_000L));
      } else {
        out.append(String.format(Locale.ROOT, "%8sT", Long.toUnsignedString(Long.divideUnsigned(v,
            1_000_000_000_000L))));
      }
    }
  }

  // ---- ipvsadm's order: libipvs comparators (signed differences of unsigned words) under glibc's merge sort

  static List<Entry> sortServices(List<Entry> table) {
    return mergeSort(table, (a, b) -> compareServices(a.service().service().key(), b.service().service().key()));
  }

  static List<IpvsDestination> sortDestinations(List<IpvsDestination> dests) {
    return mergeSort(dests, (a, b) -> compareDestinations(a.server().endpoint(), b.server().endpoint()));
  }

  private static int compareServices(ServiceKey a, ServiceKey b) {
    int markA = a instanceof ServiceKey.FirewallMark f ? (int) f.mark() : 0;
    int markB = b instanceof ServiceKey.FirewallMark f ? (int) f.mark() : 0;
    int r = markA - markB;
    if (r != 0) {
      return r;
    }
    r = a.family().linuxValue() - b.family().linuxValue();
    if (r != 0) {
      return r;
    }
    ServiceKey.Address x = a instanceof ServiceKey.Address ax ? ax : null;
    ServiceKey.Address y = b instanceof ServiceKey.Address by ? by : null;
    r = (x == null ? 0 : x.protocol().ipProtocolNumber()) - (y == null ? 0 : y.protocol().ipProtocolNumber());
    if (r != 0) {
      return r;
    }
    r = compareWords(a.family(), x == null ? null : x.endpoint(), y == null ? null : y.endpoint());
    if (r != 0) {
      return r;
    }
    return (x == null ? 0 : x.endpoint().port()) - (y == null ? 0 : y.endpoint().port());
  }

  private static int compareDestinations(Endpoint a, Endpoint b) {
    int r = compareWords(a.family(), a, b);
    return r != 0 ? r : a.port() - b.port();
  }

  /** Address words as {@code ntohl(w1) - ntohl(w2)} into an int: IPv6 word by word, IPv4 the first word. */
  private static int compareWords(AddressFamily family, Endpoint a, Endpoint b) {
    ByteBuffer wa = ByteBuffer.wrap(words(a));
    ByteBuffer wb = ByteBuffer.wrap(words(b));
    int r = 0;
    int n = family == AddressFamily.IPV6 ? 4 : 1;
    for (int i = 0; r == 0 && i < n; i++) {
      r = wa.getInt(i * 4) - wb.getInt(i * 4);
    }
    return r;
  }

  private static byte[] words(Endpoint e) {
    byte[] out = new byte[16];
    if (e != null) {
      byte[] raw = e.address().getAddress();
      System.arraycopy(raw, 0, out, 0, raw.length);
    }
    return out;
  }

  /** glibc's msort: top-down merge sort, left half n/2, ties and "<= 0" take the left element. */
  private static <T> List<T> mergeSort(List<T> in, Comparator<T> cmp) {
    List<T> a = new ArrayList<>(in);
    mergeSort(a, 0, a.size(), cmp, new ArrayList<>(a));
    return a;
  }

  private static <T> void mergeSort(List<T> a, int from, int n, Comparator<T> cmp, List<T> tmp) {
    if (n <= 1) {
      return;
    }
    int n1 = n / 2;
    int n2 = n - n1;
    mergeSort(a, from, n1, cmp, tmp);
    mergeSort(a, from + n1, n2, cmp, tmp);
    int i = from;
    int j = from + n1;
    int k = 0;
    while (n1 > 0 && n2 > 0) {
      if (cmp.compare(a.get(i), a.get(j)) <= 0) {
        tmp.set(k++, a.get(i++));
        n1--;
      } else {
        tmp.set(k++, a.get(j++));
        n2--;
      }
    }
    while (n1-- > 0) {
      tmp.set(k++, a.get(i++));
    }
    // the rest of the right half is in place already
    for (int t = 0; t < k; t++) {
      a.set(from + t, tmp.get(t));
    }
  }
}
