package dev.lbkit.healthcheck.haproxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.RefusingPort;
import dev.lbkit.healthcheck.http.HttpCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile backends checked by a real HAProxy 2.6 ({@code option httpchk}, {@code timeout check 1s}) and by lbkit's
 * {@link HttpCheck#haproxy} with a 1 s deadline: a server that accepts and never answers, one that answers a byte a
 * second, one that sends headers without end, one that sends no HTTP, ones that close in the middle of the status
 * line, the headers or the body (with and without a body rule), ones that reset the connection, a 503 and a closed
 * port. Both must reach the same verdict, and HAProxy's reason class
 * ({@code show stat} check_status) must correspond to lbkit's {@link DownReason} as {@link #SAME_CLASS} says.
 */
final class HaproxyHostileBackendsIT {
  /** lbkit's reasons that name the same failure as each HAProxy check_status. */
  static final Map<String, Set<DownReason>> SAME_CLASS = Map.of(
      "L4CON", EnumSet.of(DownReason.REFUSED, DownReason.UNREACHABLE, DownReason.RESET),
      "L4TOUT", EnumSet.of(DownReason.TIMEOUT),
      "L7TOUT", EnumSet.of(DownReason.TIMEOUT),
      "L7RSP", EnumSet.of(DownReason.PROTOCOL_ERROR, DownReason.CLOSED, DownReason.RESET, DownReason.TOO_LARGE),
      "L7STS", EnumSet.of(DownReason.BAD_STATUS),
      "SOCKERR", EnumSet.of(DownReason.RESET, DownReason.IO_ERROR, DownReason.CLOSED));

  private interface Behaviour {
    void serve(Socket s) throws IOException, InterruptedException;
  }

  private static void hold(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // keep the connection open until the checker hangs up
    }
  }

  /** A loopback server running {@code behaviour} on a thread per connection. */
  private static ServerSocket serve(Behaviour behaviour) throws IOException {
    ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> {
            try (s) {
              s.setSoTimeout(10_000);
              behaviour.serve(s);
            } catch (IOException | InterruptedException e) {
              // the checker hung up, as it should
            }
          }, "hostile-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "hostile-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  private record Case(String name, Behaviour behaviour, String bodyRule) {}

  @Test
  void hostileBackends_sameVerdictAndReasonClass() throws Exception {
    byte[] ok = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    List<Case> cases = List.of(
        new Case("silent", s -> hold(s.getInputStream()), null),
        new Case("one_byte_a_second", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          for (byte b : ok) {
            out.write(b);
            out.flush();
            Thread.sleep(1000);
          }
        }, null),
        new Case("endless_headers", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
          byte[] header = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII);
          for (int sent = 0; sent < 256 * 1024; sent += header.length) {
            out.write(header);
          }
          out.flush();
          hold(s.getInputStream());
        }, null),
        new Case("close_mid_status", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.0 200 O".getBytes(StandardCharsets.US_ASCII));
        }, null),
        new Case("close_mid_headers", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n".getBytes(StandardCharsets.US_ASCII));
        }, null),
        new Case("close_mid_body", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\nabc"
              .getBytes(StandardCharsets.US_ASCII));
        }, null),
        new Case("close_mid_body_rule", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\nabc"
              .getBytes(StandardCharsets.US_ASCII));
        }, "string abc"),
        new Case("close_mid_body_missing", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\nabc"
              .getBytes(StandardCharsets.US_ASCII));
        }, "string zzz"),
        new Case("garbage_status_line", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("FOO BAR BAZ\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }, null),
        new Case("reset_after_request", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.setSoLinger(true, 0); // close sends RST
        }, null),
        new Case("reset_at_once", s -> s.setSoLinger(true, 0), null),
        new Case("status_503", s -> {
          ScriptedBackend.readHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.0 503 No\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }, null));
    List<ServerSocket> servers = new ArrayList<>();
    RefusingPort closed = new RefusingPort();
    List<Integer> ports = new ArrayList<>();
    StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n"
        + "  timeout server 5s\n  timeout check 1s\n\n");
    try {
      for (Case c : cases) {
        ServerSocket s = serve(c.behaviour());
        servers.add(s);
        ports.add(s.getLocalPort());
      }
      List<String> names = new ArrayList<>();
      cases.forEach(c -> names.add(c.name()));
      names.add("closed_port");
      ports.add(closed.port());
      for (int i = 0; i < names.size(); i++) {
        String rule = i < cases.size() && cases.get(i).bodyRule() != null
            ? "\n  http-check expect " + cases.get(i).bodyRule() : "";
        cfg.append("backend ").append(names.get(i)).append("\n  option httpchk GET /").append(rule)
            .append("\n  server s 127.0.0.1:").append(ports.get(i)).append(" check inter 300 rise 1 fall 1\n\n");
      }
      List<String> differences = new ArrayList<>();
      StringBuilder trace = new StringBuilder();
      try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
          HealthChecker checker = HealthChecker.builder().build()) {
        Map<String, String[]> stat = Map.of();
        for (int i = 0; i < 100 && (i < 35 || stat.size() < names.size() || stat.values().stream()
            .anyMatch(r -> r[RealHaproxy.CHECK_STATUS].contains("INI"))); i++) {
          Thread.sleep(100); // at least 3.5 s: every server judged at least twice, timeouts included
          stat = haproxy.stat();
        }
        for (int i = 0; i < names.size(); i++) {
          HttpCheck.Builder b = HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(), ports.get(i)))
              .method("GET").path("/");
          if (i < cases.size() && cases.get(i).bodyRule() != null) {
            b.expect(cases.get(i).bodyRule());
          }
          CheckResult ours = Await.result(checker.checkOnce(b.build(), Duration.ofSeconds(1)));
          String[] row = stat.get(names.get(i));
          String status = row == null ? "?" : row[RealHaproxy.STATUS];
          String why = row == null ? "?" : row[RealHaproxy.CHECK_STATUS].replace("* ", "");
          trace.append(String.format(java.util.Locale.ROOT, "%-20s haproxy %-5s %-7s lbkit %s%n", names.get(i),
              status, why, ours));
          if (status.startsWith("UP") != ours.isUp()) {
            differences.add(names.get(i) + ": haproxy " + status + " (" + why + "), lbkit " + ours);
          } else if (ours instanceof CheckResult.Down down
              && !SAME_CLASS.getOrDefault(why, Set.of()).contains(down.reason())) {
            differences.add(names.get(i) + ": haproxy " + why + ", lbkit " + down.reason());
          }
        }
      }
      System.out.print(trace);
      assertTrue(differences.isEmpty(), String.join("\n", differences) + "\n\n" + trace);
    } finally {
      closed.close();
      for (ServerSocket s : servers) {
        s.close();
      }
    }
  }
}
