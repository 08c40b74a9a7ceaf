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
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * keepalived {@code UDP_CHECK}: send one datagram on a connected UDP socket and judge what comes back, as
 * keepalived 2.2.7 does ({@code check_udp.c}, {@code layer4.c}).
 *
 * <ul>
 *   <li>An ICMP destination unreachable (port, host or network) is down: {@link DownReason#REFUSED} for a closed
 *       port, {@link DownReason#UNREACHABLE} otherwise.
 *   <li>Silence until the deadline is <em>up</em> unless a reply is required ({@code require_reply}): UDP cannot
 *       tell a server that drops the probe from one that answers nothing; then it is {@link DownReason#TIMEOUT}.
 *   <li>Any reply is up, unless reply bytes are given ({@code require_reply <hex>}): then the reply's length must
 *       lie in [{@code min_reply_length}, {@code max_reply_length}] (defaults 0 and 255) and its first bytes must
 *       equal the pattern, nibbles written {@code x} matching anything. As in keepalived only the shorter of the
 *       reply and the pattern is compared, so a reply that is a prefix of the pattern passes; raise
 *       {@link #withReplyLength min} to demand the whole pattern. The lengths are checked only when reply bytes
 *       are given, also as in keepalived.
 * </ul>
 *
 * <p>Without a payload keepalived sends 32 bytes of filler text; so does this check. Immutable.
 *
 * <pre>{@code
 * UdpCheck.of(Endpoint.parse("10.0.0.2:53"))                                 // ICMP unreachable = down
 * UdpCheck.of(target, ping).requiringReply(ReplyPattern.parse("50 4f 4e 47 xx"))  // "PONG" and any byte
 * }</pre>
 */
public final class UdpCheck implements NetworkCheck {
  /** keepalived's default {@code max_reply_length}. */
  public static final int DEFAULT_MAX_REPLY_LENGTH = 255;
  /** The largest datagram payload over IPv4. */
  public static final int MAX_DATAGRAM = 65_507;
  private static final byte[] FILLER = filler();

  private final Endpoint target;
  private final byte[] payload;
  private final boolean replyRequired;
  private final Optional<ReplyPattern> reply;
  private final int minReplyLength;
  private final int maxReplyLength;
  private final Optional<InetAddress> bindTo;

  private UdpCheck(Endpoint target, byte[] payload, boolean replyRequired, Optional<ReplyPattern> reply,
      int minReplyLength, int maxReplyLength, Optional<InetAddress> bindTo) {
    this.target = requireNonNull(target, "target");
    this.payload = payload.clone();
    this.replyRequired = replyRequired || reply.isPresent();
    this.reply = reply;
    this.minReplyLength = minReplyLength;
    this.maxReplyLength = maxReplyLength;
    this.bindTo = requireNonNull(bindTo, "bindTo");
    if (target.port() == 0) {
      throw new IllegalArgumentException("UDP check target needs a port but was " + target);
    }
    if (payload.length > MAX_DATAGRAM) {
      throw new IllegalArgumentException("UDP payload must fit one datagram (" + MAX_DATAGRAM + " bytes) but was "
          + payload.length);
    }
    if (minReplyLength < 0 || maxReplyLength > 65_535 || minReplyLength > maxReplyLength) {
      throw new IllegalArgumentException("reply length bounds must satisfy 0 <= min <= max <= 65535 but were "
          + minReplyLength + " and " + maxReplyLength);
    }
  }

  private static byte[] filler() {
    byte[] text = "lbkit udp check ".getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = text[i % text.length];
    }
    return b;
  }

  /** Sends 32 bytes of filler, as keepalived does without {@code payload}; no reply required. */
  public static UdpCheck of(Endpoint target) {
    return of(target, FILLER);
  }

  /** Sends {@code payload} (keepalived {@code payload}); no reply required. */
  public static UdpCheck of(Endpoint target, byte[] payload) {
    return new UdpCheck(target, requireNonNull(payload, "payload"), false, Optional.empty(), 0,
        DEFAULT_MAX_REPLY_LENGTH, Optional.empty());
  }

  /** The same check requiring some reply: keepalived {@code require_reply} without bytes. */
  public UdpCheck requiringReply() {
    return new UdpCheck(target, payload, true, reply, minReplyLength, maxReplyLength, bindTo);
  }

  /** The same check requiring a reply matching {@code pattern}: keepalived {@code require_reply <hex>}. */
  public UdpCheck requiringReply(ReplyPattern pattern) {
    return new UdpCheck(target, payload, true, Optional.of(requireNonNull(pattern, "pattern")), minReplyLength,
        maxReplyLength, bindTo);
  }

  /** The same check requiring a reply that starts with these exact bytes (see the class comment on prefixes). */
  public UdpCheck requiringReply(byte[] bytes) {
    return requiringReply(ReplyPattern.of(bytes));
  }

  /**
   * keepalived {@code min_reply_length} and {@code max_reply_length}, applied when reply bytes are required.
   *
   * @throws IllegalArgumentException unless 0 <= min <= max <= 65535
   */
  public UdpCheck withReplyLength(int min, int max) {
    return new UdpCheck(target, payload, replyRequired, reply, min, max, bindTo);
  }

  /** The same check bound to a local address (keepalived {@code bindto}). */
  public UdpCheck withBindTo(InetAddress local) {
    return new UdpCheck(target, payload, replyRequired, reply, minReplyLength, maxReplyLength,
        Optional.of(requireNonNull(local, "local")));
  }

  /** Whether silence is down. */
  public boolean replyRequired() {
    return replyRequired;
  }

  /** The reply bytes required, if any. */
  public Optional<ReplyPattern> reply() {
    return reply;
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
        int len = data.remaining();
        if (reply.isEmpty()) {
          return Step.finish(CheckResult.Up.of("reply of " + len + " bytes"));
        }
        if (len < minReplyLength || len > maxReplyLength) {
          return Step.finish(new CheckResult.Down(DownReason.CONTENT_MISMATCH, "reply of " + len
              + " bytes, outside [" + minReplyLength + ", " + maxReplyLength + "]"));
        }
        byte[] got = new byte[len];
        data.get(got);
        int at = reply.get().mismatch(got);
        if (at < 0) {
          return Step.finish(CheckResult.Up.of("reply of " + len + " bytes matches " + reply.get()));
        }
        return Step.finish(new CheckResult.Down(DownReason.CONTENT_MISMATCH, "reply byte " + at + " is "
            + HexFormat.of().toHexDigits(got[at]) + ", expected " + reply.get()));
      }

      @Override
      public CheckResult onDeadline(CheckResult.Down timeout) {
        return replyRequired ? timeout : CheckResult.Up.of("no reply and no ICMP error within the timeout; "
            + "none required");
      }
    };
  }

  @Override
  public String describe() {
    return "UDP " + (replyRequired ? "request" : "probe") + " to " + target;
  }

  @Override
  public String toString() {
    return describe();
  }
}
