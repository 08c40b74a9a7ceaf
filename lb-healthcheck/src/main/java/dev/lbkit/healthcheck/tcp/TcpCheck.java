package dev.lbkit.healthcheck.tcp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.Step;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.Transport;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * keepalived {@code TCP_CHECK}, HAProxy's plain {@code check}: up when the TCP connection (and the TLS handshake,
 * if {@code tls} is set) completes. The connect timeout is the policy's timeout.
 *
 * @param target keepalived {@code connect_ip}/{@code connect_port}
 * @param bindTo keepalived {@code bindto}
 * @param tls a TLS handshake to complete as well (HAProxy {@code check-ssl} without {@code httpchk})
 */
public record TcpCheck(Endpoint target, Optional<InetAddress> bindTo, Optional<TlsSettings> tls)
    implements NetworkCheck {
  public TcpCheck {
    requireNonNull(target, "target");
    requireNonNull(bindTo, "bindTo");
    requireNonNull(tls, "tls");
    if (target.port() == 0) {
      throw new IllegalArgumentException("TCP check target needs a port but was " + target);
    }
  }

  /** Connect to {@code target}. */
  public static TcpCheck of(Endpoint target) {
    return new TcpCheck(target, Optional.empty(), Optional.empty());
  }

  /** The same check, bound to a local address first. */
  public TcpCheck withBindTo(InetAddress local) {
    return new TcpCheck(target, Optional.of(local), tls);
  }

  /** The same check with a TLS handshake. */
  public TcpCheck withTls(TlsSettings settings) {
    return new TcpCheck(target, bindTo, Optional.of(settings));
  }

  @Override
  public Transport transport() {
    return Transport.TCP;
  }

  @Override
  public int maxBytes() {
    return 0;
  }

  @Override
  public Conversation newConversation() {
    return tls.isPresent() ? ConnectOnly.TLS : ConnectOnly.PLAIN;
  }

  /** The whole conversation of a connect check: up once connected. Stateless, so one instance serves all. */
  private static final class ConnectOnly implements Conversation {
    static final ConnectOnly PLAIN = new ConnectOnly("connected");
    static final ConnectOnly TLS = new ConnectOnly("TLS handshake completed");

    private final Step connected;
    private final Step received = Step.finish(CheckResult.Up.of("connected"));

    private ConnectOnly(String detail) {
      this.connected = Step.finish(CheckResult.Up.of(detail));
    }

    @Override
    public Step onConnected() {
      return connected;
    }

    @Override
    public Step onReceive(ByteBuffer data, boolean endOfStream) {
      return received;
    }
  }

  @Override
  public String describe() {
    return "TCP connect to " + target + tls.map(t -> " with " + t).orElse("");
  }
}
