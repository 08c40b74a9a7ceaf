package dev.lbkit.config.internal;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.config.HealthCheckConfig;
import dev.lbkit.config.HealthCheckConfig.StatusRange;
import dev.lbkit.config.HealthCheckConfig.Url;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.ScriptUserConfig;
import dev.lbkit.config.VirtualServerConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code virtual_server} blocks (keepalived's check_parser.c and keepalived.conf(5), in our own words).
 * The service-level settings are read first, so that {@code lb_kind}, {@code inhibit_on_failure}, {@code alpha}
 * and the checker defaults apply to real servers written before them, as in keepalived.
 */
final class VirtualServerReader {
  /** The schedulers of the mainline kernel (net/netfilter/ipvs/ip_vs_*.c). */
  static final List<String> IPVS_SCHEDULERS =
      List.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");

  /** keepalived's default persistence timeout when {@code persistence_timeout} has no value (6 minutes). */
  static final Duration DEFAULT_PERSISTENCE = Duration.ofSeconds(360);

  private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Duration MAX_TIMER = Duration.ofDays(1);

  private final Values values;
  private final Problems problems;
  private final CheckerReader checkerReader;

  VirtualServerReader(Values values) {
    this.values = values;
    this.problems = values.problems();
    this.checkerReader = new CheckerReader(values);
  }

  /** Service-wide settings that real servers and checkers inherit. */
  static final class Defaults {
    ForwardingMethod forwarding = ForwardingMethod.MASQUERADE;
    boolean inhibit;
    boolean alpha;
    Optional<Integer> retry = Optional.empty();
    Optional<Duration> delayBeforeRetry = Optional.empty();
    Optional<Duration> connectTimeout = Optional.empty();
    Optional<String> virtualhost = Optional.empty();
    /** The virtual server's own {@code virtualhost}: an SSL_GET's SNI skips the real server's (check_ssl.c). */
    Optional<String> vsVirtualhost = Optional.empty();
    /** {@code warmup} of the virtual or real server: the default of its checkers' own (check_data.c). */
    Optional<Duration> warmup = Optional.empty();
    int servicePort;
  }

  Optional<VirtualServerConfig> read(Node block) {
    ServiceKey key = key(block).orElse(null);
    Protocol protocol = Protocol.UDP; // keepalived 2.2.7's default, with a complaint (below)
    boolean protocolSet = false;
    boolean forwardingSet = false;
    String scheduler = VirtualService.DEFAULT_SCHEDULER;
    Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
    boolean ops = false;
    Optional<Duration> persistenceTimeout = Optional.empty();
    OptionalInt granularity = OptionalInt.empty();
    Node granularityNode = null;
    Optional<String> pe = Optional.empty();
    Duration delayLoop = VirtualServerConfig.DEFAULT_DELAY_LOOP;
    int quorum = 1;
    int hysteresis = 0;
    boolean omega = false;
    Optional<String> quorumUp = Optional.empty();
    Optional<String> quorumDown = Optional.empty();
    Map<String, ScriptUserConfig> vsHookUsers = new HashMap<>();
    Optional<Endpoint> sorry = Optional.empty();
    boolean sorryInhibit = false;
    Optional<ForwardingMethod> sorryForwarding = Optional.empty();
    Optional<AddressFamily> ipFamily = Optional.empty();
    Defaults d = new Defaults();
    boolean broken = key == null;

    for (Node n : block.children()) {
      switch (n.name()) {
        case "protocol" -> {
          protocolSet = true;
          protocol = values.choice(n, true, List.of("TCP", "UDP", "SCTP")).map(Protocol::parse).orElse(protocol);
        }
        case "lb_algo", "lvs_sched" -> {
          Optional<String> s = values.choice(n, false, IPVS_SCHEDULERS);
          if (s.isPresent()) {
            scheduler = s.get();
          } else {
            broken = true;
          }
        }
        case "lb_kind", "lvs_method" -> {
          forwardingSet = true;
          d.forwarding = forwarding(n).orElse(d.forwarding);
        }
        case "ops" -> ops = values.arity(n, 0, 0) || ops;
        case "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback" -> {
          if (values.arity(n, 0, 0)) {
            flags.add(SchedulerFlag.parse(n.name()));
          }
        }
        case "persistence_timeout" -> {
          if (values.arity(n, 0, 1)) {
            persistenceTimeout = n.args().isEmpty() ? Optional.of(DEFAULT_PERSISTENCE)
                : values.integer(n.args().get(0), "persistence_timeout", 1, Persistence.MAX_TIMEOUT.toSeconds()).stream()
                    .mapToObj(s -> Duration.ofSeconds(s)).findFirst();
          }
        }
        case "persistence_granularity" -> granularityNode = n;
        case "persistence_engine" -> pe = values.single(n).map(Token::text);
        case "delay_loop" -> delayLoop = values.timer(n, Duration.ofMillis(1), MAX_TIMER).orElse(delayLoop);
        case "quorum" -> quorum = values.integer(n, 1, Integer.MAX_VALUE).orElse(quorum);
        case "hysteresis" -> hysteresis = values.integer(n, 0, Integer.MAX_VALUE).orElse(hysteresis);
        case "alpha" -> d.alpha = values.flag(n).orElse(d.alpha);
        case "omega" -> omega = values.flag(n).orElse(omega);
        case "inhibit_on_failure" -> d.inhibit = values.flag(n).orElse(d.inhibit);
        case "quorum_up" -> quorumUp = hook(n, vsHookUsers);
        case "quorum_down" -> quorumDown = hook(n, vsHookUsers);
        case "sorry_server" -> sorry = endpoint(n, 0);
        case "sorry_server_inhibit" -> sorryInhibit = values.flag(n).orElse(sorryInhibit);
        case "sorry_server_lvs_method" -> sorryForwarding = forwarding(n);
        case "virtualhost" -> d.virtualhost = values.single(n).map(Token::text);
        case "ip_family" -> ipFamily = values.choice(n, false, List.of("inet", "inet6"))
            .map(f -> f.equals("inet") ? AddressFamily.IPV4 : AddressFamily.IPV6);
        case "retry" -> d.retry = boxed(values.integer(n, 0, Integer.MAX_VALUE));
        case "delay_before_retry" -> d.delayBeforeRetry = values.timer(n, Duration.ZERO, MAX_TIMER);
        case "connect_timeout" -> d.connectTimeout = values.timer(n, Duration.ofMillis(1), MAX_TIMER);
        case "warmup" -> d.warmup = values.timer(n, Duration.ZERO, MAX_TIMER).or(() -> d.warmup);
        case "real_server" -> { } // below, once the defaults are known
        default -> throw new AssertionError(n.name());
      }
    }
    if (key instanceof ServiceKey.Address address) {
      key = new ServiceKey.Address(protocol, address.endpoint());
      d.servicePort = address.endpoint().port();
    } else if (key instanceof ServiceKey.FirewallMark fwm) {
      AddressFamily family = ipFamily.orElse(familyOfRealServers(block).orElse(AddressFamily.IPV4));
      key = new ServiceKey.FirewallMark(fwm.mark(), family);
    }
    if (key != null && ipFamily.isPresent() && key.family() != ipFamily.get()) {
      problems.error(block.location(), "ip_family " + (ipFamily.get() == AddressFamily.IPV4 ? "inet" : "inet6")
          + " conflicts with the address of virtual_server " + key);
      broken = true;
    }
    if (granularityNode != null && key != null) {
      granularity = granularity(granularityNode, key.family());
      if (persistenceTimeout.isEmpty() && granularity.isPresent()) {
        persistenceTimeout = Optional.of(DEFAULT_PERSISTENCE); // keepalived: granularity implies persistence
      }
    }

    List<RealServerConfig> realServers = new ArrayList<>();
    for (Node n : block.children()) {
      if (n.name().equals("real_server")) {
        realServer(n, d, delayLoop).ifPresent(realServers::add);
      }
    }
    if (broken) {
      return Optional.empty();
    }
    if (!protocolSet && key instanceof ServiceKey.Address address) {
      problems.warning(block.location(), "virtual_server " + address.endpoint()
          + ": no protocol set - defaulting to UDP (as keepalived does; write 'protocol TCP' for a TCP service)");
    }
    if (!forwardingSet) {
      problems.warning(block.location(), "virtual_server " + key + ": no forwarding method set (lb_kind), defaulting"
          + " to NAT as keepalived does");
    }

    VirtualService service;
    try {
      VirtualService.Builder b = VirtualService.builder(key).scheduler(scheduler).onePacket(ops);
      flags.forEach(b::schedulerFlag);
      if (persistenceTimeout.isPresent()) {
        b.persistence(new Persistence(persistenceTimeout.get(), granularity));
      }
      pe.ifPresent(b::persistenceEngine);
      service = b.build();
    } catch (IllegalArgumentException e) {
      problems.error(block.location(), "virtual_server " + key + ": " + e.getMessage());
      return Optional.empty();
    }
    Optional<RealServer> sorryServer = Optional.empty();
    if (sorry.isPresent()) {
      try {
        sorryServer = Optional.of(RealServer.builder(sorry.get()).weight(1)
            .forwarding(sorryForwarding.orElse(d.forwarding)).build());
        LoadBalancedService.of(service, sorryServer.get());
      } catch (IllegalArgumentException e) {
        problems.error(block.location(), "sorry_server of virtual_server " + key + ": " + e.getMessage());
        return Optional.empty();
      }
    }
    try {
      new LoadBalancedService(service, realServers.stream().map(RealServerConfig::realServer).toList());
    } catch (IllegalArgumentException e) {
      problems.error(block.location(), "virtual_server " + key + ": " + e.getMessage());
      return Optional.empty();
    }
    VirtualServerConfig vs = new VirtualServerConfig(service, delayLoop, realServers, quorum, hysteresis, sorryServer,
        sorryInhibit, omega, quorumUp, quorumDown, d.virtualhost, block.location(), vsHookUsers);
    // the config lowers them as keepalived's configuration check does (check_data.c), which warns
    if (vs.quorum() != quorum) {
      problems.warning(block.location(), "quorum " + quorum + " of virtual_server " + key + " is above the total"
          + " weight of its real servers, " + vs.quorum() + ", so it could never be reached; lowered to "
          + vs.quorum() + " as keepalived does");
    }
    if (vs.hysteresis() != hysteresis) {
      problems.warning(block.location(), "hysteresis " + hysteresis + " of virtual_server " + key + " is not below"
          + " its quorum " + vs.quorum() + "; lowered to " + vs.hysteresis() + " as keepalived does");
    }
    return Optional.of(vs);
  }

  /** A notify hook's command, remembering the user written after it. */
  private Optional<String> hook(Node n, Map<String, ScriptUserConfig> users) {
    Optional<Values.Hook> h = values.hook(n);
    h.flatMap(Values.Hook::user).ifPresent(u -> users.put(n.name(), u));
    return h.map(Values.Hook::command);
  }

  private static Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }

  /** {@code IP PORT} or {@code fwmark N}; {@code group NAME} is not supported. */
  private Optional<ServiceKey> key(Node n) {
    List<Token> a = n.args();
    if (a.isEmpty()) {
      problems.error(n.location(), "virtual_server needs 'IP PORT' or 'fwmark MARK'");
      return Optional.empty();
    }
    if (a.get(0).text().equals("group")) {
      problems.error(a.get(0).location(), "virtual_server group is not supported: virtual_server_group is not"
          + " implemented by lbkit");
      return Optional.empty();
    }
    if (a.get(0).text().equals("fwmark")) {
      if (a.size() != 2) {
        problems.error(n.location(), "virtual_server fwmark needs exactly one mark");
        return Optional.empty();
      }
      OptionalInt mark = OptionalInt.empty();
      try {
        long m = Long.parseLong(a.get(1).text());
        if (m >= 1 && m <= ServiceKey.FirewallMark.MAX_MARK) {
          return Optional.of(new ServiceKey.FirewallMark(m, AddressFamily.IPV4));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problems.error(a.get(1).location(), "fwmark must be in [1, 4294967295] but was '" + a.get(1).text() + "'" + (mark
          .isPresent() ? "" : ""));
      return Optional.empty();
    }
    if (a.size() != 2) {
      problems.error(a.size() < 2 ? n.location() : a.get(2).location(),
          "virtual_server needs 'IP PORT' (or 'fwmark MARK')" + (a.size() > 2 ? " but has an extra " + a.get(2) : ""));
      return Optional.empty();
    }
    Optional<InetAddress> address = values.address(a.get(0), "virtual_server address");
    OptionalInt port = values.integer(a.get(1), "virtual_server port", 0, Endpoint.MAX_PORT);
    if (address.isEmpty() || port.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ServiceKey.Address(Protocol.TCP, new Endpoint(address.get(), port.getAsInt())));
  }

  private Optional<AddressFamily> familyOfRealServers(Node block) {
    for (Node n : block.children()) {
      if (n.name().equals("real_server") && !n.args().isEmpty()) {
        try {
          return Optional.of(AddressFamily.of(Endpoint.parseAddress(n.args().get(0).text())));
        } catch (IllegalArgumentException e) {
          return Optional.empty(); // the real server reports its own bad address
        }
      }
    }
    return Optional.empty();
  }

  private OptionalInt granularity(Node n, AddressFamily family) {
    Optional<Token> t = values.single(n);
    if (t.isEmpty()) {
      return OptionalInt.empty();
    }
    if (family == AddressFamily.IPV6) {
      return values.integer(t.get(), "IPv6 persistence_granularity", 1, 128);
    }
    try {
      return OptionalInt.of(Persistence.prefixLengthOfNetmask(t.get().text()));
    } catch (IllegalArgumentException e) {
      problems.error(t.get().location(), "persistence_granularity must be a contiguous IPv4 netmask such as"
          + " 255.255.255.0 but was '" + t.get().text() + "'");
      return OptionalInt.empty();
    }
  }

  private Optional<ForwardingMethod> forwarding(Node n) {
    return values.choice(n, false, List.of("NAT", "DR", "TUN")).map(m -> switch (m) {
      case "NAT" -> ForwardingMethod.MASQUERADE;
      case "DR" -> ForwardingMethod.DIRECT_ROUTE;
      default -> ForwardingMethod.TUNNEL;
    });
  }

  /** {@code IP [PORT]}; without a port, {@code defaultPort}. */
  private Optional<Endpoint> endpoint(Node n, int defaultPort) {
    if (!values.arity(n, 1, 2)) {
      return Optional.empty();
    }
    Optional<InetAddress> address = values.address(n.args().get(0), n.name() + " address");
    OptionalInt port = n.args().size() == 2
        ? values.integer(n.args().get(1), n.name() + " port", 0, Endpoint.MAX_PORT) : OptionalInt.of(defaultPort);
    if (address.isEmpty() || port.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Endpoint(address.get(), port.getAsInt()));
  }

  private Optional<RealServerConfig> realServer(Node block, Defaults d, Duration vsDelayLoop) {
    Optional<Endpoint> endpoint = endpoint(block, d.servicePort);
    int weight = 1;
    ForwardingMethod forwarding = d.forwarding;
    int upper = 0;
    int lower = 0;
    boolean inhibit = d.inhibit;
    boolean alpha = d.alpha;
    Optional<Duration> delayLoop = Optional.empty();
    Optional<String> notifyUp = Optional.empty();
    Optional<String> notifyDown = Optional.empty();
    Map<String, ScriptUserConfig> rsHookUsers = new HashMap<>();
    Defaults rd = new Defaults();
    rd.retry = d.retry;
    rd.delayBeforeRetry = d.delayBeforeRetry;
    rd.connectTimeout = d.connectTimeout;
    rd.virtualhost = d.virtualhost;
    rd.vsVirtualhost = d.virtualhost;
    rd.warmup = d.warmup;
    for (Node n : block.children()) {
      switch (n.name()) {
        case "weight" -> weight = values.integer(n, 0, RealServer.MAX_WEIGHT).orElse(weight);
        case "lvs_method", "lb_kind" -> forwarding = forwarding(n).orElse(forwarding);
        case "uthreshold" -> upper = values.integer(n, 0, Integer.MAX_VALUE).orElse(upper);
        case "lthreshold" -> lower = values.integer(n, 0, Integer.MAX_VALUE).orElse(lower);
        case "inhibit_on_failure" -> inhibit = values.flag(n).orElse(inhibit);
        case "alpha" -> alpha = values.flag(n).orElse(alpha);
        case "notify_up" -> notifyUp = hook(n, rsHookUsers);
        case "notify_down" -> notifyDown = hook(n, rsHookUsers);
        case "delay_loop" -> delayLoop = values.timer(n, Duration.ofMillis(1), MAX_TIMER);
        case "retry" -> rd.retry = boxed(values.integer(n, 0, Integer.MAX_VALUE)).or(() -> d.retry);
        case "delay_before_retry" -> rd.delayBeforeRetry = values.timer(n, Duration.ZERO, MAX_TIMER)
            .or(() -> d.delayBeforeRetry);
        case "connect_timeout" -> rd.connectTimeout = values.timer(n, Duration.ofMillis(1), MAX_TIMER)
            .or(() -> d.connectTimeout);
        case "virtualhost" -> rd.virtualhost = values.single(n).map(Token::text).or(() -> d.virtualhost);
        case "warmup" -> rd.warmup = values.timer(n, Duration.ZERO, MAX_TIMER).or(() -> rd.warmup);
        case "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "UDP_CHECK", "DNS_CHECK", "SMTP_CHECK" -> { } // below
        default -> throw new AssertionError(n.name());
      }
    }
    if (endpoint.isEmpty()) {
      return Optional.empty();
    }
    List<HealthCheckConfig> checks = new ArrayList<>();
    Duration loop = delayLoop.orElse(vsDelayLoop);
    for (Node n : block.children()) {
      switch (n.name()) {
        case "TCP_CHECK" -> tcp(n, endpoint.get(), rd).ifPresent(checks::add);
        case "HTTP_GET", "SSL_GET" -> http(n, endpoint.get(), rd).ifPresent(checks::add);
        case "MISC_CHECK" -> misc(n, rd).ifPresent(checks::add);
        case "UDP_CHECK" -> checkerReader.udp(n, endpoint.get(), connect(rd, 1, DEFAULT_DELAY_BEFORE_RETRY))
            .ifPresent(checks::add);
        case "DNS_CHECK" -> checkerReader.dns(n, endpoint.get(), connect(rd, HealthCheckConfig.Dns.DEFAULT_RETRY,
            loop)).ifPresent(checks::add);
        case "SMTP_CHECK" -> checks.addAll(checkerReader.smtp(n, endpoint.get(),
            connect(rd, 1, DEFAULT_DELAY_BEFORE_RETRY)));
        default -> {
          // settings, read above
        }
      }
    }
    RealServer rs;
    try {
      rs = RealServer.builder(endpoint.get()).weight(weight).forwarding(forwarding).upperThreshold(upper)
          .lowerThreshold(lower).build();
    } catch (IllegalArgumentException e) {
      problems.error(block.location(), "real_server " + endpoint.get() + ": " + e.getMessage());
      return Optional.empty();
    }
    return Optional.of(new RealServerConfig(rs, inhibit, alpha, delayLoop, notifyUp, notifyDown, checks,
        block.location(), rsHookUsers));
  }

  /** keepalived's {@code delay_before_retry} default for most checkers (check_api.c queue_checker). */
  static final Duration DEFAULT_DELAY_BEFORE_RETRY = Duration.ofSeconds(1);
  /** keepalived's {@code delay_before_retry} default for HTTP_GET and SSL_GET (check_http.c). */
  static final Duration HTTP_DELAY_BEFORE_RETRY = Duration.ofSeconds(3);

  /** The connection settings of a checker, starting from the real server's and the checker type's defaults. */
  private Connect connect(Defaults rd, int defaultRetry, Duration defaultDelayBeforeRetry) {
    return new Connect(rd, defaultRetry, defaultDelayBeforeRetry);
  }

  /**
   * A checker's own delay_loop, warmup and alpha (keepalived's install_checker_common_keywords); its warmup starts
   * as the real server's, else the virtual server's, as keepalived's validate_check_config fills it in.
   */
  final class Timing {
    Optional<Duration> delayLoop = Optional.empty();
    Optional<Duration> warmup;
    Optional<Boolean> alpha = Optional.empty();

    Timing(Defaults rd) {
      warmup = rd.warmup;
    }

    void read(Node n) {
      switch (n.name()) {
        case "delay_loop" -> delayLoop = values.timer(n, Duration.ofMillis(1), MAX_TIMER).or(() -> delayLoop);
        case "warmup" -> warmup = values.timer(n, Duration.ZERO, MAX_TIMER).or(() -> warmup);
        case "alpha" -> alpha = values.flag(n).or(() -> alpha);
        default -> throw new AssertionError(n.name());
      }
    }

    HealthCheckConfig.CheckerTiming get() {
      return new HealthCheckConfig.CheckerTiming(delayLoop, warmup, alpha);
    }
  }

  /** Settings common to the network checkers (keepalived's install_checker_common_keywords). */
  final class Connect {
    Timing timing;
    Optional<InetAddress> ip = Optional.empty();
    OptionalInt port = OptionalInt.empty();
    Optional<InetAddress> bindTo = Optional.empty();
    Duration timeout;
    int retry;
    Duration delayBeforeRetry;

    Connect(Defaults rd) {
      this(rd, 1, DEFAULT_DELAY_BEFORE_RETRY);
    }

    Connect(Defaults rd, int defaultRetry, Duration defaultDelayBeforeRetry) {
      timing = new Timing(rd);
      timeout = rd.connectTimeout.orElse(HealthCheckConfig.DEFAULT_CONNECT_TIMEOUT);
      retry = rd.retry.orElse(defaultRetry);
      delayBeforeRetry = rd.delayBeforeRetry.orElse(defaultDelayBeforeRetry);
    }

    /** A copy, for an SMTP_CHECK {@code host} block, which starts from the settings written before it. */
    Connect copy() {
      Connect c = new Connect(new Defaults());
      c.ip = ip;
      c.port = port;
      c.bindTo = bindTo;
      c.timeout = timeout;
      c.retry = retry;
      c.delayBeforeRetry = delayBeforeRetry;
      c.timing.delayLoop = timing.delayLoop;
      c.timing.warmup = timing.warmup;
      c.timing.alpha = timing.alpha;
      return c;
    }

    /** True if the statement was one of the connection settings. */
    boolean read(Node n) {
      switch (n.name()) {
        case "connect_ip" -> {
          Optional<InetAddress> a = values.address(n);
          if (a.isPresent() && bindTo.isPresent() && a.get().getClass() != bindTo.get().getClass()) {
            problems.error(n.args().get(0).location(), "connect_ip address " + n.args().get(0).text()
                + " does not match address family of bindto");
          } else {
            ip = a.or(() -> ip);
          }
        }
        case "connect_port" -> port = values.integer(n, 1, Endpoint.MAX_PORT);
        case "bindto" -> {
          Optional<InetAddress> a = values.address(n);
          if (a.isPresent() && ip.isPresent() && a.get().getClass() != ip.get().getClass()) {
            problems.error(n.args().get(0).location(), "bindto address " + n.args().get(0).text()
                + " does not match address family of connect_ip");
          } else {
            bindTo = a.or(() -> bindTo);
          }
        }
        case "bind_port" -> {
          values.integer(n, 1, Endpoint.MAX_PORT);
          problems.warning(n.location(), "'bind_port' is accepted but not used by lbkit");
        }
        case "connect_timeout" -> timeout = values.timer(n, Duration.ofMillis(1), MAX_TIMER).orElse(timeout);
        case "retry", "nb_get_retry" -> retry = values.integer(n, 0, Integer.MAX_VALUE).orElse(retry);
        case "delay_before_retry" -> delayBeforeRetry = values.timer(n, Duration.ZERO, MAX_TIMER)
            .orElse(delayBeforeRetry);
        case "delay_loop", "warmup", "alpha" -> timing.read(n);
        default -> {
          return false;
        }
      }
      return true;
    }

    Optional<Endpoint> target(Endpoint server, Node block) {
      InetAddress address = ip.orElse(server.address());
      int p = port.orElse(server.port());
      if (p == 0) {
        problems.error(block.location(), block.name() + " of real server " + server
            + " needs connect_port: the real server has no port");
        return Optional.empty();
      }
      return Optional.of(new Endpoint(address, p));
    }
  }

  private Optional<HealthCheckConfig> tcp(Node block, Endpoint server, Defaults rd) {
    Connect c = new Connect(rd);
    for (Node n : block.children()) {
      if (!c.read(n)) {
        throw new AssertionError(n.name());
      }
    }
    return c.target(server, block).map(target -> new HealthCheckConfig.Tcp(target, c.bindTo, c.timeout, c.retry,
        c.delayBeforeRetry, c.timing.get(), block.location()));
  }

  private Optional<HealthCheckConfig> http(Node block, Endpoint server, Defaults rd) {
    Connect c = new Connect(rd, 1, HTTP_DELAY_BEFORE_RETRY);
    List<Url> urls = new ArrayList<>();
    Optional<String> virtualhost = rd.virtualhost;
    Optional<String> own = Optional.empty();
    boolean sni = false;
    boolean fast = false;
    boolean ok = true;
    for (Node n : block.children()) {
      if (c.read(n)) {
        continue;
      }
      switch (n.name()) {
        case "url" -> {
          Optional<Url> url = url(n);
          url.ifPresent(urls::add);
          ok &= url.isPresent();
        }
        case "virtualhost" -> {
          own = values.single(n).map(Token::text);
          virtualhost = own.or(() -> rd.virtualhost);
        }
        case "enable_sni" -> sni = values.flag(n).orElse(sni);
        case "fast_recovery" -> fast = values.flag(n).orElse(fast);
        default -> throw new AssertionError(n.name());
      }
    }
    if (urls.isEmpty() && ok) {
      problems.error(block.location(), block.name() + " needs at least one url { path ... } block");
      return Optional.empty();
    }
    final Optional<String> host = virtualhost;
    final Optional<String> sniName = sni ? own.or(() -> rd.vsVirtualhost) : Optional.empty();
    final boolean enableSni = sni;
    final boolean fastRecovery = fast;
    return c.target(server, block).map(target -> new HealthCheckConfig.Http(block.name().equals("SSL_GET"), target,
        urls, host, c.bindTo, c.timeout, c.retry, c.delayBeforeRetry, c.timing.get(), enableSni, sniName,
        fastRecovery, block.location()));
  }

  private Optional<Url> url(Node block) {
    Optional<String> path = Optional.empty();
    Optional<String> digest = Optional.empty();
    List<StatusRange> codes = new ArrayList<>();
    Optional<String> virtualhost = Optional.empty();
    for (Node n : block.children()) {
      switch (n.name()) {
        case "path" -> path = values.single(n).map(Token::text);
        case "digest" -> {
          Optional<Token> t = values.single(n);
          if (t.isPresent() && !DIGEST.matcher(t.get().text()).matches()) {
            problems.error(t.get().location(), "digest must be an MD5 sum of 32 hex digits but was '"
                + t.get().text() + "'");
          } else {
            digest = t.map(x -> x.text().toLowerCase(Locale.ROOT));
          }
        }
        case "status_code" -> {
          if (values.arity(n, 1, Integer.MAX_VALUE)) {
            for (Token t : n.args()) {
              statusRange(t).ifPresent(codes::add);
            }
          }
        }
        case "virtualhost" -> virtualhost = values.single(n).map(Token::text);
        default -> throw new AssertionError(n.name());
      }
    }
    if (path.isEmpty()) {
      problems.error(block.location(), "url needs a path");
      return Optional.empty();
    }
    return Optional.of(new Url(path.get(), digest, codes, virtualhost));
  }

  private Optional<StatusRange> statusRange(Token t) {
    String text = t.text();
    int dash = text.indexOf('-');
    OptionalInt from = values.integer(new Token(Token.Kind.WORD, dash < 0 ? text : text.substring(0, dash),
        t.location()), "status_code", 100, 999);
    OptionalInt to = dash < 0 ? from : values.integer(new Token(Token.Kind.WORD, text.substring(dash + 1),
        t.location()), "status_code", 100, 999);
    if (from.isEmpty() || to.isEmpty()) {
      return Optional.empty();
    }
    if (from.getAsInt() > to.getAsInt()) {
      problems.error(t.location(), "status_code range " + text + " is empty");
      return Optional.empty();
    }
    return Optional.of(new StatusRange(from.getAsInt(), to.getAsInt()));
  }

  /** keepalived's MISC_CHECK reads the common retry keywords; its own default retry is 0 (check_misc.c). */
  private Optional<HealthCheckConfig> misc(Node block, Defaults rd) {
    int retry = rd.retry.orElse(0);
    Duration delayBeforeRetry = rd.delayBeforeRetry.orElse(DEFAULT_DELAY_BEFORE_RETRY);
    Timing timing = new Timing(rd);
    Optional<String> path = Optional.empty();
    Optional<Duration> timeout = Optional.empty();
    boolean dynamic = false;
    Optional<ScriptUserConfig> user = Optional.empty();
    for (Node n : block.children()) {
      switch (n.name()) {
        case "misc_path" -> path = values.scriptLine(n);
        case "delay_loop", "warmup", "alpha" -> timing.read(n);
        case "retry" -> retry = values.integer(n, 0, Integer.MAX_VALUE).orElse(retry);
        case "delay_before_retry" -> delayBeforeRetry = values.timer(n, Duration.ZERO, MAX_TIMER)
            .orElse(delayBeforeRetry);
        case "misc_timeout" -> timeout = values.timer(n, Duration.ofMillis(1), MAX_TIMER);
        case "misc_dynamic" -> dynamic = values.flag(n).orElse(dynamic);
        case "user" -> {
          if (n.args().isEmpty()) {
            problems.error(n.location(), "No user specified for misc checker script"); // keepalived's words
          } else {
            user = values.scriptUser(n).or(() -> Optional.empty());
          }
        }
        default -> throw new AssertionError(n.name());
      }
    }
    if (path.isEmpty()) {
      problems.error(block.location(), "MISC_CHECK needs misc_path");
      return Optional.empty();
    }
    return Optional.of(new HealthCheckConfig.Misc(path.get(), timeout, dynamic, user, retry, delayBeforeRetry,
        timing.get(), block.location()));
  }
}
