package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * keepalived's top-level {@code SSL} block: the one TLS client context every {@code SSL_GET} checker uses. As
 * keepalived 2.2.7 builds it (check_ssl.c {@code build_ssl_ctx}): {@code certificate} is a PEM file whose first
 * certificate is presented to servers that ask for a client certificate, the rest its chain; {@code key} is the PEM
 * private key of that certificate, decrypted with {@code password} if it is encrypted; {@code ca} is loaded as trust
 * anchors but keepalived never turns verification on, so it changes no verdict (a server's certificate is never
 * checked). Without a {@code key}, keepalived has no usable client certificate and presents none. Paths are used as
 * written (relative ones from the working directory, as keepalived does).
 *
 * @param password {@code password}: the pass phrase of an encrypted key
 * @param ca {@code ca}: a PEM file of CA certificates (read, unused for verdicts)
 * @param certificate {@code certificate}: the client certificate chain, PEM
 * @param key {@code key}: the client certificate's private key, PEM
 * @param location where the block starts
 */
public record SslConfig(Optional<String> password, Optional<Path> ca, Optional<Path> certificate, Optional<Path> key,
    Location location) {
  public SslConfig {
    requireNonNull(password, "password");
    requireNonNull(ca, "ca");
    requireNonNull(certificate, "certificate");
    requireNonNull(key, "key");
    requireNonNull(location, "location");
  }

  /** Whether a client certificate is presented: keepalived needs both the certificate and its key. */
  public boolean presentsCertificate() {
    return certificate.isPresent() && key.isPresent();
  }
}
