package dev.lbkit.examples;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.agent.AgentCheck;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.http.BodyExpect;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.http.StatusCodes;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.smtp.SmtpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import dev.lbkit.healthcheck.udp.ReplyPattern;
import dev.lbkit.healthcheck.udp.UdpCheck;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code lbkit check KIND TARGET [flags]}: run one kind of health check, once ({@code --once}: exit 0 up, 1 down)
 * or continuously (one JSON line per transition).
 */
final class CheckCommand implements Command {
  private static final Set<String> SWITCHES = Set.of("once", "no-verify", "dynamic", "alpha", "inhibit-on-failure",
      "require-reply", "tcp", "haproxy", "static-algorithm");
  private static final Set<String> VALUED = Set.of("interval", "timeout", "rise", "fall", "retry",
      "delay-before-retry", "fastinter", "downinter", "warmup", "slowstart", "weight", "duration", "status",
      "digest", "virtualhost", "body", "verifyhost", "expect", "expect-string", "expect-regex",
      "expect-status-regex", "method", "http-version", "sni", "cacert", "client-cert", "client-password", "cert",
      "key", "bind", "max-bytes", "send", "helo", "name", "type", "expect-address", "payload-hex", "require-reply-hex",
      "min-reply-length", "max-reply-length", "destination", "user", "spread-checks");

  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "health-check a server: tcp, http, https, misc, agent, smtp, dns, udp";
  }

  private static void usage(PrintStream out) {
    out.println("usage: lbkit check tcp HOST:PORT | http URL | https URL | misc [flags] -- PROGRAM ARGS...");
    out.println("                   | agent HOST:PORT | smtp HOST:PORT | dns HOST[:PORT] | udp HOST:PORT   [flags]");
    out.println();
    out.println("Durations are seconds, fractions allowed (0.5). Prints one JSON line per transition; with --once");
    out.println("runs one check, prints its result and exits 0 if up, 1 if down, within --timeout.");
    out.println();
    out.println("  --once                  one check, then exit 0 (up) or 1 (down)");
    out.println("  --timeout S             hard deadline of one check (default 2)");
    out.println("  --interval S            between checks (inter, delay_loop; default 2)");
    out.println("  --fastinter S --downinter S --rise N --fall N (default 2 and 3)");
    out.println("  --retry N --delay-before-retry S --warmup S --alpha --inhibit-on-failure --slowstart S");
    out.println("  --static-algorithm (HAProxy static-rr, map-based hashing: slowstart keeps the full weight)");
    out.println("  --spread-checks PCT     move each interval at random by up to PCT% (0-50), HAProxy's spread-checks");
    out.println("  --weight N              configured weight (default 1)   --duration S  stop after S seconds");
    out.println("  http(s): --status 200-299,503 --digest MD5HEX --virtualhost NAME --expect-string TEXT");
    out.println("           --expect-regex RE --expect-status-regex RE --method M --http-version HTTP/1.1");
    out.println("           --expect 'RULE' (repeatable) in HAProxy words: '[!] status|rstatus|string|rstring PATTERN',");
    out.println("           e.g. --expect '! status 500-599' --expect 'rstring ^ready'");
    out.println("           --haproxy: send the request as HAProxy's option httpchk does (default OPTIONS, no Host");
    out.println("           unless --virtualhost, 2xx/3xx pass, a certificate's name checked only against --sni or");
    out.println("           --verifyhost NAME)   --body TEXT (http-check send body)");
    out.println("           --max-bytes N --no-verify --sni NAME --cacert PEM --client-cert P12 --client-password P");
    out.println("           --cert PEM [--key PEM]: a client certificate (chain) and its unencrypted key, in one file");
    out.println("           as HAProxy's crt, or the key apart");
    out.println("  misc: --dynamic (exit 2-255 sets weight code-2) --user 'USER [GROUP]' (as root)");
    out.println("  agent: --send TEXT   smtp: --helo NAME");
    out.println("  dns: --name NAME --type A --expect-address IP --tcp (up on any NOERROR, as keepalived; with");
    out.println("       --expect-address the answer must hold it, asked again over TCP when truncated)");
    out.println("  udp: --payload-hex HEX --require-reply --require-reply-hex 'HEX with x wildcards'");
    out.println("       --min-reply-length N --max-reply-length N (default 0, 255); silence is up unless a reply");
    out.println("       is required, an ICMP unreachable is down (keepalived UDP_CHECK)");
    out.println("  any: --bind LOCAL_IP");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.isEmpty()) {
      usage(err);
      return 2;
    }
    if (args.get(0).equals("--help") || args.get(0).equals("-h")) {
      usage(out);
      return 0;
    }
    String kind = args.get(0).toLowerCase(Locale.ROOT);
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    List<String> argv = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        argv.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (a.startsWith("--")) {
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (SWITCHES.contains(name)) {
          if (value != null) {
            throw new UsageException("--" + name + " takes no value");
          }
          flags.put(name, "true");
        } else if (VALUED.contains(name)) {
          if (value == null) {
            if (i + 1 >= args.size()) {
              throw new UsageException("--" + name + " needs a value");
            }
            value = args.get(++i);
          }
          if (name.equals("expect")) {
            flags.merge(name, value, (a1, a2) -> a1 + "\n" + a2);
          } else if (flags.putIfAbsent(name, value) != null) {
            // the last one won without a word
            throw new UsageException("--" + name + " is given twice");
          }
        } else {
          throw new UsageException("unknown flag --" + name + "; run 'lbkit check --help'");
        }
      } else {
        positional.add(a);
      }
    }
    Check check;
    try {
      check = buildCheck(kind, positional, argv, flags);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e); // a check's constructor refused a flag's value
    }
    CheckPolicy policy = buildPolicy(flags);
    // checked before --once too, so that no flag given is taken without a look
    int weight = intFlag(flags, "weight", 1, 0);
    Duration duration = duration(flags, "duration", null, true);
    if (flags.containsKey("once")) {
      return once(check, policy.timeout(), out);
    }
    return watch(check, policy, destinationOf(check, flags), weight, duration, out);
  }

  private static int once(Check check, Duration timeout, PrintStream out) throws Exception {
    try (HealthChecker checker = HealthChecker.builder().build()) {
      long start = System.nanoTime();
      CheckResult r;
      try {
        r = checker.checkOnce(check, timeout).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("the checker did not answer within its deadline plus 5s; this is a bug", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the check failed: " + e.getCause(), e.getCause());
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      StringBuilder j = new StringBuilder("{");
      field(j, "check", check.describe());
      field(j, "result", r.isUp() ? "up" : "down");
      if (r instanceof CheckResult.Down) {
        field(j, "reason", ((CheckResult.Down) r).reason().label());
      } else {
        CheckResult.Up u = (CheckResult.Up) r;
        u.weight().ifPresent(w -> number(j, "weight", w));
        u.weightPercent().ifPresent(w -> number(j, "weight_percent", w));
      }
      field(j, "detail", r.detail());
      number(j, "elapsed_ms", ms);
      out.println(j.append('}'));
      out.flush();
      return r.isUp() ? 0 : 1;
    }
  }

  private static int watch(Check check, CheckPolicy policy, Endpoint destination, int weight, Duration duration,
      PrintStream out) throws InterruptedException {
    Target target = Target.of(destination, weight, check, policy);
    HealthChecker[] holder = new HealthChecker[1];
    HealthChecker checker = HealthChecker.builder().listener(e -> print(e, holder[0], target, out)).build();
    holder[0] = checker;
    CountDownLatch forever = new CountDownLatch(1);
    Thread hook = new Thread(checker::close, "lbkit-check-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      checker.add(target);
      if (duration != null) {
        forever.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        forever.await();
      }
    } finally {
      checker.close();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    return 0;
  }

  private static synchronized void print(DestinationEvent e, HealthChecker checker, Target target, PrintStream out) {
    StringBuilder j = new StringBuilder("{");
    field(j, "time", e.at().toString());
    field(j, "event", e instanceof DestinationUp ? "up" : e instanceof DestinationDown ? "down" : "weight");
    field(j, "destination", e.destination().toString());
    if (e instanceof WeightChanged) {
      number(j, "old_weight", ((WeightChanged) e).oldWeight());
      number(j, "weight", ((WeightChanged) e).newWeight());
    } else if (checker != null) {
      checker.status(target.key()).ifPresent(s -> {
        number(j, "weight", s.weight());
        s.lastResult().ifPresent(r -> {
          if (r instanceof CheckResult.Down && e instanceof DestinationDown) {
            field(j, "reason_code", ((CheckResult.Down) r).reason().label());
          }
        });
      });
    }
    field(j, "reason", e.reason());
    out.println(j.append('}'));
    out.flush();
  }

  private static Endpoint destinationOf(Check check, Map<String, String> flags) throws UsageException {
    if (flags.containsKey("destination")) {
      return endpoint(flags.get("destination"), -1).endpoint;
    }
    if (check instanceof dev.lbkit.healthcheck.NetworkCheck) {
      return ((dev.lbkit.healthcheck.NetworkCheck) check).target();
    }
    return new Endpoint(InetAddress.getLoopbackAddress(), 0);
  }

  private static Check buildCheck(String kind, List<String> positional, List<String> argv, Map<String, String> f)
      throws UsageException, IOException {
    Optional<InetAddress> bind = f.containsKey("bind") ? Optional.of(address(f.get("bind"))) : Optional.empty();
    if (kind.equals("misc")) {
      if (argv.isEmpty()) {
        throw new UsageException("check misc needs the program after --: lbkit check misc -- /path/to/check ARGS");
      }
      if (!positional.isEmpty()) {
        throw new UsageException("check misc takes no target; unexpected " + positional);
      }
      MiscCheck m = MiscCheck.of(argv.toArray(new String[0])).withDynamic(f.containsKey("dynamic"));
      if (f.containsKey("user")) {
        try {
          m = m.withUser(ScriptUser.parse(f.get("user")));
        } catch (IllegalArgumentException e) {
          throw new UsageException("--user: " + e.getMessage(), e);
        }
      }
      return m;
    }
    if (!argv.isEmpty()) {
      throw new UsageException("only check misc takes a program after --");
    }
    if (positional.size() != 1) {
      throw new UsageException("check " + kind + " needs exactly one target but got " + positional);
    }
    String t = positional.get(0);
    switch (kind) {
      case "tcp": {
        TcpCheck c = TcpCheck.of(endpoint(t, -1).endpoint);
        return bind.isPresent() ? c.withBindTo(bind.get()) : c;
      }
      case "http":
      case "https":
        return http(kind, t, bind, f);
      case "agent": {
        AgentCheck c = new AgentCheck(endpoint(t, -1).endpoint, unescape(f.getOrDefault("send", "")), bind);
        return c;
      }
      case "smtp":
        return new SmtpCheck(endpoint(t, 25).endpoint, f.getOrDefault("helo", SmtpCheck.DEFAULT_HELO_NAME), bind);
      case "dns": {
        List<InetAddress> expected = new ArrayList<>();
        if (f.containsKey("expect-address")) {
          for (String a : f.get("expect-address").split(",")) {
            expected.add(address(a.trim()));
          }
        }
        DnsCheck c = new DnsCheck(endpoint(t, 53).endpoint, f.getOrDefault("name", "."),
            f.getOrDefault("type", "SOA"), expected, bind);
        return f.containsKey("tcp") ? c.overTcp() : c;
      }
      case "udp": {
        Endpoint e = endpoint(t, -1).endpoint;
        UdpCheck c = f.containsKey("payload-hex") ? UdpCheck.of(e, hex(f, "payload-hex")) : UdpCheck.of(e);
        try {
          if (f.containsKey("require-reply-hex")) {
            c = c.requiringReply(ReplyPattern.parse(f.get("require-reply-hex")));
          } else if (f.containsKey("require-reply")) {
            c = c.requiringReply();
          }
          c = c.withReplyLength(intFlag(f, "min-reply-length", 0, 0),
              intFlag(f, "max-reply-length", UdpCheck.DEFAULT_MAX_REPLY_LENGTH, 0));
        } catch (IllegalArgumentException ex) {
          throw new UsageException(ex.getMessage(), ex);
        }
        return bind.isPresent() ? c.withBindTo(bind.get()) : c;
      }
      default:
        throw new UsageException("unknown check kind '" + kind + "'; one of tcp, http, https, misc, agent, smtp, "
            + "dns, udp");
    }
  }

  private static Check http(String kind, String url, Optional<InetAddress> bind, Map<String, String> f)
      throws UsageException, IOException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new UsageException("'" + url + "' is not a URL: " + e.getMessage(), e);
    }
    if (!kind.equals(uri.getScheme())) {
      throw new UsageException("check " + kind + " needs a " + kind + ":// URL but got '" + url + "'");
    }
    if (uri.getHost() == null) {
      throw new UsageException("URL '" + url + "' has no host");
    }
    String host = uri.getHost();
    boolean literal = host.startsWith("[") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() >= 0 ? uri.getPort() : kind.equals("https") ? 443 : 80;
    Endpoint target = new Endpoint(resolve(bare), port);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    try {
      boolean haproxy = f.containsKey("haproxy");
      HttpCheck.Builder b = (haproxy ? HttpCheck.haproxy(target) : HttpCheck.builder(target)).path(path);
      String vhost = f.getOrDefault("virtualhost", literal || haproxy ? null : host);
      if (vhost != null) {
        b.virtualHost(vhost);
      }
      if (f.containsKey("status")) {
        b.statusCodes(StatusCodes.parse(f.get("status")));
      }
      if (f.containsKey("digest")) {
        b.digest(f.get("digest"));
      }
      if (f.containsKey("expect-string")) {
        b.expect(BodyExpect.string(f.get("expect-string")));
      }
      if (f.containsKey("expect-regex")) {
        b.expect(BodyExpect.rstring(f.get("expect-regex")));
      }
      if (f.containsKey("expect-status-regex")) {
        b.statusPattern(f.get("expect-status-regex"));
      }
      if (f.containsKey("expect")) {
        for (String rule : f.get("expect").split("\n")) {
          b.expect(rule);
        }
      }
      if (f.containsKey("method")) {
        b.method(f.get("method"));
      }
      if (f.containsKey("http-version")) {
        b.version(f.get("http-version"));
      }
      if (f.containsKey("body")) {
        b.body(f.get("body"));
      }
      if (f.containsKey("max-bytes")) {
        b.maxBytes(intFlag(f, "max-bytes", 0, 1));
      }
      bind.ifPresent(b::bindTo);
      if (kind.equals("https")) {
        TlsSettings.Builder tls = TlsSettings.builder().verify(!f.containsKey("no-verify"));
        String sni = f.getOrDefault("sni", literal || haproxy ? null : host);
        if (sni != null) {
          tls.serverName(sni);
        }
        if (f.containsKey("verifyhost")) {
          tls.verifyHost(f.get("verifyhost"));
        }
        tls.addressCheck(!haproxy); // HAProxy checks a name only from the SNI or verifyhost
        if (f.containsKey("cacert")) {
          tls.trustStore(pemTrustStore(f.get("cacert")));
        }
        if (f.containsKey("key") && !f.containsKey("cert")) {
          throw new UsageException("--key needs --cert (the certificate the key belongs to)");
        }
        if (f.containsKey("cert")) {
          if (f.containsKey("client-cert")) {
            throw new UsageException("give a client certificate once: --cert PEM or --client-cert P12");
          }
          Path cert = Path.of(f.get("cert"));
          Path key = Path.of(f.getOrDefault("key", f.get("cert")));
          try {
            tls.clientCertificatePem(cert, key);
          } catch (IOException e) {
            throw new UsageException("client certificate " + cert + (key.equals(cert) ? "" : " / " + key)
                + " cannot be read: " + e, e);
          }
        }
        if (f.containsKey("client-cert")) {
          char[] pw = f.getOrDefault("client-password", "").toCharArray();
          KeyStore ks = KeyStore.getInstance("PKCS12");
          try (InputStream in = new FileInputStream(f.get("client-cert"))) {
            ks.load(in, pw);
          }
          tls.clientCertificate(ks, pw);
        }
        b.tls(tls.build());
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new UsageException("client certificate " + f.get("client-cert") + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static KeyStore pemTrustStore(String file) throws IOException, UsageException {
    try (InputStream in = new FileInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      if (i == 0) {
        throw new UsageException("--cacert " + file + " holds no certificate");
      }
      return ks;
    } catch (GeneralSecurityException e) {
      throw new UsageException("--cacert " + file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  private static CheckPolicy buildPolicy(Map<String, String> f) throws UsageException {
    try {
      Duration interval = duration(f, "interval", Duration.ofSeconds(2), false);
      CheckPolicy.Builder b = CheckPolicy.haproxy().interval(interval)
          .timeout(duration(f, "timeout", Duration.ofSeconds(2), false))
          .fastInterval(duration(f, "fastinter", interval, false))
          .downInterval(duration(f, "downinter", interval, false))
          .rise(intFlag(f, "rise", 2, 1)).fall(intFlag(f, "fall", 3, 1)).retry(intFlag(f, "retry", 0, 0))
          .delayBeforeRetry(duration(f, "delay-before-retry", Duration.ofSeconds(1), true))
          .warmup(duration(f, "warmup", Duration.ZERO, true))
          .slowStart(duration(f, "slowstart", Duration.ZERO, true))
          .startDown(f.containsKey("alpha")).inhibitOnFailure(f.containsKey("inhibit-on-failure"))
          .staticAlgorithm(f.containsKey("static-algorithm")).spreadChecks(intFlag(f, "spread-checks", 0, 0));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static Duration duration(Map<String, String> f, String name, Duration dflt, boolean zeroOk)
      throws UsageException {
    String v = f.get(name);
    if (v == null) {
      return dflt;
    }
    BigDecimal s;
    try {
      s = new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be seconds like 2 or 0.5 but was '" + v + "'", e);
    }
    if (s.signum() < 0 || (!zeroOk && s.signum() == 0) || s.compareTo(BigDecimal.valueOf(86_400L * 365)) > 0) {
      throw new UsageException("--" + name + " must be " + (zeroOk ? "zero or more" : "more than zero")
          + " seconds (at most a year) but was " + v);
    }
    return Duration.ofNanos(s.movePointRight(9).longValue());
  }

  private static int intFlag(Map<String, String> f, String name, int dflt, int min) throws UsageException {
    String v = f.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min) {
        throw new UsageException("--" + name + " must be at least " + min + " but was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number but was '" + v + "'", e);
    }
  }

  private static byte[] hex(Map<String, String> f, String name) throws UsageException {
    String v = f.get(name);
    if (v == null) {
      throw new UsageException("check udp needs --" + name);
    }
    try {
      return HexFormat.of().parseHex(v);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + " must be hex digits but was '" + v + "'", e);
    }
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");
  }

  private record Target0(Endpoint endpoint) {}

  /** HOST:PORT or [V6]:PORT; names are resolved here, in the CLI, never in the library. */
  private static Target0 endpoint(String text, int defaultPort) throws UsageException {
    String host = text;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new UsageException("'" + text + "' has '[' without ']'");
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        if (text.charAt(close + 1) != ':') {
          throw new UsageException("'" + text + "' needs ':PORT' after ']'");
        }
        port = text.substring(close + 2);
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    }
    int p = defaultPort;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new UsageException("port '" + port + "' in '" + text + "' is not a number", e);
      }
    }
    if (p < 1 || p > Endpoint.MAX_PORT) {
      throw new UsageException("'" + text + "' needs a port in [1, 65535]");
    }
    return new Target0(new Endpoint(resolve(host), p));
  }

  private static InetAddress address(String text) throws UsageException {
    try {
      return Endpoint.parseAddress(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--bind/--expect-address needs an IP address: " + e.getMessage(), e);
    }
  }

  private static InetAddress resolve(String host) throws UsageException {
    try {
      return Endpoint.normalize(InetAddress.getByName(host));
    } catch (UnknownHostException e) {
      throw new UsageException("cannot resolve host '" + host + "'", e);
    }
  }

  private static void field(StringBuilder j, String name, String value) {
    if (j.length() > 1) {
      j.append(',');
    }
    j.append('"').append(name).append("\":\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        j.append('\\').append(c);
      } else if (c < 0x20) {
        j.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        j.append(c);
      }
    }
    j.append('"');
  }

  private static void number(StringBuilder j, String name, long value) {
    if (j.length() > 1) {
      j.append(',');
    }
    j.append('"').append(name).append("\":").append(value);
  }
}
