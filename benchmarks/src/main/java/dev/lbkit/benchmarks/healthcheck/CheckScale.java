package dev.lbkit.benchmarks.healthcheck;

import com.sun.management.OperatingSystemMXBean;
import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckerStats;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TargetStatus;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scale soak for lb-healthcheck: N loopback targets checked once a second; reports the checker's CPU, threads and
 * how late checks start (p50/p99). Not JMH: it measures a steady state over wall-clock time, not an operation.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.lbkit.benchmarks.healthcheck.CheckScale \
 *     tcp 10000 [measureSeconds=30] [threads=1] [native|nio] [timerSlackMillis=0]
 * </pre>
 *
 * The targets are listeners on 127.0.0.2 upwards (250 per address) in a child JVM ({@code serve} mode) with one
 * selector thread that accepts (tcp) or answers {@code HTTP/1.0 200} (http) and lets the checker hang up first, so
 * the checker's CPU is measured apart from the servers' (whose CPU is reported too). {@code nio} keeps TCP connect
 * checks on JDK channels instead of the Linux epoll path ({@code HealthChecker.Builder.nativeConnect}).
 */
public final class CheckScale {
  private static final int PER_ADDRESS = 250;

  private CheckScale() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("serve")) {
      serve(args[1].equals("http"), Integer.parseInt(args[2]));
      return;
    }
    String kind = args.length > 0 ? args[0] : "tcp";
    int targets = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    boolean nativeConnect = args.length <= 4 || !args[4].equals("nio");
    Duration slack = args.length > 5 ? Duration.ofNanos((long) (Double.parseDouble(args[5]) * 1e6))
        : HealthChecker.DEFAULT_TIMER_SLACK;
    run(kind, targets, seconds, threads, nativeConnect, slack);
  }

  private static void run(String kind, int count, int seconds, int threads, boolean nativeConnect,
      Duration slack) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CheckScale.class.getName(), "serve", kind, Integer.toString(count))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Endpoint> endpoints = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null && !line.equals("ready")) {
      endpoints.add(Endpoint.parse(line));
    }
    if (line == null) {
      throw new IllegalStateException("server exited early");
    }
    CheckPolicy policy = CheckPolicy.haproxy().interval(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(1))
        .rise(1).fall(1).warmup(Duration.ofSeconds(1)).build();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (HealthChecker checker = HealthChecker.builder().threads(threads).nativeConnect(nativeConnect)
        .timerSlack(slack).build()) {
      for (Endpoint e : endpoints) {
        Check c = kind.equals("http") ? HttpCheck.builder(e).path("/health").build() : TcpCheck.of(e);
        checker.add(Target.of(e, 1, c, policy));
      }
      Thread.sleep(10_000); // warm-up: JIT, first checks spread by the 1 s warmup
      checker.resetStats();
      long cpu0 = os.getProcessCpuTime();
      long[] st0 = userSys("self");
      long[] server0 = userSys(Long.toString(server.pid()));
      long wall0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long cpu = os.getProcessCpuTime() - cpu0;
      long[] st1 = userSys("self");
      long[] server1 = userSys(Long.toString(server.pid()));
      long wall = System.nanoTime() - wall0;
      CheckerStats s = checker.stats();
      long down = checker.statuses().stream().filter(t -> !t.up()).count();
      String reasons = checker.statuses().stream().filter(t -> !t.up()).limit(3)
          .map(t -> t.lastResult().map(Object::toString).orElse("?")).reduce((a, b) -> a + " | " + b).orElse("");
      System.out.printf(Locale.ROOT, "%s targets=%d measured=%ds connectPath=%s slack=%sms "
          + "checks/s=%.0f cpu=%.1f%% of one core "
          + "(user %.1f%% sys %.1f%%) us/check=%.1f servers=%.1f%% (user %.1f%% sys %.1f%%) jvmThreads=%d "
          + "loopThreads=%d lateness p50=%.1fms p99=%.1fms max=%.1fms down=%d %s%n",
          kind, endpoints.size(), seconds, checker.nativeConnect() ? "epoll" : "nio", slack.toNanos() / 1e6,
          s.checksStarted() * 1e9 / wall, 100.0 * cpu / wall,
          100.0 * (st1[0] - st0[0]) * 1e7 / wall, 100.0 * (st1[1] - st0[1]) * 1e7 / wall,
          cpu / 1e3 / Math.max(1, s.checksStarted()),
          100.0 * (server1[0] + server1[1] - server0[0] - server0[1]) * 1e7 / wall,
          100.0 * (server1[0] - server0[0]) * 1e7 / wall, 100.0 * (server1[1] - server0[1]) * 1e7 / wall,
          ManagementFactory.getThreadMXBean().getThreadCount(), s.threads(), ms(s.latenessP50()),
          ms(s.latenessP99()), ms(s.latenessMax()), down, reasons);
      for (TargetStatus t : checker.statuses()) {
        if (t.lastResult().isEmpty()) {
          System.out.println("never checked: " + t.key());
          break;
        }
      }
    } finally {
      server.getOutputStream().close();
      server.waitFor();
    }
  }

  /** Accepts, or returns null when nothing is pending or accept fails (out of descriptors): keep the listener. */
  private static SocketChannel acceptOrNull(ServerSocketChannel listener) {
    try {
      return listener.accept();
    } catch (IOException e) {
      return null;
    }
  }

  /** utime and stime of a process ("self" or a pid) in clock ticks (USER_HZ, 100 on Linux). */
  private static long[] userSys(String pid) throws IOException {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  private static double ms(Duration d) {
    return d.toNanos() / 1e6;
  }

  /** The child: listeners on 127.0.0.2.. that accept and close, or answer a minimal HTTP response. */
  private static void serve(boolean http, int count) throws IOException {
    Selector selector = Selector.open();
    for (int i = 0; i < count; i++) {
      int a = 2 + i / PER_ADDRESS;
      InetAddress addr = InetAddress.getByAddress(new byte[] {127, 0, (byte) (a >> 8), (byte) a});
      ServerSocketChannel ch = ServerSocketChannel.open();
      // fixed ports below the ephemeral range, so 10,000 listeners do not crowd the checker's source ports
      for (int port = 20_000 + i % PER_ADDRESS; ; port += PER_ADDRESS) {
        try {
          ch.bind(new InetSocketAddress(addr, port), 1024);
          break;
        } catch (IOException inUse) {
          if (port > 32_000) {
            throw inUse;
          }
        }
      }
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_ACCEPT);
      InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
      System.out.println(local.getAddress().getHostAddress() + ":" + local.getPort());
    }
    System.out.println("ready");
    System.out.flush();
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // until the parent closes our stdin
        }
      } catch (IOException e) {
        // parent gone
      }
      System.exit(0);
    });
    watchdog.setDaemon(true);
    watchdog.start();
    ByteBuffer in = ByteBuffer.allocate(4096);
    ByteBuffer response = ByteBuffer.wrap("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
        .getBytes(StandardCharsets.US_ASCII));
    while (true) {
      selector.select();
      for (SelectionKey k : selector.selectedKeys()) {
        try {
          if (k.isAcceptable()) {
            SocketChannel c;
            while ((c = acceptOrNull((ServerSocketChannel) k.channel())) != null) {
              // wait for the request (http) or for the checker to hang up (tcp): the checker closes first
              c.configureBlocking(false);
              c.register(selector, SelectionKey.OP_READ);
            }
          } else if (k.isReadable()) {
            SocketChannel c = (SocketChannel) k.channel();
            in.clear();
            int n = c.read(in);
            if (n > 0 && http) {
              c.write(response.duplicate()); // small: fits the socket buffer; then wait for the hang-up
            } else if (n < 0) {
              k.cancel();
              c.close();
            }
          }
        } catch (IOException e) {
          k.cancel();
          try {
            k.channel().close();
          } catch (IOException ignored) {
            // already gone
          }
        }
      }
      selector.selectedKeys().clear();
    }
  }
}
