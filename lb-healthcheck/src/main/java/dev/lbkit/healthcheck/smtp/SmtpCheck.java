package dev.lbkit.healthcheck.smtp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.Step;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.Transport;
import dev.lbkit.healthcheck.internal.LineReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * keepalived {@code SMTP_CHECK}: read the 220 greeting, send {@code HELO <name>}, expect 250, send {@code QUIT}
 * and take its reply (or the server closing) as the end. Plain text only: keepalived 2.2.7's SMTP_CHECK has no
 * STARTTLS (nor TLS of any kind), and neither has this check.
 * Multi-line replies ({@code 250-...}) are read to their last line. Any other code is
 * {@link DownReason#BAD_STATUS}; a line that is not a reply is {@link DownReason#PROTOCOL_ERROR}.
 *
 * @param target keepalived {@code connect_ip}/{@code connect_port}
 * @param heloName keepalived {@code helo_name}
 * @param bindTo keepalived {@code bindto}
 */
public record SmtpCheck(Endpoint target, String heloName, Optional<InetAddress> bindTo) implements NetworkCheck {
  private static final int MAX_LINE = 1024;

  public SmtpCheck {
    requireNonNull(target, "target");
    requireNonNull(heloName, "heloName");
    requireNonNull(bindTo, "bindTo");
    if (heloName.isEmpty() || !heloName.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("HELO name must be printable ASCII without spaces but was '" + heloName
          + "'");
    }
    if (target.port() == 0) {
      throw new IllegalArgumentException("SMTP check target needs a port but was " + target);
    }
  }

  /** keepalived's default {@code helo_name}. */
  public static final String DEFAULT_HELO_NAME = "smtpchecker.keepalived.org";

  /** Checks {@code target} saying {@code HELO smtpchecker.keepalived.org}, keepalived's default. */
  public static SmtpCheck of(Endpoint target) {
    return new SmtpCheck(target, DEFAULT_HELO_NAME, Optional.empty());
  }

  /** The same check with another HELO name. */
  public SmtpCheck withHeloName(String name) {
    return new SmtpCheck(target, name, bindTo);
  }

  @Override
  public Transport transport() {
    return Transport.TCP;
  }

  @Override
  public Optional<TlsSettings> tls() {
    return Optional.empty();
  }

  @Override
  public int maxBytes() {
    return 16 * 1024;
  }

  @Override
  public Conversation newConversation() {
    return new Conversation() {
      private final LineReader lines = new LineReader(MAX_LINE);
      private boolean heloSent;
      private String heloReply;

      @Override
      public Step onConnected() {
        return Step.await();
      }

      @Override
      public Step onReceive(ByteBuffer data, boolean endOfStream) {
        if (heloReply != null && endOfStream) {
          return Step.finish(CheckResult.Up.of("HELO answered " + heloReply));
        }
        while (true) {
          Optional<String> line = lines.next(data);
          if (line.isEmpty()) {
            if (lines.overflowed()) {
              return Step.finish(new CheckResult.Down(DownReason.TOO_LARGE, "SMTP reply line longer than "
                  + MAX_LINE + " bytes"));
            }
            return Step.await(); // end of stream without a reply is reported as closed by the engine
          }
          String l = line.get();
          if (l.length() < 3 || !Character.isDigit(l.charAt(0)) || !Character.isDigit(l.charAt(1))
              || !Character.isDigit(l.charAt(2)) || (l.length() > 3 && l.charAt(3) != ' ' && l.charAt(3) != '-')) {
            return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "not an SMTP reply: '"
                + l.replaceAll("[^\\x20-\\x7e]", "?") + "'"));
          }
          if (l.length() > 3 && l.charAt(3) == '-') {
            continue; // more lines of the same reply
          }
          int code = Integer.parseInt(l.substring(0, 3));
          if (!heloSent) {
            if (code != 220) {
              return Step.finish(new CheckResult.Down(DownReason.BAD_STATUS, "greeting " + l));
            }
            heloSent = true;
            return Step.send(ByteBuffer.wrap(("HELO " + heloName + "\r\n").getBytes(StandardCharsets.US_ASCII)));
          }
          if (heloReply == null && code != 250) {
            return Step.finish(new CheckResult.Down(DownReason.BAD_STATUS, "HELO answered " + l));
          }
          if (heloReply != null) {
            return Step.finish(CheckResult.Up.of("HELO answered " + heloReply)); // the reply to QUIT
          }
          heloReply = l;
          return Step.send(ByteBuffer.wrap("QUIT\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
      }
    };
  }

  @Override
  public String describe() {
    return "SMTP HELO to " + target;
  }
}
