package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A health checker of a real server: {@code TCP_CHECK}, {@code HTTP_GET}/{@code SSL_GET}, {@code MISC_CHECK},
 * {@code UDP_CHECK}, {@code DNS_CHECK} or {@code SMTP_CHECK} (one per {@code host} block). A real server is up while
 * all its checkers are up.
 *
 * <p>Defaults are keepalived 2.2.7's: {@code connect_timeout} 5 s (or the real or virtual server's), {@code retry}
 * 1 (3 for DNS_CHECK, 0 for MISC_CHECK) unless the real or virtual server sets one, {@code delay_before_retry} 1 s
 * (3 s for HTTP_GET/SSL_GET, the delay loop for DNS_CHECK) unless the real server sets one. A checker's own
 * {@code delay_loop}, {@code warmup} and {@code alpha} are kept in its {@link CheckerTiming}.
 */
public sealed interface HealthCheckConfig permits HealthCheckConfig.Tcp, HealthCheckConfig.Http,
    HealthCheckConfig.Misc, HealthCheckConfig.Udp, HealthCheckConfig.Dns, HealthCheckConfig.Smtp {

  /** keepalived's {@code connect_timeout} default. */
  Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The settings every network checker has: where it connects, from where, its timeout and its retries. */
  interface Connection {
    /** {@code connect_ip}/{@code connect_port}, defaulting to the real server's address and port. */
    Endpoint target();

    /** {@code bindto}, the local source address. */
    Optional<InetAddress> bindTo();

    /** {@code connect_timeout}: the deadline of one attempt. */
    Duration connectTimeout();

    /** {@code retry}: attempts that may fail before the checker reports down. */
    int retry();

    /** {@code delay_before_retry}. */
    Duration delayBeforeRetry();
  }

  /** Where the checker is defined. */
  Location location();

  /** Its own {@code delay_loop} and {@code alpha}, if written; its {@code warmup}, or the one it inherits. */
  CheckerTiming timing();

  /**
   * keepalived's per-checker timing keywords (check_api.c {@code install_checker_common_keywords}), each empty when
   * the checker does not set it, so the real server's (or virtual server's) applies.
   *
   * @param delayLoop {@code delay_loop}: how often this checker runs
   * @param warmup {@code warmup}: its first run waits a random time up to this; the checker's own, else its real
   *     server's, else its virtual server's (keepalived's check_data.c fills them in so); empty when none is written,
   *     and then keepalived's default is the checker's delay loop
   * @param alpha {@code alpha} ({@code alpha off}/{@code alpha on}): whether it starts failed
   */
  record CheckerTiming(Optional<Duration> delayLoop, Optional<Duration> warmup, Optional<Boolean> alpha) {
    /** Nothing set. */
    public static final CheckerTiming NONE = new CheckerTiming(Optional.empty(), Optional.empty(), Optional.empty());

    public CheckerTiming {
      requireNonNull(delayLoop, "delayLoop");
      requireNonNull(warmup, "warmup");
      requireNonNull(alpha, "alpha");
    }
  }

  /**
   * {@code TCP_CHECK}: up when a TCP connection to the target opens within the timeout.
   *
   * @param target {@code connect_ip}/{@code connect_port}, defaulting to the real server's
   * @param bindTo {@code bindto}, the local source address
   * @param connectTimeout {@code connect_timeout}
   * @param retry {@code retry} (alias {@code nb_get_retry}): failures in a row before the server is down
   * @param delayBeforeRetry {@code delay_before_retry}
   * @param timing its own {@code delay_loop}, {@code warmup} and {@code alpha}
   * @param location where the checker is defined
   */
  record Tcp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
      Duration delayBeforeRetry, CheckerTiming timing, Location location) implements HealthCheckConfig, Connection {
    public Tcp {
      requireNonNull(timing, "timing");
      requireNonNull(target, "target");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(location, "location");
    }

    /** Without timing keywords of its own. */
    public Tcp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
        Duration delayBeforeRetry, Location location) {
      this(target, bindTo, connectTimeout, retry, delayBeforeRetry, CheckerTiming.NONE, location);
    }
  }

  /**
   * {@code HTTP_GET} or {@code SSL_GET}: up when every URL answers with an expected status (and digest, if given).
   *
   * @param tls true for {@code SSL_GET}
   * @param target {@code connect_ip}/{@code connect_port}, defaulting to the real server's
   * @param urls the {@code url { ... }} blocks, at least one
   * @param virtualhost the Host header, if set on the checker, the real server or the virtual server
   * @param bindTo {@code bindto}
   * @param connectTimeout {@code connect_timeout}
   * @param retry {@code retry}/{@code nb_get_retry}
   * @param delayBeforeRetry {@code delay_before_retry}
   * @param timing its own {@code delay_loop}, {@code warmup} and {@code alpha}
   * @param enableSni {@code enable_sni}: an SSL_GET sends SNI (keepalived 2.2.7 sends none without it)
   * @param sniVirtualhost with {@code enable_sni}, the SNI name of a url without a {@code virtualhost} of its own:
   *     the checker's {@code virtualhost}, else the virtual server's (keepalived's check_ssl.c skips the real
   *     server's); empty without {@code enable_sni} or without either
   * @param fastRecovery {@code fast_recovery}: no delay between url checks before the first verdict and while down
   *     with no url marked failed (keepalived 2.2.7 check_http.c {@code epilog}; see lb-healthcheck's UrlRound)
   * @param location where the checker is defined
   */
  record Http(boolean tls, Endpoint target, List<Url> urls, Optional<String> virtualhost,
      Optional<InetAddress> bindTo, Duration connectTimeout, int retry, Duration delayBeforeRetry,
      CheckerTiming timing, boolean enableSni, Optional<String> sniVirtualhost, boolean fastRecovery,
      Location location)
      implements HealthCheckConfig, Connection {
    public Http {
      requireNonNull(timing, "timing");
      requireNonNull(sniVirtualhost, "sniVirtualhost");
      requireNonNull(target, "target");
      urls = List.copyOf(urls);
      requireNonNull(virtualhost, "virtualhost");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(location, "location");
    }

    /** Without timing keywords of its own. */
    public Http(boolean tls, Endpoint target, List<Url> urls, Optional<String> virtualhost,
        Optional<InetAddress> bindTo, Duration connectTimeout, int retry, Duration delayBeforeRetry,
        Location location) {
      this(tls, target, urls, virtualhost, bindTo, connectTimeout, retry, delayBeforeRetry, CheckerTiming.NONE,
        false, Optional.empty(), false, location);
    }

    /** Without {@code fast_recovery}. */
    public Http(boolean tls, Endpoint target, List<Url> urls, Optional<String> virtualhost,
        Optional<InetAddress> bindTo, Duration connectTimeout, int retry, Duration delayBeforeRetry,
        CheckerTiming timing, boolean enableSni, Optional<String> sniVirtualhost, Location location) {
      this(tls, target, urls, virtualhost, bindTo, connectTimeout, retry, delayBeforeRetry, timing, enableSni,
          sniVirtualhost, false, location);
    }

    /**
     * The SNI name keepalived 2.2.7 sends for {@code url}: with {@code enable_sni}, the url's {@code virtualhost},
     * else {@link #sniVirtualhost()}; empty (no SNI) without {@code enable_sni}.
     */
    public Optional<String> sniName(Url url) {
      return enableSni ? url.virtualhost().or(() -> sniVirtualhost) : Optional.empty();
    }
  }

  /**
   * One {@code url { ... }} of an HTTP check.
   *
   * @param path {@code path}
   * @param digest {@code digest}: the MD5 of the body as 32 lower-case hex digits, if checked
   * @param statusCodes {@code status_code}: accepted statuses; empty means any 2xx
   * @param virtualhost {@code virtualhost} for this URL, if set
   */
  record Url(String path, Optional<String> digest, List<StatusRange> statusCodes, Optional<String> virtualhost) {
    public Url {
      requireNonNull(path, "path");
      requireNonNull(digest, "digest");
      statusCodes = List.copyOf(statusCodes);
      requireNonNull(virtualhost, "virtualhost");
    }

    /** Whether a response status is accepted. */
    public boolean accepts(int status) {
      if (statusCodes.isEmpty()) {
        return status >= 200 && status <= 299;
      }
      return statusCodes.stream().anyMatch(r -> status >= r.from() && status <= r.to());
    }
  }

  /**
   * An inclusive range of HTTP statuses, such as {@code 200-299} or {@code 301}.
   *
   * @param from lowest accepted status
   * @param to highest accepted status
   */
  record StatusRange(int from, int to) {
    public StatusRange {
      if (from < 100 || to > 999 || from > to) {
        throw new IllegalArgumentException("status range must be within [100, 999] but was " + from + "-" + to);
      }
    }
  }

  /**
   * {@code MISC_CHECK}: runs a command; exit 0 is up. With {@code misc_dynamic}, exit 2 to 255 is up and sets
   * the weight to the status minus 2.
   *
   * @param script {@code misc_path}
   * @param timeout {@code misc_timeout}, if set (keepalived then uses the delay loop)
   * @param dynamic {@code misc_dynamic}
   * @param user {@code user USER [GROUP]}, if set; else {@link GlobalDefs#scriptUser()} and keepalived's default
   * @param retry {@code retry}: keepalived's default for MISC_CHECK is 0, one failure is enough
   * @param delayBeforeRetry {@code delay_before_retry} (default 1 s)
   * @param timing its own {@code delay_loop}, {@code warmup} and {@code alpha}
   * @param location where the checker is defined
   */
  record Misc(String script, Optional<Duration> timeout, boolean dynamic, Optional<ScriptUserConfig> user,
      int retry, Duration delayBeforeRetry, CheckerTiming timing, Location location) implements HealthCheckConfig {
    public Misc {
      requireNonNull(timing, "timing");
      requireNonNull(script, "script");
      requireNonNull(timeout, "timeout");
      requireNonNull(user, "user");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(location, "location");
    }

    /** Without timing keywords of its own. */
    public Misc(String script, Optional<Duration> timeout, boolean dynamic, Optional<ScriptUserConfig> user,
        int retry, Duration delayBeforeRetry, Location location) {
      this(script, timeout, dynamic, user, retry, delayBeforeRetry, CheckerTiming.NONE, location);
    }
  }

  /**
   * {@code UDP_CHECK}: sends one datagram and judges the reply, as keepalived 2.2.7's check_udp.c does.
   *
   * @param target {@code connect_ip}/{@code connect_port}, defaulting to the real server's
   * @param bindTo {@code bindto}
   * @param connectTimeout {@code connect_timeout}
   * @param retry {@code retry}
   * @param delayBeforeRetry {@code delay_before_retry}
   * @param payload {@code payload} as lower-case hex without blanks; empty: keepalived's own filler
   * @param requireReply {@code require_reply}: silence is down (without it, only an ICMP error is)
   * @param reply the bytes of {@code require_reply HEX} as lower-case hex, {@code x} for a wildcard nibble
   * @param minReplyLength {@code min_reply_length} (default 0), checked only with reply bytes, as keepalived does
   * @param maxReplyLength {@code max_reply_length} (default 255), likewise
   * @param timing its own {@code delay_loop}, {@code warmup} and {@code alpha}
   * @param location where the checker is defined
   */
  record Udp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
      Duration delayBeforeRetry, Optional<String> payload, boolean requireReply, Optional<String> reply,
      int minReplyLength, int maxReplyLength, CheckerTiming timing, Location location)
      implements HealthCheckConfig, Connection {
    /** keepalived's default {@code max_reply_length}. */
    public static final int DEFAULT_MAX_REPLY_LENGTH = 255;

    public Udp {
      requireNonNull(timing, "timing");
      requireNonNull(target, "target");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(payload, "payload");
      requireNonNull(reply, "reply");
      requireNonNull(location, "location");
      if (reply.isPresent() && !requireReply) {
        throw new IllegalArgumentException("reply bytes need requireReply");
      }
    }

    /** Without timing keywords of its own. */
    public Udp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
        Duration delayBeforeRetry, Optional<String> payload, boolean requireReply, Optional<String> reply,
        int minReplyLength, int maxReplyLength, Location location) {
      this(target, bindTo, connectTimeout, retry, delayBeforeRetry, payload, requireReply, reply,
        minReplyLength, maxReplyLength, CheckerTiming.NONE, location);
    }
  }

  /**
   * {@code DNS_CHECK}: one query; any NOERROR answer to it is up, as keepalived 2.2.7's check_dns.c judges.
   *
   * @param target {@code connect_ip}/{@code connect_port}, defaulting to the real server's
   * @param bindTo {@code bindto}
   * @param connectTimeout {@code connect_timeout}
   * @param retry {@code retry} (keepalived's default for this checker: 3)
   * @param delayBeforeRetry {@code delay_before_retry} (default: the delay loop)
   * @param type {@code type}, upper case: A, NS, CNAME, SOA (the default), MX, TXT, AAAA, RRSIG or DNSKEY
   * @param name {@code name} (default {@code "."}, the root)
   * @param timing its own {@code delay_loop}, {@code warmup} and {@code alpha}
   * @param location where the checker is defined
   */
  record Dns(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
      Duration delayBeforeRetry, String type, String name, CheckerTiming timing, Location location)
      implements HealthCheckConfig,
      Connection {
    /** keepalived's default {@code type}. */
    public static final String DEFAULT_TYPE = "SOA";
    /** keepalived's default {@code name}. */
    public static final String DEFAULT_NAME = ".";
    /** keepalived's default {@code retry} for this checker. */
    public static final int DEFAULT_RETRY = 3;
    /** The types keepalived 2.2.7 accepts, in its order. */
    public static final List<String> TYPES = List.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG",
        "DNSKEY");

    public Dns {
      requireNonNull(timing, "timing");
      requireNonNull(target, "target");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(type, "type");
      requireNonNull(name, "name");
      requireNonNull(location, "location");
    }

    /** Without timing keywords of its own. */
    public Dns(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
        Duration delayBeforeRetry, String type, String name, Location location) {
      this(target, bindTo, connectTimeout, retry, delayBeforeRetry, type, name, CheckerTiming.NONE, location);
    }
  }

  /**
   * {@code SMTP_CHECK}: greeting 220, {@code HELO}, 250, {@code QUIT}. Each {@code host} block is a checker of its
   * own, as keepalived makes it.
   *
   * @param target {@code connect_ip}/{@code connect_port}, defaulting to the real server's
   * @param bindTo {@code bindto}
   * @param connectTimeout {@code connect_timeout}
   * @param retry {@code retry}
   * @param delayBeforeRetry {@code delay_before_retry}
   * @param heloName {@code helo_name} (default {@value #DEFAULT_HELO_NAME})
   * @param timing its own {@code delay_loop}, {@code warmup} and {@code alpha}
   * @param location where the checker (or its host block) is defined
   */
  record Smtp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
      Duration delayBeforeRetry, String heloName, CheckerTiming timing, Location location)
      implements HealthCheckConfig, Connection {
    /** keepalived's default {@code helo_name}. */
    public static final String DEFAULT_HELO_NAME = "smtpchecker.keepalived.org";

    public Smtp {
      requireNonNull(timing, "timing");
      requireNonNull(target, "target");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(heloName, "heloName");
      requireNonNull(location, "location");
    }

    /** Without timing keywords of its own. */
    public Smtp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
        Duration delayBeforeRetry, String heloName, Location location) {
      this(target, bindTo, connectTimeout, retry, delayBeforeRetry, heloName, CheckerTiming.NONE, location);
    }
  }
}
