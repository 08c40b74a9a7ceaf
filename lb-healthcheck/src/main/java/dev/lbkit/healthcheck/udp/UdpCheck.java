package dev.lbkit.healthcheck.udp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.Step;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.Transport;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * keepalived {@code UDP_CHECK} with a request and reply: send one datagram ({@code payload}) on a connected UDP
 * socket and wait for a reply; with {@code require_reply} the reply must start with those bytes. An ICMP port
 * unreachable is {@link DownReason#REFUSED}, no reply by the deadline {@link DownReason#TIMEOUT}, a different
 * reply {@link DownReason#CONTENT_MISMATCH}. Immutable.
 */
public final class UdpCheck implements NetworkCheck {
  private final Endpoint target;
  private final byte[] payload;
  private final Optional<byte[]> requireReply;
  private final Optional<InetAddress> bindTo;

  private UdpCheck(Endpoint target, byte[] payload, Optional<byte[]> requireReply, Optional<InetAddress> bindTo) {
    this.target = requireNonNull(target, "target");
    this.payload = payload.clone();
    this.requireReply = requireReply.map(byte[]::clone);
    this.bindTo = requireNonNull(bindTo, "bindTo");
    if (target.port() == 0) {
      throw new IllegalArgumentException("UDP check target needs a port but was " + target);
    }
    if (payload.length > 65_507) {
      throw new IllegalArgumentException("UDP payload must fit one datagram (65507 bytes) but was "
          + payload.length);
    }
  }

  /** Sends {@code payload} and accepts any reply. */
  public static UdpCheck of(Endpoint target, byte[] payload) {
    return new UdpCheck(target, requireNonNull(payload, "payload"), Optional.empty(), Optional.empty());
  }

  /** The same check requiring the reply to start with {@code prefix} (keepalived {@code require_reply}). */
  public UdpCheck requiringReply(byte[] prefix) {
    return new UdpCheck(target, payload, Optional.of(requireNonNull(prefix, "prefix")), bindTo);
  }

  /** The same check bound to a local address. */
  public UdpCheck withBindTo(InetAddress local) {
    return new UdpCheck(target, payload, requireReply, Optional.of(local));
  }

  @Override
  public Endpoint target() {
    return target;
  }

  @Override
  public Transport transport() {
    return Transport.UDP;
  }

  @Override
  public Optional<TlsSettings> tls() {
    return Optional.empty();
  }

  @Override
  public Optional<InetAddress> bindTo() {
    return bindTo;
  }

  @Override
  public int maxBytes() {
    return 256 * 1024; // a few stray datagrams at most
  }

  @Override
  public Conversation newConversation() {
    return new Conversation() {
      @Override
      public Step onConnected() {
        return Step.send(ByteBuffer.wrap(payload));
      }

      @Override
      public Step onReceive(ByteBuffer data, boolean endOfStream) {
        if (requireReply.isEmpty()) {
          return Step.finish(CheckResult.Up.of("reply of " + data.remaining() + " bytes"));
        }
        byte[] want = requireReply.get();
        byte[] got = new byte[Math.min(data.remaining(), want.length)];
        data.get(got);
        if (Arrays.equals(got, want)) {
          return Step.finish(CheckResult.Up.of("reply starts with " + HexFormat.of().formatHex(want)));
        }
        return Step.finish(new CheckResult.Down(DownReason.CONTENT_MISMATCH, "reply starts with "
            + HexFormat.of().formatHex(got) + ", expected " + HexFormat.of().formatHex(want)));
      }
    };
  }

  @Override
  public String describe() {
    return "UDP request to " + target;
  }
}
