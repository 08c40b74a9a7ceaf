package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * When keepalived 2.2.7 runs its checkers, against when lbkit runs them for the same keepalived.conf: real keepalived
 * in the kernel lab VM (its checker process needs IPVS; see lab/kernel/run) and lbkit's director targets
 * ({@link HealthTargets}) on the host each check TCP listeners that record when every connection came, and the same
 * rules must hold on both sides:
 * <ul>
 *   <li>two checkers of one real server with {@code delay_loop 1} and {@code delay_loop 5} each keep their own
 *       schedule (keepalived re-arms each checker thread with its own delay loop): the first connects at least three
 *       times as often as the second, which still connects;
 *   <li>without {@code warmup}, a checker's first check waits a random time up to its delay loop (30 s here, so of
 *       eight such checkers some start late: at least two more than 4 s after the start);
 *   <li>{@code warmup 0} on their real server, eight checkers all start at once (within 3 s).
 * </ul>
 */
final class KeepalivedCheckerTimingLabIT {
  private static final int SECONDS = 20;
  private static final int LATE_ONES = 8;

  /** Listeners on free loopback ports recording when each connection came, in seconds on one clock. */
  private static final class Listeners implements AutoCloseable {
    final List<ServerSocket> sockets = new ArrayList<>();
    final List<String> lines = new ArrayList<>();
    final long origin = System.nanoTime();

    Listeners(int count) throws IOException {
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        sockets.add(s);
        Thread t = new Thread(() -> {
          while (!s.isClosed()) {
            try {
              Socket c = s.accept();
              synchronized (lines) {
                lines.add(s.getLocalPort() + " " + (System.nanoTime() - origin) / 1e9);
              }
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

    int port(int i) {
      return sockets.get(i).getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static String conf(Listeners l) {
    StringBuilder b = new StringBuilder("""
        global_defs {
          router_id lbkit_lab
        }
        virtual_server 10.10.10.1 80 {
          delay_loop 30
          lb_algo rr
          lb_kind NAT
          protocol TCP
          real_server 127.0.0.1 80 {
            TCP_CHECK {
              connect_ip 127.0.0.1
              connect_port %d
              connect_timeout 1
              delay_loop 1
              warmup 0
            }
            TCP_CHECK {
              connect_ip 127.0.0.1
              connect_port %d
              connect_timeout 1
              delay_loop 5
              warmup 0
            }
          }
        """.formatted(l.port(0), l.port(1)));
    for (int i = 0; i < LATE_ONES; i++) {
      b.append("  real_server 127.0.0.").append(2 + i).append(" 80 {\n    TCP_CHECK {\n      connect_ip 127.0.0.1\n"
          + "      connect_port ").append(l.port(2 + i)).append("\n      connect_timeout 1\n    }\n  }\n");
    }
    for (int i = 0; i < LATE_ONES; i++) {
      b.append("  real_server 127.0.1.").append(1 + i).append(" 80 {\n    warmup 0\n    TCP_CHECK {\n"
          + "      connect_ip 127.0.0.1\n      connect_port ").append(l.port(2 + LATE_ONES + i))
          .append("\n      connect_timeout 1\n    }\n  }\n");
    }
    return b.append("}\n").toString();
  }

  /** The rules above on one side's connection log ("PORT SECONDS" lines); returns a summary. */
  private static String judge(String side, List<String> lines, Listeners l) {
    Map<Integer, List<Double>> at = new HashMap<>();
    for (String line : lines) {
      String[] w = line.strip().split(" ");
      if (w.length == 2 && !w[0].equals("start")) {
        at.computeIfAbsent(Integer.parseInt(w[0]), k -> new ArrayList<>()).add(Double.parseDouble(w[1]));
      }
    }
    List<Double> fast = at.getOrDefault(l.port(0), List.of());
    assertTrue(!fast.isEmpty(), side + ": the delay_loop 1 checker never connected: " + lines);
    double start = fast.get(0);
    double end = start + SECONDS - 4;
    long nFast = fast.stream().filter(t -> t <= end).count();
    long nSlow = at.getOrDefault(l.port(1), List.of()).stream().filter(t -> t <= end).count();
    List<Double> late = new ArrayList<>();
    List<Double> prompt = new ArrayList<>();
    for (int i = 0; i < LATE_ONES; i++) {
      late.add(at.getOrDefault(l.port(2 + i), List.of(Double.MAX_VALUE)).get(0) - start);
      prompt.add(at.getOrDefault(l.port(2 + LATE_ONES + i), List.of(Double.MAX_VALUE)).get(0) - start);
    }
    String summary = side + ": in " + (SECONDS - 4) + " s delay_loop 1 connected " + nFast + " times, delay_loop 5 "
        + nSlow + " times; first checks without warmup at " + fmt(late) + " s, with warmup 0 at " + fmt(prompt)
        + " s";
    assertTrue(nSlow >= 2 && nFast >= 3 * nSlow, "each checker on its own delay loop? " + summary);
    assertTrue(late.stream().filter(t -> t > 4).count() >= 2, "default warmup (up to the delay loop)? " + summary);
    assertTrue(prompt.stream().allMatch(t -> t <= 3), "warmup 0 starts at once? " + summary);
    return summary;
  }

  private static String fmt(List<Double> times) {
    return times.stream().sorted().map(t -> t > 1e9 ? "never" : String.format(java.util.Locale.ROOT, "%.1f", t))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  @Test
  void keepalivedAndLbkit_scheduleEachCheckerAlike() throws Exception {
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path lab = module.getParent().resolve("lab/kernel/run");
    assertTrue(Files.isExecutable(lab), lab + " is missing");
    Path dir = module.resolve("target/keepalived-timing-lab");
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("connections.log"));
    try (Listeners l = new Listeners(2 + 2 * LATE_ONES)) {
      String text = conf(l);
      Path file = Files.writeString(dir.resolve("keepalived.conf"), text);

      // lbkit on the host
      KeepalivedConfig c = KeepalivedConfigParser.parse(file).orThrow();
      List<Target> targets = HealthTargets.of(c.virtualServers().get(0));
      assertEquals(1 + 2 * LATE_ONES, targets.size());
      try (HealthChecker checker = HealthChecker.builder().build()) {
        targets.forEach(checker::add);
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
      }
      List<String> ours;
      synchronized (l.lines) {
        ours = List.copyOf(l.lines);
      }
      String lbkit = judge("lbkit", ours, l);

      // keepalived in the VM, on the same ports of its own loopback
      String ports = l.sockets.stream().map(s -> String.valueOf(s.getLocalPort())).collect(Collectors.joining(","));
      Path log = module.resolve("target/keepalived-timing-lab.log");
      Process p = new ProcessBuilder(lab.toString(), "--timeout", "600", "--", "bash",
          module.resolve("src/test/lab/keepalived-timing.sh").toString(), dir.toString(), ports,
          String.valueOf(SECONDS + 2)).directory(module.getParent().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(700, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String output = Files.readString(log);
      assertTrue(done && p.exitValue() == 0, "the lab failed; see " + log + ":\n" + output);
      int from = output.indexOf("=== connections ===");
      int to = output.indexOf("=== end ===");
      assertTrue(from >= 0 && to > from, "no connection log in the lab output:\n" + output);
      String keepalived = judge("keepalived", output.substring(from, to).lines().skip(1).toList(), l);
      System.out.println(keepalived + "\n" + lbkit);
    }
  }
}
