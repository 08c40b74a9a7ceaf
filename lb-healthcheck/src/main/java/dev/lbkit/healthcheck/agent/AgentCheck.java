package dev.lbkit.healthcheck.agent;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * HAProxy {@code agent-check}: connect, optionally send {@code agent-send}, read one line (up to LF or the end of
 * the stream) and turn it into a result.
 *
 * <p>The line holds words separated by spaces, tabs or commas; text after {@code #} is a comment (HAProxy
 * shows it as the reason). {@code down}, {@code fail} and {@code stopped} give {@link DownReason#AGENT_DOWN};
 * {@code maint} gives {@link DownReason#MAINTENANCE}; {@code drain} is up with weight 0%; {@code ready} and
 * {@code up} are up at full weight; {@code NN%} is up with that weight percentage (0 to 256, relative to the
 * configured weight); {@code maxconn:N} is accepted and ignored. When several words disagree, down and
 * maintenance win over drain, which wins over a percentage. A line with none of these is
 * {@link DownReason#PROTOCOL_ERROR}.
 *
 * @param target the agent's address ({@code agent-addr}, {@code agent-port})
 * @param send {@code agent-send}: bytes sent on connect, may be empty
 * @param bindTo a local address to bind first
 */
public record AgentCheck(Endpoint target, String send, Optional<InetAddress> bindTo) implements NetworkCheck {
  /** The longest reply line read. */
  public static final int MAX_LINE = 1024;

  public AgentCheck {
    requireNonNull(target, "target");
    requireNonNull(send, "send");
    requireNonNull(bindTo, "bindTo");
    if (target.port() == 0) {
      throw new IllegalArgumentException("agent check target needs a port but was " + target);
    }
  }

  /** Reads the agent at {@code target}, sending nothing. */
  public static AgentCheck of(Endpoint target) {
    return new AgentCheck(target, "", Optional.empty());
  }

  /** The same check sending {@code text} first. */
  public AgentCheck withSend(String text) {
    return new AgentCheck(target, text, bindTo);
  }

  /**
   * Parses one agent reply line.
   *
   * @param line without its line end
   */
  public static CheckResult parse(String line) {
    int hash = line.indexOf('#');
    String words = hash >= 0 ? line.substring(0, hash) : line;
    boolean down = false;
    boolean maint = false;
    boolean drain = false;
    boolean up = false;
    OptionalInt percent = OptionalInt.empty();
    List<String> unknown = new ArrayList<>();
    for (String w : words.trim().split("[\\s,]+")) {
      String word = w.toLowerCase(Locale.ROOT);
      if (word.isEmpty()) {
        continue;
      }
      switch (word) {
        case "down":
        case "fail":
        case "failed":
        case "stopped":
          down = true;
          break;
        case "maint":
          maint = true;
          break;
        case "drain":
          drain = true;
          break;
        case "up":
        case "ready":
          up = true;
          break;
        default:
          if (word.endsWith("%")) {
            try {
              int p = Integer.parseInt(word.substring(0, word.length() - 1));
              if (p < 0 || p > 256) {
                unknown.add(w);
              } else {
                percent = OptionalInt.of(p);
              }
            } catch (NumberFormatException e) {
              unknown.add(w);
            }
          } else if (!word.startsWith("maxconn:")) {
            unknown.add(w);
          }
      }
    }
    String detail = "agent: " + abbreviate(line.trim());
    if (down) {
      return new CheckResult.Down(DownReason.AGENT_DOWN, detail);
    }
    if (maint) {
      return new CheckResult.Down(DownReason.MAINTENANCE, detail);
    }
    if (drain) {
      return new CheckResult.Up(detail, OptionalInt.empty(), OptionalInt.of(0));
    }
    if (percent.isPresent()) {
      return new CheckResult.Up(detail, OptionalInt.empty(), percent);
    }
    if (up) {
      return new CheckResult.Up(detail, OptionalInt.empty(), OptionalInt.of(100));
    }
    return new CheckResult.Down(DownReason.PROTOCOL_ERROR, "agent reply has no state or weight: '"
        + abbreviate(line) + "'" + (unknown.isEmpty() ? "" : " (unknown words " + unknown + ")"));
  }

  private static String abbreviate(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 120 ? p.substring(0, 120) + "..." : p;
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
    return MAX_LINE + 2;
  }

  @Override
  public Conversation newConversation() {
    LineReader reader = new LineReader(MAX_LINE);
    return new Conversation() {
      @Override
      public Step onConnected() {
        return send.isEmpty() ? Step.await()
            : Step.send(ByteBuffer.wrap(send.getBytes(StandardCharsets.ISO_8859_1)));
      }

      @Override
      public Step onReceive(ByteBuffer data, boolean endOfStream) {
        Optional<String> line = reader.next(data);
        if (line.isPresent()) {
          return Step.finish(parse(line.get()));
        }
        if (reader.overflowed()) {
          return Step.finish(new CheckResult.Down(DownReason.TOO_LARGE, "agent reply longer than " + MAX_LINE
              + " bytes without a line end"));
        }
        if (endOfStream && !reader.partial().isEmpty()) {
          return Step.finish(parse(reader.partial()));
        }
        return Step.await();
      }
    };
  }

  @Override
  public String describe() {
    return "agent check " + target;
  }
}
