package dev.lbkit.healthcheck.agent;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.AdminState;
import dev.lbkit.healthcheck.AgentReply;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HAProxy agent-check replies, parsed and over a real loopback agent. */
final class AgentCheckTest {
  private final HealthChecker checker = HealthChecker.builder().build();
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private ServerSocket agent;

  @BeforeEach
  void startAgent() throws IOException {
    agent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!agent.isClosed()) {
        try (Socket s = agent.accept()) {
          String reply = replies.take();
          s.setSoTimeout(200);
          InputStream in = s.getInputStream();
          StringBuilder got = new StringBuilder();
          try {
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
              got.append((char) c);
            }
          } catch (IOException timeoutMeansNothingWasSent) {
            // agents that are sent nothing reply at once
          }
          received.add(got.toString());
          OutputStream out = s.getOutputStream();
          out.write(reply.getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @AfterEach
  void stop() throws IOException {
    checker.close();
    agent.close();
  }

  private CheckResult ask(String reply, AgentCheck check) {
    replies.add(reply);
    return result(checker.checkOnce(check, Duration.ofSeconds(5)));
  }

  private Endpoint target() {
    return new Endpoint(InetAddress.getLoopbackAddress(), agent.getLocalPort());
  }

  @Test
  void replies_overTheWire() throws Exception {
    assertEquals(OptionalInt.of(75), up(ask("75%\n", AgentCheck.of(target()))).weightPercent());
    down(ask("down # disk full\n", AgentCheck.of(target())), DownReason.AGENT_DOWN);
    down(ask("maint\r\n", AgentCheck.of(target())), DownReason.MAINTENANCE);
    assertEquals(OptionalInt.of(0), up(ask("drain\rignored after CR", AgentCheck.of(target()))).weightPercent());
    // HAProxy ignores a line that the agent ends by closing instead of CR or LF
    CheckResult.Down d = down(ask("drain", AgentCheck.of(target())), DownReason.PROTOCOL_ERROR);
    assertTrue(d.agent().isEmpty());
    up(ask("ready,up\n", AgentCheck.of(target()).withSend("hello\n")));
    assertEquals("hello", received.stream().filter(s -> !s.isEmpty()).findFirst().orElse(""));
    down(ask("x".repeat(5000), AgentCheck.of(target())), DownReason.TOO_LARGE);
    down(ask("", AgentCheck.of(target())), DownReason.CLOSED);
  }

  @Test
  void parse_lastWordOfEachCategoryWins_andCategoriesAreIndependent() {
    AgentReply r = AgentReply.parse("up 50% drain, stopped 20% MAINT maxconn:30 banana # going away  ");
    assertEquals(Optional.of(AgentReply.Health.STOPPED), r.health());
    assertEquals(Optional.of(AdminState.MAINT), r.admin());
    assertEquals(OptionalInt.of(20), r.weightPercent());
    assertEquals(OptionalInt.of(30), r.maxconn());
    assertEquals("going away", r.description());
    assertEquals(Optional.of("banana"), r.error());
    AgentReply ready = AgentReply.parse("ready");
    assertEquals(Optional.empty(), ready.health()); // ready is administrative only
    assertEquals(OptionalInt.empty(), ready.weightPercent()); // and leaves the weight alone
    assertEquals(OptionalInt.empty(), AgentReply.parse("75").weightPercent()); // a weight needs its %
    assertEquals(OptionalInt.empty(), AgentReply.parse("75%x").weightPercent());
    assertEquals(OptionalInt.of(AgentReply.MAX_PERCENT), AgentReply.parse("99999%").weightPercent());
    assertEquals(Optional.of("failed"), AgentReply.parse("failed").error()); // HAProxy knows fail, not failed
    assertEquals(37, AgentReply.weightOf(50, 75)); // truncated, as HAProxy computes it
  }

  @Test
  void parse_resultOfOneAttempt() {
    assertEquals(OptionalInt.of(50), ((CheckResult.Up) AgentCheck.parse("up 50%")).weightPercent());
    assertEquals(OptionalInt.of(0), ((CheckResult.Up) AgentCheck.parse("50% drain")).weightPercent());
    assertEquals(DownReason.AGENT_DOWN, ((CheckResult.Down) AgentCheck.parse("drain, stopped")).reason());
    assertEquals(DownReason.AGENT_DOWN, ((CheckResult.Down) AgentCheck.parse("FAIL")).reason());
    assertEquals(DownReason.MAINTENANCE, ((CheckResult.Down) AgentCheck.parse("maint 20%")).reason());
    assertEquals(OptionalInt.empty(), ((CheckResult.Up) AgentCheck.parse("ready maxconn:30")).weightPercent());
    assertEquals(OptionalInt.of(300), ((CheckResult.Up) AgentCheck.parse("300%")).weightPercent());
    assertEquals(DownReason.PROTOCOL_ERROR, ((CheckResult.Down) AgentCheck.parse("banana")).reason());
    assertEquals(DownReason.PROTOCOL_ERROR, ((CheckResult.Down) AgentCheck.parse("# only a comment")).reason());
    assertTrue(AgentCheck.parse("banana").agent().isPresent());
  }
}
