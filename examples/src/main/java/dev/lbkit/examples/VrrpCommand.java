package dev.lbkit.examples;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.io.InputFiles;
import dev.lbkit.vrrp.LinuxVrrp;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.VrrpConfig;
import dev.lbkit.vrrp.VrrpRouter;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code lbkit vrrp}: runs VRRP instances on this host's interfaces, holds their virtual addresses while Master, prints
 * one JSON line per state change, and on SIGTERM resigns (priority 0), removes the addresses and exits 0.
 */
final class VrrpCommand implements Command {
  private static final String USAGE = String.join("\n",
      "usage: lbkit vrrp --interface IF --vrid N --priority P --vip ADDR/LEN [--vip ...] [--advert-int SECONDS]",
      "                  [--version 2|3] [--auth-pass PASS [--auth-type pass|ah]] [--no-preempt]",
      "                  [--preempt-delay SECONDS]",
      "                  [--unicast-peer ADDR ...] [--accept | --no-accept] [--name NAME]",
      "                  [--garp-master-repeat N] [--garp-master-delay S] [--garp-master-refresh S]",
      "                  [--garp-master-refresh-repeat N] [--garp-lower-prio-repeat N] [--garp-lower-prio-delay S]",
      "                  [--garp-interval S] [--gna-interval S] [--lower-prio-no-advert]",
      "       lbkit vrrp --config FILE",
      "",
      "FILE holds one instance per line with the same options ('instance --name VI_1 --interface eth0 ...') and",
      "optional 'sync-group NAME NAME...' lines; '#' starts a comment.",
      "--no-accept: RFC 5798 accept mode off: while Master (below priority 255) drop traffic to the VIPs with",
      "nftables (table inet lbkit_vrrp; needs the nft program) but still answer ARP / neighbour discovery. The",
      "default, --accept, accepts it, as keepalived does without vrrp_strict (keepalived's no_accept / vrrp_strict",
      "and RFC 5798's default correspond to --no-accept).",
      "--garp-*, --gna-interval, --lower-prio-no-advert: keepalived's garp_master_repeat (default 5),",
      "garp_master_delay (5 s, 0 none), garp_master_refresh (0 none), garp_master_refresh_repeat (1),",
      "garp_lower_prio_repeat / _delay (default: the garp-master ones), vrrp_garp_interval / vrrp_gna_interval (0;",
      "per instance here, per interface in keepalived) and lower_prio_no_advert; S in seconds.",
      "--auth-type ah: keepalived's IPsec-AH authentication (auth_type AH; VRRPv2 over IPv4 only): HMAC-MD5-96",
      "keyed with --auth-pass over the whole datagram, with a sequence number against replay. The default with",
      "--auth-pass is pass (auth_type PASS, the password in clear).",
      "Needs CAP_NET_RAW (raw sockets) and CAP_NET_ADMIN (addresses). Prints one JSON line per state change:",
      "{\"time\":...,\"instance\":...,\"vrid\":...,\"from\":...,\"to\":...,\"reason\":...}");

  @Override
  public String name() {
    return "vrrp";
  }

  @Override
  public String summary() {
    return "run VRRP (v2/v3, keepalived-compatible) and hold virtual addresses while Master";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    List<VrrpConfig> configs = new ArrayList<>();
    List<List<String>> groups = new ArrayList<>();
    if (!args.isEmpty() && args.get(0).equals("--config")) {
      if (args.size() != 2) {
        throw new UsageException("--config takes one file and no other options");
      }
      readConfig(Path.of(args.get(1)), configs, groups);
    } else {
      configs.add(parseInstance(args, "VI_1"));
    }
    if (!LinuxVrrp.isAvailable()) {
      err.println("lbkit vrrp: native sockets unavailable: " + LinuxVrrp.unavailabilityCause().orElseThrow());
      return 1;
    }
    VrrpRouter.Builder builder = LinuxVrrp.routerBuilder();
    configs.forEach(builder::instance);
    groups.forEach(g -> builder.syncGroup(g.toArray(new String[0])));
    builder.listener(e -> {
      out.println(json(e));
      out.flush();
    });
    VrrpRouter router;
    try {
      router = builder.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    // SIGTERM and SIGINT run shutdown hooks: resign, remove the addresses, then leave with status 0
    Thread hook = new Thread(() -> {
      try {
        router.close();
      } catch (IOException e) {
        err.println("lbkit vrrp: closing: " + e.getMessage());
      }
      out.flush();
      err.flush();
      Runtime.getRuntime().halt(0);
    }, "vrrp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      router.run();
    } finally {
      try {
        // a failure to start (no such interface, no CAP_NET_RAW) must keep its own exit status
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // a signal is being handled: the hook resigns and sets the exit status 0
      }
    }
    return 0;
  }

  /**
   * The largest --config file read: the cap lb-config puts on keepalived.conf, far beyond any VRRP configuration (an
   * instance line is a hundred bytes). A larger file is refused before any instance starts.
   */
  static final int MAX_CONFIG_BYTES = 32 << 20;

  static void readConfig(Path file, List<VrrpConfig> configs, List<List<String>> groups)
      throws IOException, UsageException {
    List<String> lines;
    try {
      byte[] bytes = InputFiles.readAll(file, MAX_CONFIG_BYTES, "configuration");
      // a decoder of its own refuses bytes that are not UTF-8 (new String would replace them)
      lines = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString().lines().toList();
    } catch (IOException e) {
      throw IoErrors.cannotRead(file, e);
    }
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      List<String> words = Arrays.asList(line.split("\\s+"));
      if (words.get(0).equals("instance")) {
        try {
          configs.add(parseInstance(words.subList(1, words.size()), "VI_" + (configs.size() + 1)));
        } catch (UsageException e) {
          throw new UsageException(file + ":" + n + ": " + e.getMessage(), e);
        }
      } else if (words.get(0).equals("sync-group") && words.size() >= 3) {
        groups.add(List.copyOf(words.subList(1, words.size())));
      } else {
        throw new UsageException(file + ":" + n + ": expected 'instance OPTIONS' or 'sync-group NAME NAME...' but got '"
            + line + "'");
      }
    }
    if (configs.isEmpty()) {
      throw new UsageException(file + ": no instance lines");
    }
    // checked here, before any socket opens
    for (List<String> g : groups) {
      for (String member : g) {
        if (configs.stream().noneMatch(c -> c.name().equals(member))) {
          throw new UsageException(file + ": sync-group " + g + " names unknown instance '" + member + "'");
        }
      }
    }
  }

  /**
   * The options with one value per instance, refused when given twice. --vip and --unicast-peer repeat; of --accept
   * and --no-accept the last wins, as accept and no_accept do in keepalived.conf.
   */
  private static final Set<String> SINGLE_VALUED = Set.of("--interface", "--vrid", "--priority", "--advert-int",
      "--version", "--auth-pass", "--auth-type", "--preempt-delay", "--name", "--garp-master-repeat",
      "--garp-master-delay", "--garp-master-refresh", "--garp-master-refresh-repeat", "--garp-lower-prio-repeat",
      "--garp-lower-prio-delay", "--garp-interval", "--gna-interval");

  static VrrpConfig parseInstance(List<String> args, String defaultName) throws UsageException {
    String name = defaultName;
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--name")) {
        name = args.get(i + 1);
      }
    }
    VrrpConfig.Builder b = VrrpConfig.builder(name);
    boolean haveInterface = false;
    boolean haveVrid = false;
    Set<String> given = new HashSet<>();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      // a second --vrid or --priority won without a word
      if (SINGLE_VALUED.contains(flag) && !given.add(flag)) {
        throw new UsageException(flag + " is given twice");
      }
      switch (flag) {
        case "--no-preempt" -> b.preempt(false);
        case "--accept" -> b.acceptMode(true);
        case "--no-accept" -> b.acceptMode(false);
        case "--interface" -> {
          b.interfaceName(value(args, ++i, flag));
          haveInterface = true;
        }
        case "--vrid" -> {
          b.vrid(integer(value(args, ++i, flag), flag));
          haveVrid = true;
        }
        case "--priority" -> b.priority(integer(value(args, ++i, flag), flag));
        case "--vip" -> {
          try {
            b.virtualAddress(VirtualAddress.parse(value(args, ++i, flag)));
          } catch (IllegalArgumentException e) {
            throw new UsageException("--vip: " + e.getMessage(), e);
          }
        }
        case "--advert-int" -> b.advertInterval(seconds(value(args, ++i, flag), flag));
        case "--version" -> b.version(integer(value(args, ++i, flag), flag));
        case "--auth-pass" -> b.authPassword(value(args, ++i, flag));
        case "--auth-type" -> {
          String type = value(args, ++i, flag);
          switch (type.toLowerCase(Locale.ROOT)) {
            case "pass" -> b.authType(VrrpConfig.AuthType.PASS);
            case "ah" -> b.authType(VrrpConfig.AuthType.AH);
            case "none" -> b.authType(VrrpConfig.AuthType.NONE);
            default -> throw new UsageException("--auth-type must be pass, ah or none but was '" + type + "'");
          }
        }
        case "--preempt-delay" -> b.preemptDelay(seconds(value(args, ++i, flag), flag));
        case "--unicast-peer" -> b.unicastPeer(address(value(args, ++i, flag), flag));
        case "--name" -> i++;
        case "--garp-master-repeat" -> b.garpRepeat(integer(value(args, ++i, flag), flag));
        case "--garp-master-delay" -> b.garpDelay(seconds(value(args, ++i, flag), flag));
        case "--garp-master-refresh" -> b.garpRefresh(seconds(value(args, ++i, flag), flag));
        case "--garp-master-refresh-repeat" -> b.garpRefreshRepeat(integer(value(args, ++i, flag), flag));
        case "--garp-lower-prio-repeat" -> b.garpLowerPrioRepeat(integer(value(args, ++i, flag), flag));
        case "--garp-lower-prio-delay" -> b.garpLowerPrioDelay(seconds(value(args, ++i, flag), flag));
        case "--garp-interval" -> b.garpInterval(seconds(value(args, ++i, flag), flag));
        case "--gna-interval" -> b.gnaInterval(seconds(value(args, ++i, flag), flag));
        case "--lower-prio-no-advert" -> b.lowerPrioNoAdvert(true);
        default -> throw new UsageException("unknown option '" + flag + "'; run 'lbkit vrrp --help'");
      }
    }
    if (!haveInterface || !haveVrid) {
      throw new UsageException("--interface and --vrid are required; run 'lbkit vrrp --help'");
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static String value(List<String> args, int i, String flag) throws UsageException {
    if (i >= args.size()) {
      throw new UsageException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static int integer(String s, String flag) throws UsageException {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be a whole number but was '" + s + "'", e);
    }
  }

  private static Duration seconds(String s, String flag) throws UsageException {
    try {
      BigDecimal secs = new BigDecimal(s);
      if (secs.signum() < 0) {
        throw new UsageException(flag + " must not be negative but was " + s);
      }
      return Duration.ofNanos(secs.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(flag + " must be a number of seconds such as 1 or 0.1 but was '" + s + "'", e);
    }
  }

  /**
   * A full IPv4 or IPv6 literal. Not InetAddress.getByName: it reads the old short forms ("1.2.3" is 1.2.0.3, "10"
   * is 0.0.0.10) and looks up anything else in DNS.
   */
  private static InetAddress address(String s, String flag) throws UsageException {
    try {
      return Endpoint.parseAddress(s);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + " must be a numeric IP address but was '" + s + "'", e);
    }
  }

  /** One JSON object per event, with the lb-api event's fields. */
  static String json(VrrpStateChanged e) {
    return String.format(Locale.ROOT, "{\"time\":\"%s\",\"instance\":%s,\"vrid\":%d,\"from\":\"%s\",\"to\":\"%s\","
        + "\"reason\":%s}", e.at(), quote(e.instance()), e.vrid(), e.from(), e.to(), quote(e.reason()));
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
