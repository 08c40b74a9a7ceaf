package dev.lbkit.director;

import dev.lbkit.api.Endpoint;
import dev.lbkit.config.HealthCheckConfig;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.healthcheck.AllOf;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.http.StatusCodes;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.smtp.SmtpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import dev.lbkit.healthcheck.udp.ReplyPattern;
import dev.lbkit.healthcheck.udp.UdpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The health-check targets of a keepalived {@code virtual_server}: one {@link Target} per real server that has
 * checkers, carrying the service key so a {@link Director} knows which pool an event is about.
 *
 * <p>Mapping: {@code TCP_CHECK} is a {@link TcpCheck}; each {@code url} of {@code HTTP_GET}/{@code SSL_GET} an
 * {@link HttpCheck} (TLS without certificate verification for SSL_GET, as keepalived does); {@code MISC_CHECK} a
 * {@link MiscCheck} whose command line is split on blanks (double quotes group words), run without a shell, as its
 * {@code user} or the default script user (see {@link ScriptUsers}); {@code UDP_CHECK} a {@link UdpCheck}
 * ({@code payload}, {@code require_reply} with its pattern and length bounds); {@code DNS_CHECK} a {@link DnsCheck}
 * with no expected address, so judged by keepalived's rule (any NOERROR answer is up); {@code SMTP_CHECK} and each of
 * its {@code host} blocks an {@link SmtpCheck}.
 * Several checkers of one real server become one {@link AllOf}: up while all pass, as in keepalived. The policy is
 * keepalived's (rise 1, fall 1) with the shortest {@code delay_loop} of the checkers (theirs, else the real
 * server's or the service's), the checkers' {@code retry} and {@code delay_before_retry}, the sum of their timeouts
 * as the deadline, {@code alpha} if any checker starts failed (its own {@code alpha}, else the real server's), and
 * the longest {@code warmup} a checker sets (keepalived's default warmup, the delay loop, is not applied).
 * Failure handling
 * ({@code inhibit_on_failure}, quorum) stays with the {@link Director}, so the checker reports plain up and down.
 */
public final class HealthTargets {
  private HealthTargets() {}

  /**
   * The targets of a virtual server's checked real servers; real servers without checkers are always up.
   *
   * @throws IllegalArgumentException if a checker cannot be built (a MISC_CHECK with an empty command)
   */
  public static List<Target> of(VirtualServerConfig vs) {
    return of(vs, Optional.empty());
  }

  /**
   * The targets of a virtual server's checked real servers, MISC_CHECKs without a {@code user} of their own running
   * as {@code defaultScriptUser} (empty: the checker's own user); see {@link ScriptUsers#defaultUser()}.
   *
   * @throws IllegalArgumentException if a checker cannot be built (a MISC_CHECK with an empty command)
   */
  public static List<Target> of(VirtualServerConfig vs, Optional<ScriptUser> defaultScriptUser) {
    List<Target> out = new ArrayList<>();
    for (RealServerConfig rs : vs.realServers()) {
      if (rs.checks().isEmpty()) {
        continue;
      }
      List<Check> checks = new ArrayList<>();
      Duration timeout = Duration.ZERO;
      int retry = 0;
      Duration delayBeforeRetry = Duration.ZERO;
      Duration rsLoop = rs.delayLoop().orElse(vs.delayLoop());
      // one cadence for the real server's checks: the shortest of their delay loops, so each runs at least as often
      // as in keepalived; it starts down if any check starts failed (alpha); an explicit warmup is kept
      Duration interval = rs.checks().stream().map(c -> c.timing().delayLoop().orElse(rsLoop))
          .min(Duration::compareTo).orElse(rsLoop);
      boolean startDown = rs.checks().stream().anyMatch(c -> c.timing().alpha().orElse(rs.alpha()));
      Duration warmup = rs.checks().stream().flatMap(c -> c.timing().warmup().stream()).max(Duration::compareTo)
          .orElse(Duration.ZERO);
      for (HealthCheckConfig c : rs.checks()) {
        if (c instanceof HealthCheckConfig.Tcp tcp) {
          TcpCheck check = TcpCheck.of(tcp.target());
          checks.add(tcp.bindTo().map(check::withBindTo).orElse(check));
          timeout = timeout.plus(tcp.connectTimeout());
          retry = Math.max(retry, tcp.retry());
          delayBeforeRetry = max(delayBeforeRetry, tcp.delayBeforeRetry());
        } else if (c instanceof HealthCheckConfig.Http http) {
          for (HealthCheckConfig.Url url : http.urls()) {
            checks.add(httpCheck(http, url));
            timeout = timeout.plus(http.connectTimeout());
          }
          retry = Math.max(retry, http.retry());
          delayBeforeRetry = max(delayBeforeRetry, http.delayBeforeRetry());
        } else if (c instanceof HealthCheckConfig.Misc misc) {
          Optional<ScriptUser> user = misc.user().map(u -> new ScriptUser(u.user(), u.group()))
              .or(() -> defaultScriptUser);
          checks.add(new MiscCheck(words(misc.script()), misc.dynamic(), Optional.empty(), Map.of(), user));
          timeout = timeout.plus(misc.timeout().orElse(interval));
          retry = Math.max(retry, misc.retry());
          delayBeforeRetry = max(delayBeforeRetry, misc.delayBeforeRetry());
        } else if (c instanceof HealthCheckConfig.Connection conn) {
          checks.add(networkCheck(c));
          timeout = timeout.plus(conn.connectTimeout());
          retry = Math.max(retry, conn.retry());
          delayBeforeRetry = max(delayBeforeRetry, conn.delayBeforeRetry());
        }
      }
      CheckPolicy policy = CheckPolicy.keepalived().interval(interval).timeout(timeout).retry(retry)
          .delayBeforeRetry(delayBeforeRetry).startDown(startDown).warmup(warmup).build();
      Check check = checks.size() == 1 ? checks.get(0) : new AllOf(checks);
      out.add(new Target(Optional.of(vs.service().key()), rs.realServer().endpoint(), rs.realServer().weight(),
          check, policy));
    }
    return out;
  }

  /** UDP_CHECK, DNS_CHECK and SMTP_CHECK. */
  private static Check networkCheck(HealthCheckConfig c) {
    if (c instanceof HealthCheckConfig.Udp udp) {
      UdpCheck u = udp.payload().map(hex -> UdpCheck.of(udp.target(), HexFormat.of().parseHex(hex)))
          .orElseGet(() -> UdpCheck.of(udp.target()));
      if (udp.reply().isPresent()) {
        u = u.requiringReply(ReplyPattern.parse(udp.reply().get()));
      } else if (udp.requireReply()) {
        u = u.requiringReply();
      }
      u = u.withReplyLength(udp.minReplyLength(), udp.maxReplyLength());
      return udp.bindTo().isPresent() ? u.withBindTo(udp.bindTo().get()) : u;
    }
    if (c instanceof HealthCheckConfig.Dns dns) {
      return new DnsCheck(dns.target(), dns.name(), dns.type(), List.of(), dns.bindTo());
    }
    if (c instanceof HealthCheckConfig.Smtp smtp) {
      return new SmtpCheck(smtp.target(), smtp.heloName(), smtp.bindTo());
    }
    throw new IllegalArgumentException("not a UDP, DNS or SMTP checker: " + c);
  }

  private static HttpCheck httpCheck(HealthCheckConfig.Http http, HealthCheckConfig.Url url) {
    Endpoint target = http.target();
    HttpCheck.Builder b = HttpCheck.builder(target).path(url.path());
    url.virtualhost().or(http::virtualhost).ifPresent(b::virtualHost);
    url.digest().ifPresent(b::digest);
    if (!url.statusCodes().isEmpty()) {
      b.statusCodes(new StatusCodes(url.statusCodes().stream()
          .map(r -> new StatusCodes.Range(r.from(), r.to())).toList()));
    }
    http.bindTo().ifPresent(b::bindTo);
    if (http.tls()) {
      b.tls(TlsSettings.builder().verify(false).build());
    }
    return b.build();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Splits a command line on blanks; double quotes group words and are removed. */
  static List<String> words(String commandLine) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : commandLine.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (!quoted && (c == ' ' || c == '\t')) {
        if (any) {
          out.add(w.toString());
          w.setLength(0);
          any = false;
        }
      } else {
        w.append(c);
        any = true;
      }
    }
    if (any) {
      out.add(w.toString());
    }
    return out;
  }
}
