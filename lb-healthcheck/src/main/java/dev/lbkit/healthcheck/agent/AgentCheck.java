package dev.lbkit.healthcheck.agent;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.AdminState;
import dev.lbkit.healthcheck.AgentReply;
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
import java.util.OptionalInt;

/**
 * HAProxy {@code agent-check}: connect, optionally send {@code agent-send}, read one line and report what the agent
 * said, as HAProxy 2.6 reads it (see {@link AgentReply} for the words).
 *
 * <p>The result of one attempt, for {@link dev.lbkit.healthcheck.HealthChecker#checkOnce} and the CLI: an
 * operational {@code down}/{@code stopped}/{@code fail} is {@link DownReason#AGENT_DOWN}; otherwise an admin
 * {@code maint} is {@link DownReason#MAINTENANCE}; a line HAProxy acts on in no way is
 * {@link DownReason#PROTOCOL_ERROR}; anything else is up, with the weight percentage the line gave ({@code drain}:
 * 0%). Every such result carries the parsed {@link CheckResult#agent() reply}.
 *
 * <p>A checked target follows HAProxy's model instead, in which the agent's words are changes to persistent state:
 * the administrative state ({@link AdminState}: ready, drain, maint) is kept apart from the operational one (up,
 * down); a word changes only its own category, {@code up}/{@code down} act at once (no rise or fall), and an agent
 * that cannot be reached, times out or sends an incomplete line (no CR or LF before the end) changes nothing, as in
 * HAProxy, where the regular health check judges connectivity.
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
   * Parses one complete agent reply line into the result of one attempt.
   *
   * @param line without its line end
   */
  public static CheckResult parse(String line) {
    AgentReply r = AgentReply.parse(line);
    Optional<AgentReply> agent = Optional.of(r);
    String detail = "agent: " + abbreviate(line.trim());
    if (r.health().isPresent() && r.health().get().isDown()) {
      return new CheckResult.Down(DownReason.AGENT_DOWN, detail, agent);
    }
    if (r.admin().equals(Optional.of(AdminState.MAINT))) {
      return new CheckResult.Down(DownReason.MAINTENANCE, detail, agent);
    }
    if (!r.saysAnything()) {
      return new CheckResult.Down(DownReason.PROTOCOL_ERROR, "agent reply has no state or weight: '"
          + abbreviate(line) + "'" + r.error().map(e -> " (unknown word '" + abbreviate(e) + "')").orElse(""),
          agent);
    }
    OptionalInt percent = r.admin().equals(Optional.of(AdminState.DRAIN)) ? OptionalInt.of(0) : r.weightPercent();
    return new CheckResult.Up(detail, OptionalInt.empty(), percent, agent);
  }

  private static String beforeCr(String line) {
    int cr = line.indexOf('\r');
    return cr >= 0 ? line.substring(0, cr) : line;
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
          return Step.finish(parse(beforeCr(line.get())));
        }
        if (reader.partial().indexOf('\r') >= 0) { // HAProxy ends the line at the first CR or LF
          return Step.finish(parse(beforeCr(reader.partial())));
        }
        if (reader.overflowed()) {
          return Step.finish(new CheckResult.Down(DownReason.TOO_LARGE, "agent reply longer than " + MAX_LINE
              + " bytes without a line end"));
        }
        if (endOfStream && !reader.partial().isEmpty()) { // HAProxy: "Ignoring incomplete line from agent"
          return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR,
              "incomplete line from the agent (no line end before the close), ignored: '"
                  + abbreviate(reader.partial()) + "'"));
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
