package dev.lbkit.healthcheck.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.AdminState;
import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.RefusingPort;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TargetStatus;
import dev.lbkit.healthcheck.agent.AgentCheck;
import dev.lbkit.healthcheck.http.BodyExpect;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.http.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The same backends checked by a real HAProxy (Debian's 2.6, see .ci/install) and by lbkit with the equivalent
 * check: both must reach the same verdict, and agent weights must match HAProxy's. HAProxy's view comes from its
 * runtime API ({@code show stat}: status and weight columns).
 */
final class HaproxyChecksDifferentialIT {

  private static final String DEFAULTS = "defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n"
      + "  timeout server 5s\n  timeout check 1s\n\n";

  /** One server line and the lbkit check that should judge it the same way. */
  private record Scenario(String backend, String options, String server, Check lbkit) {}

  /**
   * A loopback agent: each connection gets the reply in effect, and is counted. A checker opens its next agent
   * connection only after it has acted on the previous reply, so once a reply was written and another connection
   * came, that reply is in the checker's state.
   */
  private static final class Agent implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<String> served = new CopyOnWriteArrayList<>();

    Agent(Supplier<String> reply) throws IOException {
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket c = server.accept()) {
            String now = reply.get();
            OutputStream out = c.getOutputStream();
            out.write((now + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            served.add(now);
          } catch (IOException e) {
            if (server.isClosed()) {
              return;
            } // else the checker hung up early: go on with the next
          }
        }
      }, "agent");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    /** How many connections were answered so far. */
    int served() {
      return served.size();
    }

    /** Whether {@code reply} was written after the first {@code from} answers and another answer followed it. */
    boolean actedOn(String reply, int from) {
      List<String> s = List.copyOf(served);
      int first = s.subList(Math.min(from, s.size()), s.size()).indexOf(reply);
      return first >= 0 && from + first + 1 < s.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @Test
  void haproxyAndLbkit_agreeOnEveryServer() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    http.createContext("/health", ex -> reply(ex, 200, "ready\n"));
    http.createContext("/maint", ex -> reply(ex, 503, "maintenance\n"));
    http.createContext("/warming", ex -> reply(ex, 200, "starting\n"));
    http.createContext("/empty", ex -> reply(ex, 200, ""));
    http.start();
    RefusingPort closed = new RefusingPort();
    int port = closed.port();
    Endpoint web = new Endpoint(InetAddress.getLoopbackAddress(), http.getAddress().getPort());
    Endpoint nobody = closed.endpoint();
    Map<String, Agent> agents = new LinkedHashMap<>();
    for (String reply : List.of("50%", "drain", "down", "maint", "up 25%", "stopped # going away")) {
      agents.put(reply, new Agent(() -> reply));
    }
    String w = "127.0.0.1:" + web.port();
    String chk = " check inter 100 rise 1 fall 1";
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(new Scenario("st_ok", "option httpchk GET /health\n  http-check expect status 200", w + chk,
        HttpCheck.builder(web).path("/health").statusCodes(StatusCodes.parse("200")).build()));
    scenarios.add(new Scenario("st_503", "option httpchk GET /maint\n  http-check expect status 200", w + chk,
        HttpCheck.builder(web).path("/maint").statusCodes(StatusCodes.parse("200")).build()));
    scenarios.add(new Scenario("st_default", "option httpchk GET /maint", w + chk,
        HttpCheck.builder(web).path("/maint").statusCodes(StatusCodes.SUCCESS_OR_REDIRECT).build()));
    scenarios.add(new Scenario("st_closed", "option httpchk GET /health", "127.0.0.1:" + port + chk,
        HttpCheck.builder(nobody).path("/health").statusCodes(StatusCodes.SUCCESS_OR_REDIRECT).build()));
    scenarios.add(new Scenario("rstatus", "option httpchk GET /maint\n  http-check expect rstatus ^5", w + chk,
        HttpCheck.builder(web).path("/maint").statusCodes(StatusCodes.parse("100-999")).statusPattern("^5")
            .build()));
    scenarios.add(new Scenario("string_yes", "option httpchk GET /health\n  http-check expect string ready",
        w + chk, HttpCheck.builder(web).path("/health").statusCodes(StatusCodes.parse("100-999"))
            .expect(BodyExpect.string("ready")).build()));
    scenarios.add(new Scenario("string_no", "option httpchk GET /warming\n  http-check expect string ready",
        w + chk, HttpCheck.builder(web).path("/warming").statusCodes(StatusCodes.parse("100-999"))
            .expect(BodyExpect.string("ready")).build()));
    scenarios.add(new Scenario("not_string", "option httpchk GET /warming\n  http-check expect ! string starting",
        w + chk, HttpCheck.builder(web).path("/warming").statusCodes(StatusCodes.parse("100-999"))
            .expect(BodyExpect.string("starting").negated()).build()));
    scenarios.add(new Scenario("rstring", "option httpchk GET /warming\n  http-check expect rstring ^start",
        w + chk, HttpCheck.builder(web).path("/warming").statusCodes(StatusCodes.parse("100-999"))
            .expect(BodyExpect.rstring("^start")).build()));
    // negation (HAProxy 2.6 tcpcheck rules): the very same rule text goes to HAProxy and to HttpCheck.expect
    String[][] rules = {
        {"not_status_up", "/maint", "! status 200"},
        {"not_status_down", "/health", "!status 200"},
        {"not_status_list", "/maint", "! status 404,500-599"},
        {"status_list", "/maint", "status 200,503"},
        {"not_rstatus_down", "/maint", "! rstatus ^5"},
        {"not_rstatus_up", "/health", "! rstatus ^5"},
        {"not_rstring_down", "/warming", "! rstring ^start"},
        {"not_rstring_up", "/health", "! rstring ^start"},
        {"not_string_empty", "/empty", "! string anything"},
        {"double_negation", "/health", "!! status 200"},
    };
    for (String[] r : rules) {
      scenarios.add(new Scenario(r[0], "option httpchk GET " + r[1] + "\n  http-check expect " + r[2], w + chk,
          HttpCheck.builder(web).path(r[1]).expect(r[2]).build()));
    }
    // several expect rules on one backend: HAProxy 2.2+ evaluates them all, in order
    String[][] multi = {
        {"multi_status", "/maint", "status 200-599", "! status 503"},
        {"multi_body_down", "/health", "string rea", "! string ready"},
        {"multi_body_up", "/health", "string rea", "! string starting"},
        {"multi_mixed", "/warming", "rstatus ^2", "! rstring ^ready"},
    };
    for (String[] r : multi) {
      scenarios.add(new Scenario(r[0], "option httpchk GET " + r[1] + "\n  http-check expect " + r[2]
          + "\n  http-check expect " + r[3], w + chk, HttpCheck.builder(web).path(r[1]).expect(r[2]).expect(r[3])
          .build()));
    }
    scenarios.add(new Scenario("tcp_closed", "", "127.0.0.1:" + port + chk,
        dev.lbkit.healthcheck.tcp.TcpCheck.of(nobody)));
    int i = 0;
    for (Map.Entry<String, Agent> a : agents.entrySet()) {
      Endpoint ae = new Endpoint(InetAddress.getLoopbackAddress(), a.getValue().port());
      scenarios.add(new Scenario("agent" + i++, "", w + " weight 100 agent-check agent-port " + ae.port()
          + " agent-inter 100", AgentCheck.of(ae)));
    }

    StringBuilder cfg = new StringBuilder(DEFAULTS);
    for (Scenario s : scenarios) {
      cfg.append("backend ").append(s.backend()).append('\n');
      if (!s.options().isEmpty()) {
        cfg.append("  ").append(s.options()).append('\n');
      }
      cfg.append("  server s ").append(s.server()).append("\n\n");
    }
    try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
        HealthChecker checker = HealthChecker.builder().build()) {
      Map<String, String[]> stat = haproxy.awaitJudged(scenarios.size());
      List<String> disagreements = new ArrayList<>();
      for (Scenario s : scenarios) {
        String[] row = stat.get(s.backend());
        CheckResult ours = Await.result(checker.checkOnce(s.lbkit(), Duration.ofSeconds(2)));
        String status = row[17];
        // a server with only an agent check shows "no check" while it is up
        boolean theirsUp = status.startsWith("UP") || status.startsWith("DRAIN") || status.equals("no check");
        if (theirsUp != ours.isUp()) {
          disagreements.add(s.backend() + ": haproxy " + status + ", lbkit " + ours);
        } else if (ours instanceof CheckResult.Up && ((CheckResult.Up) ours).weightPercent().isPresent()) {
          int weight = Integer.parseInt(row[18]);
          int expected = ((CheckResult.Up) ours).weightPercent().getAsInt(); // of weight 100
          if (expected == 0) {
            // "drain": HAProxy keeps the weight column and shows the DRAIN state; lbkit says weight 0
            if (!status.startsWith("DRAIN")) {
              disagreements.add(s.backend() + ": haproxy " + status + " for a drain, lbkit weight 0");
            }
          } else if (weight != expected) {
            disagreements.add(s.backend() + ": haproxy weight " + weight + ", lbkit " + expected + "% of 100");
          }
        }
      }
      StringBuilder seen = new StringBuilder();
      for (Map.Entry<String, String[]> e : stat.entrySet()) {
        seen.append(e.getKey()).append(' ').append(e.getValue()[17]).append(" w=").append(e.getValue()[18])
            .append('\n');
      }
      assertTrue(disagreements.isEmpty(), String.join("\n", disagreements) + "\n" + seen + cfg);
      assertEquals(scenarios.size(), stat.size());
    } finally {
      http.stop(0);
      closed.close();
      for (Agent a : agents.values()) {
        a.close();
      }
    }
  }

  /**
   * One agent whose reply changes step by step, read by HAProxy ({@code agent-check} only, weight 40) and by an
   * lbkit target: after each step the administrative state (MAINT, DRAIN, READY), the operational state and the
   * weight must be the same on both sides. HAProxy's words are persistent changes, so order matters.
   */
  @Test
  void agentAdminAndOperationalState_followTheSameSequence() throws Exception {
    AtomicReference<String> say = new AtomicReference<>("up");
    Agent theirAgent = new Agent(say::get);
    Agent ourAgent = new Agent(say::get);
    Endpoint ae = new Endpoint(InetAddress.getLoopbackAddress(), ourAgent.port());
    String cfg = DEFAULTS + "backend agent_seq\n  server s 127.0.0.1:9 weight 40 agent-check agent-port "
        + theirAgent.port() + " agent-inter 100\n";
    Target target = Target.of(Endpoint.parse("127.0.0.1:9"), 40, AgentCheck.of(ae),
        CheckPolicy.haproxy().interval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1)).build());
    List<String> disagreements = new ArrayList<>();
    StringBuilder trace = new StringBuilder();
    try (RealHaproxy haproxy = new RealHaproxy(cfg); HealthChecker checker = HealthChecker.builder().build()) {
      checker.add(target);
      for (String step : List.of("up", "maint", "75%", "ready", "drain", "down # disk full", "up", "ready 50%",
          "stopped maint", "ready", "up", "drain 0%", "ready 100%")) {
        int theirsFrom = theirAgent.served();
        int oursFrom = ourAgent.served();
        say.set(step);
        long guard = System.nanoTime() + Await.HANG_GUARD.toNanos();
        while (!(theirAgent.actedOn(step, theirsFrom) && ourAgent.actedOn(step, oursFrom))
            && System.nanoTime() < guard) {
          Thread.sleep(10); // until each side has read this step's reply and acted on it
        }
        String[] row = haproxy.stat().get("agent_seq");
        TargetStatus ours = checker.status(target.key()).orElseThrow();
        trace.append(step).append(" -> haproxy ").append(row == null ? "?" : row[17] + " w=" + row[18])
            .append(", lbkit ").append(ours).append('\n');
        String theirs = row == null ? "?" : row[17];
        String expected = ours.admin() == AdminState.MAINT ? "MAINT" : !ours.up() ? "DOWN"
            : ours.admin() == AdminState.DRAIN ? "DRAIN" : "UP";
        boolean stateAgrees = theirs.startsWith(expected) || (expected.equals("UP") && theirs.equals("no check"));
        if (!stateAgrees) {
          disagreements.add(step + ": haproxy " + theirs + ", lbkit " + expected);
        }
        if (stateAgrees && expected.equals("UP") && Integer.parseInt(row[18]) != ours.weight()) {
          disagreements.add(step + ": haproxy weight " + row[18] + ", lbkit " + ours.weight());
        }
      }
    } finally {
      theirAgent.close();
      ourAgent.close();
    }
    assertTrue(disagreements.isEmpty(), String.join("\n", disagreements) + "\n" + trace);
  }

  /**
   * {@code server ... check agent-check}: an HTTP check judges health while an agent sets the admin state and the
   * weight. Real HAProxy and an lbkit target with the same check and {@link Target#withAgent} must show the same
   * state (UP, DOWN, DRAIN, MAINT) and, when up and ready, the same weight.
   */
  @Test
  void checkBesideAnAgent_judgeTogetherAsHaproxyDoes() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    http.createContext("/health", ex -> reply(ex, 200, "ready\n"));
    http.createContext("/maint", ex -> reply(ex, 503, "maintenance\n"));
    http.start();
    RefusingPort closed = new RefusingPort();
    Endpoint web = new Endpoint(InetAddress.getLoopbackAddress(), http.getAddress().getPort());
    // backend name, health path, agent reply (null: no agent listening)
    String[][] cases = {
        {"ok_maint", "/health", "maint"},
        {"bad_ready", "/maint", "ready"},
        {"ok_drain", "/health", "drain"},
        {"ok_half", "/health", "up 50%"},
        {"ok_noagent", "/health", null},
        {"bad_up_maint", "/maint", "maint 25%"},
    };
    List<Agent> agents = new ArrayList<>();
    List<Agent> ourAgents = new ArrayList<>(); // each side has its own, so that each side's reading is seen
    StringBuilder cfg = new StringBuilder(DEFAULTS);
    Map<String, Target> targets = new LinkedHashMap<>();
    for (String[] c : cases) {
      int theirPort = closed.port();
      int agentPort = closed.port();
      if (c[2] != null) {
        String reply = c[2];
        Agent theirs = new Agent(() -> reply);
        Agent ours = new Agent(() -> reply);
        agents.add(theirs);
        agents.add(ours);
        ourAgents.add(ours);
        theirPort = theirs.port();
        agentPort = ours.port();
      }
      cfg.append("backend ").append(c[0]).append("\n  option httpchk GET ").append(c[1])
          .append("\n  server s 127.0.0.1:").append(web.port()).append(" weight 100 check inter 100 rise 1 fall 1")
          .append(" agent-check agent-port ").append(theirPort).append(" agent-inter 100\n\n");
      targets.put(c[0], new Target(Optional.empty(), Endpoint.parse("127.0.0.1:" + (10_000 + targets.size())), 100,
          HttpCheck.builder(web).path(c[1]).statusCodes(StatusCodes.SUCCESS_OR_REDIRECT).build(),
          CheckPolicy.haproxy().interval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1)).rise(1).fall(1)
              .build()).withAgent(AgentCheck.of(new Endpoint(InetAddress.getLoopbackAddress(), agentPort)),
          Duration.ofMillis(100)));
    }
    List<String> disagreements = new ArrayList<>();
    StringBuilder trace = new StringBuilder();
    try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
        HealthChecker checker = HealthChecker.builder().build()) {
      targets.values().forEach(checker::add);
      // lbkit has judged every target by its check, and acted on every agent's reply (a refused agent, which
      // neither side counts against a server, is not seen: it runs beside the others, on the same interval)
      long guard = System.nanoTime() + Await.HANG_GUARD.toNanos();
      while (!(targets.values().stream().allMatch(t -> checker.status(t.key()).orElseThrow().lastResult().isPresent())
          && ourAgents.stream().allMatch(a -> a.served() >= 2)) && System.nanoTime() < guard) {
        Thread.sleep(10);
      }
      Map<String, String[]> stat = haproxy.awaitJudged(cases.length);
      for (String[] c : cases) {
        String[] row = stat.get(c[0]);
        TargetStatus ours = checker.status(targets.get(c[0]).key()).orElseThrow();
        String expected = ours.admin() == AdminState.MAINT ? "MAINT" : !ours.up() ? "DOWN"
            : ours.admin() == AdminState.DRAIN ? "DRAIN" : "UP";
        String theirs = row == null ? "?" : row[17];
        trace.append(c[0]).append(": haproxy ").append(theirs).append(" w=").append(row == null ? "?" : row[18])
            .append(", lbkit ").append(ours).append('\n');
        if (!theirs.startsWith(expected)) {
          disagreements.add(c[0] + ": haproxy " + theirs + ", lbkit " + expected);
        } else if (expected.equals("UP") && Integer.parseInt(row[18]) != ours.weight()) {
          disagreements.add(c[0] + ": haproxy weight " + row[18] + ", lbkit " + ours.weight());
        }
      }
    } finally {
      http.stop(0);
      closed.close();
      for (Agent a : agents) {
        a.close();
      }
    }
    assertTrue(disagreements.isEmpty(), String.join("\n", disagreements) + "\n" + trace);
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
