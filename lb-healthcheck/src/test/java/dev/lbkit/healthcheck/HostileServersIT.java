package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every hostile behaviour yields DOWN with the right reason by its deadline; afterwards the checker holds no more
 * descriptors or threads than before, and the loop thread allocated far less than the flood offered.
 *
 * <p>The servers run in a child JVM ({@link HostileServer}) so only the checker's resources are counted here.
 */
final class HostileServersIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** Grace past the deadline for a loaded 2-core CI machine; the deadline itself is enforced by the loop. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private static Process servers;
  private static final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  static void startServers() throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    servers = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HostileServer.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(servers.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null && !line.equals("ready")) {
      String[] f = line.split(" ");
      ports.put(f[0], Integer.parseInt(f[1]));
    }
    if (line == null) {
      throw new IllegalStateException("hostile servers exited before they were ready");
    }
  }

  @AfterAll
  static void stopServers() throws Exception {
    servers.getOutputStream().close();
    if (!servers.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      servers.destroyForcibly();
    }
  }

  private static Endpoint at(String name) {
    Integer port = ports.get(name);
    if (port == null) {
      throw new IllegalStateException("no hostile server " + name);
    }
    return Endpoint.parse("127.0.0.1:" + port);
  }

  private record Case(String server, Function<Endpoint, Check> check, DownReason expected) {}

  private static final String ANY_MD5 = "0123456789abcdef0123456789abcdef";
  /** The byte cap for the flood case: small, so a loaded CI machine reaches it well before the deadline. */
  private static final int FLOOD_CAP = 32 * 1024;

  private static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("silent", e -> HttpCheck.builder(e).build(), DownReason.TIMEOUT));
    c.add(new Case("slow", e -> HttpCheck.builder(e).digest(ANY_MD5).build(), DownReason.TIMEOUT));
    c.add(new Case("flood", e -> HttpCheck.builder(e).digest(ANY_MD5).maxBytes(FLOOD_CAP).build(),
        DownReason.TOO_LARGE));
    c.add(new Case("rawflood", e -> HttpCheck.builder(e).build(), DownReason.PROTOCOL_ERROR));
    c.add(new Case("rawflood", e -> dev.lbkit.healthcheck.agent.AgentCheck.of(e), DownReason.TOO_LARGE));
    c.add(new Case("rawflood", e -> dev.lbkit.healthcheck.smtp.SmtpCheck.of(e), DownReason.TOO_LARGE));
    c.add(new Case("silent", e -> dev.lbkit.healthcheck.agent.AgentCheck.of(e), DownReason.TIMEOUT));
    c.add(new Case("endless-headers", e -> HttpCheck.builder(e).build(), DownReason.PROTOCOL_ERROR));
    c.add(new Case("close-mid-body", e -> HttpCheck.builder(e).digest(ANY_MD5).build(), DownReason.CLOSED));
    c.add(new Case("close-mid-head", e -> HttpCheck.builder(e).build(), DownReason.CLOSED));
    c.add(new Case("reset", e -> HttpCheck.builder(e).build(), DownReason.RESET));
    c.add(new Case("expired-tls", e -> HttpCheck.builder(e).tls(TestTls.trustingServer().build()).build(),
        DownReason.CERTIFICATE));
    c.add(new Case("untrusted-tls", e -> HttpCheck.builder(e).tls(TestTls.trustingServer().build()).build(),
        DownReason.CERTIFICATE));
    c.add(new Case("garbage-instead-of-tls", e -> HttpCheck.builder(e).tls(TestTls.trustingServer().build()).build(),
        DownReason.TLS_HANDSHAKE));
    c.add(new Case("garbage-instead-of-tls", e -> TcpCheck.of(e).withTls(TlsSettings.builder().verify(false).build()),
        DownReason.TLS_HANDSHAKE));
    c.add(new Case("tls-then-silent", e -> HttpCheck.builder(e).tls(TestTls.trustingServer().build()).build(),
        DownReason.TIMEOUT));
    return c;
  }

  /** Runs each case alone and asserts its reason and that it ended by its deadline (plus grace). */
  private static void runEachAlone(HealthChecker checker) {
    for (Case c : cases()) {
      Check check = c.check().apply(at(c.server()));
      long start = System.nanoTime();
      CheckResult r = Await.result(checker.checkOnce(check, TIMEOUT));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      Await.down(r, c.expected());
      assertTrue(took.compareTo(TIMEOUT.plus(GRACE)) <= 0, c.server() + " took " + took + ": " + r);
    }
  }

  /**
   * Runs every case {@code copies} times at once and asserts each is down (with its reason, or TIMEOUT when the
   * loaded machine starved it); returns the thread count while they were in flight. The exact reasons and timing
   * are asserted one case at a time by {@link #runEachAlone}.
   */
  private static int runConcurrently(HealthChecker checker, int copies) {
    List<CompletableFuture<CheckResult>> futures = new ArrayList<>();
    List<Case> all = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      for (Case c : cases()) {
        all.add(c);
        futures.add(checker.checkOnce(c.check().apply(at(c.server())), TIMEOUT));
      }
    }
    int threadsInFlight = Resources.threads();
    for (int i = 0; i < futures.size(); i++) {
      CheckResult r = Await.result(futures.get(i));
      DownReason expected = all.get(i).expected();
      // a CPU-starved loop may reach an attempt's deadline first; down it must be, by one of the two
      assertTrue(r instanceof CheckResult.Down && (((CheckResult.Down) r).reason() == expected
          || ((CheckResult.Down) r).reason() == DownReason.TIMEOUT), all.get(i).server() + ": " + r);
    }
    return threadsInFlight;
  }

  @Test
  void everyHostileServer_isDownForTheRightReason_byTheDeadline_withoutLeaks() throws Exception {
    Thread loop;
    Set<Thread> threadsAtTheBaseline;
    try (HealthChecker checker = HealthChecker.builder().threadName("hostile").build()) {
      runConcurrently(checker, 1); // warm up: classes loaded, jars opened, TLS and crypto initialised
      runEachAlone(checker);
      loop = Resources.thread("hostile-0");
      int fdsBefore = Resources.openFds();
      int threadsBefore = Resources.threads();
      long allocatedBefore = Resources.allocatedBytes(loop);
      threadsAtTheBaseline = Thread.getAllStackTraces().keySet();

      int threadsDuring = runConcurrently(checker, 5); // 80 hostile attempts, concurrently on one loop thread

      long allocated = Resources.allocatedBytes(loop) - allocatedBefore;
      assertEquals(threadsBefore, threadsDuring, "checks must not start threads");
      int fdsAfter = Resources.openFdsSettlingTo(fdsBefore);
      assertTrue(fdsAfter <= fdsBefore, "file descriptors leaked: " + fdsBefore + " before, " + fdsAfter + " after");
      // the floods offered hundreds of MB; the caps stop each at 32 KiB (HTTP) or 1 KiB (agent)
      assertTrue(allocated < 64L * 1024 * 1024, "the loop thread allocated " + allocated + " bytes");
    }
    // closed: its one loop thread has ended, and no thread alive now was started after the baseline (JVM-wide ones
    // that the warm-up's first use started, such as JNA's cleaner, are in the baseline)
    loop.join(5000);
    assertTrue(!loop.isAlive(), "the loop thread still runs after close");
    Set<Thread> after = Thread.getAllStackTraces().keySet();
    List<String> started = after.stream().filter(t -> !threadsAtTheBaseline.contains(t)).map(Thread::getName).toList();
    assertTrue(started.isEmpty(), "threads started during the hostile checks outlive the checker: " + started);
  }
}
