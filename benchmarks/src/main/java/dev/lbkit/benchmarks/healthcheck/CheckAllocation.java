package dev.lbkit.benchmarks.healthcheck;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bytes the event-loop thread allocates per TCP connect check (ThreadMXBean), steady state: 100 loopback listeners
 * in this JVM, each checked every 100 ms (1,000 checks a second) by one loop thread; 15 s to settle, then 20 s
 * measured. Not a speed benchmark: it counts bytes, so it needs no quiet machine.
 *
 * <pre>java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.lbkit.benchmarks.healthcheck.CheckAllocation</pre>
 */
public final class CheckAllocation {
  private CheckAllocation() {}

  public static void main(String[] args) throws Exception {
    List<ServerSocket> servers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ServerSocket s = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
      servers.add(s);
      Thread t = new Thread(() -> {
        while (!s.isClosed()) {
          try {
            Socket c = s.accept();
            c.close();
          } catch (IOException e) {
            return; // closed at the end
          }
        }
      }, "listener");
      t.setDaemon(true);
      t.start();
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (HealthChecker hc = HealthChecker.builder().threadName("alloc-loop").build()) {
      for (ServerSocket s : servers) {
        Endpoint e = new Endpoint(InetAddress.getLoopbackAddress(), s.getLocalPort());
        hc.add(Target.of(e, 1, TcpCheck.of(e), CheckPolicy.keepalived().interval(Duration.ofMillis(100))
            .timeout(Duration.ofSeconds(1)).retry(0).build()));
      }
      Thread.sleep(15_000);
      Thread loop = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("alloc-loop")).findFirst().orElseThrow();
      long b0 = mx.getThreadAllocatedBytes(loop.getId());
      long c0 = hc.stats().checksStarted();
      Thread.sleep(20_000);
      long b1 = mx.getThreadAllocatedBytes(loop.getId());
      long c1 = hc.stats().checksStarted();
      System.out.printf(Locale.ROOT, "checks=%d loopThreadBytes=%d bytes/check=%.1f nativeConnect=%s%n", c1 - c0,
          b1 - b0, (double) (b1 - b0) / (c1 - c0), hc.nativeConnect());
    } finally {
      for (ServerSocket s : servers) {
        s.close();
      }
    }
  }
}
