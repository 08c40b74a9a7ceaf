package dev.lbkit.healthcheck;

import dev.lbkit.api.Endpoint;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A check that talks to a network endpoint: the engine connects, runs a fresh {@link Conversation}, and enforces
 * the deadline and {@link #maxBytes()}. Implement it for protocols lbkit does not ship (a custom
 * HAProxy {@code tcp-check send/expect} sequence).
 */
public interface NetworkCheck extends Check {

  /** Where to connect (keepalived {@code connect_ip}/{@code connect_port}). */
  Endpoint target();

  /** TCP or UDP. */
  Transport transport();

  /** TLS settings for a TCP check that speaks TLS; empty for plain text. */
  Optional<TlsSettings> tls();

  /** The local address to bind before connecting (keepalived {@code bindto}); empty lets the kernel pick. */
  Optional<InetAddress> bindTo();

  /** The most bytes one attempt may read (after TLS decryption); past it the check is down, {@link DownReason#TOO_LARGE}. */
  int maxBytes();

  /** Fresh protocol state for one attempt. */
  Conversation newConversation();
}
