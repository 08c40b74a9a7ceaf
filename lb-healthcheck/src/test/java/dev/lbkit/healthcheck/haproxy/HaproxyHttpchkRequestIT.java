package dev.lbkit.healthcheck.haproxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.http.HttpCheck;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code option httpchk} with methods, URIs, versions, headers and a body, in the pre-2.2 form (arguments of
 * {@code option httpchk}, headers hidden in the version) and in the 2.2+ form ({@code http-check send}): the request
 * a real HAProxy 2.6 sends and the one {@link HttpCheck#haproxy} sends are captured on loopback servers and must be
 * the same bytes, and both must judge the answer alike.
 */
final class HaproxyHttpchkRequestIT {

  private static final String DEFAULTS = "defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n"
      + "  timeout server 5s\n  timeout check 2s\n\n";

  /** A backend name, HAProxy's lines, and the same check written for lbkit. */
  private record Case(String name, String haproxy, UnaryOperator<HttpCheck.Builder> lbkit) {}

  /** 503 for /down, 302 for /moved, else 200 with a small body (none for HEAD). */
  private static String reply(String requestLine) {
    if (requestLine.contains(" /down")) {
      return "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
    }
    if (requestLine.contains(" /moved")) {
      return "HTTP/1.0 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n";
    }
    return "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n" + (requestLine.startsWith("HEAD ") ? "" : "ok\n");
  }

  @Test
  void requestBytesAndVerdicts_areHaproxys() throws Exception {
    List<Case> cases = List.of(
        new Case("default", "option httpchk", b -> b),
        new Case("get11_host", "option httpchk GET /x HTTP/1.1\n  http-check send hdr Host www.example.com",
            b -> b.method("GET").path("/x").version("HTTP/1.1").virtualHost("www.example.com")),
        new Case("head", "option httpchk HEAD /health", b -> b.method("HEAD").path("/health")),
        new Case("send_form", "option httpchk\n  http-check send meth GET uri /y ver HTTP/1.1 hdr Host example.org"
            + " hdr X-Probe 1", b -> b.method("GET").path("/y").version("HTTP/1.1").virtualHost("example.org")
            .header("X-Probe", "1")),
        new Case("legacy_header", "option httpchk GET /z HTTP/1.1\\r\\nHost:\\ www.example.com",
            b -> b.method("GET").path("/z").version("HTTP/1.1").virtualHost("www.example.com")),
        new Case("post_body", "option httpchk POST /p HTTP/1.1\n  http-check send hdr Host h body \"ping\"",
            b -> b.method("POST").path("/p").version("HTTP/1.1").virtualHost("h").body("ping")),
        new Case("get10_host", "option httpchk GET /q\n  http-check send hdr Host h",
            b -> b.method("GET").path("/q").virtualHost("h")),
        new Case("uri_query", "option httpchk GET /status?full=1&x=%20", b -> b.method("GET")
            .path("/status?full=1&x=%20")),
        new Case("moved_default", "option httpchk GET /moved", b -> b.method("GET").path("/moved")),
        new Case("down_default", "option httpchk GET /down", b -> b.method("GET").path("/down")),
        new Case("down_head11", "option httpchk HEAD /down HTTP/1.1\n  http-check send hdr Host h",
            b -> b.method("HEAD").path("/down").version("HTTP/1.1").virtualHost("h")));
    List<CapturingBackend> theirs = new ArrayList<>();
    List<CapturingBackend> ours = new ArrayList<>();
    StringBuilder cfg = new StringBuilder(DEFAULTS);
    try {
      for (Case c : cases) {
        CapturingBackend t = new CapturingBackend(HaproxyHttpchkRequestIT::reply);
        theirs.add(t);
        ours.add(new CapturingBackend(HaproxyHttpchkRequestIT::reply));
        cfg.append("backend ").append(c.name()).append("\n  ").append(c.haproxy()).append("\n  server s 127.0.0.1:")
            .append(t.port()).append(" check inter 200 rise 1 fall 1\n\n");
      }
      List<String> differences = new ArrayList<>();
      StringBuilder trace = new StringBuilder();
      try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
          HealthChecker checker = HealthChecker.builder().build()) {
        Map<String, String[]> stat = Map.of();
        // settle: every backend was checked at least twice (rise 1 fall 1: the second verdict is the state)
        for (int i = 0; i < 100 && (stat.size() < cases.size() || theirs.stream()
            .anyMatch(t -> t.requests().size() < 2)); i++) {
          Thread.sleep(100);
          stat = haproxy.stat();
        }
        for (int i = 0; i < cases.size(); i++) {
          Case c = cases.get(i);
          HttpCheck check = c.lbkit().apply(HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(),
              ours.get(i).port()))).build();
          CheckResult result = Await.result(checker.checkOnce(check, Duration.ofSeconds(2)));
          String[] row = stat.get(c.name());
          List<byte[]> got = theirs.get(i).requests();
          List<byte[]> sent = ours.get(i).requests();
          String h = got.isEmpty() ? "(nothing)" : show(got.get(0));
          String l = sent.isEmpty() ? "(nothing)" : show(sent.get(0));
          String status = row == null ? "?" : row[RealHaproxy.STATUS];
          trace.append(c.name()).append(": haproxy ").append(status).append(' ').append(h).append("\n    lbkit ")
              .append(result).append(' ').append(l).append('\n');
          if (got.isEmpty() || sent.isEmpty()) {
            differences.add(c.name() + ": a request is missing: haproxy " + h + ", lbkit " + l);
          } else if (!h.equals(l)) {
            differences.add(c.name() + " request: haproxy " + h + ", lbkit " + l);
          }
          if (status.startsWith("UP") != result.isUp()) {
            differences.add(c.name() + " verdict: haproxy " + status + ", lbkit " + result);
          }
        }
      }
      System.out.print(trace);
      assertTrue(differences.isEmpty(), String.join("\n", differences) + "\n\n" + trace + "\n" + cfg);
    } finally {
      for (CapturingBackend b : theirs) {
        b.close();
      }
      for (CapturingBackend b : ours) {
        b.close();
      }
    }
  }

  private static String show(byte[] request) {
    return "'" + new String(request, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n") + "'";
  }
}
