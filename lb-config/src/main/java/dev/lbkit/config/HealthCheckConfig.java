package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A health checker of a real server: {@code TCP_CHECK}, {@code HTTP_GET}/{@code SSL_GET} or {@code MISC_CHECK}.
 * A real server is up while all its checkers are up.
 */
public sealed interface HealthCheckConfig
    permits HealthCheckConfig.Tcp, HealthCheckConfig.Http, HealthCheckConfig.Misc {

  /** keepalived's {@code connect_timeout} default. */
  Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Where the checker is defined. */
  Location location();

  /**
   * {@code TCP_CHECK}: up when a TCP connection to the target opens within the timeout.
   *
   * @param target {@code connect_ip}/{@code connect_port}, defaulting to the real server's
   * @param bindTo {@code bindto}, the local source address
   * @param connectTimeout {@code connect_timeout}
   * @param retry {@code retry} (alias {@code nb_get_retry}): failures in a row before the server is down
   * @param delayBeforeRetry {@code delay_before_retry}
   * @param location where the checker is defined
   */
  record Tcp(Endpoint target, Optional<InetAddress> bindTo, Duration connectTimeout, int retry,
      Duration delayBeforeRetry, Location location) implements HealthCheckConfig {
    public Tcp {
      requireNonNull(target, "target");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(location, "location");
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
   * @param location where the checker is defined
   */
  record Http(boolean tls, Endpoint target, List<Url> urls, Optional<String> virtualhost,
      Optional<InetAddress> bindTo, Duration connectTimeout, int retry, Duration delayBeforeRetry,
      Location location) implements HealthCheckConfig {
    public Http {
      requireNonNull(target, "target");
      urls = List.copyOf(urls);
      requireNonNull(virtualhost, "virtualhost");
      requireNonNull(bindTo, "bindTo");
      requireNonNull(connectTimeout, "connectTimeout");
      requireNonNull(delayBeforeRetry, "delayBeforeRetry");
      requireNonNull(location, "location");
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
   * @param user {@code user}, if set
   * @param location where the checker is defined
   */
  record Misc(String script, Optional<Duration> timeout, boolean dynamic, Optional<String> user, Location location)
      implements HealthCheckConfig {
    public Misc {
      requireNonNull(script, "script");
      requireNonNull(timeout, "timeout");
      requireNonNull(user, "user");
      requireNonNull(location, "location");
    }
  }
}
