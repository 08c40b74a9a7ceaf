package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.RealServer;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * When keepalived 2.2.7 runs its checkers and what weights its MISC_CHECKs leave, against lbkit's {@code lbkit run}
 * path ({@link KeepalivedDirector}) for the same keepalived.conf: real keepalived in the kernel lab VM (its checker
 * process needs IPVS; see lab/kernel/run) and lbkit on the host each check TCP listeners that record when every
 * connection came; each side is launched, reloaded with the same file after {@value #RELOAD_AT} s and read after
 * {@value #SECONDS} s, and the same rules must hold on both sides:
 * <ul>
 *   <li>no checker runs before one second after the launch (keepalived's fixed start delay), and checkers with
 *       {@code warmup 0} run soon after it;
 *   <li>two checkers of one real server with {@code delay_loop 1} and {@code delay_loop 5} each keep their own
 *       schedule (keepalived re-arms each checker thread with its own delay loop): the first connects at least three
 *       times as often as the second, which still connects;
 *   <li>without {@code warmup}, a checker's first check waits a random time up to its delay loop (30 s here, so of
 *       eight such checkers some start late: at least two more than 4 s after the start);
 *   <li>{@code warmup 0} on their real server, eight checkers all start at once (within 3 s);
 *   <li>a reload starts every checker afresh: a {@code delay_loop 30} checker, checked once after the launch,
 *       is checked again one to three seconds after the reload, long before its old schedule said;
 *   <li>several {@code misc_dynamic} MISC_CHECKs of one real server add up: each moves the weight by the difference
 *       between its weight (exit status minus 2) and the configured one, the sum kept at 0 or more; an exit 0 after
 *       a weight takes the server back to its configured weight. The IPVS weights must be equal just before the
 *       reload, and after it for the servers whose dynamic checkers did not end on exit 0 (keepalived 2.2.7's
 *       reload recomputes those differently; the test prints both sides for that server);
 *   <li>the table the verdicts leave is the same: a failed server with {@code inhibit_on_failure} stays at weight 0,
 *       one without it leaves; with {@code alpha} a server enters only on its first pass; a virtual server whose
 *       live weight is under its {@code quorum} serves from its {@code sorry_server} alone;
 *   <li>HTTP_GET verdicts on one web server: default status codes, {@code status_code} codes and ranges, the MD5
 *       {@code digest} of the body, {@code virtualhost} of the checker and of a url;
 *   <li>HTTP_GET with several urls ({@link #ROUND}): one url per delay loop, up only after a whole round, a failing
 *       url retried after {@code delay_before_retry} and then asked every delay loop, no retry in the first round
 *       after a pass: the same urls in the same order at the same spacing (within 0.5 s) on both sides until the
 *       reload.
 * </ul>
 */
final class KeepalivedCheckerTimingLabIT {
  private static final int SECONDS = 22;
  private static final int RELOAD_AT = 12;
  private static final int LATE_ONES = 8;
  /** Ports: 0 and 1 the delay_loop 1 and 5 checkers, then the late ones, the prompt ones, the reload probe. */
  private static final int RELOAD_PROBE = 2 + 2 * LATE_ONES;
  private static final String VS = "10.10.10.1:80";
  /** MISC_CHECK real servers: address, configured weight, the exit statuses of its checkers (d: dynamic). */
  private static final String[][] MISC = {
      {"127.0.2.1", "3", "d12", "d7"}, // 3 + 7 + 2 = 12
      {"127.0.2.2", "5", "d2", "d4"}, // 5 - 5 - 3 < 0: weight 0, kept
      {"127.0.2.3", "3", "d12", "0"}, // a plain checker changes nothing: 10
      {"127.0.2.4", "3", "donce"}, // 12 once (10), then 0: back to 3
  };
  /** Ports that listen (OPEN) and one nobody listens on (closed in the VM too), for the table cases below. */
  private static final int OPEN_ALPHA = RELOAD_PROBE + 1;
  private static final int OPEN_QUORUM = RELOAD_PROBE + 2;
  /**
   * Real servers whose place in the table the checker's verdict and the pool's rules decide: address, weight, options,
   * and whether its TCP_CHECK reaches an open port. A second virtual server holds the quorum cases.
   */
  private static final String[][] TABLE = {
      {"127.0.3.1", "2", "inhibit_on_failure", "closed"}, // kept at weight 0
      {"127.0.3.2", "2", "", "closed"}, // removed
      {"127.0.3.3", "2", "alpha", "open"}, // starts out of the table, added on its first pass
      {"127.0.3.4", "2", "alpha", "closed"}, // never added
  };

  /**
   * HTTP_GET real servers against one web server (the same on both sides: {@link #WEB}): address, then the
   * checker's lines. Which stay is up to keepalived; lbkit must agree.
   */
  private static final String[][] HTTP = {
      {"127.0.6.1", "url {\n path /ok\n }"},
      {"127.0.6.2", "url {\n path /maint\n }"},
      {"127.0.6.3", "url {\n path /maint\n status_code 503\n }"},
      {"127.0.6.4", "url {\n path /maint\n status_code 500-599\n }"},
      {"127.0.6.5", "url {\n path /moved\n }"},
      {"127.0.6.6", "url {\n path /ok\n digest " + md5("hello\n") + "\n }"},
      {"127.0.6.7", "url {\n path /ok\n digest " + md5("hullo\n") + "\n }"},
      {"127.0.6.8", "virtualhost www.lab\n url {\n path /vhost\n }"},
      {"127.0.6.9", "url {\n path /vhost\n }"},
      // one url per delay loop (30 s): /maint is not asked before the table is read, so the server stays
      {"127.0.6.10", "url {\n path /ok\n }\n url {\n path /maint\n }"},
      {"127.0.6.11", "url {\n path /vhost\n virtualhost www.lab\n }"},
  };
  /**
   * HTTP_GET real servers with several urls on their own short schedule ({@code delay_loop 2}, {@code retry 1},
   * {@code delay_before_retry 1}), whose every request both web servers log: address, then the urls. A url ending
   * in {@code /a} always answers 200, {@code /late} 200 the first time and 503 after, {@code /fail} always 503. So
   * r1 passes a whole round, then its /late url fails, is retried a second later, fails again (down) and is then
   * asked every delay loop; r2's /fail fails in its first round right after /a passed: down at once, no retry.
   * keepalived and lbkit must ask the same urls in the same order at the same spacing in the first
   * {@value #ROUND_WINDOW} s after each server's first request (all before the reload, which comes about 11 s after
   * the first request: keepalived starts its checks up to a second later than lbkit under the VM's emulation).
   */
  private static final double ROUND_WINDOW = 9.5;
  private static final String[][] ROUND = {
      {"127.0.7.1", "/r1/a", "/r1/late"},
      {"127.0.7.2", "/r2/a", "/r2/fail"},
  };

  /** The web server's answers, path to status and body; /vhost answers 200 only to Host www.lab, else 404. */
  private static final Map<String, Object[]> WEB = Map.of("/ok", new Object[] {200, "hello\n"},
      "/maint", new Object[] {503, "maintenance\n"}, "/moved", new Object[] {301, "moved\n"},
      "/vhost", new Object[] {200, "vhost\n"});

  private static String md5(String body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The real server whose dynamic checker ends on exit 0: its weight after the reload is only printed. */
  private static final String RELOAD_QUIRK = "127.0.2.4:80";

  /** A {@link #ROUND} url's status on its {@code n}th request (1 the first). */
  static int roundStatus(String path, int n) {
    return path.endsWith("/a") || (path.endsWith("/late") && n == 1) ? 200 : 503;
  }

  /** Listeners on free loopback ports recording when each connection came, in seconds on one clock. */
  private static final class Listeners implements AutoCloseable {
    final List<ServerSocket> sockets = new ArrayList<>();
    final List<String> lines = new ArrayList<>();
    final long origin = System.nanoTime();
    final int closedPort;
    final HttpServer web;
    final Map<String, Integer> asked = new HashMap<>();

    Listeners(int count) throws IOException {
      web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      web.createContext("/", exchange -> {
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/r")) {
          note("web " + path + " " + now());
          int n;
          synchronized (asked) {
            n = asked.merge(path, 1, Integer::sum);
          }
          exchange.sendResponseHeaders(roundStatus(path, n), -1);
          exchange.close();
          return;
        }
        Object[] answer = WEB.getOrDefault(exchange.getRequestURI().getPath(), new Object[] {404, "none\n"});
        int status = (Integer) answer[0];
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (exchange.getRequestURI().getPath().equals("/vhost") && (host == null || !host.startsWith("www.lab"))) {
          status = 404;
        }
        byte[] body = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
        if (status == 301) {
          exchange.getResponseHeaders().add("Location", "/ok");
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      web.start();
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort(); // closed again at once; the VM listens only on the others
      }
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        sockets.add(s);
        Thread t = new Thread(() -> {
          while (!s.isClosed()) {
            try {
              Socket c = s.accept();
              note(s.getLocalPort() + " " + now());
              c.close();
            } catch (IOException e) {
              // closed by the test
            }
          }
        }, "timing-listener");
        t.setDaemon(true);
        t.start();
      }
    }

    String now() {
      return String.format(Locale.ROOT, "%.3f", (System.nanoTime() - origin) / 1e9);
    }

    void note(String line) {
      synchronized (lines) {
        lines.add(line);
      }
    }

    int port(int i) {
      return sockets.get(i).getLocalPort();
    }

    @Override
    public void close() throws IOException {
      web.stop(0);
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static String tcpCheck(int port, String extra) {
    return "    TCP_CHECK {\n      connect_ip 127.0.0.1\n      connect_port " + port + "\n      connect_timeout 1\n"
        + extra + "    }\n";
  }

  private static String conf(Listeners l, Path dir) {
    StringBuilder b = new StringBuilder("global_defs {\n  router_id lbkit_lab\n}\n"
        + "virtual_server 10.10.10.1 80 {\n  delay_loop 30\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n"
        + "  real_server 127.0.0.1 80 {\n" + tcpCheck(l.port(0), "      delay_loop 1\n      warmup 0\n")
        + tcpCheck(l.port(1), "      delay_loop 5\n      warmup 0\n") + "  }\n");
    for (int i = 0; i < LATE_ONES; i++) {
      b.append("  real_server 127.0.0.").append(2 + i).append(" 80 {\n").append(tcpCheck(l.port(2 + i), ""))
          .append("  }\n");
    }
    for (int i = 0; i < LATE_ONES; i++) {
      b.append("  real_server 127.0.1.").append(1 + i).append(" 80 {\n    warmup 0\n")
          .append(tcpCheck(l.port(2 + LATE_ONES + i), "")).append("  }\n");
    }
    b.append("  real_server 127.0.0.").append(2 + LATE_ONES).append(" 80 {\n")
        .append(tcpCheck(l.port(RELOAD_PROBE), "      warmup 0\n      retry 0\n")).append("  }\n");
    int closed = l.closedPort;
    for (String[] rs : TABLE) {
      b.append("  real_server ").append(rs[0]).append(" 80 {\n    weight ").append(rs[1]).append("\n    ")
          .append(rs[2]).append("\n    warmup 0\n")
          .append(tcpCheck(rs[3].equals("open") ? l.port(OPEN_ALPHA) : closed, "      retry 0\n")).append("  }\n");
    }
    for (String[] rs : HTTP) {
      b.append("  real_server ").append(rs[0]).append(" 80 {\n    warmup 0\n    HTTP_GET {\n      connect_ip 127.0.0.1\n"
          + "      connect_port ").append(l.web.getAddress().getPort()).append("\n      connect_timeout 2\n"
          + "      retry 0\n").append(rs[1]).append("\n    }\n  }\n");
    }
    for (String[] rs : ROUND) {
      b.append("  real_server ").append(rs[0]).append(" 80 {\n    warmup 0\n    HTTP_GET {\n      connect_ip 127.0.0.1\n"
          + "      connect_port ").append(l.web.getAddress().getPort()).append("\n      connect_timeout 2\n"
          + "      delay_loop 2\n      retry 1\n      delay_before_retry 1\n");
      for (int i = 1; i < rs.length; i++) {
        b.append("      url {\n        path ").append(rs[i]).append("\n      }\n");
      }
      b.append("    }\n  }\n");
    }
    for (String[] rs : MISC) {
      b.append("  real_server ").append(rs[0]).append(" 80 {\n    weight ").append(rs[1]).append("\n    warmup 0\n");
      for (int i = 2; i < rs.length; i++) {
        boolean dynamic = rs[i].startsWith("d");
        b.append("    MISC_CHECK {\n      misc_path \"").append(dir.resolve("exit.sh")).append(' ')
            .append(dynamic ? rs[i].substring(1) : rs[i]).append("\"\n      misc_timeout 15\n      delay_loop 2\n")
            .append(dynamic ? "      misc_dynamic\n" : "").append("    }\n");
      }
      b.append("  }\n");
    }
    // quorum 3 with one live server of weight 1: the quorum is lost and the sorry server serves
    b.append("}\nvirtual_server 10.10.10.2 80 {\n  delay_loop 30\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n"
        + "  quorum 3\n  sorry_server 127.0.9.9 80\n");
    b.append("  real_server 127.0.4.1 80 {\n    weight 1\n    warmup 0\n")
        .append(tcpCheck(l.port(OPEN_QUORUM), "      retry 0\n")).append("  }\n");
    b.append("  real_server 127.0.4.2 80 {\n    weight 1\n    warmup 0\n").append(tcpCheck(closed, "      retry 0\n"))
        .append("  }\n");
    return b.append("}\n").toString();
  }

  /** The rules above on one side's connection log ("PORT SECONDS", "launch T", "reload T" lines). */
  private static String judge(String side, List<String> lines, Listeners l) {
    Map<Integer, List<Double>> at = new HashMap<>();
    Map<String, Double> events = new HashMap<>();
    for (String line : lines) {
      String[] w = line.strip().split(" ");
      if (w.length == 2 && w[0].matches("\\d+")) {
        at.computeIfAbsent(Integer.parseInt(w[0]), k -> new ArrayList<>()).add(Double.parseDouble(w[1]));
      } else if (w.length == 2) {
        events.put(w[0], Double.parseDouble(w[1]));
      }
    }
    assertTrue(events.containsKey("launch") && events.containsKey("reload"), side + ": no launch or reload time");
    double launch = events.get("launch");
    double reload = events.get("reload");
    List<Double> fast = at.getOrDefault(l.port(0), List.of());
    assertTrue(!fast.isEmpty(), side + ": the delay_loop 1 checker never connected: " + lines);
    double start = fast.get(0);
    double end = start + SECONDS - 4;
    long nFast = fast.stream().filter(t -> t <= end).count();
    long nSlow = at.getOrDefault(l.port(1), List.of()).stream().filter(t -> t <= end).count();
    List<Double> late = new ArrayList<>();
    List<Double> prompt = new ArrayList<>();
    double firstOfAll = Double.MAX_VALUE;
    for (List<Double> times : at.values()) {
      firstOfAll = Math.min(firstOfAll, times.get(0));
    }
    for (int i = 0; i < LATE_ONES; i++) {
      late.add(at.getOrDefault(l.port(2 + i), List.of(Double.MAX_VALUE)).get(0) - start);
      prompt.add(at.getOrDefault(l.port(2 + LATE_ONES + i), List.of(Double.MAX_VALUE)).get(0) - launch);
    }
    List<Double> probe = at.getOrDefault(l.port(RELOAD_PROBE), List.of()).stream().map(t -> t - launch).toList();
    String summary = side + ": first check " + fmt(firstOfAll - launch) + " s after the launch; in " + (SECONDS - 4)
        + " s delay_loop 1 connected " + nFast + " times, delay_loop 5 " + nSlow + " times; first checks without"
        + " warmup at " + fmt(late) + " s after the first, with warmup 0 at " + fmt(prompt) + " s after the launch;"
        + " the delay_loop 30 checker at " + fmt(probe) + " s, the reload at " + fmt(reload - launch) + " s";
    // /proc/uptime, keepalived's launch clock, has 10 ms steps: allow them
    assertTrue(firstOfAll - launch >= 0.99, "nothing before the one-second start delay? " + summary);
    assertTrue(prompt.stream().allMatch(t -> t >= 0.99 && t <= 4.5), "warmup 0: one second after the launch? "
        + summary);
    assertTrue(nSlow >= 2 && nFast >= 3 * nSlow, "each checker on its own delay loop? " + summary);
    assertTrue(late.stream().filter(t -> t > 4).count() >= 2, "default warmup (up to the delay loop)? " + summary);
    assertTrue(prompt.stream().allMatch(t -> t - (start - launch) <= 3), "warmup 0 starts at once? " + summary);
    double sinceReload = reload - launch;
    assertTrue(!probe.isEmpty() && probe.get(0) >= 0.99 && probe.get(0) < sinceReload
        && probe.stream().filter(t -> t < sinceReload).count() == 1, "the delay_loop 30 checker once before? "
        + summary);
    assertTrue(probe.stream().anyMatch(t -> t >= sinceReload + 0.99 && t <= sinceReload + 3.5),
        "a reload starts every checker afresh (next check 1 s after it)? " + summary);
    return summary;
  }

  private static String fmt(double t) {
    return String.format(Locale.ROOT, "%.2f", t);
  }

  private static String fmt(List<Double> times) {
    return times.stream().sorted().map(t -> t > 1e9 ? "never" : String.format(Locale.ROOT, "%.1f", t))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** The MISC_CHECK real servers' weights in an in-memory table ("removed" when absent). */
  private static Map<String, String> weights(Map<?, LoadBalancedService> table) {
    Map<String, Integer> found = new HashMap<>();
    for (LoadBalancedService s : table.values()) {
      for (RealServer r : s.realServers()) {
        found.put(r.endpoint().toString(), r.weight());
      }
    }
    return miscWeights(found);
  }

  /** The MISC_CHECK real servers' weights in {@code ipvsadm -Ln} output ("removed" when absent). */
  private static Map<String, String> weights(String ipvsadm) {
    Map<String, Integer> found = new HashMap<>();
    Matcher m = Pattern.compile("->\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)\\s+\\S+\\s+(\\d+)").matcher(ipvsadm);
    while (m.find()) {
      found.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return miscWeights(found);
  }

  private static Map<String, String> miscWeights(Map<String, Integer> found) {
    List<String> servers = new ArrayList<>();
    for (String[][] group : List.of(MISC, TABLE, HTTP, ROUND)) {
      for (String[] rs : group) {
        servers.add(rs[0]);
      }
    }
    servers.addAll(List.of("127.0.4.1", "127.0.4.2", "127.0.9.9"));
    Map<String, String> out = new TreeMap<>();
    for (String rs : servers) {
      Integer w = found.get(rs + ":80");
      out.put(rs + ":80", w == null ? "removed" : String.valueOf(w));
    }
    return out;
  }

  /**
   * Each {@link #ROUND} server's requests before the reload and within {@link #ROUND_WINDOW} of its first, from one
   * side's log ("web PATH SECONDS" lines): the path and the seconds since that server's first request.
   */
  private static Map<String, List<String>> rounds(List<String> lines) {
    double reload = Double.MAX_VALUE;
    for (String line : lines) {
      String[] w = line.strip().split(" ");
      if (w.length == 2 && w[0].equals("reload")) {
        reload = Double.parseDouble(w[1]);
      }
    }
    Map<String, List<String>> out = new TreeMap<>();
    Map<String, Double> first = new HashMap<>();
    for (String line : lines) {
      String[] w = line.strip().split(" ");
      if (w.length != 3 || !w[0].equals("web") || Double.parseDouble(w[2]) >= reload) {
        continue;
      }
      String server = w[1].substring(0, w[1].indexOf('/', 1));
      double t = Double.parseDouble(w[2]);
      double t0 = first.computeIfAbsent(server, k -> t);
      if (t - t0 >= ROUND_WINDOW) {
        continue;
      }
      out.computeIfAbsent(server, k -> new ArrayList<>()).add(w[1] + " " + fmt(t - t0));
    }
    return out;
  }

  /** The url rounds of both sides agree: the same urls in the same order, each within 0.5 s of the other. */
  private static void assertSameRounds(Map<String, List<String>> keepalived, Map<String, List<String>> lbkit) {
    String both = "url rounds before the reload: keepalived " + keepalived + ", lbkit " + lbkit;
    assertEquals(keepalived.keySet(), lbkit.keySet(), both);
    for (String server : keepalived.keySet()) {
      List<String> theirs = keepalived.get(server);
      List<String> ours = lbkit.get(server);
      assertEquals(theirs.stream().map(x -> x.split(" ")[0]).toList(), ours.stream().map(x -> x.split(" ")[0])
          .toList(), "the same urls in the same order? " + both);
      for (int i = 0; i < theirs.size(); i++) {
        double a = Double.parseDouble(theirs.get(i).split(" ")[1]);
        double b = Double.parseDouble(ours.get(i).split(" ")[1]);
        assertTrue(Math.abs(a - b) <= 0.5, "request " + i + " of " + server + " at the same time? " + both);
      }
    }
    // the rounds the config sets up: r1 passes a round, then /late fails, is retried a second later and then asked
    // every delay loop; r2 fails in its first round without a retry
    assertEquals(List.of("/r1/a 0.00", "/r1/late 2", "/r1/a 4", "/r1/late 6", "/r1/late 7", "/r1/late 9"),
        coarse(keepalived.get("/r1")), "r1's round? " + both);
    assertEquals(List.of("/r2/a 0.00", "/r2/fail 2", "/r2/fail 4", "/r2/fail 6", "/r2/fail 8"),
        coarse(keepalived.get("/r2")), "r2's round? " + both);
  }

  /** "PATH SECONDS" with the seconds rounded down to whole ones (the first kept as it is, 0.00). */
  private static List<String> coarse(List<String> requests) {
    return requests.stream().map(x -> x.split(" ")).map(w -> w[0] + " " + (w[1].equals("0.00") ? w[1]
        : String.valueOf((int) Math.floor(Double.parseDouble(w[1]))))).toList();
  }

  private static String between(String text, String from, String to) {
    int a = text.indexOf(from);
    int b = text.indexOf(to, Math.max(a, 0));
    assertTrue(a >= 0 && b > a, "no \"" + from + "\" section in the lab output:\n" + text);
    return text.substring(a + from.length(), b);
  }

  @Test
  void keepalivedAndLbkit_scheduleEachCheckerAlike() throws Exception {
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path lab = module.getParent().resolve("lab/kernel/run");
    assertTrue(Files.isExecutable(lab), lab + " is missing");
    Path dir = module.resolve("target/keepalived-timing-lab");
    Files.createDirectories(dir);
    // exit.sh N exits N; "exit.sh once" exits 12 on its first run and 0 afterwards (state in this side's /tmp: the
    // VM has a fresh one)
    Path once = Path.of("/tmp/lbkit-timing-once-" + UUID.randomUUID());
    Path exit = Files.writeString(dir.resolve("exit.sh"), "#!/bin/sh\nif [ \"$1\" = once ]; then\n"
        + "  [ -e " + once + " ] && exit 0\n  : > " + once + "\n  exit 12\nfi\nexit \"$1\"\n");
    Files.setPosixFilePermissions(exit, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Listeners l = new Listeners(OPEN_QUORUM + 1)) {
      Path file = Files.writeString(dir.resolve("keepalived.conf"), conf(l, dir));

      // lbkit on the host, as `lbkit run` runs the file: a KeepalivedDirector, here writing an in-memory table
      KeepalivedConfig c = KeepalivedConfigParser.parse(file).orThrow();
      RecordingTableWriter table = new RecordingTableWriter();
      Map<String, String> oursBefore;
      Map<String, String> oursAfter;
      try (KeepalivedDirector node = KeepalivedDirector.builder(c, table).build()) {
        l.note("launch " + l.now());
        node.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(RELOAD_AT));
        oursBefore = weights(Map.copyOf(table.table));
        l.note("reload " + l.now());
        node.reload(KeepalivedConfigParser.parse(file).orThrow()).get(5, TimeUnit.SECONDS);
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS - RELOAD_AT));
        oursAfter = weights(Map.copyOf(table.table));
      } finally {
        Files.deleteIfExists(once);
      }
      List<String> ours;
      synchronized (l.lines) {
        ours = List.copyOf(l.lines);
      }
      String lbkit = judge("lbkit", ours, l);
      Map<String, List<String>> ourRounds = rounds(ours);

      // keepalived in the VM, on the same ports of its own loopback
      String ports = l.sockets.stream().map(s -> String.valueOf(s.getLocalPort())).collect(Collectors.joining(","));
      Path log = module.resolve("target/keepalived-timing-lab.log");
      Process p = new ProcessBuilder(lab.toString(), "--timeout", "600", "--", "bash",
          module.resolve("src/test/lab/keepalived-timing.sh").toString(), dir.toString(), ports,
          String.valueOf(SECONDS + 2), String.valueOf(RELOAD_AT), String.valueOf(l.web.getAddress().getPort())).directory(module.getParent().toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(700, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String output = Files.readString(log);
      assertTrue(done && p.exitValue() == 0, "the lab failed; see " + log + ":\n" + output);
      List<String> theirLines = between(output, "=== connections ===", "=== end ===").lines().skip(1).toList();
      String keepalived = judge("keepalived", theirLines, l);
      Map<String, List<String>> theirRounds = rounds(theirLines);
      Map<String, String> theirsBefore = weights(between(output, "=== table before reload ===", "=== end ==="));
      Map<String, String> theirsAfter = weights(between(output, "=== table ===", "=== end ==="));
      String misc = "weights before the reload: keepalived " + theirsBefore + ", lbkit " + oursBefore
          + "; after it: keepalived " + theirsAfter + ", lbkit " + oursAfter;
      System.out.println(keepalived + "\n" + lbkit + "\n" + misc + "\nurl rounds before the reload: keepalived "
          + theirRounds + ", lbkit " + ourRounds);
      assertEquals(theirsBefore, oursBefore, misc);
      assertSameRounds(theirRounds, ourRounds);
      Map<String, String> dynamic = new TreeMap<>(theirsBefore);
      dynamic.keySet().retainAll(List.of("127.0.2.1:80", "127.0.2.2:80", "127.0.2.3:80", "127.0.2.4:80"));
      assertEquals(Map.of("127.0.2.1:80", "12", "127.0.2.2:80", "0", "127.0.2.3:80", "10", "127.0.2.4:80", "3"),
          dynamic, "the lab's keepalived no longer adds dynamic weights up? " + misc);
      theirsAfter.remove(RELOAD_QUIRK);
      oursAfter.remove(RELOAD_QUIRK);
      assertEquals(theirsAfter, oursAfter, "weights kept across the reload? " + misc);
    }
  }
}
