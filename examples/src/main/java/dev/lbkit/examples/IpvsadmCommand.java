package dev.lbkit.examples;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.TunnelType;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.InMemoryIpvs;
import dev.lbkit.ipvs.Ipvs;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsConnection;
import dev.lbkit.ipvs.IpvsConnections;
import dev.lbkit.ipvs.IpvsDestination;
import dev.lbkit.ipvs.IpvsException;
import dev.lbkit.ipvs.IpvsService;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.IpvsadmFormat;
import dev.lbkit.ipvs.SyncDaemon;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code lbkit ipvsadm}: the ipvsadm command line on lbkit's public IPVS API. For the same table, {@code -L -n}
 * and {@code -S -n} print byte for byte what ipvsadm 1.31 prints. Output is always numeric ({@code -n} is
 * implied: lbkit resolves no names). With {@code --in-memory} it works on an {@link InMemoryIpvs} that lives for
 * this one process; {@code -R} then accepts any ipvsadm command per line, including {@code -L} and {@code -S}, so a
 * whole session runs in one process.
 */
final class IpvsadmCommand implements Command {
  /** Opens the table a run works on: the kernel's, or an in-memory one. */
  interface Opener {
    IpvsClient open(boolean inMemory) throws IpvsException;
  }

  private final Supplier<InputStream> stdin;
  private final Opener opener;

  IpvsadmCommand() {
    this(() -> System.in);
  }

  IpvsadmCommand(Supplier<InputStream> stdin) {
    this(stdin, inMemory -> inMemory ? new InMemoryIpvs() : Ipvs.open());
  }

  /** For tests: {@code opener} may hand out any client, e.g. an in-memory one behind the kernel's batched -R. */
  IpvsadmCommand(Supplier<InputStream> stdin, Opener opener) {
    this.stdin = stdin;
    this.opener = opener;
  }

  @Override
  public String name() {
    return "ipvsadm";
  }

  @Override
  public String summary() {
    return "ipvsadm-compatible IPVS administration (kernel, or --in-memory)";
  }

  /** One parsed ipvsadm command line. */
  static final class Args {
    String command; // "-A", "-E", "-D", "-C", "-R", "-S", "-a", "-e", "-d", "-L", "-Z", "--set", ...
    List<String> commandArgs = new ArrayList<>();
    ServiceKey service;
    Protocol protocol;
    String serviceText;
    long fwmark;
    boolean ipv6;
    String scheduler;
    List<SchedulerFlag> flags = new ArrayList<>();
    Integer persistentTimeout;
    String netmask;
    String pe;
    boolean onePacket;
    String realServer;
    ForwardingMethod forwarding;
    Integer weight;
    int upper;
    int lower;
    TunnelType tunType;
    int tunPort;
    Tunnel.Checksum tunChecksum = Tunnel.Checksum.NONE;
    boolean exact;
    IpvsadmFormat.Columns columns = IpvsadmFormat.Columns.DEFAULT;
    boolean timeout;
    boolean daemon;
    boolean connections;
    String mcastInterface;
    int syncId;
    int syncMaxLen;
    String mcastGroup;
    int mcastPort;
    int mcastTtl;
    /** The options given, each with the word that gave it, so each is checked against the command once. */
    final EnumMap<IpvsadmOption, String> given = new EnumMap<>(IpvsadmOption.class);
  }

  @Override
  public int run(List<String> rawArgs, PrintStream out, PrintStream err) throws Exception {
    List<String> args = new ArrayList<>(rawArgs);
    boolean inMemory = args.remove("--in-memory");
    if (args.contains("--help") || args.contains("-h")) {
      usage(out);
      return 0;
    }
    if (args.isEmpty()) {
      args.add("-L"); // as ipvsadm without arguments lists the table
    }
    // a value lbkit's types refuse (address 300.0.0.1, a non-contiguous mask) is a usage error, exit 2, as in ipvsadm
    Args a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    try (IpvsClient ipvs = opener.open(inMemory)) {
      return execute(ipvs, a, inMemory, out, err);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private int execute(IpvsClient ipvs, Args a, boolean inMemory, PrintStream out, PrintStream err)
      throws IpvsException, UsageException, IOException {
    switch (a.command) {
      case "-A":
        ipvs.addService(service(a));
        return 0;
      case "-E":
        ipvs.editService(service(a));
        return 0;
      case "-D":
        ipvs.deleteService(key(a));
        return 0;
      case "-C":
        ipvs.flush();
        return 0;
      case "-a":
        ipvs.addDestination(key(a), server(a));
        return 0;
      case "-e":
        ipvs.editDestination(key(a), server(a));
        return 0;
      case "-d":
        ipvs.deleteDestination(key(a), realEndpoint(a));
        return 0;
      case "-Z":
        if (a.service != null) {
          ipvs.zero(a.service);
        } else {
          ipvs.zero();
        }
        return 0;
      case "--set":
        if (a.commandArgs.size() != 3) {
          throw new UsageException("--set needs three values: tcp tcpfin udp");
        }
        ipvs.setTimeouts(IpvsTimeouts.ofSeconds(number(a.commandArgs.get(0), "tcp timeout"),
            number(a.commandArgs.get(1), "tcpfin timeout"), number(a.commandArgs.get(2), "udp timeout")));
        return 0;
      case "--start-daemon":
        ipvs.startSyncDaemon(daemon(a));
        return 0;
      case "--stop-daemon":
        ipvs.stopSyncDaemon(role(a.commandArgs));
        return 0;
      case "-S":
        write(out, IpvsadmFormat.save(IpvsadmFormat.snapshot(ipvs, IpvsClient.Stats.OMITTED)));
        return 0;
      case "-L":
        return list(ipvs, a, out);
      case "-R":
        return restore(ipvs, inMemory, out, err);
      default:
        throw new UsageException("unknown command " + a.command);
    }
  }

  private int list(IpvsClient ipvs, Args a, PrintStream out) throws IpvsException {
    if (a.timeout) {
      out.print(IpvsadmFormat.timeouts(ipvs.timeouts()));
      return 0;
    }
    if (a.daemon) {
      out.print(IpvsadmFormat.daemons(ipvs.syncDaemons()));
      return 0;
    }
    if (a.connections) {
      // the kernel shows connections only in /proc; an in-memory table has none
      List<IpvsConnection> table = ipvs instanceof InMemoryIpvs ? List.of() : IpvsConnections.read();
      out.print(IpvsadmFormat.connections(table, a.columns == IpvsadmFormat.Columns.PERSISTENT_CONN));
      return 0;
    }
    if (a.service != null) {
      Optional<IpvsService> s = ipvs.getService(a.service);
      if (s.isEmpty()) {
        throw new IpvsException("list service " + a.service, 3, "list service " + a.service
            + ": no such service (ESRCH)", null);
      }
      List<IpvsDestination> dests = ipvs.listDestinations(a.service, a.columns.stats());
      out.print(IpvsadmFormat.list(List.of(new IpvsadmFormat.Entry(s.get(), dests)), a.columns, a.exact));
      return 0;
    }
    write(out, IpvsadmFormat.versionLine(ipvs.info()) + "\n"
        + IpvsadmFormat.list(IpvsadmFormat.snapshot(ipvs, a.columns.stats()), a.columns, a.exact));
    return 0;
  }

  /** A whole listing as UTF-8 in one write, rather than through the print stream's character encoder. */
  private static void write(PrintStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    out.flush();
  }

  /**
   * ipvsadm -R: service and server changes go to the kernel in one batch; with --in-memory any command runs, in
   * order. As in ipvsadm, a line the kernel (or the in-memory table) refuses is reported and the rest still apply,
   * while a line that cannot be read as a command (a usage error, which ends ipvsadm at once) stops the reading
   * there: the lines before it apply, the lines after it are not read, and the exit status is 2. A closing line
   * says how many command lines were applied and which were not.
   */
  private int restore(IpvsClient ipvs, boolean inMemory, PrintStream out, PrintStream err)
      throws IOException, IpvsException, UsageException {
    LineReader r = new LineReader(stdin.get());
    List<IpvsChange> changes = new ArrayList<>();
    List<Integer> lineOf = new ArrayList<>();
    ServiceKeyCache keys = new ServiceKeyCache();
    List<Integer> failed = new ArrayList<>();
    int commands = 0;
    int n = 0;
    boolean stopped = false;
    while (!stopped) {
      String line;
      try {
        line = r.readLine();
      } catch (IOException e) {
        commands++;
        failed.add(++n);
        err.println("lbkit ipvsadm -R: line " + n + ": cannot read it: " + e.getMessage() + "; reading stopped there");
        break;
      }
      if (line == null) {
        break;
      }
      n++;
      String text = line.trim();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      commands++;
      Args a;
      try {
        a = parse(tokens(text), keys);
      } catch (UsageException | IllegalArgumentException e) {
        stopped = stop(err, n, e, failed);
        continue;
      }
      try {
        IpvsChange c = change(a);
        if (a.command.equals("-R")) {
          // it would read on from the same stdin, past lines this reader holds: refused, as ipvsadm refuses it
          throw new UsageException("-R cannot run inside -R");
        } else if (c != null && !inMemory) {
          changes.add(c);
          lineOf.add(n);
        } else if (c != null || inMemory) {
          execute(ipvs, a, true, out, err);
        } else {
          throw new UsageException("-R takes -A, -E, -D, -a, -e and -d lines, not " + a.command);
        }
      } catch (UsageException | IllegalArgumentException e) {
        stopped = stop(err, n, e, failed);
      } catch (IpvsException e) {
        err.println("lbkit ipvsadm -R: line " + n + ": " + e.getMessage());
        failed.add(n);
      }
    }
    String stop = stopped ? "; reading stopped at line " + n + ", as ipvsadm stops at a line it cannot read" : "";
    int status = stopped ? 2 : 1;
    if (!changes.isEmpty()) {
      List<Optional<IpvsException>> results;
      try {
        results = ipvs.execute(changes);
      } catch (IpvsException e) {
        failed.sort(null);
        err.println("lbkit ipvsadm -R: the batch to the kernel broke off (" + e.getMessage() + "): whether "
            + lines(lineOf) + (lineOf.size() == 1 ? " was" : " were") + " applied is unknown; compare ipvsadm -Sn"
            + (failed.isEmpty() ? "" : "; " + lines(failed) + (failed.size() == 1 ? " was" : " were")
            + " not applied") + stop);
        return status;
      }
      List<Integer> refused = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i).isPresent()) {
          err.println("lbkit ipvsadm -R: line " + lineOf.get(i) + ": " + results.get(i).get().getMessage());
          refused.add(lineOf.get(i));
        }
      }
      failed.addAll(refused);
      failed.sort(null);
    }
    if (failed.isEmpty()) {
      return 0;
    }
    err.println("lbkit ipvsadm -R: " + (commands - failed.size()) + " of " + commands
        + " command lines applied; not applied: " + lines(failed) + stop);
    return status;
  }

  /** Reports line {@code n}'s usage error and records it as not applied; always true: the reading stops. */
  private static boolean stop(PrintStream err, int n, Exception e, List<Integer> failed) {
    err.println("lbkit ipvsadm -R: line " + n + ": " + e.getMessage());
    failed.add(n);
    return true;
  }

  /** {@code line 3} or {@code lines 3, 5-7}. */
  private static String lines(List<Integer> lines) {
    return (lines.size() == 1 ? "line " : "lines ") + lineRanges(lines);
  }

  /** Ascending line numbers as {@code 3, 5-7, 9}. */
  static String lineRanges(List<Integer> lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); ) {
      int j = i;
      while (j + 1 < lines.size() && lines.get(j + 1) == lines.get(j) + 1) {
        j++;
      }
      sb.append(sb.length() == 0 ? "" : ", ").append(lines.get(i));
      if (j > i) {
        sb.append('-').append(lines.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
  }

  /**
   * Lines of UTF-8 text, split at {@code \n} (a {@code \r} before it is dropped, as {@code BufferedReader} does for
   * {@code \r\n}). Reads bytes and makes ASCII lines without a detour through a char buffer: a restore file has a
   * hundred thousand lines, and the JVM in the kernel lab is slow.
   */
  static final class LineReader {
    /** Far beyond any ipvsadm line (a few hundred bytes); a power of two times the first buffer. */
    static final int MAX_LINE_BYTES = 1 << 20;
    private final InputStream in;
    private byte[] buf = new byte[64 << 10];
    private int start;
    private int end;
    private boolean eof;

    LineReader(InputStream in) {
      this.in = in;
    }

    String readLine() throws IOException {
      int scanned = start;
      while (true) {
        for (int i = scanned; i < end; i++) {
          if (buf[i] == '\n') {
            String line = text(start, i > start && buf[i - 1] == '\r' ? i - 1 : i);
            start = i + 1;
            return line;
          }
        }
        scanned = end;
        if (eof) {
          if (start == end) {
            return null;
          }
          String line = text(start, buf[end - 1] == '\r' ? end - 1 : end);
          start = end;
          return line;
        }
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          scanned -= start;
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          if (end >= MAX_LINE_BYTES) {
            // a stream without newlines (a binary file, /dev/zero) would otherwise grow this until the heap is gone
            throw new IOException("longer than " + (MAX_LINE_BYTES >> 20)
                + " MiB without a newline: not ipvsadm rules");
          }
          buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        int got = in.read(buf, end, buf.length - end);
        if (got < 0) {
          eof = true;
        } else {
          end += got;
        }
      }
    }

    private String text(int from, int to) {
      for (int i = from; i < to; i++) {
        if (buf[i] < 0) {
          return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }
      }
      return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
  }

  /** The last service parsed, so the destination lines that follow their service do not parse it again. */
  static final class ServiceKeyCache {
    private Protocol protocol;
    private String text;
    private ServiceKey key;

    ServiceKey get(Protocol p, String t) {
      if (p != protocol || !t.equals(text)) {
        ServiceKey k = ServiceKey.of(p, endpoint(t));
        protocol = p;
        text = t;
        key = k;
      }
      return key;
    }
  }

  /**
   * {@link Endpoint#parse}, with a quick path for the common {@code a.b.c.d:port} (decimal octets without leading
   * zeros, as Endpoint.parse accepts them); anything else goes to Endpoint.parse, which also words the errors.
   */
  static Endpoint endpoint(String text) {
    int n = text.length();
    byte[] addr = new byte[4];
    int i = 0;
    for (int octet = 0; octet < 4; octet++) {
      int value = 0;
      int digits = 0;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9' && digits < 4) {
        value = value * 10 + (text.charAt(i++) - '0');
        digits++;
      }
      boolean leadingZero = digits > 1 && text.charAt(i - digits) == '0';
      if (digits == 0 || digits > 3 || value > 255 || leadingZero) {
        return Endpoint.parse(text);
      }
      addr[octet] = (byte) value;
      char sep = octet < 3 ? '.' : ':';
      if (i >= n || text.charAt(i) != sep) {
        return Endpoint.parse(text);
      }
      i++;
    }
    int port = 0;
    int digits = 0;
    for (; i < n; i++, digits++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9' || digits >= 5) {
        return Endpoint.parse(text);
      }
      port = port * 10 + (c - '0');
    }
    if (digits == 0 || port > Endpoint.MAX_PORT) {
      return Endpoint.parse(text);
    }
    try {
      return new Endpoint(InetAddress.getByAddress(addr), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }

  private IpvsChange change(Args a) throws UsageException {
    switch (a.command) {
      case "-A":
        return new IpvsChange.AddService(service(a));
      case "-E":
        return new IpvsChange.EditService(service(a));
      case "-D":
        return new IpvsChange.DeleteService(key(a));
      case "-a":
        return new IpvsChange.AddDestination(key(a), server(a));
      case "-e":
        return new IpvsChange.EditDestination(key(a), server(a));
      case "-d":
        return new IpvsChange.DeleteDestination(key(a), realEndpoint(a));
      default:
        return null;
    }
  }

  // ---- parsing

  /** The words of a line, split at white space as {@code split("\\s+")} would, without empty words. */
  static List<String> tokens(String line) {
    List<String> out = new ArrayList<>(12);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(line.charAt(i))) {
        i++;
      }
      int from = i;
      while (i < n && !isSpace(line.charAt(i))) {
        i++;
      }
      if (i > from) {
        out.add(line.substring(from, i));
      }
    }
    return out;
  }

  /** What the regex {@code \\s} matches: space, tab, newline, vertical tab, form feed, carriage return. */
  private static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  static Args parse(List<String> args) throws UsageException {
    return parse(args, new ServiceKeyCache());
  }

  private static Args parse(List<String> args, ServiceKeyCache keys) throws UsageException {
    Args a = new Args();
    List<String> expanded = new ArrayList<>(args.size() + 4);
    for (String s : args) {
      if (s.length() > 2 && s.charAt(0) == '-') {
        poptWord(s, expanded);
      } else {
        expanded.add(s);
      }
    }
    for (int i = 0; i < expanded.size(); i++) {
      String o = expanded.get(i);
      switch (o) {
        case "-A": case "--add-service": command(a, "-A"); break;
        case "-E": case "--edit-service": command(a, "-E"); break;
        case "-D": case "--delete-service": command(a, "-D"); break;
        case "-C": case "--clear": command(a, "-C"); break;
        case "-R": case "--restore": command(a, "-R"); break;
        case "-S": case "--save": command(a, "-S"); break;
        case "-a": case "--add-server": command(a, "-a"); break;
        case "-e": case "--edit-server": command(a, "-e"); break;
        case "-d": case "--delete-server": command(a, "-d"); break;
        case "-L": case "-l": case "--list": command(a, "-L"); break;
        case "-Z": case "--zero": command(a, "-Z"); break;
        case "--set":
          command(a, "--set");
          for (int k = 0; k < 3; k++) {
            a.commandArgs.add(value(expanded, ++i, o));
          }
          break;
        case "--start-daemon": command(a, "--start-daemon"); a.commandArgs.add(value(expanded, ++i, o)); break;
        case "--stop-daemon": command(a, "--stop-daemon"); a.commandArgs.add(value(expanded, ++i, o)); break;
        case "-t": case "--tcp-service":
          use(a, IpvsadmOption.SERVICE, o);
          serviceOption(a, Protocol.TCP, value(expanded, ++i, o), keys);
          break;
        case "-u": case "--udp-service":
          use(a, IpvsadmOption.SERVICE, o);
          serviceOption(a, Protocol.UDP, value(expanded, ++i, o), keys);
          break;
        case "--sctp-service":
          use(a, IpvsadmOption.SERVICE, o);
          serviceOption(a, Protocol.SCTP, value(expanded, ++i, o), keys);
          break;
        case "-f": case "--fwmark-service":
          use(a, IpvsadmOption.SERVICE, o);
          a.fwmark = number(value(expanded, ++i, o), "firewall mark");
          a.serviceText = "fwmark";
          break;
        case "-6": case "--ipv6": use(a, IpvsadmOption.IPV6, o); a.ipv6 = true; break;
        case "-s": case "--scheduler": use(a, IpvsadmOption.SCHEDULER, o); a.scheduler = value(expanded, ++i, o); break;
        case "-b": case "--sched-flags":
          use(a, IpvsadmOption.SCHED_FLAGS, o);
          for (String f : value(expanded, ++i, o).split(",")) {
            a.flags.add(SchedulerFlag.parse(f));
          }
          break;
        case "-p": case "--persistent":
          use(a, IpvsadmOption.PERSISTENT, o);
          // the timeout is optional, as in ipvsadm
          if (i + 1 < expanded.size() && expanded.get(i + 1).matches("\\d+")) {
            a.persistentTimeout = intNumber(expanded.get(++i), "persistence timeout in seconds", 1,
                MAX_PERSISTENCE_SECONDS);
          } else {
            a.persistentTimeout = (int) Persistence.DEFAULT_TIMEOUT.toSeconds();
          }
          break;
        case "-M": case "--netmask": use(a, IpvsadmOption.NETMASK, o); a.netmask = value(expanded, ++i, o); break;
        case "--pe": use(a, IpvsadmOption.PE, o); a.pe = value(expanded, ++i, o); break;
        case "-o": case "--ops": use(a, IpvsadmOption.OPS, o); a.onePacket = true; break;
        case "-r": case "--real-server":
          use(a, IpvsadmOption.REAL_SERVER, o);
          a.realServer = value(expanded, ++i, o);
          break;
        case "-g": case "--gatewaying": forwarding(a, ForwardingMethod.DIRECT_ROUTE, o); break;
        case "-i": case "--ipip": forwarding(a, ForwardingMethod.TUNNEL, o); break;
        case "-m": case "--masquerading": forwarding(a, ForwardingMethod.MASQUERADE, o); break;
        case "-w": case "--weight":
          use(a, IpvsadmOption.WEIGHT, o);
          a.weight = intNumber(value(expanded, ++i, o), "weight", 0, MAX_WEIGHT);
          break;
        case "-x": case "--u-threshold":
          use(a, IpvsadmOption.U_THRESHOLD, o);
          a.upper = intNumber(value(expanded, ++i, o), "upper threshold", 0, Integer.MAX_VALUE);
          break;
        case "-y": case "--l-threshold":
          use(a, IpvsadmOption.L_THRESHOLD, o);
          a.lower = intNumber(value(expanded, ++i, o), "lower threshold", 0, Integer.MAX_VALUE);
          break;
        case "--tun-type":
          use(a, IpvsadmOption.TUN_TYPE, o);
          a.tunType = TunnelType.parse(value(expanded, ++i, o));
          break;
        case "--tun-port":
          use(a, IpvsadmOption.TUN_PORT, o);
          a.tunPort = intNumber(value(expanded, ++i, o), "tunnel port", 1, Endpoint.MAX_PORT);
          break;
        case "--tun-nocsum": tunnelChecksum(a, Tunnel.Checksum.NONE, o); break;
        case "--tun-csum": tunnelChecksum(a, Tunnel.Checksum.CHECKSUM, o); break;
        case "--tun-remcsum": tunnelChecksum(a, Tunnel.Checksum.REMOTE_CHECKSUM, o); break;
        case "-n": case "--numeric": use(a, IpvsadmOption.NUMERIC, o); break; // always numeric
        case "--exact": use(a, IpvsadmOption.EXACT, o); a.exact = true; break;
        case "--stats": columns(a, IpvsadmFormat.Columns.STATS, o); break;
        case "--rate": columns(a, IpvsadmFormat.Columns.RATE, o); break;
        case "--thresholds": columns(a, IpvsadmFormat.Columns.THRESHOLDS, o); break;
        case "--persistent-conn": columns(a, IpvsadmFormat.Columns.PERSISTENT_CONN, o); break;
        case "--timeout": use(a, IpvsadmOption.TIMEOUT, o); a.timeout = true; break;
        case "--daemon": use(a, IpvsadmOption.DAEMON, o); a.daemon = true; break;
        case "-c": case "--connection": use(a, IpvsadmOption.CONNECTION, o); a.connections = true; break;
        case "--mcast-interface":
          use(a, IpvsadmOption.MCAST_INTERFACE, o);
          a.mcastInterface = value(expanded, ++i, o);
          break;
        case "--syncid":
          use(a, IpvsadmOption.SYNC_ID, o);
          a.syncId = intNumber(value(expanded, ++i, o), "sync id", 0, 255);
          break;
        case "--sync-maxlen":
          use(a, IpvsadmOption.SYNC_MAXLEN, o);
          a.syncMaxLen = intNumber(value(expanded, ++i, o), "sync max length", 0, 65535);
          break;
        case "--mcast-group": use(a, IpvsadmOption.MCAST_GROUP, o); a.mcastGroup = value(expanded, ++i, o); break;
        case "--mcast-port":
          use(a, IpvsadmOption.MCAST_PORT, o);
          a.mcastPort = intNumber(value(expanded, ++i, o), "multicast port", 0, Endpoint.MAX_PORT);
          break;
        case "--mcast-ttl":
          use(a, IpvsadmOption.MCAST_TTL, o);
          a.mcastTtl = intNumber(value(expanded, ++i, o), "multicast ttl", 0, 255);
          break;
        default:
          throw new UsageException("unknown option '" + o + "'; see lbkit ipvsadm --help");
      }
    }
    if (a.command == null) {
      throw new UsageException("no command given (-A, -E, -D, -C, -R, -S, -a, -e, -d, -L, -Z, --set, --start-daemon,"
          + " --stop-daemon); see lbkit ipvsadm --help");
    }
    checkOptions(a);
    if ("fwmark".equals(a.serviceText)) {
      a.service = new ServiceKey.FirewallMark(a.fwmark, a.ipv6 ? AddressFamily.IPV6 : AddressFamily.IPV4);
    }
    return a;
  }

  /** Short options without a value, which popt lets one word bundle: {@code -Ln}, {@code -At}. */
  private static final String SHORT_FLAGS = "AEDCRSaedLlZnc6ogim";
  /** Short options with a value: in a bundle, the rest of the word is the value ({@code -w5}, {@code -p300}). */
  private static final String SHORT_VALUED = "tufsbpMrwxy";
  /** Long options with a value, which popt also takes as {@code --name=value}. */
  private static final Set<String> LONG_VALUED = Set.of("--tcp-service", "--udp-service",
      "--sctp-service", "--fwmark-service", "--scheduler", "--sched-flags", "--persistent", "--netmask", "--pe",
      "--real-server", "--weight", "--u-threshold", "--l-threshold", "--tun-type", "--tun-port", "--mcast-interface",
      "--syncid", "--sync-maxlen", "--mcast-group", "--mcast-port", "--mcast-ttl", "--start-daemon",
      "--stop-daemon");

  /**
   * One word of three or more characters that starts with '-', split as popt (ipvsadm's option parser) splits it:
   * {@code --weight=5} is {@code --weight 5}; {@code -Ln} is {@code -L -n}; {@code -At} is {@code -A -t}; and a short
   * option with a value takes the rest of its word, {@code -w5} or {@code -p300}. A word this does not read as
   * options (a negative number given as a value, say) passes unchanged, for the parser to take or refuse.
   */
  private static void poptWord(String s, List<String> out) throws UsageException {
    if (s.charAt(1) == '-') {
      int eq = s.indexOf('=');
      if (eq < 0) {
        out.add(s);
      } else if (LONG_VALUED.contains(s.substring(0, eq))) {
        out.add(s.substring(0, eq));
        out.add(s.substring(eq + 1));
      } else {
        throw new UsageException("option " + s.substring(0, eq) + " takes no value (in '" + s + "')");
      }
      return;
    }
    if (SHORT_FLAGS.indexOf(s.charAt(1)) < 0 && SHORT_VALUED.indexOf(s.charAt(1)) < 0) {
      out.add(s);
      return;
    }
    for (int k = 1; k < s.length(); k++) {
      char c = s.charAt(k);
      if (SHORT_VALUED.indexOf(c) >= 0) {
        out.add("-" + c);
        if (k + 1 < s.length()) {
          out.add(s.substring(k + 1));
        }
        return;
      }
      if (SHORT_FLAGS.indexOf(c) < 0) {
        throw new UsageException("unknown option '-" + c + "' in '" + s + "'; see lbkit ipvsadm --help");
      }
      out.add("-" + c);
    }
  }

  /** ipvsadm's -p limit: 31 days. */
  /** ipvsadm takes weights up to 65535 (the kernel and {@link RealServer} take any int). */
  private static final int MAX_WEIGHT = 65_535;
  private static final int MAX_PERSISTENCE_SECONDS = 31 * 86_400;

  /** Records that {@code typed} gave {@code option}; a second word for the same option is refused, as ipvsadm does. */
  private static void use(Args a, IpvsadmOption option, String typed) throws UsageException {
    String before = a.given.putIfAbsent(option, typed);
    if (before != null) {
      throw new UsageException(before.equals(typed) ? "option " + typed + " is given twice"
          : "options " + before + " and " + typed + " both given, but a command takes one " + option.what);
    }
  }

  private static void forwarding(Args a, ForwardingMethod f, String typed) throws UsageException {
    use(a, IpvsadmOption.FORWARD, typed);
    a.forwarding = f;
  }

  private static void tunnelChecksum(Args a, Tunnel.Checksum c, String typed) throws UsageException {
    use(a, IpvsadmOption.TUN_CHECKSUM, typed);
    a.tunChecksum = c;
  }

  private static void columns(Args a, IpvsadmFormat.Columns c, String typed) throws UsageException {
    use(a, IpvsadmOption.COLUMNS, typed);
    a.columns = c;
  }

  /**
   * Refuses an option the command would not read, as ipvsadm does, rather than dropping it: {@code -a -t A -r B -p}
   * must not add a server and quietly leave out the persistence the operator asked for.
   */
  private static void checkOptions(Args a) throws UsageException {
    String listed = null;
    for (Map.Entry<IpvsadmOption, String> e : a.given.entrySet()) {
      if (!e.getKey().appliesTo(a.command)) {
        throw new UsageException("option " + e.getValue() + " does not apply to " + IpvsadmOption.describe(a.command));
      }
      if (a.command.equals("-L") && IpvsadmOption.LIST_SUBJECTS.contains(e.getKey())) {
        if (listed != null) {
          throw new UsageException("options " + listed + " and " + e.getValue() + " cannot be combined: "
              + IpvsadmOption.describe("-L") + " shows one of a service, -c, --timeout or --daemon");
        }
        listed = e.getValue();
      }
    }
    if (a.ipv6 && !"fwmark".equals(a.serviceText)) {
      throw new UsageException("option -6 applies only to a firewall-mark service (-f); an IPv6 service address"
          + " is written in brackets, as -t [2001:db8::1]:80");
    }
  }

  private static void command(Args a, String c) throws UsageException {
    if (a.command != null) {
      throw new UsageException("two commands given: " + a.command + " and " + c);
    }
    a.command = c;
  }

  private static void serviceOption(Args a, Protocol p, String text, ServiceKeyCache keys) {
    a.protocol = p;
    a.serviceText = text;
    a.service = keys.get(p, text);
  }

  private static String value(List<String> args, int i, String option) throws UsageException {
    if (i >= args.size()) {
      throw new UsageException("option " + option + " needs a value");
    }
    return args.get(i);
  }

  /** A whole number in [min, max]; out of range is refused, never cut to 32 bits. */
  private static int intNumber(String s, String what, int min, int max) throws UsageException {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      if (!s.matches("[-+]?\\d+")) {
        throw new UsageException(what + " must be a number but was '" + s + "'", e);
      }
      v = s.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // digits beyond a long: out of range below
    }
    if (v < min || v > max) {
      throw new UsageException(what + " must be in [" + min + ", " + max + "] but was " + s);
    }
    return (int) v;
  }

  private static long number(String s, String what) throws UsageException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new UsageException(what + " must be a number but was '" + s + "'", e);
    }
  }

  private static ServiceKey key(Args a) throws UsageException {
    if (a.service == null) {
      throw new UsageException(a.command + " needs a service: -t, -u, --sctp-service or -f");
    }
    return a.service;
  }

  private static VirtualService service(Args a) throws UsageException {
    VirtualService.Builder b = VirtualService.builder(key(a))
        .scheduler(a.scheduler != null ? a.scheduler : VirtualService.DEFAULT_SCHEDULER).onePacket(a.onePacket);
    for (SchedulerFlag f : a.flags) {
      b.schedulerFlag(f);
    }
    if (a.persistentTimeout != null) {
      Duration timeout = Duration.ofSeconds(a.persistentTimeout);
      if (a.netmask == null) {
        b.persistence(Persistence.of(timeout));
      } else {
        int prefix = a.service.family() == AddressFamily.IPV4 && a.netmask.contains(".")
            ? Persistence.prefixLengthOfNetmask(a.netmask) : intNumber(a.netmask, "netmask", 0, 128);
        b.persistence(prefix == a.service.family().bits() ? Persistence.of(timeout) : Persistence.of(timeout, prefix));
      }
      if (a.pe != null) {
        b.persistenceEngine(a.pe);
      }
    } else if (a.pe != null) {
      throw new UsageException("--pe needs a persistent service (-p)");
    } else if (a.netmask != null) {
      throw new UsageException("-M needs a persistent service (-p)");
    }
    return b.build();
  }

  private static Endpoint realEndpoint(Args a) throws UsageException {
    if (a.realServer == null) {
      throw new UsageException(a.command + " needs a real server: -r ADDRESS[:PORT]");
    }
    Endpoint e = endpoint(a.realServer);
    // as in ipvsadm, a real server without a port takes the service's
    if (e.port() == 0 && a.service instanceof ServiceKey.Address addr && !a.realServer.matches(".*:\\d+$")) {
      e = e.withPort(addr.endpoint().port());
    }
    return e;
  }

  private static RealServer server(Args a) throws UsageException {
    RealServer.Builder b = RealServer.builder(realEndpoint(a))
        .forwarding(a.forwarding != null ? a.forwarding : ForwardingMethod.DIRECT_ROUTE)
        .weight(a.weight != null ? a.weight : 1).upperThreshold(a.upper).lowerThreshold(a.lower);
    if (a.forwarding == ForwardingMethod.TUNNEL) {
      TunnelType type = a.tunType != null ? a.tunType : TunnelType.IPIP;
      // Tunnel refuses a port or checksum the type does not carry, rather than this dropping it
      b.tunnel(new Tunnel(type, a.tunPort, a.tunChecksum));
    } else {
      for (IpvsadmOption o : List.of(IpvsadmOption.TUN_TYPE, IpvsadmOption.TUN_PORT, IpvsadmOption.TUN_CHECKSUM)) {
        if (a.given.containsKey(o)) {
          throw new UsageException(a.given.get(o) + " needs tunnel forwarding (-i)");
        }
      }
    }
    return b.build();
  }

  private static SyncDaemon.Role role(List<String> args) throws UsageException {
    String r = args.get(0).toLowerCase(Locale.ROOT);
    if (r.equals("master")) {
      return SyncDaemon.Role.MASTER;
    }
    if (r.equals("backup")) {
      return SyncDaemon.Role.BACKUP;
    }
    throw new UsageException("sync daemon state must be master or backup but was '" + args.get(0) + "'");
  }

  private static SyncDaemon daemon(Args a) throws UsageException {
    if (a.mcastInterface == null) {
      throw new UsageException("--start-daemon needs --mcast-interface (lbkit does not guess eth0)");
    }
    Optional<InetAddress> group = a.mcastGroup == null ? Optional.empty()
        : Optional.of(Endpoint.parseAddress(a.mcastGroup));
    return new SyncDaemon(role(a.commandArgs), a.mcastInterface, a.syncId, a.syncMaxLen, group, a.mcastPort,
        a.mcastTtl);
  }

  private static void usage(PrintStream out) {
    out.println("usage: lbkit ipvsadm [--in-memory] COMMAND [OPTIONS]");
    out.println("  -A|-E -t|-u|--sctp-service ADDR:PORT | -f MARK [-6] [-s SCHED] [-b FLAGS] [-p [TIMEOUT]] [-M MASK]");
    out.println("        [--pe ENGINE] [-o]                             add / edit a virtual service");
    out.println("  -D SERVICE                                            delete a virtual service");
    out.println("  -a|-e SERVICE -r ADDR[:PORT] [-g|-i|-m] [-w W] [-x UPPER] [-y LOWER]");
    out.println("        [--tun-type ipip|gue|gre] [--tun-port P] [--tun-nocsum|--tun-csum|--tun-remcsum]");
    out.println("  -d SERVICE -r ADDR[:PORT]                             delete a real server");
    out.println("  -C                                                    clear the table");
    out.println("  -L|-l [-n] [SERVICE] [--exact] [--stats|--rate|--thresholds|--persistent-conn] [--timeout|--daemon]");
    out.println("  -L|-l [-n] -c [--persistent-conn]                     the connection table (/proc/net/ip_vs_conn)");
    out.println("  -S [-n]                                               save rules to stdout");
    out.println("  -R                                                    restore rules from stdin (batched)");
    out.println("  -Z [SERVICE]                                          zero counters");
    out.println("  --set TCP TCPFIN UDP                                  set connection timeouts (0 = unchanged)");
    out.println("  --start-daemon master|backup --mcast-interface IF [--syncid N] [--sync-maxlen N]");
    out.println("        [--mcast-group ADDR] [--mcast-port N] [--mcast-ttl N]");
    out.println("  --stop-daemon master|backup");
    out.println("Output is always numeric. --in-memory: an in-memory table for this process only; then -R runs any");
    out.println("of these commands per line (including -L and -S), e.g. printf -- '-A -t 10.0.0.1:80\\n-Ln\\n' |"
        + " lbkit ipvsadm --in-memory -R");
  }
}
