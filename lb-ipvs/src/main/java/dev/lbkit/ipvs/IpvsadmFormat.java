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
import java.net.Inet4Address;
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
    PERSISTENT_CONN;

    /** Whether a listing in these columns needs the counters: {@link IpvsClient.Stats#INCLUDED} for
     * {@link #STATS} and {@link #RATE}, {@link IpvsClient.Stats#OMITTED} for the others. */
    public IpvsClient.Stats stats() {
      return this == STATS || this == RATE ? IpvsClient.Stats.INCLUDED : IpvsClient.Stats.OMITTED;
    }
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
   * Reads a client's whole table, counters included, as entries for {@link #list} and {@link #save}.
   *
   * @throws IpvsException if listing fails
   */
  public static List<Entry> snapshot(IpvsClient client) throws IpvsException {
    return snapshot(client, IpvsClient.Stats.INCLUDED);
  }

  /**
   * Reads a client's whole table as entries for {@link #list} and {@link #save}, with or without the counters:
   * {@link #save} and the {@link Columns} other than {@link Columns#STATS} and {@link Columns#RATE} print none (see
   * {@link Columns#stats()}).
   *
   * @throws IpvsException if listing fails
   */
  public static List<Entry> snapshot(IpvsClient client, IpvsClient.Stats stats) throws IpvsException {
    List<Entry> out = new ArrayList<>();
    for (IpvsService s : client.listServices(stats)) {
      out.add(new Entry(s, client.listDestinations(s.service().key(), stats)));
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
   *
   * @throws IllegalArgumentException if the columns are {@link Columns#STATS} or {@link Columns#RATE} and an entry
   *     was listed without its counters
   */
  public static String list(List<Entry> table, Columns columns, boolean exact) {
    StringBuilder out = new StringBuilder(64 + 80 * size(table));
    switch (columns) {
      case STATS:
        out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
            "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
        break;
      case RATE:
        out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
            "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"));
        break;
      case THRESHOLDS:
        out.append(String.format(Locale.ROOT, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
            "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn"));
        break;
      case PERSISTENT_CONN:
        out.append(String.format(Locale.ROOT, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
            "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn"));
        break;
      default:
        out.append("Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    }
    StringBuilder dn = new StringBuilder(48);
    Order order = new Order(false);
    for (Entry e : sortServices(table)) {
      VirtualService svc = e.service().service();
      IpvsStats st;
      switch (columns) {
        case STATS:
          st = counters(e.service().stats(), svc.key());
          padRight(out, serviceName(svc.key()), 33);
          numbers(out, exact, st.connections(), st.packetsIn(), st.packetsOut(), st.bytesIn(), st.bytesOut());
          break;
        case RATE:
          st = counters(e.service().stats(), svc.key());
          padRight(out, serviceName(svc.key()), 33);
          numbers(out, exact, st.connectionsPerSecond(), st.packetsInPerSecond(), st.packetsOutPerSecond(),
              st.bytesInPerSecond(), st.bytesOutPerSecond());
          break;
        default: // the threshold and persistent-connection views print the full service line too
          out.append(serviceLine(svc));
      }
      out.append('\n');
      List<IpvsDestination> dests = e.destinations();
      order.sortDestinations(dests);
      for (int k = 0; k < dests.size(); k++) {
        int i = order.index(k);
        IpvsDestination d = dests.get(i);
        RealServer rs = d.server();
        dn.setLength(0);
        order.appendEndpoint(dn, i, rs.endpoint());
        out.append("  -> ");
        padRight(out, dn, 28);
        IpvsStats ds;
        switch (columns) {
          case STATS:
            ds = counters(d.stats(), rs.endpoint());
            numbers(out, exact, ds.connections(), ds.packetsIn(), ds.packetsOut(), ds.bytesIn(), ds.bytesOut());
            break;
          case RATE:
            ds = counters(d.stats(), rs.endpoint());
            numbers(out, exact, ds.connectionsPerSecond(), ds.packetsInPerSecond(), ds.packetsOutPerSecond(),
                ds.bytesInPerSecond(), ds.bytesOutPerSecond());
            break;
          case THRESHOLDS:
            column(out, Integer.toUnsignedLong(rs.upperThreshold()), 10);
            column(out, Integer.toUnsignedLong(rs.lowerThreshold()), 10);
            column(out, Integer.toUnsignedLong(d.activeConnections()), 10);
            column(out, Integer.toUnsignedLong(d.inactiveConnections()), 10);
            break;
          case PERSISTENT_CONN:
            column(out, rs.weight(), 9);
            column(out, Integer.toUnsignedLong(d.persistentConnections()), 11);
            column(out, Integer.toUnsignedLong(d.activeConnections()), 10);
            column(out, Integer.toUnsignedLong(d.inactiveConnections()), 10);
            break;
          default:
            out.append(' ');
            padRight(out, forwardName(rs.forwarding()), 7);
            column(out, rs.weight(), 6);
            column(out, Integer.toUnsignedLong(d.activeConnections()), 10);
            column(out, Integer.toUnsignedLong(d.inactiveConnections()), 10);
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** The counters of an entry a statistics view prints; a listing without them cannot be printed so. */
  private static IpvsStats counters(java.util.Optional<IpvsStats> stats, Object entry) {
    if (stats.isEmpty()) {
      throw new IllegalArgumentException("cannot print --stats or --rate of " + entry
          + ": it was listed without its counters (IpvsClient.Stats.OMITTED)");
    }
    return stats.get();
  }

  /** {@code ipvsadm -S -n}: the rules that rebuild the table, one per line; counters are not needed. */
  public static String save(List<Entry> table) {
    StringBuilder out = new StringBuilder(64 * size(table));
    Order order = new Order(false);
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
      List<IpvsDestination> dests = e.destinations();
      order.sortDestinations(dests);
      String destinationPrefix = dests.isEmpty() ? "" : "-a " + spec + " -r "; // once per service, not per line
      for (int k = 0; k < dests.size(); k++) {
        int i = order.index(k);
        RealServer rs = dests.get(i).server();
        out.append(destinationPrefix);
        order.appendEndpoint(out, i, rs.endpoint());
        out.append(forwardAndWeightOptions(rs.forwarding())).append(rs.weight());
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

  /**
   * {@code ipvsadm -L -n -c}: the connection table with its two title lines; with {@code persistentConn}
   * ({@code --persistent-conn}) entries that carry persistence-engine data show it in two more columns.
   */
  public static String connections(List<IpvsConnection> connections, boolean persistentConn) {
    StringBuilder out = new StringBuilder("IPVS connection entries\n");
    if (persistentConn) {
      out.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %-18s %-16s %s%n", "state", "source",
          "virtual", "destination", "pe name", "pe_data"));
    } else {
      out.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s%n", "state", "source", "virtual",
          "destination"));
    }
    for (IpvsConnection c : connections) {
      String expire = String.format(Locale.ROOT, "%02d:%02d", c.expiresSeconds() / 60, c.expiresSeconds() % 60);
      if (persistentConn && !c.persistenceData().isEmpty()) {
        out.append(String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s%n", c.protocol(), expire,
            c.state(), c.client(), c.virtual(), c.destination(), c.persistenceEngine(), c.persistenceData()));
      } else {
        out.append(String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s%n", c.protocol(), expire, c.state(),
            c.client(), c.virtual(), c.destination()));
      }
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
      StringBuilder b = new StringBuilder(40);
      padRight(b, a.protocol().name(), 4).append(' ');
      return appendEndpoint(b, a.endpoint()).toString();
    }
    ServiceKey.FirewallMark f = (ServiceKey.FirewallMark) key;
    return "FWM  " + (int) f.mark() + (f.family() == AddressFamily.IPV6 ? " IPv6" : ""); // signed, as ipvsadm prints it
  }

  private static String serviceSpec(ServiceKey key) {
    if (key instanceof ServiceKey.Address a) {
      String opt = a.protocol() == Protocol.TCP ? "-t " : a.protocol() == Protocol.UDP ? "-u " : "--sctp-service ";
      return appendEndpoint(new StringBuilder(40).append(opt), a.endpoint()).toString();
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

  /** The forwarding option ({@code -m}, {@code -i}, {@code -g}) between spaces and {@code -w}: one append per line. */
  private static String forwardAndWeightOptions(ForwardingMethod m) {
    switch (m) {
      case MASQUERADE:
        return " -m -w ";
      case TUNNEL:
        return " -i -w ";
      default:
        return " -g -w ";
    }
  }

  // ipvsadm's print_largenum: 8 digits and a unit above 100 million, or all digits with --exact
  private static void numbers(StringBuilder out, boolean exact, long... values) {
    for (long v : values) {
      if (exact) {
        String digits = Long.toUnsignedString(v);
        padLeft(out, digits, digits.length() <= 8 ? 9 : digits.length() + 1);
      } else if (Long.compareUnsigned(v, 100_000_000L) < 0) {
        padLeft(out, Long.toString(v), 9);
      } else if (Long.compareUnsigned(v, 1_000_000_000L) < 0) {
        padLeft(out, Long.toString(v / 1000), 8).append('K');
      } else if (Long.compareUnsigned(v, 100_000_000_000L) < 0) {
        padLeft(out, Long.toString(v / 1_000_000), 8).append('M');
      } else if (Long.compareUnsigned(v, 100_000_000_000_000L) < 0) {
        padLeft(out, Long.toString(v / 1_000_000_000L), 8).append('G');
      } else {
        padLeft(out, Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000_000_000L)), 8).append('T');
      }
    }
  }

  /** A space, then {@code value} left-justified in {@code width} columns ({@code " %-Nd"}). */
  private static void column(StringBuilder out, long value, int width) {
    out.append(' ');
    int start = out.length();
    out.append(value);
    for (int n = out.length() - start; n < width; n++) {
      out.append(' ');
    }
  }

  /** {@code %-Ns}: the text, then spaces up to {@code width}. */
  private static StringBuilder padRight(StringBuilder out, CharSequence text, int width) {
    out.append(text);
    for (int n = text.length(); n < width; n++) {
      out.append(' ');
    }
    return out;
  }

  /** {@code %Ns}: spaces up to {@code width}, then the text. */
  private static StringBuilder padLeft(StringBuilder out, String text, int width) {
    for (int n = text.length(); n < width; n++) {
      out.append(' ');
    }
    return out.append(text);
  }

  /** {@link Endpoint#toString()}, with IPv4 addresses printed without a detour through Guava. */
  static StringBuilder appendEndpoint(StringBuilder out, Endpoint e) {
    if (e.address() instanceof Inet4Address) {
      byte[] a = e.address().getAddress();
      return out.append(a[0] & 0xff).append('.').append(a[1] & 0xff).append('.').append(a[2] & 0xff).append('.')
          .append(a[3] & 0xff).append(':').append(e.port());
    }
    return out.append(e);
  }

  private static int size(List<Entry> table) {
    int n = table.size();
    for (Entry e : table) {
      n += e.destinations().size();
    }
    return n;
  }

  // ---- ipvsadm's order: libipvs comparators (signed differences of unsigned words) under glibc's merge sort

  static List<Entry> sortServices(List<Entry> table) {
    Order order = new Order(true);
    order.sortServices(table);
    List<Entry> out = new ArrayList<>(table.size());
    for (int k = 0; k < table.size(); k++) {
      out.add(table.get(order.index(k)));
    }
    return out;
  }

  /**
   * ipvsadm's order: libipvs's service or destination comparator (signed differences of unsigned 32-bit values)
   * under glibc's msort (top-down merge sort, left half n/2, "<= 0" takes the left element). Sorts indices, without
   * an object per element: a listing sorts ten thousand short destination lists, so the sort keys (mark, family and
   * protocol of a service; the address as four host-order words, zero-padded for IPv4; the port) live in arrays
   * reused from list to list. Not thread-safe: one per listing.
   */
  static final class Order {
    private final boolean services;
    private int[] words = new int[4 * 16];
    private int[] ports = new int[16];
    /** How many words to compare: a service's family says it; a destination's own address does. */
    private boolean[] ipv6 = new boolean[16];
    private int[] marks = new int[16];
    private int[] families = new int[16];
    private int[] protocols = new int[16];
    private int[] order = new int[16];
    private int[] tmp = new int[16];

    /** An order of services ({@code true}) or of destinations. */
    Order(boolean services) {
      this.services = services;
    }

    /** Sorts a table's services: then {@link #index(int) index(k)} is where the k-th is in {@code table}. */
    void sortServices(List<Entry> table) {
      int n = table.size();
      ensure(n);
      for (int i = 0; i < n; i++) {
        ServiceKey k = table.get(i).service().service().key();
        families[i] = k.family().linuxValue();
        ipv6[i] = k.family() == AddressFamily.IPV6;
        if (k instanceof ServiceKey.Address a) {
          marks[i] = 0;
          protocols[i] = a.protocol().ipProtocolNumber();
          key(i, a.endpoint());
        } else {
          marks[i] = (int) ((ServiceKey.FirewallMark) k).mark();
          protocols[i] = 0;
          words[4 * i] = 0;
          words[4 * i + 1] = 0;
          words[4 * i + 2] = 0;
          words[4 * i + 3] = 0;
          ports[i] = 0;
        }
        order[i] = i;
      }
      mergeSort(0, n);
    }

    /** Sorts {@code dests}: then {@link #index(int) index(k)} is where the k-th in ipvsadm's order is in them. */
    void sortDestinations(List<IpvsDestination> dests) {
      int n = dests.size();
      ensure(n);
      for (int i = 0; i < n; i++) {
        ipv6[i] = key(i, dests.get(i).server().endpoint());
        order[i] = i;
      }
      mergeSort(0, n);
    }

    /** The position in the sorted list of the k-th element in ipvsadm's order. */
    int index(int k) {
      return order[k];
    }

    /** {@link IpvsadmFormat#appendEndpoint} of destination {@code i} of the last sort, IPv4 from its sort key. */
    StringBuilder appendEndpoint(StringBuilder out, int i, Endpoint e) {
      if (ipv6[i]) {
        return out.append(e);
      }
      int a = words[4 * i];
      return out.append(a >>> 24).append('.').append(a >>> 16 & 0xff).append('.').append(a >>> 8 & 0xff).append('.')
          .append(a & 0xff).append(':').append(ports[i]);
    }

    private void ensure(int n) {
      if (order.length < n) {
        int size = Math.max(n, 2 * order.length);
        words = new int[4 * size];
        ports = new int[size];
        ipv6 = new boolean[size];
        marks = new int[size];
        families = new int[size];
        protocols = new int[size];
        order = new int[size];
        tmp = new int[size];
      }
    }

    /** Element {@code i}'s address words and port; whether the address has 16 bytes. */
    private boolean key(int i, Endpoint e) {
      byte[] raw = e.address().getAddress(); // 4 bytes for an Inet4Address, else 16
      boolean v6 = raw.length == 16;
      int w = 4 * i;
      words[w] = word(raw, 0);
      words[w + 1] = v6 ? word(raw, 4) : 0;
      words[w + 2] = v6 ? word(raw, 8) : 0;
      words[w + 3] = v6 ? word(raw, 12) : 0;
      ports[i] = e.port();
      return v6;
    }

    /** Four address bytes as a host-order word ({@code ntohl}). */
    private static int word(byte[] raw, int at) {
      return (raw[at] & 0xff) << 24 | (raw[at + 1] & 0xff) << 16 | (raw[at + 2] & 0xff) << 8 | (raw[at + 3] & 0xff);
    }

    /**
     * libipvs: services by mark, family, protocol, then address and port; destinations by address and port. Each
     * step a signed difference, so large unsigned values wrap (192.0.2.1 sorts before 10.0.0.1).
     */
    private int compare(int a, int b) {
      int r;
      if (services) {
        r = marks[a] - marks[b];
        if (r == 0) {
          r = families[a] - families[b];
        }
        if (r == 0) {
          r = protocols[a] - protocols[b];
        }
        if (r != 0) {
          return r;
        }
      }
      int wa = 4 * a;
      int wb = 4 * b;
      r = words[wa] - words[wb];
      if (r == 0 && ipv6[a]) { // the left one says how many words, as in libipvs
        r = words[wa + 1] - words[wb + 1];
        if (r == 0) {
          r = words[wa + 2] - words[wb + 2];
          if (r == 0) {
            r = words[wa + 3] - words[wb + 3];
          }
        }
      }
      return r != 0 ? r : ports[a] - ports[b];
    }

    /** glibc's msort over {@code order[from, from + n)}. */
    private void mergeSort(int from, int n) {
      if (n <= 1) {
        return;
      }
      int n1 = n / 2;
      int n2 = n - n1;
      mergeSort(from, n1);
      mergeSort(from + n1, n2);
      int i = from;
      int j = from + n1;
      int k = 0;
      while (n1 > 0 && n2 > 0) {
        if (compare(order[i], order[j]) <= 0) {
          tmp[k++] = order[i++];
          n1--;
        } else {
          tmp[k++] = order[j++];
          n2--;
        }
      }
      while (n1-- > 0) {
        tmp[k++] = order[i++];
      }
      // the rest of the right half is in place already
      System.arraycopy(tmp, 0, order, from, k);
    }
  }
}
