package dev.lbkit.director;

import dev.lbkit.api.Endpoint;
import dev.lbkit.config.HealthCheckConfig;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.SslConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.IndependentChecks;
import dev.lbkit.healthcheck.RetryRule;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.http.StatusCodes;
import dev.lbkit.healthcheck.http.UrlRound;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.smtp.SmtpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import dev.lbkit.healthcheck.udp.ReplyPattern;
import dev.lbkit.healthcheck.udp.UdpCheck;
import java.security.KeyStore;
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
 * <p>Mapping: {@code TCP_CHECK} is a {@link TcpCheck}; {@code HTTP_GET}/{@code SSL_GET} a {@link UrlRound} of one
 * {@link HttpCheck} per {@code url} (for SSL_GET, TLS that accepts any certificate, self-signed, expired or for
 * another name, as keepalived 2.2.7 does: it never asks OpenSSL to verify; SNI only with {@code enable_sni}, naming
 * the url's {@code virtualhost}, else the checker's, else the virtual server's; see
 * {@link HealthCheckConfig.Http#sniName}); {@code MISC_CHECK} a
 * {@link MiscCheck} whose command line is split on blanks (double quotes group words), run without a shell, as its
 * {@code user} or the default script user (see {@link ScriptUsers}); {@code UDP_CHECK} a {@link UdpCheck}
 * ({@code payload}, {@code require_reply} with its pattern and length bounds); {@code DNS_CHECK} a {@link DnsCheck}
 * with no expected address, so judged by keepalived's rule (any NOERROR answer is up); {@code SMTP_CHECK} and each of
 * its {@code host} blocks an {@link SmtpCheck}.
 * Each checker has a policy of its own, keepalived's (rise 1, fall 1) completed as keepalived completes it (see
 * {@link #member}): its {@code delay_loop}, {@code retry}, {@code delay_before_retry}, timeout, {@code alpha}, and
 * {@code warmup}, by default a random first delay up to its delay loop, after keepalived's fixed one-second start
 * delay ({@link CheckPolicy#KEEPALIVED_START_DELAY}); a TCP_CHECK retries as keepalived 2.2.7's does
 * ({@link RetryRule#KEEPALIVED_TCP}: the first failure is final, then {@code retry} retries per failure, up or down;
 * compared with real keepalived in KeepalivedCheckerTimingLabIT), an SMTP_CHECK retries every cycle, the first and
 * those while down too ({@link RetryRule#KEEPALIVED_SMTP}), the other checkers retry only while up and also
 * start with their retries used up ({@link RetryRule#KEEPALIVED}; compared for MISC_CHECK, UDP_CHECK and DNS_CHECK).
 * Several
 * checkers of one real server become one {@link IndependentChecks}: each runs on its own schedule, and the server
 * is up while all pass, as keepalived's checker threads each re-arm with their own delay loop and a real server is
 * alive while none has failed. The
 * {@code url}s of one HTTP_GET are fetched as keepalived 2.2.7 fetches them (check_http.c {@code epilog}): one url
 * per delay loop, each within {@code connect_timeout}, the server up after a whole round passed, a failing url
 * retried by {@code retry}/{@code delay_before_retry} (rules in {@link UrlRound}; compared with real keepalived in
 * KeepalivedCheckerTimingLabIT). {@link dev.lbkit.healthcheck.AllOf} of the urls is the Java API's other mode (all
 * urls in every run); {@code fast_recovery} drops the delays between urls before the first verdict and while down
 * with no url marked failed, as keepalived's epilog does (see {@link UrlRound}). Failure handling
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
    return of(vs, defaultScriptUser, Optional.empty());
  }

  /**
   * The targets of a virtual server's checked real servers, as {@link #of(VirtualServerConfig, Optional)}, every
   * SSL_GET presenting {@code clientCertificate} (the file's {@code SSL} block, see
   * {@link #clientCertificate(KeepalivedConfig)}) to servers that ask for one.
   *
   * @throws IllegalArgumentException if a checker cannot be built (a MISC_CHECK with an empty command)
   */
  public static List<Target> of(VirtualServerConfig vs, Optional<ScriptUser> defaultScriptUser,
      Optional<KeyStore> clientCertificate) {
    List<Target> out = new ArrayList<>();
    for (RealServerConfig rs : vs.realServers()) {
      if (rs.checks().isEmpty()) {
        continue;
      }
      Duration rsLoop = rs.delayLoop().orElse(vs.delayLoop());
      List<IndependentChecks.Member> members = new ArrayList<>();
      for (HealthCheckConfig c : rs.checks()) {
        members.add(member(c, rs, rsLoop, defaultScriptUser, clientCertificate));
      }
      Check check;
      CheckPolicy policy;
      if (members.size() == 1) {
        check = members.get(0).check();
        policy = members.get(0).policy();
      } else {
        // each checker on its own schedule; the server is up while all pass and starts down if any starts down
        check = new IndependentChecks(members);
        policy = CheckPolicy.keepalived().interval(rsLoop)
            .startDown(members.stream().anyMatch(m -> m.policy().startDown())).build();
      }
      out.add(new Target(Optional.of(vs.service().key()), rs.realServer().endpoint(), rs.realServer().weight(),
          check, policy));
    }
    return out;
  }

  /**
   * One checker with its own policy, as keepalived's validate_check_config completes it: its own delay loop, else
   * the real server's, else the virtual server's; its warmup (own, real server's or virtual server's, see
   * {@link HealthCheckConfig.CheckerTiming}), else its delay loop; its alpha, else the real server's.
   */
  static IndependentChecks.Member member(HealthCheckConfig c, RealServerConfig rs, Duration rsLoop,
      Optional<ScriptUser> defaultScriptUser, Optional<KeyStore> clientCertificate) {
    Duration loop = c.timing().delayLoop().orElse(rsLoop);
    Duration warmup = c.timing().warmup().orElse(loop);
    boolean startDown = c.timing().alpha().orElse(rs.alpha());
    Check check;
    Duration timeout;
    int retry;
    Duration delayBeforeRetry;
    if (c instanceof HealthCheckConfig.Tcp tcp) {
      TcpCheck t = TcpCheck.of(tcp.target());
      check = tcp.bindTo().map(t::withBindTo).orElse(t);
      timeout = tcp.connectTimeout();
      retry = tcp.retry();
      delayBeforeRetry = tcp.delayBeforeRetry();
    } else if (c instanceof HealthCheckConfig.Http http) {
      // one url per run, each within connect_timeout, up after a whole round (keepalived's epilog; see the class doc)
      List<HttpCheck> urls = new ArrayList<>();
      for (HealthCheckConfig.Url url : http.urls()) {
        urls.add(httpCheck(http, url, clientCertificate));
      }
      check = new UrlRound(urls, http.fastRecovery());
      timeout = http.connectTimeout();
      retry = http.retry();
      delayBeforeRetry = http.delayBeforeRetry();
    } else if (c instanceof HealthCheckConfig.Misc misc) {
      Optional<ScriptUser> user = misc.user().map(u -> new ScriptUser(u.user(), u.group()))
          .or(() -> defaultScriptUser);
      check = new MiscCheck(words(misc.script()), misc.dynamic(), Optional.empty(), Map.of(), user);
      timeout = misc.timeout().orElse(loop);
      retry = misc.retry();
      delayBeforeRetry = misc.delayBeforeRetry();
    } else if (c instanceof HealthCheckConfig.Connection conn) {
      check = networkCheck(c);
      timeout = conn.connectTimeout();
      retry = conn.retry();
      delayBeforeRetry = conn.delayBeforeRetry();
    } else {
      throw new IllegalArgumentException("unknown checker " + c);
    }
    // TCP_CHECK retries while down too, starting with its retries used up; SMTP_CHECK retries every cycle, the first
    // and those while down too; the others retry only while up and start with their retries used up
    RetryRule rule = c instanceof HealthCheckConfig.Tcp ? RetryRule.KEEPALIVED_TCP
        : c instanceof HealthCheckConfig.Smtp ? RetryRule.KEEPALIVED_SMTP : RetryRule.KEEPALIVED;
    return new IndependentChecks.Member(check, CheckPolicy.keepalived().interval(loop).timeout(timeout).retry(retry)
        .delayBeforeRetry(delayBeforeRetry).startDown(startDown).warmup(warmup)
        .startDelay(CheckPolicy.KEEPALIVED_START_DELAY).retryRule(rule).build());
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

  /**
   * The client certificate every SSL_GET of {@code config} presents: its {@code SSL} block's certificate and key
   * (see {@link SslConfig}), empty without one.
   *
   * @throws IllegalArgumentException if the block's files cannot be read or the key cannot be decrypted (keepalived
   *     then refuses to start its checkers)
   */
  public static Optional<KeyStore> clientCertificate(KeepalivedConfig config) {
    return config.ssl().flatMap(ClientCertificate::load);
  }

  private static HttpCheck httpCheck(HealthCheckConfig.Http http, HealthCheckConfig.Url url,
      Optional<KeyStore> clientCertificate) {
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
      // keepalived 2.2.7 never verifies the server's certificate, and sends SNI only with enable_sni
      TlsSettings.Builder tls = TlsSettings.builder().verify(false);
      http.sniName(url).ifPresent(tls::serverName);
      // keepalived's SSL block: the certificate goes to servers that ask for one; its ca turns no verification on
      clientCertificate.ifPresent(ks -> tls.clientCertificate(ks, ClientCertificate.STORE_PASSWORD));
      b.tls(tls.build());
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
