package dev.lbkit.scheduling.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against the real haproxy (Debian package, 2.6): one haproxy process with one frontend and
 * backend per scenario, loopback backends answering with their server name, real request sequences (with runtime
 * API changes and held requests), and lbkit replaying the same sequence must pick the same server every time for
 * every deterministic algorithm and hash type. {@code random} is compared by distribution.
 */
final class HaproxyDifferentialIT {
  private static final int SERVERS = 6;

  @TempDir
  static Path dir;
  static LoopbackBackends backends;
  static HaproxyProcess haproxy;
  static List<DifferentialScenarios.Scenario> scenarios;
  static Map<String, Integer> frontendPorts = new HashMap<>();
  /** Frontends listen on an address of their own in 127/8 so concurrent runs on one machine never share one. */
  static InetAddress frontendAddress;

  @BeforeAll
  static void startHaproxy() throws Exception {
    backends = new LoopbackBackends(SERVERS);
    scenarios = DifferentialScenarios.all();
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 3 && haproxy == null; attempt++) {
      try {
        haproxy = HaproxyProcess.start(dir.resolve("run" + attempt), configuration());
      } catch (IllegalStateException e) { // a port taken between probing and haproxy's bind: new ports
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (haproxy == null) {
      throw failure;
    }
  }

  private static String configuration() throws IOException {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom();
    frontendAddress = InetAddress.getByAddress(new byte[] {127, (byte) (1 + rnd.nextInt(250)),
        (byte) rnd.nextInt(256), 1});
    List<ServerSocket> probes = new ArrayList<>();
    try {
      for (int i = 0; i < scenarios.size(); i++) {
        probes.add(new ServerSocket(0, 1, frontendAddress));
      }
    } finally {
      for (ServerSocket p : probes) {
        p.close();
      }
    }
    StringBuilder cfg = new StringBuilder();
    cfg.append("defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
        + "    timeout queue 30s\n\n");
    for (int i = 0; i < scenarios.size(); i++) {
      DifferentialScenarios.Scenario s = scenarios.get(i);
      int port = probes.get(i).getLocalPort();
      frontendPorts.put(s.name, port);
      cfg.append("frontend fe").append(i).append("\n    mode ").append(s.mode)
          .append("\n    bind ").append(frontendAddress.getHostAddress()).append(':').append(port).append('\n');
      if (s.mode.equals("tcp")) {
        cfg.append("    tcp-request inspect-delay 5s\n    tcp-request content accept if RDP_COOKIE\n"
            + "    tcp-request content accept if { req.len ge 11 }\n");
      }
      cfg.append("    default_backend bk").append(i).append("\n\n");
      cfg.append("backend bk").append(i).append("\n    mode ").append(s.mode).append("\n    balance ")
          .append(s.balance).append('\n');
      if (s.hashType != null) {
        cfg.append("    hash-type ").append(s.hashType).append('\n');
      }
      for (String line : s.extra) {
        cfg.append("    ").append(line).append('\n');
      }
      for (Map<String, Object> srv : s.servers) {
        cfg.append("    server ").append(srv.get("name")).append(" 127.0.0.1:")
            .append(backends.port((Integer) srv.get("n"))).append(" weight ").append(srv.get("weight"));
        if (srv.containsKey("id")) {
          cfg.append(" id ").append(srv.get("id"));
        }
        if (srv.containsKey("maxconn")) {
          cfg.append(" maxconn ").append(srv.get("maxconn"));
        }
        if (Boolean.TRUE.equals(srv.get("backup"))) {
          cfg.append(" backup");
        }
        cfg.append('\n');
      }
      cfg.append('\n');
    }
    return cfg.toString();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (haproxy != null) {
        haproxy.close();
      }
    } finally {
      if (backends != null) {
        backends.close();
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> lbkitPicksAsTheRealHaproxy() throws IOException, InterruptedException {
    String version = HaproxyProcess.version();
    assertTrue(version.contains("version 2.6"), "expected haproxy 2.6 but found: " + version);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      DifferentialScenarios.Scenario s = scenarios.get(i);
      String backend = "bk" + i;
      tests.add(DynamicTest.dynamicTest(s.name + " [" + s.balance + (s.hashType == null ? "" : ", " + s.hashType)
          + "]", () -> {
            Map<String, Object> record = drive(s, backend);
            HaproxyTraceReplay.Result result = HaproxyTraceReplay.replay(record);
            if (s.deterministic) {
              assertEquals(0, result.mismatches(), () -> String.join("\n", result.problems()));
              assertTrue(result.problems().isEmpty(), () -> String.join("\n", result.problems()));
            } else {
              compareDistribution(record, result);
            }
          }));
    }
    return tests.stream();
  }

  /** Runs a scenario against haproxy and returns it as a trace record (FORMAT.md) with haproxy's picks. */
  private static Map<String, Object> drive(DifferentialScenarios.Scenario s, String backend) throws Exception {
    int port = frontendPorts.get(s.name);
    List<Object> requests = new ArrayList<>();
    List<Object> picks = new ArrayList<>();
    List<Object> events = new ArrayList<>();
    List<Object> inflightBefore = new ArrayList<>();
    Map<Integer, Socket> held = new HashMap<>();
    Map<String, Integer> inflight = new TreeMap<>();
    for (Map<String, Object> srv : s.servers) {
      inflight.put((String) srv.get("name"), 0);
    }
    try {
      for (Map<String, Object> step : s.steps) {
        switch ((String) step.get("kind")) {
          case "cli": {
            String command = (String) step.get("command");
            String response = haproxy.command(command.replace("bk/", backend + "/"));
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("before_request", (long) requests.size());
            ev.put("type", "cli");
            ev.put("command", command);
            ev.put("response", response);
            events.add(ev);
            break;
          }
          case "release": {
            int j = ((Long) step.get("request")).intValue();
            String token = s.name + "-h" + j;
            backends.release(token);
            Socket socket = held.remove(j);
            if (socket != null) { // null: haproxy had answered it itself (no server up)
              try (socket) {
                socket.getInputStream().readAllBytes();
              }
              inflight.merge((String) picks.get(j), -1, Integer::sum);
            }
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("before_request", (long) requests.size());
            ev.put("type", "release");
            ev.put("request", (long) j);
            events.add(ev);
            break;
          }
          default: {
            Map<String, Object> req = new LinkedHashMap<>(step);
            req.remove("kind");
            int index = requests.size();
            if (s.tracksInflight()) {
              awaitSessions(backend, inflight);
              inflightBefore.add(new LinkedHashMap<String, Object>(inflight));
            }
            if (Boolean.TRUE.equals(req.get("hold"))) {
              String token = s.name + "-h" + index;
              Socket socket = open((String) req.get("src"), port);
              send(socket, req, token);
              String server = awaitHeld(socket, token);
              if (server != null) {
                held.put(index, socket);
                inflight.merge(server, 1, Integer::sum);
              } else {
                socket.close();
              }
              picks.add(server);
            } else {
              try (Socket socket = open((String) req.get("src"), port)) {
                send(socket, req, null);
                picks.add(answer(socket.getInputStream().readAllBytes(), s.mode));
              }
            }
            requests.add(req);
          }
        }
      }
    } finally {
      for (Map.Entry<Integer, Socket> e : held.entrySet()) {
        backends.release(s.name + "-h" + e.getKey());
        e.getValue().close();
      }
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("scenario", s.name);
    record.put("balance", s.balance);
    record.put("mode", s.mode);
    record.put("hash_type_line", s.hashType == null ? null : "hash-type " + s.hashType);
    record.put("deterministic", s.deterministic);
    record.put("backend_config", String.join("\n", s.extra));
    List<Object> servers = new ArrayList<>();
    int auto = 1;
    for (Map<String, Object> srv : s.servers) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", srv.get("name"));
      r.put("id", srv.containsKey("id") ? (long) (Integer) srv.get("id") : (long) auto);
      auto++;
      r.put("weight", srv.get("weight"));
      r.put("address", "127.0.0.1:" + backends.port((Integer) srv.get("n")));
      if (srv.containsKey("maxconn")) {
        r.put("maxconn", (long) (Integer) srv.get("maxconn"));
      }
      if (Boolean.TRUE.equals(srv.get("backup"))) {
        r.put("backup", true);
      }
      servers.add(r);
    }
    record.put("servers", servers);
    record.put("requests", requests);
    record.put("picks", picks);
    record.put("events", events);
    if (s.tracksInflight()) {
      record.put("inflight_before", inflightBefore);
    }
    return record;
  }

  /** Waits until haproxy's scur per server equals what the driver holds open (a closed request may lag a bit). */
  private static void awaitSessions(String backend, Map<String, Integer> expected) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    Map<String, Integer> actual;
    do {
      actual = haproxy.currentSessions(backend);
      if (actual.equals(expected)) {
        return;
      }
      Thread.sleep(1);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("haproxy's sessions " + actual + " never matched the driver's " + expected);
  }

  /**
   * Waits until a held request reaches a backend (its name) or haproxy answers it itself because no server is up
   * (null). A request haproxy queues does neither: the scenarios avoid that.
   */
  private static String awaitHeld(Socket socket, String token) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    socket.setSoTimeout(5);
    try {
      while (System.nanoTime() < deadline) {
        String server = backends.arrival(token, 5);
        if (server != null) {
          return server;
        }
        try {
          int b = socket.getInputStream().read();
          socket.setSoTimeout(30_000);
          String answer = (b < 0 ? "" : (char) b) + new String(socket.getInputStream().readAllBytes(),
              StandardCharsets.ISO_8859_1);
          if (answer.startsWith("HTTP/1.1 503")) {
            return null;
          }
          throw new AssertionError("held request " + token + " was answered without a backend: " + answer);
        } catch (java.net.SocketTimeoutException e) {
          // neither yet
        }
      }
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(30_000);
      }
    }
    throw new AssertionError("held request " + token + " neither reached a backend nor was answered in 10 s");
  }

  private static Socket open(String src, int port) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(30_000);
    socket.bind(new InetSocketAddress(InetAddress.getByName(src), 0));
    socket.connect(new InetSocketAddress(frontendAddress, port), 5_000);
    return socket;
  }

  @SuppressWarnings("unchecked")
  private static void send(Socket socket, Map<String, Object> req, String holdToken) throws IOException {
    OutputStream out = socket.getOutputStream();
    if (req.containsKey("payload_hex")) {
      out.write(HexFormat.of().parseHex((String) req.get("payload_hex")));
      out.flush();
      return;
    }
    StringBuilder b = new StringBuilder();
    b.append(req.get("method")).append(' ').append(req.get("uri")).append(' ').append(req.get("version"))
        .append("\r\n");
    for (Object h : (List<Object>) req.get("headers")) {
      List<Object> pair = (List<Object>) h;
      b.append(pair.get(0)).append(": ").append(pair.get(1)).append("\r\n");
    }
    if (holdToken != null) {
      b.append("X-Hold: ").append(holdToken).append("\r\n");
    }
    b.append("\r\n");
    if (req.get("body") != null) {
      b.append(req.get("body"));
    }
    out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String answer(byte[] bytes, String mode) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (mode.equals("tcp")) {
      return text.isEmpty() ? null : text;
    }
    if (!text.startsWith("HTTP/1.1 200")) {
      return null;
    }
    return text.substring(text.indexOf("\r\n\r\n") + 4);
  }

  private static void compareDistribution(Map<String, Object> record, HaproxyTraceReplay.Result result) {
    Map<String, Integer> theirs = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    for (Object p : (List<?>) record.get("picks")) {
      theirs.merge(String.valueOf(p), 1, Integer::sum);
    }
    for (String p : result.picks()) {
      ours.merge(String.valueOf(p), 1, Integer::sum);
    }
    int n = result.requests();
    for (String name : theirs.keySet()) {
      double a = ours.getOrDefault(name, 0) / (double) n;
      double b = theirs.get(name) / (double) n;
      double sd = Math.sqrt(2 * Math.max(b, 1.0 / n) * (1 - b) / n);
      assertTrue(Math.abs(a - b) <= 5 * sd + 0.01, name + ": lbkit share " + a + ", haproxy share " + b);
    }
    assertTrue(ours.keySet().stream().allMatch(theirs::containsKey), "lbkit picked " + ours.keySet()
        + " but haproxy only " + theirs.keySet());
  }

}
