package dev.lbkit.examples;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.TunnelType;
import dev.lbkit.ipvs.IpvsadmFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ipvsadm command line as ipvsadm's option parser (popt) reads it: long and short option names, the forms
 * popt accepts ({@code --weight=5}, {@code -Ln}, {@code -w5}), each option group at most once and only with the
 * commands that read it ({@link IpvsadmOption}), numbers within ipvsadm's limits. Refusals are
 * {@link UsageException}s (or the {@code IllegalArgumentException} of an lb-api type), worded as lbkit ipvsadm prints
 * them.
 */
final class IpvsadmParser {
  private IpvsadmParser() {}

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

  static IpvsadmArgs parse(List<String> args) throws UsageException {
    return parse(args, new ServiceKeyCache());
  }

  static IpvsadmArgs parse(List<String> args, ServiceKeyCache keys) throws UsageException {
    IpvsadmArgs a = new IpvsadmArgs();
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

  /** ipvsadm takes weights up to 65535 (the kernel and {@link dev.lbkit.api.RealServer} take any int). */
  private static final int MAX_WEIGHT = 65_535;
  /** ipvsadm's -p limit: 31 days. */
  private static final int MAX_PERSISTENCE_SECONDS = 31 * 86_400;

  /** Records that {@code typed} gave {@code option}; a second word for the same option is refused, as ipvsadm does. */
  private static void use(IpvsadmArgs a, IpvsadmOption option, String typed) throws UsageException {
    String before = a.given.putIfAbsent(option, typed);
    if (before != null) {
      throw new UsageException(before.equals(typed) ? "option " + typed + " is given twice"
          : "options " + before + " and " + typed + " both given, but a command takes one " + option.what);
    }
  }

  private static void forwarding(IpvsadmArgs a, ForwardingMethod f, String typed) throws UsageException {
    use(a, IpvsadmOption.FORWARD, typed);
    a.forwarding = f;
  }

  private static void tunnelChecksum(IpvsadmArgs a, Tunnel.Checksum c, String typed) throws UsageException {
    use(a, IpvsadmOption.TUN_CHECKSUM, typed);
    a.tunChecksum = c;
  }

  private static void columns(IpvsadmArgs a, IpvsadmFormat.Columns c, String typed) throws UsageException {
    use(a, IpvsadmOption.COLUMNS, typed);
    a.columns = c;
  }

  /**
   * Refuses an option the command would not read, as ipvsadm does, rather than dropping it: {@code -a -t A -r B -p}
   * must not add a server and quietly leave out the persistence the operator asked for.
   */
  private static void checkOptions(IpvsadmArgs a) throws UsageException {
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

  private static void command(IpvsadmArgs a, String c) throws UsageException {
    if (a.command != null) {
      throw new UsageException("two commands given: " + a.command + " and " + c);
    }
    a.command = c;
  }

  private static void serviceOption(IpvsadmArgs a, Protocol p, String text, ServiceKeyCache keys) {
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
  static int intNumber(String s, String what, int min, int max) throws UsageException {
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

  static long number(String s, String what) throws UsageException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new UsageException(what + " must be a number but was '" + s + "'", e);
    }
  }
}
